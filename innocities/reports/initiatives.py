"""The innovation process in a progress report: what was decided and learned in the period.

Plain JSON like the rest of the figures, in two queries whatever the number of initiatives,
decisions and assumptions: one for the gate decisions taken in the period, one for the
assumptions resolved in it. Dates are the business dates (``decided_on``, ``resolved_on``):
a decision recorded after its period's report was built shows in no later report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from programs.initiatives.models import Assumption, GateDecision, Initiative, Outcome


def _owner(initiative: Initiative) -> str:
    return initiative.municipality.name if initiative.municipality else initiative.cluster.name  # type: ignore[union-attr]


def initiative_figures(scope: Q, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Stage moves, every gate decision and the assumptions resolved in [start, end], of the
    initiatives ``scope`` selects (a filter on ``Initiative``)."""
    initiatives = Initiative.objects.filter(scope).values("pk")
    related = ("initiative__municipality", "initiative__cluster")
    gates = [
        {
            "initiative": gate.initiative.title,
            "initiative_id": gate.initiative_id,
            "owner": _owner(gate.initiative),
            "on": gate.decided_on.isoformat(),
            "from_stage": gate.from_stage,
            "to_stage": gate.to_stage,
            "decision": gate.decision,
            "advanced": gate.advanced,
            "body": gate.body,
            "decided_by": gate.decided_by,
            "conditions": gate.conditions,
            "rationale": gate.rationale,
        }
        for gate in GateDecision.objects.filter(
            initiative__in=initiatives, decided_on__gte=start, decided_on__lte=end
        )
        .select_related(*related)
        .order_by("decided_on", "initiative__title", "pk")
    ]
    assumptions = [
        {
            "initiative": item.initiative.title,
            "initiative_id": item.initiative_id,
            "owner": _owner(item.initiative),
            "on": item.resolved_on.isoformat(),  # type: ignore[union-attr]
            "statement": item.statement,
            "kind": item.kind,
            "outcome": item.outcome,
            "learning": item.learning,
        }
        for item in Assumption.objects.filter(
            initiative__in=initiatives, resolved_on__gte=start, resolved_on__lte=end
        )
        .exclude(outcome=Outcome.OPEN)
        .select_related(*related)
        .order_by("resolved_on", "initiative__title", "pk")
    ]
    return {
        "stage_moves": [gate for gate in gates if gate["advanced"]],
        "gates": gates,
        "assumptions_resolved": assumptions,
    }


def municipality_scope(municipality_id: int) -> Q:
    """A programme report: all of its municipality's initiatives."""
    return Q(municipality_id=municipality_id)


def cluster_scope(cluster_id: int, municipality_ids: Iterable[int]) -> Q:
    """A cluster report: its joint initiatives and those of its current members."""
    return Q(cluster_id=cluster_id) | Q(municipality_id__in=list(municipality_ids))
