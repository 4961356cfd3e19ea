"""Who may reach one initiative's pages (the portfolio pages are in initiatives_portfolio.py).

The initiative is Ale's, with cluster A's partner organisation taking part: its coordinator
edits it (EDIT), its viewer reads it, cluster A's manager reads it and may record a decision
taken in a cluster meeting, the partner contact reads it because their organisation takes
part, the admin does everything. Everyone else gets 404. A joint initiative is created by
the cluster's manager. A permitted POST with empty data re-renders the form (200).
"""

from __future__ import annotations

from clusters.models import ClusterPartner
from programs.initiatives.models import Assumption, Initiative, InitiativePartner
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

READERS = {"coordinator": 200, "viewer": 200, "partner": 200, "manager": 200, "admin": 200}
EDITORS = {"coordinator": 200, "viewer": 403, "partner": 403, "manager": 403, "admin": 200}
DECIDERS = {**EDITORS, "manager": 200}


def _initiative(world) -> Initiative:
    initiative = Initiative.objects.create(
        municipality=world.ale,
        title="Smarta vattenmätare",
        stage="idea",
        stage_since=world.program.starts_on,
        lead=world.coordinator,
    )
    InitiativePartner.objects.create(
        initiative=initiative,
        organisation=ClusterPartner.objects.get(cluster=world.cluster_a).organisation,
    )
    return initiative


def _pk(world) -> dict[str, int]:
    return {"pk": _initiative(world).pk}


def _assumption(world) -> dict[str, int]:
    initiative = _initiative(world)
    assumption = Assumption.objects.create(
        initiative=initiative,
        statement="Hushållen vill ha data",
        kind="need",
        impact=4,
        uncertainty=4,
    )
    return {"pk": initiative.pk, "assumption_pk": assumption.pk}


def _partner(world) -> dict[str, int]:
    initiative = _initiative(world)
    return {"pk": initiative.pk, "partner_pk": initiative.partners.get().pk}


RULES = {
    "initiatives:detail": Rule(
        get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_pk
    ),
    "initiatives:edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_pk
    ),
    "initiatives:gate": Rule(
        get=statuses(404, **DECIDERS), post=statuses(404, **DECIDERS), kwargs=_pk
    ),
    "initiatives:assumption_create": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_pk
    ),
    "initiatives:assumption_edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_assumption
    ),
    "initiatives:assumption_resolve": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_assumption
    ),
    "initiatives:partners": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_pk
    ),
    "initiatives:partner_remove": Rule(
        get=statuses(NOT_ALLOWED),
        post=statuses(404, **{**EDITORS, "coordinator": 302, "admin": 302}),
        kwargs=_partner,
    ),
    "initiatives:effort": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_pk
    ),
    "initiatives:create": Rule(
        get=statuses(404, coordinator=200, viewer=403, manager=403, admin=200),
        post=statuses(404, coordinator=200, viewer=403, manager=403, admin=200),
        kwargs=lambda world: {"pk": world.ale.pk},
    ),
    "initiatives:create_joint": Rule(
        get=statuses(404, coordinator=403, viewer=403, partner=403, manager=200, admin=200),
        post=statuses(404, coordinator=403, viewer=403, partner=403, manager=200, admin=200),
        kwargs=lambda world: {"pk": world.cluster_a.pk},
    ),
}
