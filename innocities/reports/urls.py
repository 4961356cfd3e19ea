from __future__ import annotations

from django.urls import path

from innocities.reports import views

app_name = "reports"

urlpatterns = [
    path("programmes/<int:pk>/", views.program_list, name="program_list"),
    path("programmes/<int:pk>/request/", views.request_program, name="request"),
    path("clusters/<int:pk>/", views.cluster_list, name="cluster_list"),
    path("clusters/<int:pk>/request/", views.request_cluster, name="cluster_request"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
]
