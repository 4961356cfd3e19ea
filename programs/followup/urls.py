from __future__ import annotations

from django.urls import path

from programs.followup import views

app_name = "followup"

urlpatterns = [
    path("clusters/<int:pk>/meetings/<int:meeting_pk>/", views.follow_up, name="meeting"),
    path(
        "clusters/<int:pk>/meetings/<int:meeting_pk>/items/new/",
        views.item_add,
        name="item_add",
    ),
    path(
        "clusters/<int:pk>/meetings/<int:meeting_pk>/items/<int:item_pk>/edit/",
        views.item_edit,
        name="item_edit",
    ),
    path(
        "clusters/<int:pk>/meetings/<int:meeting_pk>/items/<int:item_pk>/remove/",
        views.item_remove,
        name="item_remove",
    ),
    path("clusters/<int:pk>/tasks/", views.cluster_tasks, name="cluster_tasks"),
    path(
        "clusters/<int:pk>/tasks/<int:task_pk>/status/",
        views.cluster_task_status,
        name="cluster_task_status",
    ),
]
