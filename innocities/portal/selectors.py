"""Reads for the municipality list and a municipality's page.

Municipalities are reference data that every signed-in person may read. What hangs off them is
not: cluster names are shown only for clusters the person may read (a cluster's existence is
not leaked), needs only to people who share a cluster with the municipality, people only to
those who may see its programmes, and programmes only as ``visible_programs`` gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet

from clusters.models import ClusterMembership, Need
from clusters.permissions import visible_clusters
from innocities.core.permissions import Roles
from municipalities.models import Municipality, MunicipalityMembership
from municipalities.selectors import municipality_people
from programs.models import Program
from programs.permissions import visible_programs


def _visible(memberships: QuerySet[ClusterMembership], roles: Roles) -> QuerySet[ClusterMembership]:
    if roles.is_admin:
        return memberships
    return memberships.filter(cluster_id__in=visible_clusters(roles).values("pk"))


def municipalities_with_clusters(*, roles: Roles) -> QuerySet[Municipality]:
    """All municipalities with county and the open memberships of visible clusters prefetched.

    Three queries for a page whatever its size (count, rows, memberships). The prefetched
    memberships land on ``open_memberships``.
    """
    open_memberships = _visible(
        ClusterMembership.objects.current().select_related("cluster"), roles
    ).order_by("cluster__name")
    return Municipality.objects.select_related("county").prefetch_related(
        Prefetch("cluster_memberships", queryset=open_memberships, to_attr="open_memberships")
    )


@dataclass(frozen=True)
class MunicipalityAccess:
    """What one person may see of one municipality beyond its facts."""

    see_needs: bool
    see_people: bool
    manage_people: bool
    change_settings: bool = False


def municipality_access(roles: Roles, municipality: Municipality) -> MunicipalityAccess:
    """Decide what a person sees of ``municipality``.

    - manage people: administrators and managers of a cluster it is an open member of;
    - change settings: those, and its own coordinators;
    - see people: those, and its own coordinators and viewers (who see its programmes);
    - see needs: those, and anyone who may read a cluster it is an open member of (peers
      look for needs they share). One query, only for that last case.
    """
    manage = roles.manages_municipality(municipality.pk)
    people = manage or municipality.pk in roles.municipality_ids
    needs = people or (
        bool(roles.rostered_cluster_ids or roles.municipality_ids)
        and _visible(municipality.cluster_memberships.current(), roles).exists()
    )
    return MunicipalityAccess(
        see_needs=needs,
        see_people=people,
        manage_people=manage,
        change_settings=manage or municipality.pk in roles.coordinator_municipality_ids,
    )


@dataclass(frozen=True)
class MunicipalityPage:
    memberships: list[ClusterMembership]
    needs: list[Need]
    people: list[MunicipalityMembership]
    programs: list[Program]


def municipality_page(
    *, roles: Roles, municipality: Municipality, access: MunicipalityAccess
) -> MunicipalityPage:
    """Everything the detail page shows, each list in one query."""
    memberships = list(
        _visible(municipality.cluster_memberships.select_related("cluster"), roles).order_by(
            F("left_on").desc(nulls_first=True), "-joined_on"
        )
    )
    needs = list(municipality.needs.all()) if access.see_needs else []
    people = list(municipality_people(municipality)) if access.see_people else []
    programs = list(
        visible_programs(roles)
        .filter(municipality=municipality)
        .select_related("cluster")
        .order_by("-starts_on")
    )
    return MunicipalityPage(memberships=memberships, needs=needs, people=people, programs=programs)
