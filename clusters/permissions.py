"""Loading a person's roles, and reaching clusters and meetings (rules: innocities.core.permissions).

Roles are loaded here because this is the lowest app that knows both kinds of role: a
municipality membership (coordinator, viewer) and a cluster roster entry (programme manager and
the rest). ``RolesMiddleware`` puts them on every request, so the pages of lower apps use them
without importing this module, as every app uses ``request.user``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.functional import SimpleLazyObject

from clusters.models import Cluster, ClusterMembership, Meeting, RosterEntry, RosterRole
from innocities.accounts.models import User
from innocities.core.permissions import ANONYMOUS, Access, Level, Roles, authorize, roles_for
from municipalities.models import MunicipalityMembership, MunicipalityRole


def load_roles(user: User | AnonymousUser) -> Roles:
    """Everything ``user`` holds: two queries now, and one more on first use of the cluster
    memberships that concern a coordinator, viewer or manager (``Roles``)."""
    if not isinstance(user, User) or not user.is_active:
        return ANONYMOUS
    if user.is_staff or user.is_superuser:
        return Roles(is_admin=True)
    managed: set[int] = set()
    rostered: set[int] = set()
    partner_organisations: set[int] = set()
    partner_clusters: set[int] = set()
    other_roles_clusters: set[int] = set()
    for cluster_id, role, organisation_id in (
        RosterEntry.objects.current()
        .filter(user=user)
        .values_list("cluster_id", "role", "organisation_id")
    ):
        rostered.add(cluster_id)
        if role == RosterRole.PROGRAMME_MANAGER:
            managed.add(cluster_id)
        if role == RosterRole.PARTNER_CONTACT:
            partner_clusters.add(cluster_id)
            if organisation_id is not None:
                partner_organisations.add(organisation_id)
        else:
            other_roles_clusters.add(cluster_id)
    coordinator: set[int] = set()
    viewer: set[int] = set()
    for municipality_id, role in MunicipalityMembership.objects.filter(user=user).values_list(
        "municipality_id", "role"
    ):
        (coordinator if role == MunicipalityRole.COORDINATOR else viewer).add(municipality_id)
    municipalities = coordinator | viewer

    def load_cluster_memberships() -> tuple[frozenset[int], frozenset[int]]:
        managed_municipalities: set[int] = set()
        member_clusters: set[int] = set()
        if managed or municipalities:
            for cluster_id, municipality_id in (
                ClusterMembership.objects.current()
                .filter(Q(cluster_id__in=managed) | Q(municipality_id__in=municipalities))
                .values_list("cluster_id", "municipality_id")
            ):
                if cluster_id in managed:
                    managed_municipalities.add(municipality_id)
                if municipality_id in municipalities:
                    member_clusters.add(cluster_id)
        return frozenset(managed_municipalities), frozenset(member_clusters)

    return Roles(
        managed_cluster_ids=frozenset(managed),
        rostered_cluster_ids=frozenset(rostered),
        coordinator_municipality_ids=frozenset(coordinator),
        viewer_municipality_ids=frozenset(viewer),
        partner_organisation_ids=frozenset(partner_organisations),
        partner_only_cluster_ids=frozenset(partner_clusters - other_roles_clusters),
        load_cluster_memberships=load_cluster_memberships,
    )


class RolesMiddleware:
    """Puts the person's roles on ``request.roles``, loaded on first use (after
    ``AuthenticationMiddleware``). Read them with ``innocities.core.permissions.roles_for``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.roles = SimpleLazyObject(lambda: load_roles(request.user))  # type: ignore[attr-defined]
        return self.get_response(request)


def visible_clusters(roles: Roles) -> QuerySet[Cluster]:
    """Clusters a person may read: rostered in, or their municipality is an open member."""
    if roles.is_admin:
        return Cluster.objects.all()
    # A subquery rather than ``roles.member_cluster_ids``: one query in all, not two.
    members = ClusterMembership.objects.current().filter(municipality_id__in=roles.municipality_ids)
    return Cluster.objects.filter(
        Q(pk__in=roles.rostered_cluster_ids) | Q(pk__in=members.values("cluster_id"))
    )


def get_cluster_for_roles(roles: Roles, pk: int, *, level: Level = Level.READ) -> Access[Cluster]:
    """As ``get_cluster_for_user``, for someone who is not the request's user (the owner of a
    calendar feed's token)."""
    cluster = Cluster.objects.filter(pk=pk).first()
    return authorize(cluster, lambda cluster: roles.cluster_level(cluster.pk), level)


def get_cluster_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> Access[Cluster]:
    """The cluster, if the person may reach it at ``level``: 404 outside scope, 403 below."""
    return get_cluster_for_roles(roles_for(request), pk, level=level)


def get_meeting_for_user(
    request: HttpRequest, cluster_pk: int, pk: int, *, level: Level = Level.READ
) -> tuple[Access[Cluster], Meeting]:
    """A meeting through its cluster: a meeting of another cluster answers 404."""
    access = get_cluster_for_user(request, cluster_pk, level=level)
    return access, get_object_or_404(access.obj.meetings, pk=pk)
