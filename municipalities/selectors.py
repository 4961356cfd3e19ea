"""Reads for municipalities: the list, one municipality's page and who may manage its people.

Municipalities are reference data that every signed-in person may read. What hangs off them is
not: cluster names are shown only for clusters the person may read (a cluster's existence is
not leaked), needs only to people who share a cluster with the municipality, people only to
those who may see its programmes, and programmes only as ``visible_programs`` gives them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Lag

from clusters.models import Cluster, ClusterMembership, Need
from innocities.accounts.models import User
from innocities.core.permissions import (
    Roles,
    manages_municipality,
    visible_clusters,
    visible_programs,
)
from municipalities.models import Municipality, MunicipalityMembership
from programs.models import Program


def visible_cluster_ids(roles: Roles) -> list[int] | None:
    """Ids of the clusters a person may read; ``None`` means all (administrators)."""
    if roles.is_admin:
        return None
    return list(visible_clusters(roles).values_list("pk", flat=True))


def _only_visible(memberships: QuerySet[ClusterMembership], cluster_ids: list[int] | None):
    return memberships if cluster_ids is None else memberships.filter(cluster_id__in=cluster_ids)


def municipality_list(*, roles: Roles) -> QuerySet[Municipality]:
    """All municipalities with county and the open memberships of visible clusters prefetched.

    Three queries for a page whatever its size (count, rows, memberships), plus one here for
    the visible cluster ids. The prefetched memberships land on ``open_memberships``.
    """
    open_memberships = _only_visible(
        ClusterMembership.objects.filter(left_on__isnull=True).select_related("cluster"),
        visible_cluster_ids(roles),
    ).order_by("cluster__name")
    return Municipality.objects.select_related("county").prefetch_related(
        Prefetch("cluster_memberships", queryset=open_memberships, to_attr="open_memberships")
    )


def manageable_municipalities(roles: Roles) -> QuerySet[Municipality]:
    """Municipalities whose coordinators and viewers a person may appoint and remove.

    Administrators: all. Programme managers: the open members of the clusters they manage.
    """
    if roles.is_admin:
        return Municipality.objects.all()
    if not roles.managed_cluster_ids:
        return Municipality.objects.none()
    return Municipality.objects.filter(
        cluster_memberships__cluster_id__in=roles.managed_cluster_ids,
        cluster_memberships__left_on__isnull=True,
    ).distinct()


def can_manage_people(roles: Roles, municipality: Municipality) -> bool:
    """Appoint and remove its coordinators and viewers: whoever manages the municipality."""
    return manages_municipality(roles, municipality)


@dataclass(frozen=True)
class MunicipalityAccess:
    """What one person may see of one municipality beyond its facts."""

    cluster_ids: list[int] | None  # readable clusters; None = all
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
      look for needs they share).
    """
    cluster_ids = visible_cluster_ids(roles)
    manage = can_manage_people(roles, municipality)
    people = manage or municipality.pk in roles.municipality_ids
    needs = people or (
        bool(cluster_ids)
        and municipality.cluster_memberships.filter(
            cluster_id__in=cluster_ids, left_on__isnull=True
        ).exists()
    )
    return MunicipalityAccess(
        cluster_ids=cluster_ids,
        see_needs=needs,
        see_people=people,
        manage_people=manage,
        change_settings=manage or municipality.pk in roles.coordinator_municipality_ids,
    )


def may_change_settings(roles: Roles, municipality: Municipality) -> bool:
    """The municipality's settings (benchmark sharing): its coordinators, the managers of a
    cluster it is an open member of, and administrators."""
    return municipality.pk in roles.coordinator_municipality_ids or can_manage_people(
        roles, municipality
    )


@dataclass(frozen=True)
class SettingChange:
    when: dt.datetime
    who: User | None
    share_benchmarks: bool


def share_benchmarks_history(municipality: Municipality, *, limit: int = 10) -> list[SettingChange]:
    """Who turned benchmark sharing on or off and when, newest first; one query.

    Read from simple-history, so a change made in the admin shows too. A record that changed
    something else (a population figure, say) is left out by comparing each record with the
    one before it; the first record counts only if it shared (off is the default).
    """
    records = (
        Municipality.history.filter(id=municipality.pk)  # type: ignore[attr-defined]
        .select_related("history_user")
        .annotate(
            previous=Window(
                Lag("share_benchmarks"), partition_by=[F("id")], order_by=[F("history_id").asc()]
            )
        )
        .order_by("-history_date", "-history_id")
    )
    changes = [
        SettingChange(
            when=record.history_date,
            who=record.history_user,
            share_benchmarks=record.share_benchmarks,
        )
        for record in records
        if record.share_benchmarks != (record.previous if record.previous is not None else False)
    ]
    return changes[:limit]


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
        _only_visible(
            municipality.cluster_memberships.select_related("cluster"), access.cluster_ids
        ).order_by(F("left_on").desc(nulls_first=True), "-joined_on")
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


def municipality_people(municipality: Municipality) -> QuerySet[MunicipalityMembership]:
    return municipality.memberships.select_related("user").order_by(
        "role", "user__full_name", "user__email"
    )


def cluster_filter_choices(roles: Roles) -> QuerySet[Cluster]:
    return visible_clusters(roles).order_by("name")


def search_municipalities(queryset: QuerySet[Municipality], text: str) -> QuerySet[Municipality]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(name__icontains=text) | Q(code__startswith=text))


def user_countries(user_ids: Iterable[int]) -> dict[int, str]:
    """The country of each person's municipality (for the holidays of their digests); people
    with no municipality are left out. One query."""
    return dict(
        MunicipalityMembership.objects.filter(user_id__in=set(user_ids))
        .order_by("user_id", "-id")
        .values_list("user_id", "municipality__country")
    )
