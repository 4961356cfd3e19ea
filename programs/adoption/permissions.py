"""Who sees a peer's scaled pilot, and who may adopt it (rules: innocities.core.permissions).

A municipality's own initiative is read by its own people only (``Roles.initiative_level``).
Once it has passed the gate into implementation (stage implementation or operation, not
stopped) it is a *scaled pilot*, and its peers may read a **peer view** of it
(``programs.adoption`` pages), never the initiative's own page:

- its own municipality's coordinators and viewers (they read the whole page anyway);
- the coordinators and viewers of every municipality that shares a current cluster with it;
- the programme managers of its current clusters;
- administrators.

Everyone else gets 404, as for anything outside their scope. Adopting (EDIT on the pilot)
is for the coordinators of such a peer municipality, for that municipality, and for
administrators, who choose the municipality among the owner's current cluster peers.
A joint initiative of a cluster is not a pilot to adopt: the cluster's members read it already.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from clusters.models import ClusterMembership
from innocities.core.permissions import Access, Level, Roles, authorize, roles_for
from municipalities.models import Municipality
from programs.initiatives.models import Initiative, Stage, State

# The stages a pilot reaches by passing the gate into implementation (and on to operation).
SCALED_STAGES: tuple[str, ...] = (Stage.IMPLEMENTATION, Stage.OPERATION)


def scaled_pilots() -> QuerySet[Initiative]:
    """Municipalities' initiatives past the implementation gate and not stopped."""
    return Initiative.objects.filter(municipality__isnull=False, stage__in=SCALED_STAGES).exclude(
        state=State.STOPPED
    )


def is_scaled(initiative: Initiative) -> bool:
    return (
        initiative.municipality_id is not None
        and initiative.stage in SCALED_STAGES
        and initiative.state != State.STOPPED
    )


def _cluster_peers(municipality_ids: frozenset[int]) -> QuerySet[ClusterMembership, int]:
    """The current members of the clusters ``municipality_ids`` are current members of (them
    included), as a subquery."""
    clusters = ClusterMembership.objects.current().filter(municipality_id__in=municipality_ids)
    return (
        ClusterMembership.objects.current()
        .filter(cluster_id__in=clusters.values("cluster_id"))
        .values_list("municipality_id", flat=True)
    )


def peer_scope(roles: Roles, *, field: str = "municipality_id") -> Q:
    """The municipalities whose scaled pilots a person may read in the peer view, as a filter
    on ``field`` (no query now; a subquery when it is used): their own, the current members of
    the clusters their municipalities are current members of, and the current members of the
    clusters they manage. Administrators: all."""
    if roles.is_admin:
        return Q()
    scope = Q(**{f"{field}__in": roles.municipality_ids})
    if roles.municipality_ids:
        scope |= Q(**{f"{field}__in": _cluster_peers(roles.municipality_ids)})
    if roles.managed_cluster_ids:
        scope |= Q(
            **{
                f"{field}__in": ClusterMembership.objects.current()
                .filter(cluster_id__in=roles.managed_cluster_ids)
                .values("municipality_id")
            }
        )
    return scope


def visible_pilots(roles: Roles) -> QuerySet[Initiative]:
    """The scaled pilots a person may read in the peer view (one query when evaluated)."""
    if not (roles.is_admin or roles.municipality_ids or roles.managed_cluster_ids):
        return Initiative.objects.none()
    return scaled_pilots().filter(peer_scope(roles))


def adopters_for(roles: Roles, pilot: Initiative) -> QuerySet[Municipality]:
    """The municipalities the person may adopt ``pilot`` for: peers of its owner in a
    current cluster, other than the owner, that the person coordinates (administrators: every
    such peer). Whether one has adopted it already is the service's and the page's concern."""
    owner = pilot.municipality_id
    if (
        owner is None
        or not is_scaled(pilot)
        or not (roles.is_admin or roles.coordinator_municipality_ids)
    ):
        return Municipality.objects.none()
    peers = Municipality.objects.filter(pk__in=_cluster_peers(frozenset({owner}))).exclude(pk=owner)
    if not roles.is_admin:
        peers = peers.filter(pk__in=roles.coordinator_municipality_ids)
    return peers.order_by("name", "pk")


def may_read_pilot(roles: Roles, pilot: Initiative) -> bool:
    """Whether the person may read ``pilot``'s peer view (the module docstring's rule, the
    same as ``peer_scope``). At most one query."""
    owner = pilot.municipality_id
    if owner is None or not is_scaled(pilot):
        return False
    if roles.is_admin:
        return True
    if owner in roles.municipality_ids:
        return True
    if roles.managed_cluster_ids and owner in roles.managed_municipality_ids:
        return True
    return bool(roles.municipality_ids) and (
        ClusterMembership.objects.current()
        .filter(municipality_id=owner, cluster_id__in=roles.member_cluster_ids)
        .exists()
    )


def pilot_level(roles: Roles, pilot: Initiative) -> Level:
    """READ on the peer view; EDIT when the person may adopt the pilot for at least one
    municipality (whether it did already is not asked here). At most three queries."""
    if not may_read_pilot(roles, pilot):
        return Level.NONE
    if roles.is_admin:
        return Level.EDIT
    if roles.coordinator_municipality_ids - {pilot.municipality_id} and (
        adopters_for(roles, pilot).exists()
    ):
        return Level.EDIT
    return Level.READ


def get_pilot_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> Access[Initiative]:
    """The scaled pilot's peer view, if the person may reach it at ``level``: 404 for an
    initiative that is no scaled pilot or outside their peers, 403 below ``level``."""
    roles = roles_for(request)
    pilot = Initiative.objects.select_related("municipality", "need").filter(pk=pk).first()
    return authorize(pilot, lambda p: pilot_level(roles, p), level)
