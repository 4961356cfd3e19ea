"""Reaching initiatives (rules: ``Roles.initiative_level`` in innocities.core.permissions).

Assumptions, gate decisions, partners and effort are fetched through their initiative.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from innocities.core.permissions import Access, Level, Roles, authorize, roles_for
from programs.initiatives.models import Initiative, InitiativePartner


def initiative_level(roles: Roles, initiative: Initiative) -> Level:
    organisation_ids: frozenset[int] = frozenset()
    if roles.partner_organisation_ids:
        organisation_ids = frozenset(
            InitiativePartner.objects.filter(initiative=initiative).values_list(
                "organisation_id", flat=True
            )
        )
    return roles.initiative_level(
        municipality_id=initiative.municipality_id,
        cluster_id=initiative.cluster_id,
        organisation_ids=organisation_ids,
    )


def visible_initiatives(roles: Roles) -> QuerySet[Initiative]:
    """Initiatives a person may read (the same rule as ``initiative_level``, as a query)."""
    if roles.is_admin:
        return Initiative.objects.all()
    readable_clusters = (
        roles.managed_cluster_ids
        | (roles.rostered_cluster_ids - roles.partner_only_cluster_ids)
        | (roles.member_cluster_ids if roles.municipality_ids else frozenset())
    )
    scope = (
        Q(municipality_id__in=roles.municipality_ids)
        | Q(cluster_id__in=readable_clusters)
        | Q(municipality_id__in=roles.managed_municipality_ids if roles.is_manager else ())
    )
    if roles.partner_organisation_ids:
        scope |= Q(
            pk__in=InitiativePartner.objects.filter(
                organisation_id__in=roles.partner_organisation_ids
            ).values("initiative_id")
        )
    return Initiative.objects.filter(scope)


def get_initiative_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> Access[Initiative]:
    """The initiative, if the person may reach it at ``level``: 404 outside scope, 403 below."""
    roles = roles_for(request)
    initiative = (
        Initiative.objects.select_related("municipality", "cluster", "need", "lead", "module")
        .filter(pk=pk)
        .first()
    )
    return authorize(initiative, lambda i: initiative_level(roles, i), level)
