from __future__ import annotations

from django.urls import path

from programs import views
from programs.views import exports

app_name = "programs"

urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/export/<str:fmt>/", exports.program_export, name="export"),
    path("<int:pk>/updates/new/", views.update_create, name="update_create"),
    path("<int:program_pk>/modules/<int:pk>/", views.module_tasks, name="module_tasks"),
    path("<int:program_pk>/tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:program_pk>/tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path(
        "<int:program_pk>/milestones/<int:pk>/edit/",
        views.milestone_edit,
        name="milestone_edit",
    ),
]
