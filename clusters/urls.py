from __future__ import annotations

from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("", views.list_view, name="list"),
]
