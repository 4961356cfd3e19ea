from __future__ import annotations

from django.urls import path

from programs.adoption import views

app_name = "adoption"

urlpatterns = [
    # The scaled pilots of a person's peers, and one pilot's read-only peer view.
    path("pilots/", views.pilot_list, name="pilots"),
    # Peers' pilots for the needs of the person's municipalities (the dashboard's section).
    path("suggestions/", views.suggestions, name="suggestions"),
    path("pilots/<int:pk>/", views.pilot, name="pilot"),
    path("pilots/<int:pk>/adopt/", views.adopt, name="adopt"),
]
