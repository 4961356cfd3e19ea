"""Scaled pilots for the adoption tests: Alingsås (cluster A, with Ale) is the usual owner."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from clusters.models import Need
from innocities.accounts.models import User
from municipalities.models import Municipality
from programs.initiatives.models import (
    Assumption,
    GateDecision,
    Initiative,
    Outcome,
    Stage,
    State,
)
from tests import factories as f


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def need(municipality: Municipality, theme: str, title: str = "") -> Need:
    return f.NeedFactory(municipality=municipality, theme=theme, title=title or f"Need: {theme}")


def scaled_pilot(
    municipality: Municipality,
    *,
    theme: str = "Smart water",
    title: str = "Smarta vattenmätare",
    stage: str = Stage.IMPLEMENTATION,
    state: str = State.ACTIVE,
    scaled_on: dt.date | None = None,
    lead: User | None = None,
    assumptions: int = 2,
) -> Initiative:
    """An initiative of ``municipality`` answering a need with ``theme``, that passed the gate
    into implementation on ``scaled_on`` (a month ago), with a validated assumption and an
    open one (``assumptions`` in all)."""
    day = scaled_on or days_ago(30)
    pilot = Initiative.objects.create(
        municipality=municipality,
        title=title,
        description="Mätare som larmar vid läckor.",
        need=need(municipality, theme, f"{title}: behovet"),
        lead=lead,
        stage=stage,
        state=state,
        stage_since=day,
        expected_benefits="Färre vattenläckor",
        risk="Leverantören går i konkurs",
        estimated_cost_sek=250000,
        benefit_owner="VA-chefen",
    )
    if stage in (Stage.IMPLEMENTATION, Stage.OPERATION):
        GateDecision.objects.create(
            initiative=pilot,
            from_stage=Stage.PILOT,
            to_stage=Stage.IMPLEMENTATION,
            decision="go",
            decided_by="Kommunchef Kim Hemlig",
            body="management_group",
            decided_on=day,
            rationale="Internt resonemang om budgeten",
        )
    for n in range(assumptions):
        resolved = n == 0
        Assumption.objects.create(
            initiative=pilot,
            statement=f"Hushållen vill ha larm {n}",
            kind="need",
            impact=4,
            uncertainty=4,
            test_plan="Enkät till 200 hushåll",
            test_by=days_ago(60),
            outcome=Outcome.VALIDATED if resolved else Outcome.OPEN,
            learning="De flesta ville ha sms" if resolved else "",
            resolved_on=days_ago(50) if resolved else None,
        )
    return pilot
