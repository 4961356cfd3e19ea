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

from clusters.models import Cluster
from municipalities.models import Municipality
from programs.benefits.selectors import benefit_summary
from programs.initiatives.models import Assumption, GateDecision, Initiative, Outcome
from programs.lessons.models import Visibility
from programs.lessons.selectors import lessons_written_between


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
        "benefits": benefit_figures(Initiative.objects.filter(scope), start, end),
    }


def _share(value: Any) -> str | None:
    return None if value is None else str(value)


def benefit_figures(initiatives: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Benefits expected against realised at the end of the period, per initiative and in
    total, and the follow-ups recorded in [start, end] (two queries; ``benefit_summary``)."""
    summary = benefit_summary(initiatives, today=end, since=start)
    return {
        "initiatives": [
            {
                "initiative": item.initiative.title,
                "initiative_id": item.initiative.pk,
                "owner": _owner(item.initiative),
                "benefits": item.summary.benefits,
                "on_track": item.summary.on_track,
                "behind": item.summary.behind,
                "not_followed_up": item.summary.not_followed_up,
                "target_reached": item.summary.target_reached,
                "mean_share": item.summary.mean_share,
            }
            for item in summary.initiatives
        ],
        "total": {
            "benefits": summary.total.benefits,
            "on_track": summary.total.on_track,
            "behind": summary.total.behind,
            "not_followed_up": summary.total.not_followed_up,
            "target_reached": summary.total.target_reached,
            "mean_share": summary.total.mean_share,
            "overdue": summary.total.overdue,
        },
        "recorded": [
            {
                "benefit": item.followup.benefit.title,
                "initiative": item.followup.benefit.initiative.title,
                "owner": _owner(item.followup.benefit.initiative),
                "on": item.followup.recorded_on.isoformat(),  # type: ignore[union-attr]
                "judgement": item.followup.judgement,
                "value": _share(item.followup.value),
                "share": _share(item.share),
                "comment": item.followup.comment,
            }
            for item in reversed(summary.recorded)
        ],
    }


def municipality_scope(municipality_id: int) -> Q:
    """A programme report: all of its municipality's initiatives."""
    return Q(municipality_id=municipality_id)


def cluster_scope(cluster_id: int, municipality_ids: Iterable[int]) -> Q:
    """A cluster report: its joint initiatives and those of its current members."""
    return Q(cluster_id=cluster_id) | Q(municipality_id__in=list(municipality_ids))


def lesson_figures(
    *,
    municipality: Municipality | None = None,
    cluster: Cluster | None = None,
    start: dt.date,
    end: dt.date,
) -> list[dict[str, Any]]:
    """The lessons written in [start, end] that the report's every reader may read (one query).

    A programme report goes to the cluster's programme managers as well as the municipality's
    own people, so a lesson its writer kept to the municipality stays out of every report;
    a cluster report has the cluster's own and what members share with their clusters."""
    lessons = lessons_written_between(
        municipality=municipality, cluster=cluster, start=start, end=end
    ).filter(visibility__in=[Visibility.CLUSTERS, Visibility.PARTNERSHIP])
    return [
        {
            "title": lesson.title,
            "lesson_id": lesson.pk,
            "owner": str(lesson.municipality or lesson.cluster),
            "initiative": lesson.initiative.title if lesson.initiative else "",
            "on": lesson.created_at.date().isoformat(),
            "theme": lesson.theme,
            "stage": lesson.stage,
            "body": lesson.body,
        }
        for lesson in lessons
    ]
