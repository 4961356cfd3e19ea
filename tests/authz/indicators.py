"""Who may reach the indicator pages.

Programme pages use Ale's programme: its coordinator (EDIT) and viewer (READ), cluster A's
manager and the admin (MANAGE); everyone else gets 404. Cluster A's list is read by everyone
rostered in it or whose municipality is a member (coordinator, viewer, partner, manager,
admin). The create, edit and value rules use the programme scope; tests/indicators covers
the cluster scope (MANAGE only). A permitted POST with empty data re-renders the form (200).

Open statistics add no URL: fetched values show on these pages, and the comparison of a
cluster's members is a section of ``indicators:cluster_list`` (same readers); who sees which
member there is tested in tests/indicators/test_statistics_pages.py.
"""

from __future__ import annotations

from decimal import Decimal

from programs.indicators.models import Indicator
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

PROGRAM_READERS = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}
PROGRAM_EDITORS = {"coordinator": 200, "viewer": 403, "manager": 200, "admin": 200}
CLUSTER_READERS = {
    "coordinator": 200,
    "viewer": 200,
    "partner": 200,
    "manager": 200,
    "admin": 200,
}


def _program(world) -> dict[str, int]:
    return {"pk": world.program.pk}


def _cluster(world) -> dict[str, int]:
    return {"pk": world.cluster_a.pk}


def _program_scope(world) -> dict[str, object]:
    return {"scope": "programmes", "parent_pk": world.program.pk}


def _indicator(world) -> dict[str, object]:
    indicator = Indicator.objects.create(
        program=world.program,
        name="Share of renewable energy",
        baseline_value=Decimal(10),
        target_value=Decimal(40),
    )
    return {"scope": "programmes", "parent_pk": world.program.pk, "pk": indicator.pk}


RULES = {
    "indicators:program_list": Rule(
        get=statuses(404, **PROGRAM_READERS), post=statuses(NOT_ALLOWED), kwargs=_program
    ),
    "indicators:cluster_list": Rule(
        get=statuses(404, **CLUSTER_READERS), post=statuses(NOT_ALLOWED), kwargs=_cluster
    ),
    "indicators:create": Rule(
        get=statuses(404, **PROGRAM_EDITORS),
        post=statuses(404, **PROGRAM_EDITORS),
        kwargs=_program_scope,
    ),
    "indicators:edit": Rule(
        get=statuses(404, **PROGRAM_EDITORS),
        post=statuses(404, **PROGRAM_EDITORS),
        kwargs=_indicator,
    ),
    "indicators:value": Rule(
        get=statuses(404, **PROGRAM_EDITORS),
        post=statuses(404, **PROGRAM_EDITORS),
        kwargs=_indicator,
    ),
}
