from __future__ import annotations

from django.urls import path

from innocities.portal import accessibility, export_views, personal_data_views, views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path(
        "municipalities/export/<str:fmt>/",
        export_views.municipality_export,
        name="municipality_export",
    ),
    path("municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("clusters/<int:pk>/benchmark/", views.cluster_benchmark, name="cluster_benchmark"),
    path("my-data/", personal_data_views.my_data, name="my_data"),
    path("my-data.json", personal_data_views.my_data_json, name="my_data_json"),
    path("people/<int:pk>/data/", personal_data_views.person_data_page, name="person_data"),
    path("people/<int:pk>/erase/", personal_data_views.person_erase_page, name="person_erase"),
    path("accessibility/", accessibility.accessibility_statement, name="accessibility"),
    path("personal-data/", personal_data_views.personal_data_record, name="personal_data_record"),
]
