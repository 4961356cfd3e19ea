"""Reads for progress reports: the figures a report freezes, and the report lists.

Every figure is computed with a fixed number of queries whatever the number of tasks,
milestones, meetings, indicators and their values, assessment dimensions or member
municipalities, and returned as plain JSON (strings, numbers, lists, dicts; Decimals as
strings) so it can be stored as the report's frozen snapshot.

Keys added later (``indicators``, ``assessment``, ``maturity``, ``initiatives``) are missing
from snapshots built before them: templates test for the key, never assume it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clusters.models import Attendance, Cluster, Meeting, MeetingStatus, Reply
from innocities.reports.initiatives import (
    cluster_scope,
    initiative_figures,
    lesson_figures,
    municipality_scope,
)
from innocities.reports.models import ProgressReport, ReportStatus
from innocities.reports.outcomes import assessment_figures, indicator_figures, maturity_figures
from municipalities.models import MunicipalityMembership
from programs.models import OPEN_STATUSES, ItemStatus, Milestone, Program, Task
from programs.selectors import (
    DUE_SOON_DAYS,
    current_programs,
    program_rows,
)

Figures = dict[str, Any]


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _owner(item: Task | Milestone) -> str:
    return item.owner.get_full_name() if item.owner else ""


def _item(kind: str, item: Task | Milestone) -> dict[str, Any]:
    """One task or milestone as the report shows it (and as the CSV lists it)."""
    return {
        "key": f"{kind}:{item.pk}",
        "type": kind,
        "module": item.module.title if item.module else "",
        "title": item.title,
        "owner": _owner(item),
        "due": _day(item.due_on),
        "status": item.status,
        "percent": item.percent
        if isinstance(item, Task)
        else (100 if item.status == "done" else 0),
        "completed_on": _day(item.completed_on),
    }


def previous_report(report: ProgressReport) -> ProgressReport | None:
    """The latest built report of the same scope that ended before this one starts."""
    scope = Q(program_id=report.program_id) if report.program_id else Q(cluster=report.cluster_id)
    return (
        ProgressReport.objects.filter(
            scope,
            period_end__lt=report.period_start,
            status__in=(ReportStatus.READY, ReportStatus.SENDING, ReportStatus.SENT),
        )
        .exclude(pk=report.pk)
        .order_by("-period_end", "-built_at", "-pk")
        .only("pk", "figures", "period_start", "period_end")
        .first()
    )


def _status_changes(program: Program, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Status changes of the programme's tasks and milestones recorded in [start, end).

    From simple-history: the records in the period, plus the last record before the period
    of each item that changed, so the first change in the period has a "from". Four queries.
    """
    changes: list[dict[str, Any]] = []
    for kind, model in (("task", Task), ("milestone", Milestone)):
        history = model.history
        in_period = list(
            history.filter(program_id=program.pk, history_date__gte=start, history_date__lt=end)
            .order_by("id", "history_date", "history_id")
            .values("id", "title", "status", "history_date", "history_type")
        )
        ids = {row["id"] for row in in_period}
        before: dict[int, str] = {}
        for row in (
            history.filter(id__in=ids, history_date__lt=start)
            .order_by("id", "history_date", "history_id")
            .values("id", "status")
        ):
            before[row["id"]] = row["status"]  # the last one per id wins
        for row in in_period:
            previous = before.get(row["id"])
            if row["history_type"] != "-" and previous is not None and previous != row["status"]:
                changes.append(
                    {
                        "type": kind,
                        "title": row["title"],
                        "from": previous,
                        "to": row["status"],
                        "on": _day(timezone.localtime(row["history_date"]).date()),
                    }
                )
            before[row["id"]] = row["status"]
    changes.sort(key=lambda change: (change["on"], change["type"], change["title"]))
    return changes


def _attendance(
    cluster_id: int | None, municipality_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """Per meeting of the cluster held in [start, end): how many people of the municipalities
    were invited (and did not decline) and how many attended. One query."""
    if cluster_id is None:
        return []
    people = MunicipalityMembership.objects.filter(
        municipality_id__in=list(municipality_ids)
    ).values("user_id")
    ours = Q(participants__user_id__in=people)
    meetings = (
        Meeting.objects.filter(cluster_id=cluster_id, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(
            invited=Count(
                "participants", filter=ours & ~Q(participants__reply=Reply.DECLINED), distinct=True
            ),
            attended=Count(
                "participants",
                filter=ours & Q(participants__attendance=Attendance.ATTENDED),
                distinct=True,
            ),
        )
        .order_by("starts_at", "pk")
    )
    return [
        {
            "title": meeting.title,
            "on": _day(timezone.localtime(meeting.starts_at).date()),
            "invited": meeting.invited,
            "attended": meeting.attended,
        }
        for meeting in meetings
    ]


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as aware datetimes in the portal's time zone: [start 00:00, end+1 00:00)."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def program_figures(
    report: ProgressReport, *, today: dt.date | None = None
) -> tuple[Figures, list[dict[str, Any]]]:
    """The frozen figures of a programme report and the rows of its CSV."""
    assert report.program_id is not None  # a programme report
    program = (
        Program.objects.select_related("municipality", "cluster").filter(pk=report.program_id).get()
    )
    today = today or timezone.localdate()
    start, end = report.period_start, report.period_end
    start_at, end_at = _bounds(start, end)
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    row = program_rows([program], today=today)[0]

    related = ("module", "owner")
    tasks = list(
        program.tasks.exclude(status=ItemStatus.CANCELLED)
        .select_related(*related)
        .order_by("due_on", "pk")
    )
    milestones = list(
        program.milestones.exclude(status=ItemStatus.CANCELLED)
        .select_related(*related)
        .order_by("due_on", "pk")
    )
    items = [_item("milestone", m) for m in milestones] + [_item("task", t) for t in tasks]
    items.sort(key=lambda i: (i["due"], i["type"], i["title"]))
    open_values = {str(s) for s in OPEN_STATUSES}
    overdue = [i for i in items if i["status"] in open_values and i["due"] < today.isoformat()]

    def within(value: str | None, first: dt.date, last: dt.date) -> bool:
        return value is not None and first.isoformat() <= value <= last.isoformat()

    previous = previous_report(report)
    if previous is not None:
        seen = set(previous.figures.get("overdue_keys", []))
        newly_overdue = [i for i in overdue if i["key"] not in seen]
    else:
        # No earlier snapshot: what fell overdue during this period counts as new.
        newly_overdue = [i for i in overdue if i["due"] >= start.isoformat()]

    update = row.latest_update
    figures: Figures = {
        "scope": "program",
        "program_id": program.pk,
        "title": program.title,
        "municipality": program.municipality.name,
        "cluster": program.cluster.name if program.cluster else "",
        "program_status": program.status,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "as_of": today.isoformat(),
        "previous_report": (
            {
                "start": previous.figures.get("period_start"),
                "end": previous.figures.get("period_end"),
            }
            if previous is not None
            else None
        ),
        "proposed_status": str(row.summary.proposed_status),
        "reported_status": update.status if update else None,
        "percent_done": row.summary.percent_done,
        "items": row.summary.items,
        "open_items": row.summary.open_items,
        "overdue_count": row.summary.overdue,
        "blocked": row.summary.blocked,
        "milestones_reached": [
            i for i in items if i["type"] == "milestone" and within(i["completed_on"], start, end)
        ],
        "milestones_missed": [
            i
            for i in items
            if i["type"] == "milestone"
            and i["status"] in open_values
            and within(i["due"], start, min(end, today - dt.timedelta(days=1)))
        ],
        "overdue": overdue,
        "overdue_keys": [i["key"] for i in overdue],
        "latest_update": (
            {
                "on": _day(timezone.localtime(update.created_at).date()),
                "author": update.author.get_full_name(),
                "status": update.status,
                "achieved": update.achieved,
                "next_steps": update.next_steps,
                "blockers": update.blockers,
            }
            if update
            else None
        ),
        "changes": {
            "completed": [
                i for i in items if i["type"] == "task" and within(i["completed_on"], start, end)
            ],
            "newly_overdue": newly_overdue,
            "status_changes": _status_changes(program, start_at, end_at),
        },
        "next_30_days": [
            i for i in items if i["status"] in open_values and within(i["due"], today, horizon)
        ],
        "attendance": _attendance(program.cluster_id, [program.municipality_id], start_at, end_at),
        "indicators": indicator_figures(program.indicators.order_by("name", "pk")),
        "assessment": assessment_figures(program.municipality),
        "initiatives": {
            **initiative_figures(municipality_scope(program.municipality_id), start, end),
            "lessons": lesson_figures(municipality=program.municipality, start=start, end=end),
        },
    }
    return figures, items


def cluster_figures(
    report: ProgressReport, *, today: dt.date | None = None
) -> tuple[Figures, list[dict[str, Any]]]:
    """The frozen figures of a cluster report (one row per open member municipality, with
    totals) and the rows of its CSV (every current programme's tasks and milestones)."""
    assert report.cluster_id is not None  # a cluster report
    cluster = Cluster.objects.get(pk=report.cluster_id)
    today = today or timezone.localdate()
    start, end = report.period_start, report.period_end
    start_at, end_at = _bounds(start, end)
    memberships = list(
        cluster.memberships.current()
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    current = current_programs([cluster.pk], [m.municipality_id for m in memberships])
    rows_by_program = {r.program.pk: r for r in program_rows(current.values(), today=today)}
    members: list[dict[str, Any]] = []
    for membership in memberships:
        program = current.get((cluster.pk, membership.municipality_id))
        row = rows_by_program.get(program.pk) if program is not None else None
        members.append(
            {
                "municipality": membership.municipality.name,
                "program": program.title if program else "",
                "program_status": program.status if program else "",
                "percent_done": row.summary.percent_done if row else 0,
                "overdue": row.summary.overdue if row else 0,
                "blocked": row.summary.blocked if row else 0,
                "proposed_status": str(row.summary.proposed_status) if row else "",
                "reported_status": (row.latest_update.status if row and row.latest_update else ""),
                "latest_update_on": (
                    _day(timezone.localtime(row.latest_update.created_at).date())
                    if row and row.latest_update
                    else None
                ),
            }
        )
    with_program = [m for m in members if m["program"]]
    totals = {
        "members": len(members),
        "programs": len(with_program),
        "percent_done": (
            round(sum(m["percent_done"] for m in with_program) / len(with_program))
            if with_program
            else 0
        ),
        "overdue": sum(m["overdue"] for m in members),
        "blocked": sum(m["blocked"] for m in members),
    }
    program_ids = [p.pk for p in current.values()]
    municipality_by_program = {p.pk: p.municipality_id for p in current.values()}
    names = {m.municipality_id: m.municipality.name for m in memberships}
    csv_rows: list[dict[str, Any]] = []
    for kind, model in (("milestone", Milestone), ("task", Task)):
        for item in (
            model.objects.filter(program_id__in=program_ids)
            .exclude(status=ItemStatus.CANCELLED)
            .select_related("module", "owner")
            .order_by("program_id", "due_on", "pk")
        ):
            entry = _item(kind, item)
            entry["municipality"] = names.get(municipality_by_program[item.program_id], "")
            csv_rows.append(entry)
    csv_rows.sort(key=lambda i: (i["municipality"], i["due"], i["type"], i["title"]))
    figures: Figures = {
        "scope": "cluster",
        "cluster_id": cluster.pk,
        "title": cluster.name,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "as_of": today.isoformat(),
        "members": members,
        "totals": totals,
        "attendance": _attendance(
            cluster.pk, [m.municipality_id for m in memberships], start_at, end_at
        ),
        "indicators": indicator_figures(cluster.indicators.order_by("name", "pk")),
        "maturity": maturity_figures(memberships),
        "initiatives": {
            **initiative_figures(
                cluster_scope(cluster.pk, [m.municipality_id for m in memberships]), start, end
            ),
            "lessons": lesson_figures(cluster=cluster, start=start, end=end),
        },
    }
    return figures, csv_rows


def reports_for(
    *, program: Program | None = None, cluster: Cluster | None = None
) -> QuerySet[ProgressReport]:
    """A scope's reports, newest period first (one query)."""
    scope = Q(program=program) if program is not None else Q(cluster=cluster)
    return ProgressReport.objects.filter(scope).select_related("requested_by")
