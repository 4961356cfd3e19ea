"""Who may reach the benefit register.

The initiative is Ale's, with cluster A's partner organisation taking part (as in
initiatives.py), and its benefit is owned by the world's *viewer*: so the matrix proves that a
benefit owner who only reads the initiative may record a follow-up of their own benefit, but
not edit it. Reading the register: everyone who reads the initiative (coordinator, viewer,
partner, cluster A's manager, admin). Editing benefits and planning follow-ups: its editors
(coordinator, admin). Recording: its editors and the owner (viewer). Everyone else 404.
A permitted POST with empty data re-renders the form (200); the POST-only buttons redirect.
"My benefits" is every signed-in person's own list (GET only).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from clusters.models import ClusterPartner
from programs.benefits.models import Benefit, BenefitFollowUp, BenefitKind, Judgement
from programs.indicators.models import Direction
from programs.initiatives.models import Initiative, InitiativePartner
from tests.authz import Rule, statuses

NOT_ALLOWED = 405

READERS = {"coordinator": 200, "viewer": 200, "partner": 200, "manager": 200, "admin": 200}
EDITORS = {"coordinator": 200, "viewer": 403, "partner": 403, "manager": 403, "admin": 200}
RECORDERS = {**EDITORS, "viewer": 200}
EDITORS_REDIRECTED = {**EDITORS, "coordinator": 302, "admin": 302}


def _initiative(world) -> Initiative:
    initiative = Initiative.objects.create(
        municipality=world.ale,
        title="Smarta vattenmätare",
        stage="pilot",
        stage_since=world.program.starts_on,
        lead=world.coordinator,
    )
    InitiativePartner.objects.create(
        initiative=initiative,
        organisation=ClusterPartner.objects.get(cluster=world.cluster_a).organisation,
    )
    return initiative


def _benefit(world) -> Benefit:
    return Benefit.objects.create(
        initiative=_initiative(world),
        title="Färre vattenläckor",
        kind=BenefitKind.ECONOMY,
        owner=world.viewer,  # a viewer of Ale: may record, may not edit
        unit="läckor per år",
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=40,
        baseline_on=dt.date(2025, 1, 1),
        target_value=20,
        target_on=dt.date(2027, 12, 31),
    )


def _pk(world) -> dict[str, int]:
    return {"pk": _initiative(world).pk}


def _register(world) -> dict[str, int]:
    """A register with something in it (the accessibility check loads these pages): the
    benefit with a recorded follow-up, a planned one overdue and one ahead."""
    benefit = _benefit(world)
    BenefitFollowUp.objects.create(
        benefit=benefit,
        due_on=dt.date(2025, 12, 31),
        recorded_on=dt.date(2026, 1, 10),
        recorded_at=timezone.now(),
        recorded_by=world.viewer,
        value=30,
        judgement=Judgement.ON_TRACK,
        comment="Hälften av läckorna hittas tidigt.",
    )
    BenefitFollowUp.objects.create(benefit=benefit, due_on=dt.date(2026, 6, 30))
    BenefitFollowUp.objects.create(benefit=benefit, due_on=dt.date(2099, 6, 30))
    return {"pk": benefit.initiative_id}


def _mine(world) -> dict[str, int]:
    _register(world)  # the viewer's benefit, so their list is not empty
    return {}


def _benefit_kwargs(world) -> dict[str, int]:
    benefit = _benefit(world)
    return {"pk": benefit.initiative_id, "benefit_pk": benefit.pk}


def _followup_kwargs(world) -> dict[str, int]:
    benefit = _benefit(world)
    followup = BenefitFollowUp.objects.create(benefit=benefit, due_on=dt.date(2026, 6, 30))
    return {"pk": benefit.initiative_id, "benefit_pk": benefit.pk, "followup_pk": followup.pk}


RULES = {
    "benefits:mine": Rule(get=statuses(200), post=statuses(NOT_ALLOWED)),
    "benefits:register": Rule(get=statuses(404, **READERS), post=statuses(NOT_ALLOWED), kwargs=_pk),
    "benefits:create": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_pk
    ),
    "benefits:edit": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_benefit_kwargs
    ),
    "benefits:end": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_benefit_kwargs
    ),
    "benefits:remove": Rule(
        get=statuses(NOT_ALLOWED),
        post=statuses(404, **EDITORS_REDIRECTED),
        kwargs=_benefit_kwargs,
    ),
    "benefits:plan": Rule(
        get=statuses(404, **EDITORS), post=statuses(404, **EDITORS), kwargs=_benefit_kwargs
    ),
    "benefits:unplan": Rule(
        get=statuses(NOT_ALLOWED),
        post=statuses(404, **EDITORS_REDIRECTED),
        kwargs=_followup_kwargs,
    ),
    "benefits:record": Rule(
        get=statuses(404, **RECORDERS), post=statuses(404, **RECORDERS), kwargs=_benefit_kwargs
    ),
}
