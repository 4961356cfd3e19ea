"""The one place that decides who may see and do what.

Rules, in the words of DOMAIN.md: an object outside a person's scope answers 404 (its existence
is not leaked); an action above their role answers 403. Views fetch objects through the
``get_*_for_user`` helpers below and children through their parent.

Roles are data:
- administrator: an active staff or superuser account — everything;
- programme manager: an open roster entry with the programme-manager role in a cluster —
  manages that cluster, its roster and meetings, and the programmes of its municipalities;
- other open roster entries (cluster lead, municipal contact, partner contact, expert) —
  read the cluster and its meetings;
- coordinator / viewer: a municipality membership — edit / read that municipality's
  programmes, and read the clusters the municipality is an open member of.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from clusters.models import Cluster, Meeting, RosterEntry, RosterRole
from municipalities.models import Municipality, MunicipalityMembership, MunicipalityRole
from programs.models import Program


class Level(enum.IntEnum):
    NONE = 0
    READ = 1
    EDIT = 2  # update tasks and milestones, write progress updates
    MANAGE = 3  # roster, meetings, programme set-up


@dataclass(frozen=True)
class Roles:
    """What one person may do, loaded once per request (two queries)."""

    is_admin: bool = False
    managed_cluster_ids: frozenset[int] = field(default_factory=frozenset)
    rostered_cluster_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_municipality_ids: frozenset[int] = field(default_factory=frozenset)
    viewer_municipality_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def municipality_ids(self) -> frozenset[int]:
        return self.coordinator_municipality_ids | self.viewer_municipality_ids

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_cluster_ids)

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_municipality_ids)


def load_roles(user: object) -> Roles:
    if not getattr(user, "is_authenticated", False) or not user.is_active:  # type: ignore[attr-defined]
        return Roles()
    if user.is_staff or user.is_superuser:  # type: ignore[attr-defined]
        return Roles(is_admin=True)
    managed: set[int] = set()
    rostered: set[int] = set()
    for cluster_id, role in RosterEntry.objects.filter(
        user=user, ended_on__isnull=True
    ).values_list("cluster_id", "role"):
        rostered.add(cluster_id)
        if role == RosterRole.PROGRAMME_MANAGER:
            managed.add(cluster_id)
    coordinator: set[int] = set()
    viewer: set[int] = set()
    for municipality_id, role in MunicipalityMembership.objects.filter(user=user).values_list(
        "municipality_id", "role"
    ):
        (coordinator if role == MunicipalityRole.COORDINATOR else viewer).add(municipality_id)
    return Roles(
        managed_cluster_ids=frozenset(managed),
        rostered_cluster_ids=frozenset(rostered),
        coordinator_municipality_ids=frozenset(coordinator),
        viewer_municipality_ids=frozenset(viewer),
    )


def roles_for(request: HttpRequest) -> Roles:
    """The person's roles, cached on the request."""
    roles = getattr(request, "_innocities_roles", None)
    if roles is None:
        roles = load_roles(request.user)
        request._innocities_roles = roles  # type: ignore[attr-defined]
    return roles


# --- clusters ---------------------------------------------------------------------------


def visible_clusters(roles: Roles) -> QuerySet[Cluster]:
    """Clusters a person may read: rostered in, or their municipality is an open member."""
    if roles.is_admin:
        return Cluster.objects.all()
    return Cluster.objects.filter(
        Q(pk__in=roles.rostered_cluster_ids)
        | Q(
            memberships__municipality_id__in=roles.municipality_ids,
            memberships__left_on__isnull=True,
        )
    ).distinct()


def cluster_level(roles: Roles, cluster: Cluster) -> Level:
    if roles.is_admin or cluster.pk in roles.managed_cluster_ids:
        return Level.MANAGE
    if cluster.pk in roles.rostered_cluster_ids:
        return Level.READ
    if (
        roles.municipality_ids
        and cluster.memberships.filter(
            municipality_id__in=roles.municipality_ids, left_on__isnull=True
        ).exists()
    ):
        return Level.READ
    return Level.NONE


def get_cluster_for_user(request: HttpRequest, pk: int, *, level: Level = Level.READ) -> Cluster:
    """The cluster, if the person may reach it at ``level``: 404 outside scope, 403 below."""
    cluster = Cluster.objects.filter(pk=pk).first()
    if cluster is None:
        raise Http404
    granted = cluster_level(roles_for(request), cluster)
    if granted == Level.NONE:
        raise Http404
    if granted < level:
        raise PermissionDenied
    request.cluster_level = granted  # type: ignore[attr-defined]
    return cluster


def get_meeting_for_user(
    request: HttpRequest, cluster_pk: int, pk: int, *, level: Level = Level.READ
) -> tuple[Cluster, Meeting]:
    cluster = get_cluster_for_user(request, cluster_pk, level=Level.READ)
    if cluster_level(roles_for(request), cluster) < level:
        raise PermissionDenied
    meeting = cluster.meetings.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return cluster, meeting


# --- programmes -------------------------------------------------------------------------


def visible_programs(roles: Roles) -> QuerySet[Program]:
    if roles.is_admin:
        return Program.objects.all()
    return Program.objects.filter(
        Q(municipality_id__in=roles.municipality_ids) | Q(cluster_id__in=roles.managed_cluster_ids)
    )


def program_level(roles: Roles, program: Program) -> Level:
    if roles.is_admin or program.cluster_id in roles.managed_cluster_ids:
        return Level.MANAGE
    if program.municipality_id in roles.coordinator_municipality_ids:
        return Level.EDIT
    if program.municipality_id in roles.viewer_municipality_ids:
        return Level.READ
    return Level.NONE


def get_program_for_user(request: HttpRequest, pk: int, *, level: Level = Level.READ) -> Program:
    """The programme, if the person may reach it at ``level``: 404 outside scope, 403 below."""
    program = (
        Program.objects.select_related("municipality", "cluster", "template").filter(pk=pk).first()
    )
    if program is None:
        raise Http404
    granted = program_level(roles_for(request), program)
    if granted == Level.NONE:
        raise Http404
    if granted < level:
        raise PermissionDenied
    request.program_level = granted  # type: ignore[attr-defined]
    return program


def can_create_programs(roles: Roles) -> bool:
    return roles.is_admin or roles.is_manager


def require_admin_or_manager(request: HttpRequest) -> Roles:
    """For actions only staff and programme managers take (e.g. inviting people): else 403."""
    roles = roles_for(request)
    if not (roles.is_admin or roles.is_manager):
        raise PermissionDenied
    return roles


# --- municipalities ----------------------------------------------------------------------


def manages_municipality(roles: Roles, municipality: Municipality) -> bool:
    """Administrators, and managers of a cluster the municipality is an open member of (one
    query for a manager, none for anyone else)."""
    if roles.is_admin:
        return True
    if not roles.managed_cluster_ids:
        return False
    return municipality.cluster_memberships.filter(
        cluster_id__in=roles.managed_cluster_ids, left_on__isnull=True
    ).exists()


def municipality_level(roles: Roles, municipality: Municipality) -> Level:
    """What a person may do with a municipality's programmes and their set-up: MANAGE for
    administrators and the managers of a cluster it is an open member of (one query), EDIT
    for its coordinators, READ for its viewers, else NONE."""
    if manages_municipality(roles, municipality):
        return Level.MANAGE
    if municipality.pk in roles.coordinator_municipality_ids:
        return Level.EDIT
    if municipality.pk in roles.viewer_municipality_ids:
        return Level.READ
    return Level.NONE


def get_municipality_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> Municipality:
    """The municipality, if the person reaches its programmes at ``level``: 404 for those who
    do not see its programmes at all, 403 below ``level``."""
    municipality = Municipality.objects.select_related("county").filter(pk=pk).first()
    if municipality is None:
        raise Http404
    granted = municipality_level(roles_for(request), municipality)
    if granted == Level.NONE:
        raise Http404
    if granted < level:
        raise PermissionDenied
    return municipality
