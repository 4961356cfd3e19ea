from __future__ import annotations

from django.urls import path, re_path

from programs.indicators import views

app_name = "indicators"

# An indicator lives in a programme or a cluster; ``scope`` names which, so every page fetches
# the parent through the authorization module first and the indicator through the parent.
SCOPE = r"(?P<scope>programmes|clusters)/(?P<parent_pk>[0-9]+)"

urlpatterns = [
    path("programmes/<int:pk>/", views.program_list, name="program_list"),
    path("clusters/<int:pk>/", views.cluster_list, name="cluster_list"),
    re_path(rf"^{SCOPE}/new/$", views.create, name="create"),
    re_path(rf"^{SCOPE}/(?P<pk>[0-9]+)/edit/$", views.edit, name="edit"),
    re_path(rf"^{SCOPE}/(?P<pk>[0-9]+)/value/$", views.value, name="value"),
]
