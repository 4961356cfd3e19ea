"""Reads for programmes: progress, overdue counts and the proposed status.

Everything here works on many programmes at once with a fixed number of queries, so that a
dashboard's query count does not grow with the number of programmes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from programs.models import (
    OPEN_STATUSES,
    ItemStatus,
    Milestone,
    Program,
    ProgressStatus,
    ProgressUpdate,
    Task,
)


@dataclass(frozen=True)
class ProgramSummary:
    items: int = 0  # tasks and milestones that count (not cancelled)
    percent_sum: int = 0
    overdue_tasks: int = 0
    overdue_milestones: int = 0
    blocked: int = 0
    open_items: int = 0

    @property
    def percent_done(self) -> int:
        return round(self.percent_sum / self.items) if self.items else 0

    @property
    def overdue(self) -> int:
        return self.overdue_tasks + self.overdue_milestones

    @property
    def proposed_status(self) -> str:
        return propose_status(self)


def propose_status(summary: ProgramSummary) -> str:
    """What the data says about a programme.

    Off track: a milestone is overdue, or more than a quarter of the open items are overdue.
    At risk: anything overdue or blocked. Otherwise on track.
    """
    if summary.overdue_milestones or (
        summary.open_items and summary.overdue * 4 > summary.open_items
    ):
        return ProgressStatus.OFF_TRACK
    if summary.overdue or summary.blocked:
        return ProgressStatus.AT_RISK
    return ProgressStatus.ON_TRACK


def program_summaries(
    program_ids: Iterable[int], *, today: dt.date | None = None
) -> dict[int, ProgramSummary]:
    """Progress figures per programme id, in two queries whatever the number of programmes."""
    ids = list(program_ids)
    if not ids:
        return {}
    today = today or timezone.localdate()
    open_q = Q(status__in=OPEN_STATUSES)
    overdue_q = open_q & Q(due_on__lt=today)
    tasks = (
        Task.objects.filter(program_id__in=ids)
        .exclude(status=ItemStatus.CANCELLED)
        .values("program_id")
        .annotate(
            items=Count("id"),
            percent_sum=Sum("percent"),
            overdue=Count("id", filter=overdue_q),
            blocked=Count("id", filter=Q(status=ItemStatus.BLOCKED)),
            open_items=Count("id", filter=open_q),
        )
    )
    milestones = (
        Milestone.objects.filter(program_id__in=ids)
        .exclude(status=ItemStatus.CANCELLED)
        .values("program_id")
        .annotate(
            items=Count("id"),
            done=Count("id", filter=Q(status=ItemStatus.DONE)),
            overdue=Count("id", filter=overdue_q),
            blocked=Count("id", filter=Q(status=ItemStatus.BLOCKED)),
            open_items=Count("id", filter=open_q),
        )
    )
    raw: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for row in tasks:
        raw[row["program_id"]].update(
            items=row["items"],
            percent_sum=row["percent_sum"] or 0,
            overdue_tasks=row["overdue"],
            blocked=row["blocked"],
            open_items=row["open_items"],
        )
    for row in milestones:
        entry = raw[row["program_id"]]
        entry["items"] = entry.get("items", 0) + row["items"]
        entry["percent_sum"] = entry.get("percent_sum", 0) + 100 * row["done"]
        entry["overdue_milestones"] = row["overdue"]
        entry["blocked"] = entry.get("blocked", 0) + row["blocked"]
        entry["open_items"] = entry.get("open_items", 0) + row["open_items"]
    return {pk: ProgramSummary(**values) for pk, values in raw.items()}


def program_summary(program: Program, *, today: dt.date | None = None) -> ProgramSummary:
    return program_summaries([program.pk], today=today)[program.pk]


def latest_updates(program_ids: Iterable[int]) -> dict[int, ProgressUpdate]:
    """The latest progress update per programme, in one query."""
    ids = list(program_ids)
    if not ids:
        return {}
    newest = ProgressUpdate.objects.filter(program_id=OuterRef("pk")).order_by("-created_at", "-id")
    latest_ids = (
        Program.objects.filter(pk__in=ids)
        .annotate(latest_id=Subquery(newest.values("id")[:1]))
        .values("latest_id")
    )
    updates = ProgressUpdate.objects.filter(pk__in=latest_ids).select_related("author")
    return {update.program_id: update for update in updates}
