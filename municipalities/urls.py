from __future__ import annotations

from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("", views.list_view, name="list"),
]
