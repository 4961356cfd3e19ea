from __future__ import annotations

from django.urls import path

from programs.tailoring import views

app_name = "tailoring"

urlpatterns = [
    path("", views.index, name="index"),
    # Not under …/municipalities/: the menu marks that section active by its path.
    path("<int:pk>/", views.tailor, name="tailor"),
    path("<int:pk>/preview/", views.preview, name="preview"),
]
