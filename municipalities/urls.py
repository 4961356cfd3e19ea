from __future__ import annotations

from django.urls import path

from municipalities import views

app_name = "municipalities"

# The list and a municipality's own page are the portal's (innocities.portal.urls).
urlpatterns = [
    path("invite/", views.invite, name="invite"),
    path("<int:pk>/people/", views.members, name="members"),
    path("<int:pk>/settings/", views.municipality_settings, name="settings"),
    path(
        "<int:pk>/people/<int:membership_pk>/revoke/",
        views.member_revoke,
        name="member_revoke",
    ),
]
