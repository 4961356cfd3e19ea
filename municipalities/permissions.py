"""Reaching municipalities (rules: innocities.core.permissions)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from innocities.core.permissions import (
    Access,
    Level,
    Roles,
    authorize,
    authorize_reference,
    roles_for,
)
from municipalities.models import Municipality


def manageable_municipalities(roles: Roles) -> QuerySet[Municipality]:
    """Municipalities whose people, settings and programmes a person manages: all for
    administrators, the open members of their clusters for programme managers."""
    if roles.is_admin:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=roles.managed_municipality_ids)


def get_municipality_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> Access[Municipality]:
    """The municipality, for what is its own business (programmes' set-up, needs, settings,
    self-assessments): 404 for people with no role there, 403 below ``level``."""
    roles = roles_for(request)
    municipality = Municipality.objects.select_related("county").filter(pk=pk).first()
    return authorize(municipality, lambda m: roles.municipality_level(m.pk), level)


def get_reference_municipality(
    request: HttpRequest, pk: int, *, level: Level = Level.NONE
) -> Access[Municipality]:
    """The municipality as reference data, which every signed-in person reads: 404 only if it
    does not exist, 403 below ``level`` (e.g. appointing its people needs MANAGE)."""
    roles = roles_for(request)
    municipality = Municipality.objects.select_related("county").filter(pk=pk).first()
    return authorize_reference(municipality, lambda m: roles.municipality_level(m.pk), level)
