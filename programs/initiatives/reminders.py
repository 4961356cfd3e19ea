"""What of the innovation process is due, for the reminder scan (``innocities.notifications``).

Two kinds of dates remind anyone: an active initiative's next decision point (``next_gate_due_on``;
an initiative in operation has no further gate), and an open assumption's test-by date, while its
initiative is active (a parked or stopped initiative tests nothing).

Who hears of it: the initiative lead and the coordinators of its municipality; for a joint
initiative, the lead and the cluster's programme managers. Escalations go to the programme
managers: of the municipality's current clusters, or of the joint initiative's cluster. Each
function runs a fixed number of queries, however many initiatives are due.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse

from clusters.models import ClusterMembership
from clusters.selectors import cluster_managers
from innocities.core.reminders import Due
from municipalities.models import MunicipalityMembership, MunicipalityRole
from programs.initiatives.models import Assumption, Initiative, Outcome, Stage, State

# What each query reads of the initiative, from the initiative or from an assumption.
_INITIATIVE_FIELDS = (
    "id",
    "title",
    "municipality_id",
    "municipality__name",
    "cluster_id",
    "cluster__name",
    "lead_id",
    "lead__is_active",
)


def _coordinators(municipality_ids: Iterable[int | None]) -> dict[int, set[int]]:
    """Municipality id → its coordinators with an active account; one query."""
    result: dict[int, set[int]] = defaultdict(set)
    for municipality_id, user_id in MunicipalityMembership.objects.filter(
        municipality_id__in={m for m in municipality_ids if m},
        role=MunicipalityRole.COORDINATOR,
        user__is_active=True,
    ).values_list("municipality_id", "user_id"):
        result[municipality_id].add(user_id)
    return result


def _municipality_managers(municipality_ids: Iterable[int | None]) -> dict[int, set[int]]:
    """Municipality id → the programme managers of the clusters it is a current member of;
    two queries."""
    clusters: dict[int, set[int]] = defaultdict(set)
    for municipality_id, cluster_id in (
        ClusterMembership.objects.current()
        .filter(municipality_id__in={m for m in municipality_ids if m})
        .values_list("municipality_id", "cluster_id")
    ):
        clusters[municipality_id].add(cluster_id)
    managers = cluster_managers({c for ids in clusters.values() for c in ids})
    return {
        municipality_id: {user for c in cluster_ids for user in managers.get(c, set())}
        for municipality_id, cluster_ids in clusters.items()
    }


def _recipients(rows: list[dict[str, Any]], *, to_managers: bool) -> dict[int, frozenset[int]]:
    """Initiative id → who hears of it (see the module docstring)."""
    municipality_ids = {r["municipality_id"] for r in rows}
    cluster_ids = {r["cluster_id"] for r in rows}
    managers = cluster_managers(cluster_ids)
    if to_managers:
        of_municipality = _municipality_managers(municipality_ids)
        return {
            r["id"]: frozenset(
                managers.get(r["cluster_id"], set())
                if r["cluster_id"]
                else of_municipality.get(r["municipality_id"], set())
            )
            for r in rows
        }
    coordinators = _coordinators(municipality_ids)
    result = {}
    for r in rows:
        people = set(
            managers.get(r["cluster_id"], set())
            if r["cluster_id"]
            else coordinators.get(r["municipality_id"], set())
        )
        if r["lead_id"] and r["lead__is_active"]:
            people.add(r["lead_id"])
        result[r["id"]] = frozenset(people)
    return result


def _owner_name(row: dict[str, Any]) -> str:
    return row["municipality__name"] or row["cluster__name"] or ""


def _reminding_initiatives() -> QuerySet[Initiative]:
    """Initiatives whose dates still remind anyone: active ones."""
    return Initiative.objects.filter(state=State.ACTIVE)


def gate_reminders(days: Iterable[dt.date], *, to_managers: bool) -> list[Due]:
    """Active initiatives, not yet in operation, whose next decision is due on one of ``days``."""
    rows = list(
        _reminding_initiatives()
        .filter(next_gate_due_on__in=list(days))
        .exclude(stage=Stage.OPERATION)
        .values(*_INITIATIVE_FIELDS, "next_gate_due_on", "stage")
    )
    if not rows:
        return []
    content_type = ContentType.objects.get_for_model(Initiative)
    recipients = _recipients(rows, to_managers=to_managers)
    return [
        Due(
            content_type=content_type,
            object_id=row["id"],
            day=row["next_gate_due_on"],
            recipient_ids=recipients[row["id"]],
            url=reverse("initiatives:detail", kwargs={"pk": row["id"]}),
            context={
                "title": f"{row['title']} ({_owner_name(row)})",
                "due": row["next_gate_due_on"],
                "initiative": row["title"],
                "owner": _owner_name(row),
            },
        )
        for row in rows
    ]


def gates_due_on(ids: Iterable[int]) -> dict[int, dt.date]:
    """The next decision date of each of these initiatives that still reminds anyone: active,
    not in operation, with a date. Others (decided, parked, stopped, deleted) are left out."""
    dated = (
        _reminding_initiatives()
        .filter(pk__in=set(ids), next_gate_due_on__isnull=False)
        .exclude(stage=Stage.OPERATION)
        .values_list("pk", "next_gate_due_on")
    )
    return {pk: day for pk, day in dated if day is not None}


def _assumption_fields() -> list[str]:
    return [f"initiative__{name}" for name in _INITIATIVE_FIELDS]


def _reminding_assumptions() -> QuerySet[Assumption]:
    """Assumptions still to be tested, of active initiatives."""
    return Assumption.objects.filter(
        outcome=Outcome.OPEN, test_by__isnull=False, initiative__state=State.ACTIVE
    )


def assumption_reminders(days: Iterable[dt.date], *, to_managers: bool) -> list[Due]:
    """Open assumptions of active initiatives to be tested by one of ``days``."""
    rows = list(
        _reminding_assumptions()
        .filter(test_by__in=list(days))
        .values("id", "statement", "test_by", *_assumption_fields())
    )
    if not rows:
        return []
    initiatives = {
        row["initiative__id"]: {name: row[f"initiative__{name}"] for name in _INITIATIVE_FIELDS}
        for row in rows
    }
    content_type = ContentType.objects.get_for_model(Assumption)
    recipients = _recipients(list(initiatives.values()), to_managers=to_managers)
    return [
        Due(
            content_type=content_type,
            object_id=row["id"],
            day=row["test_by"],
            recipient_ids=recipients[row["initiative__id"]],
            url=reverse("initiatives:detail", kwargs={"pk": row["initiative__id"]})
            + f"#assumption-{row['id']}",
            context={
                "title": f"{row['statement']} – {row['initiative__title']}",
                "due": row["test_by"],
                "initiative": row["initiative__title"],
                "owner": _owner_name(initiatives[row["initiative__id"]]),
            },
        )
        for row in rows
    ]


def assumptions_due_on(ids: Iterable[int]) -> dict[int, dt.date]:
    """The test-by date of each of these assumptions that still reminds anyone: open, dated,
    of an active initiative. Tested, undated, parked, stopped or deleted ones are left out."""
    dated = _reminding_assumptions().filter(pk__in=set(ids)).values_list("pk", "test_by")
    return {pk: day for pk, day in dated if day is not None}
