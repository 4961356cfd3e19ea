from __future__ import annotations

from django.urls import path

from clusters.views import needs

app_name = "needs"

urlpatterns = [
    path("municipalities/<int:pk>/", needs.list_view, name="list"),
    path("municipalities/<int:pk>/new/", needs.create, name="create"),
    path("municipalities/<int:pk>/<int:need_pk>/edit/", needs.edit, name="edit"),
]
