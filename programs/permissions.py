"""Reaching programmes (rules: innocities.core.permissions)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from innocities.core.permissions import Access, Level, Roles, authorize, roles_for
from programs.models import Program


def visible_programs(roles: Roles) -> QuerySet[Program]:
    """Programmes a person may read: their municipalities' and those of the clusters they
    manage (administrators: all)."""
    if roles.is_admin:
        return Program.objects.all()
    return Program.objects.filter(
        Q(municipality_id__in=roles.municipality_ids) | Q(cluster_id__in=roles.managed_cluster_ids)
    )


def program_level(roles: Roles, program: Program) -> Level:
    return roles.program_level(
        cluster_id=program.cluster_id, municipality_id=program.municipality_id
    )


def get_program_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> Access[Program]:
    """The programme, if the person may reach it at ``level``: 404 outside scope, 403 below."""
    roles = roles_for(request)
    program = (
        Program.objects.select_related("municipality", "cluster", "template").filter(pk=pk).first()
    )
    return authorize(program, lambda p: program_level(roles, p), level)
