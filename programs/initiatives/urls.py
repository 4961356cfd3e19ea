from __future__ import annotations

from django.urls import path

from programs.initiatives.views import pages, portfolio

app_name = "initiatives"

urlpatterns = [
    # A municipality's and a cluster's portfolio: the initiatives with the funnel and balance.
    path("municipalities/<int:pk>/", portfolio.municipality_portfolio, name="municipality"),
    path("municipalities/<int:pk>/target/", portfolio.target, name="target"),
    path("clusters/<int:pk>/", portfolio.cluster_portfolio, name="cluster"),
    # One initiative and what is done with it.
    path("municipalities/<int:pk>/new/", pages.create, name="create"),
    path("clusters/<int:pk>/new/", pages.create_joint, name="create_joint"),
    path("<int:pk>/", pages.detail, name="detail"),
    path("<int:pk>/edit/", pages.edit, name="edit"),
    path("<int:pk>/gate/", pages.gate, name="gate"),
    path("<int:pk>/assumptions/new/", pages.assumption_create, name="assumption_create"),
    path(
        "<int:pk>/assumptions/<int:assumption_pk>/edit/",
        pages.assumption_edit,
        name="assumption_edit",
    ),
    path(
        "<int:pk>/assumptions/<int:assumption_pk>/outcome/",
        pages.assumption_resolve,
        name="assumption_resolve",
    ),
    path("<int:pk>/partners/", pages.partners, name="partners"),
    path(
        "<int:pk>/partners/<int:partner_pk>/remove/",
        pages.partner_remove,
        name="partner_remove",
    ),
    path("<int:pk>/effort/", pages.effort, name="effort"),
]
