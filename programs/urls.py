from __future__ import annotations

from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.list_view, name="list"),
]
