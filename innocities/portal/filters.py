from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster, ClusterMembership
from clusters.permissions import visible_clusters
from innocities.core.permissions import Roles
from municipalities.models import Country, County, Municipality, SkrGroup
from municipalities.selectors import search_municipalities


class MunicipalityFilter(django_filters.FilterSet):
    """Search and filters of the municipality list.

    The cluster choices are the clusters the person may read, so the filter neither shows nor
    accepts a cluster outside their scope (an unknown id is a form error, not a leak).
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or code"), "type": "search"}),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=Country.choices, empty_label=_("All countries")
    )
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=County.objects.all(), empty_label=_("All counties")
    )
    skr_group = django_filters.ChoiceFilter(
        label=_("SKR group"), choices=SkrGroup.choices, empty_label=_("All groups")
    )
    cluster = django_filters.ModelChoiceFilter(
        label=_("Cluster"),
        queryset=Cluster.objects.none(),
        method="filter_cluster",
        empty_label=_("All clusters"),
    )

    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            ("name", _("Name (A–Ö)")),
            ("-name", _("Name (Ö–A)")),
            ("-population", _("Population (largest first)")),
            ("population", _("Population (smallest first)")),
        ],
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = Municipality
        fields = ["q", "country", "county", "skr_group", "cluster", "sort"]

    def __init__(self, *args: object, roles: Roles, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.filters["cluster"].queryset = visible_clusters(roles).order_by("name")

    def filter_search(
        self, queryset: QuerySet[Municipality], name: str, value: str
    ) -> QuerySet[Municipality]:
        return search_municipalities(queryset, value)

    def filter_cluster(
        self, queryset: QuerySet[Municipality], name: str, value: object
    ) -> QuerySet[Municipality]:
        if not value:
            return queryset
        members = ClusterMembership.objects.current().filter(cluster=value)
        return queryset.filter(pk__in=members.values("municipality_id"))

    def filter_sort(
        self, queryset: QuerySet[Municipality], name: str, value: str
    ) -> QuerySet[Municipality]:
        # Municipalities without a figure go last either way; name, country and code make the
        # order total so that pages never overlap.
        if value in ("population", "-population"):
            population = F("population")
            first = (
                population.desc(nulls_last=True)
                if value.startswith("-")
                else population.asc(nulls_last=True)
            )
            return queryset.order_by(first, "name", "country", "code")
        if value == "-name":
            return queryset.order_by("-name", "country", "code")
        return queryset.order_by("name", "country", "code")
