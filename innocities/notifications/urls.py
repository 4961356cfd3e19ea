from __future__ import annotations

from django.urls import path

from innocities.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("settings/", views.settings_view, name="settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
