from __future__ import annotations

from django.urls import path

from innocities.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
