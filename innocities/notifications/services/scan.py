"""The scan: put every reminder due today in the outbox, once; retire stale rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import (
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    Reply,
    RosterEntry,
    RosterRole,
)
from innocities.accounts.models import User
from innocities.notifications.models import (
    Category,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.timing import STOCKHOLM, local_today, send_after
from municipalities.models import MunicipalityMembership
from programs.models import OPEN_STATUSES, Milestone, Program, ProgramStatus, ProgressUpdate, Task

# --- the scan -------------------------------------------------------------------------------


@dataclass
class _Firing:
    """One reminder to create: an item, the firing it is for, and who gets it."""

    rule: ReminderRule
    model: type
    object_id: int
    occurrence: str
    recipient_ids: set[int]
    program_id: int | None
    context: dict[str, Any]
    url: str


@dataclass
class ScanResult:
    created: int = 0
    superseded: int = 0
    cancelled: int = 0


def _coordinators(program_ids: Iterable[int]) -> dict[int, set[int]]:
    through = Program.coordinators.through
    result: dict[int, set[int]] = defaultdict(set)
    for program_id, user_id in through.objects.filter(
        program_id__in=set(program_ids), user__is_active=True
    ).values_list("program_id", "user_id"):
        result[program_id].add(user_id)
    return result


def _managers(cluster_ids: Iterable[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    for cluster_id, user_id in RosterEntry.objects.filter(
        cluster_id__in={c for c in cluster_ids if c},
        role=RosterRole.PROGRAMME_MANAGER,
        ended_on__isnull=True,
        user__is_active=True,
    ).values_list("cluster_id", "user_id"):
        result[cluster_id].add(user_id)
    return result


def _item_firings(rule: ReminderRule, today: dt.date) -> list[_Firing]:
    """Tasks or milestones whose due date plus the rule's offset (and repeats) is today."""
    model = Task if rule.category == Category.TASK else Milestone
    first = today - dt.timedelta(days=rule.offset_days)
    if rule.repeat_every_days:
        repeats = {
            first - dt.timedelta(days=k * rule.repeat_every_days): k + 1
            for k in range(rule.max_repeats)
        }
    else:
        repeats = {first: 0}
    items = list(
        model.objects.filter(
            due_on__in=list(repeats),
            status__in=OPEN_STATUSES,
            program__status=ProgramStatus.ACTIVE,
        ).values(
            "id",
            "title",
            "due_on",
            "owner_id",
            "owner__is_active",
            "program_id",
            "program__title",
            "program__cluster_id",
        )
    )
    if not items:
        return []
    coordinators = _coordinators(i["program_id"] for i in items)
    managers = _managers(i["program__cluster_id"] for i in items) if rule.escalate else {}
    firings = []
    for item in items:
        if rule.escalate:
            recipients = set(managers.get(item["program__cluster_id"], ()))
        elif item["owner_id"] and item["owner__is_active"]:
            recipients = {item["owner_id"]}
        else:
            recipients = set(coordinators.get(item["program_id"], ()))
        repeat = repeats[item["due_on"]]
        occurrence = item["due_on"].isoformat() + (f"#{repeat:02d}" if repeat else "")
        firings.append(
            _Firing(
                rule=rule,
                model=model,
                object_id=item["id"],
                occurrence=occurrence,
                recipient_ids=recipients,
                program_id=item["program_id"],
                context={
                    "title": item["title"],
                    "due": item["due_on"],
                    "program_title": item["program__title"],
                },
                url=reverse("programs:detail", kwargs={"pk": item["program_id"]}),
            )
        )
    return firings


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=STOCKHOLM)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)


def _meeting_firings(rule: ReminderRule, today: dt.date) -> list[_Firing]:
    """Scheduled meetings starting on today minus the offset, to invitees who did not decline."""
    day = today - dt.timedelta(days=rule.offset_days)
    start, end = _day_bounds(day)
    meetings = {
        m["id"]: m
        for m in Meeting.objects.filter(
            starts_at__gte=start, starts_at__lt=end, status=MeetingStatus.SCHEDULED
        ).values("id", "title", "starts_at", "cluster_id", "cluster__name")
    }
    if not meetings:
        return []
    invitees: dict[int, set[int]] = defaultdict(set)
    for meeting_id, user_id in (
        MeetingParticipant.objects.filter(meeting_id__in=list(meetings), user__is_active=True)
        .exclude(reply=Reply.DECLINED)
        .values_list("meeting_id", "user_id")
    ):
        invitees[meeting_id].add(user_id)
    return [
        _Firing(
            rule=rule,
            model=Meeting,
            object_id=meeting_id,
            occurrence=day.isoformat(),
            recipient_ids=invitees.get(meeting_id, set()),
            program_id=None,
            context={
                "title": meeting["title"],
                "starts_at": meeting["starts_at"],
                "due": day,
                "cluster_name": meeting["cluster__name"],
            },
            url=reverse(
                "clusters:meeting_detail",
                kwargs={"pk": meeting["cluster_id"], "meeting_pk": meeting_id},
            ),
        )
        for meeting_id, meeting in meetings.items()
    ]


def _progress_firings(rule: ReminderRule, today: dt.date) -> list[_Firing]:
    """Active programmes with no progress update this month, on the due day plus the offset."""
    due = today - dt.timedelta(days=rule.offset_days)
    if due.day != rule.day_of_month:
        return []
    month_start, _ = _day_bounds(due.replace(day=1))
    programs = list(
        Program.objects.filter(status=ProgramStatus.ACTIVE, starts_on__lte=due)
        .exclude(
            Exists(
                ProgressUpdate.objects.filter(program=OuterRef("pk"), created_at__gte=month_start)
            )
        )
        .values("id", "title", "cluster_id")
    )
    if not programs:
        return []
    if rule.escalate:
        managers = _managers(p["cluster_id"] for p in programs)
        recipients = {p["id"]: set(managers.get(p["cluster_id"], ())) for p in programs}
    else:
        coordinators = _coordinators(p["id"] for p in programs)
        recipients = {p["id"]: set(coordinators.get(p["id"], ())) for p in programs}
    return [
        _Firing(
            rule=rule,
            model=Program,
            object_id=p["id"],
            occurrence=due.isoformat(),
            recipient_ids=recipients[p["id"]],
            program_id=p["id"],
            context={"title": p["title"], "due": due, "program_title": p["title"]},
            url=reverse("programs:update_create", kwargs={"pk": p["id"]}),
        )
        for p in programs
    ]


FIRINGS = {
    Category.TASK: _item_firings,
    Category.MILESTONE: _item_firings,
    Category.MEETING: _meeting_firings,
    Category.PROGRESS_UPDATE: _progress_firings,
}


def user_countries(user_ids: Iterable[int]) -> dict[int, str]:
    """The country of a person's municipality (for digest holidays); Sweden by default."""
    return dict(
        MunicipalityMembership.objects.filter(user_id__in=set(user_ids))
        .order_by("user_id", "-id")
        .values_list("user_id", "municipality__country")
    )


def render_subject(*, rule: ReminderRule, context: dict[str, Any], language: str) -> str:
    with translation.override(language):
        text = render_to_string(
            "emails/reminder-subject.txt", {"rule": rule, "days": -rule.offset_days, **context}
        )
    return " ".join(text.split())[:255]


def _insert(firings: list[_Firing], now: dt.datetime) -> int:
    recipient_ids = {r for f in firings for r in f.recipient_ids}
    if not recipient_ids:
        return 0
    users = User.objects.filter(pk__in=recipient_ids, is_active=True).in_bulk()
    prefs = NotificationPreference.objects.filter(user_id__in=recipient_ids).in_bulk(
        field_name="user_id"
    )
    countries = user_countries(recipient_ids)
    content_types = {}
    rows = []
    for firing in firings:
        if firing.model not in content_types:
            content_types[firing.model] = ContentType.objects.get_for_model(firing.model)
        for user_id in sorted(firing.recipient_ids):
            user = users.get(user_id)
            if user is None:
                continue
            pref = prefs.get(user_id) or NotificationPreference(user_id=user_id)
            if not pref.wants(firing.rule.category):
                continue
            rows.append(
                Notification(
                    rule=firing.rule,
                    content_type=content_types[firing.model],
                    object_id=firing.object_id,
                    recipient_id=user_id,
                    occurrence=firing.occurrence,
                    category=firing.rule.category,
                    program_id=firing.program_id,
                    delivery=pref.delivery,
                    send_after=send_after(
                        now=now,
                        time_zone=user.time_zone,
                        hour=pref.hour,
                        delivery=pref.delivery,
                        paused_until=pref.paused_until,
                        country=countries.get(user_id, "SE"),
                    ),
                    subject=render_subject(
                        rule=firing.rule, context=firing.context, language=user.language
                    ),
                    url=firing.url,
                )
            )
    before = Notification.objects.count()
    # The unique key makes a repeated scan (or two beat instances by mistake) insert nothing.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.count() - before


def _retire_stale(today: dt.date) -> tuple[int, int]:
    """Pending rows whose firing no longer holds: (superseded, cancelled).

    Superseded: the item's date moved (the occurrence names the old date) or a newer overdue
    repeat replaced it. Cancelled: the item is done or cancelled, the programme is no longer
    active, the meeting was cancelled or the invitee declined, the update was written.
    """
    pending = list(
        Notification.objects.filter(status=NotificationStatus.PENDING).values(
            "id",
            "category",
            "object_id",
            "occurrence",
            "recipient_id",
            "rule_id",
            "rule__repeat_every_days",
        )
    )
    if not pending:
        return 0, 0
    by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in pending:
        by_category[row["category"]].append(row)
    supersede: set[int] = set()
    cancel: set[int] = set()

    for category, model in ((Category.TASK, Task), (Category.MILESTONE, Milestone)):
        rows = by_category.get(category, [])
        current = (
            model.objects.filter(pk__in={r["object_id"] for r in rows}).in_bulk(field_name="pk")
            if rows
            else {}
        )
        program_status = (
            dict(
                Program.objects.filter(pk__in={i.program_id for i in current.values()}).values_list(
                    "pk", "status"
                )
            )
            if current
            else {}
        )
        latest: dict[tuple[int, int, int], str] = {}
        for row in rows:
            if row["rule__repeat_every_days"]:
                key = (row["rule_id"], row["object_id"], row["recipient_id"])
                latest[key] = max(latest.get(key, ""), row["occurrence"])
        for row in rows:
            item = current.get(row["object_id"])
            key = (row["rule_id"], row["object_id"], row["recipient_id"])
            if (
                item is None
                or item.status not in OPEN_STATUSES
                or program_status.get(item.program_id) != ProgramStatus.ACTIVE
            ):
                cancel.add(row["id"])
            elif row["occurrence"].split("#")[0] != item.due_on.isoformat() or (
                key in latest and row["occurrence"] != latest[key]
            ):
                supersede.add(row["id"])

    rows = by_category.get(Category.MEETING, [])
    if rows:
        meetings = Meeting.objects.filter(pk__in={r["object_id"] for r in rows}).in_bulk()
        declined = set(
            MeetingParticipant.objects.filter(
                meeting_id__in=list(meetings), reply=Reply.DECLINED
            ).values_list("meeting_id", "user_id")
        )
        for row in rows:
            meeting = meetings.get(row["object_id"])
            if (
                meeting is None
                or meeting.status == MeetingStatus.CANCELLED
                or (row["object_id"], row["recipient_id"]) in declined
            ):
                cancel.add(row["id"])
            elif row["occurrence"] != meeting.starts_at.astimezone(STOCKHOLM).date().isoformat():
                supersede.add(row["id"])

    rows = by_category.get(Category.PROGRESS_UPDATE, [])
    if rows:
        programs = {
            p["pk"]: p
            for p in Program.objects.filter(pk__in={r["object_id"] for r in rows})
            .annotate(last_update=Max("progress_updates__created_at"))
            .values("pk", "status", "last_update")
        }
        for row in rows:
            program = programs.get(row["object_id"])
            month_start, _ = _day_bounds(dt.date.fromisoformat(row["occurrence"]).replace(day=1))
            if (
                program is None
                or program["status"] != ProgramStatus.ACTIVE
                or (program["last_update"] and program["last_update"] >= month_start)
            ):
                cancel.add(row["id"])

    superseded = Notification.objects.filter(
        pk__in=supersede, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.SUPERSEDED)
    cancelled = Notification.objects.filter(
        pk__in=cancel, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.CANCELLED)
    return superseded, cancelled


# How many missed days a scan makes up for (beat or the broker down, a worker gone): a
# "before" reminder whose day passed while nothing ran is still sent while its item lies
# ahead. Reminders on or after the date are not made up: the overdue rule takes over.
CATCH_UP_DAYS = 2


def _scan_days(rule: ReminderRule, today: dt.date) -> list[dt.date]:
    """Today, plus missed days whose "before" reminders are for items still ahead.

    An item due tomorrow whose "7 days before" was missed gets it now; an item due today
    gets no late "due tomorrow" on top of its "due today".

    The occurrence key is the item's date, so scanning a day twice adds nothing.
    """
    days = [today]
    before = -rule.offset_days
    if rule.category != Category.PROGRESS_UPDATE and not rule.repeat_every_days and before > 0:
        days += [
            today - dt.timedelta(days=back) for back in range(1, min(CATCH_UP_DAYS, before - 1) + 1)
        ]
    return days


@transaction.atomic
def reminders_scan(*, now: dt.datetime | None = None) -> ScanResult:
    """Put every reminder due today (Stockholm) in the outbox, once; retire stale ones.

    Set-based: a few queries per active rule, however many items there are. Safe to run as
    often as wanted: the unique key (rule, object, recipient, occurrence) ignores repeats.
    """
    now = now or timezone.now()
    today = local_today(now)
    firings: list[_Firing] = []
    for rule in ReminderRule.objects.filter(is_active=True):
        for day in _scan_days(rule, today):
            firings.extend(FIRINGS[rule.category](rule, day))
    created = _insert(firings, now)
    superseded, cancelled = _retire_stale(today)
    return ScanResult(created=created, superseded=superseded, cancelled=cancelled)
