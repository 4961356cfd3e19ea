"""The scan: put every reminder due today in the outbox, once; retire stale rows.

The outbox knows rules, recipients and rows. What is due, and for whom, each app says of its
own things (``programs.reminders``, ``clusters.reminders``, ``programs.initiatives.reminders``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clusters.reminders import meeting_reminders, meetings_now
from innocities.accounts.models import User
from innocities.core.reminders import Due
from innocities.notifications.models import (
    Category,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.timing import STOCKHOLM, local_today, send_after
from municipalities.selectors import user_countries
from programs.benefits.reminders import benefit_reminders, benefits_due_on
from programs.followup.reminders import (
    cluster_task_content_type,
    cluster_task_reminders,
    cluster_tasks_due_on,
)
from programs.indicators.reminders import (
    statistics_failure_reminders,
    statistics_failures_due_on,
)
from programs.initiatives.reminders import (
    assumption_reminders,
    assumptions_due_on,
    gate_reminders,
    gates_due_on,
)
from programs.reminders import (
    item_reminders,
    items_due_on,
    latest_progress_updates,
    progress_update_reminders,
)

# Things with a due date, by category: what is due on some days (to the managers when the rule
# escalates), and the date each of some ids is still due on (absent: it reminds nobody now).
DueOnDays = Callable[[Iterable[dt.date], bool], list[Due]]
DueDates = Callable[[Iterable[int]], dict[int, dt.date]]
DATED: dict[str, tuple[DueOnDays, DueDates]] = {
    Category.TASK: (
        lambda days, to_managers: item_reminders("task", days, to_managers=to_managers),
        lambda ids: items_due_on("task", ids),
    ),
    Category.MILESTONE: (
        lambda days, to_managers: item_reminders("milestone", days, to_managers=to_managers),
        lambda ids: items_due_on("milestone", ids),
    ),
    Category.GATE: (
        lambda days, to_managers: gate_reminders(days, to_managers=to_managers),
        gates_due_on,
    ),
    Category.ASSUMPTION: (
        lambda days, to_managers: assumption_reminders(days, to_managers=to_managers),
        assumptions_due_on,
    ),
    Category.BENEFIT: (
        lambda days, to_managers: benefit_reminders(days, to_managers=to_managers),
        benefits_due_on,
    ),
    Category.STATISTICS: (
        lambda days, to_managers: statistics_failure_reminders(days, to_managers=to_managers),
        statistics_failures_due_on,
    ),
}
# Things of a category kept in a model of their own: a cluster's tasks (an action item of a
# meeting, owned by someone with no programme) are reminded as tasks. Their ids overlap the
# first model's, so each model is asked only about the outbox rows of its content type.
MORE_DATED: dict[str, list[tuple[Callable[[], ContentType], DueOnDays, DueDates]]] = {
    Category.TASK: [
        (
            cluster_task_content_type,
            lambda days, to_managers: cluster_task_reminders(days, to_managers=to_managers),
            cluster_tasks_due_on,
        )
    ],
}

# --- the scan -------------------------------------------------------------------------------


@dataclass
class _Firing:
    """One reminder to create: an item as its app describes it, the rule and the occurrence."""

    rule: ReminderRule
    due: Due
    occurrence: str

    @property
    def day(self) -> dt.date:
        """The date the occurrence names (an item's due date, a meeting's day)."""
        return dt.date.fromisoformat(self.occurrence.split("#")[0])


def earliest_occurrence(today: dt.date) -> dt.date:
    """The oldest date the scan still reminds of: ``NOTIFICATION_RETENTION_DAYS`` back.

    The retention job deletes only rows whose occurrence is older than this (as well as old
    themselves), so no scan can write (and send) a deleted reminder again, whatever the rules
    say: a rule reaching further back (an edited offset, long repeats) is cut short here, and
    ``ReminderRule.clean`` refuses one.
    """
    return today - dt.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)


@dataclass
class ScanResult:
    created: int = 0
    superseded: int = 0
    cancelled: int = 0


def _item_firings(rule: ReminderRule, today: dt.date) -> list[_Firing]:
    """Dated things of the rule's category (tasks, milestones, decision points, assumption
    tests) whose date plus the rule's offset (and repeats) is today."""
    first = today - dt.timedelta(days=rule.offset_days)
    if rule.repeat_every_days:
        repeats = {
            first - dt.timedelta(days=k * rule.repeat_every_days): k + 1
            for k in range(rule.max_repeats)
        }
    else:
        repeats = {first: 0}
    due_on_days, _due_dates = DATED[rule.category]
    dues = due_on_days(repeats, rule.escalate)
    for _content_type, more_on_days, _more_dates in MORE_DATED.get(rule.category, []):
        dues += more_on_days(repeats, rule.escalate)
    firings = []
    for due in dues:
        repeat = repeats[due.day]
        occurrence = due.day.isoformat() + (f"#{repeat:02d}" if repeat else "")
        firings.append(_Firing(rule=rule, due=due, occurrence=occurrence))
    return firings


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=STOCKHOLM)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)


def _meeting_firings(rule: ReminderRule, today: dt.date) -> list[_Firing]:
    """Scheduled meetings starting on today minus the offset, to invitees who did not decline."""
    day = today - dt.timedelta(days=rule.offset_days)
    return [
        _Firing(rule=rule, due=due, occurrence=day.isoformat())
        for due in meeting_reminders(*_day_bounds(day))
    ]


def _progress_firings(rule: ReminderRule, today: dt.date) -> list[_Firing]:
    """Active programmes with no progress update this month, on the due day plus the offset."""
    due_day = today - dt.timedelta(days=rule.offset_days)
    if due_day.day != rule.day_of_month:
        return []
    month_start, _ = _day_bounds(due_day.replace(day=1))
    return [
        _Firing(rule=rule, due=due, occurrence=due_day.isoformat())
        for due in progress_update_reminders(
            due_day, month_start=month_start, to_managers=rule.escalate
        )
    ]


FIRINGS: dict[str, Callable[[ReminderRule, dt.date], list[_Firing]]] = {
    Category.TASK: _item_firings,
    Category.MILESTONE: _item_firings,
    Category.MEETING: _meeting_firings,
    Category.PROGRESS_UPDATE: _progress_firings,
    Category.GATE: _item_firings,
    Category.ASSUMPTION: _item_firings,
    Category.BENEFIT: _item_firings,
    Category.STATISTICS: _item_firings,
}


def render_subject(*, rule: ReminderRule, context: dict[str, Any], language: str) -> str:
    with translation.override(language):
        text = render_to_string(
            "emails/reminder-subject.txt", {"rule": rule, "days": -rule.offset_days, **context}
        )
    return " ".join(text.split())[:255]


def _existing(firings: list[_Firing]) -> set[tuple[int, int, int, int, str]]:
    """Keys (rule, content type, object, recipient, occurrence) of these firings already in
    the outbox: a scan every five minutes finds most of the day's reminders written.

    One query on the unique key's index, narrowed to the firings' rules, objects, recipients
    and occurrences, so it reads about as many rows as the day has reminders, however long
    the outbox's history.
    """
    keys = {
        (f.rule.pk, f.due.content_type.pk, f.due.object_id, user_id, f.occurrence)
        for f in firings
        for user_id in f.due.recipient_ids
    }
    if not keys:
        return set()
    rule_ids, type_ids, object_ids, user_ids, occurrences = (
        set(part) for part in zip(*keys, strict=True)
    )
    found = Notification.objects.filter(
        rule_id__in=rule_ids,
        content_type_id__in=type_ids,
        object_id__in=object_ids,
        recipient_id__in=user_ids,
        occurrence__in=occurrences,
    ).values_list("rule_id", "content_type_id", "object_id", "recipient_id", "occurrence")
    return keys & set(found)


def _insert(firings: list[_Firing], now: dt.datetime) -> int:
    """Write the firings not yet in the outbox; return how many rows that was.

    The count is of the rows this scan wrote unless another scan wrote the same ones in
    between (two beat instances by mistake): the unique key keeps one row, and both count it.
    """
    recipient_ids = {r for f in firings for r in f.due.recipient_ids}
    if not recipient_ids:
        return 0
    existing = _existing(firings)
    users = User.objects.filter(pk__in=recipient_ids, is_active=True).in_bulk()
    prefs = NotificationPreference.objects.filter(user_id__in=recipient_ids).in_bulk(
        field_name="user_id"
    )
    countries = user_countries(recipient_ids)
    rows = []
    for firing in firings:
        due = firing.due
        for user_id in sorted(due.recipient_ids):
            user = users.get(user_id)
            key = (firing.rule.pk, due.content_type.pk, due.object_id, user_id, firing.occurrence)
            if user is None or key in existing:
                continue
            pref = prefs.get(user_id) or NotificationPreference(user_id=user_id)
            if not pref.wants(firing.rule.category):
                continue
            rows.append(
                Notification(
                    rule=firing.rule,
                    content_type=due.content_type,
                    object_id=due.object_id,
                    recipient_id=user_id,
                    occurrence=firing.occurrence,
                    category=firing.rule.category,
                    program_id=due.program_id,
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
                        rule=firing.rule, context=due.context, language=user.language
                    ),
                    url=due.url,
                )
            )
    # The unique key makes a row another scan wrote meanwhile (two beat instances by mistake)
    # a no-op instead of an error.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _retire_stale(today: dt.date) -> tuple[int, int]:
    """Pending rows whose firing no longer holds: (superseded, cancelled).

    Superseded: the item's date moved (the occurrence names the old date) or a newer overdue
    repeat replaced it. Cancelled: the item is done or cancelled, the programme is no longer
    active, the meeting was cancelled or the invitee declined, the update was written, the
    decision was taken (or the initiative parked or stopped), the assumption was tested.
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
            "content_type_id",
        )
    )
    if not pending:
        return 0, 0
    by_category: dict[str, list[Any]] = defaultdict(list)
    for row in pending:
        by_category[row["category"]].append(row)
    supersede: set[int] = set()
    cancel: set[int] = set()

    sources: list[tuple[list[Any], DueDates]] = []
    for category, (_due_on_days, due_dates) in DATED.items():
        rows = by_category.get(category, [])
        for content_type, _more_on_days, more_dates in MORE_DATED.get(category, []):
            if rows:
                type_id = content_type().pk
                sources.append(([r for r in rows if r["content_type_id"] == type_id], more_dates))
                rows = [r for r in rows if r["content_type_id"] != type_id]
        sources.append((rows, due_dates))
    for rows, due_dates in sources:
        due_on = due_dates({r["object_id"] for r in rows}) if rows else {}
        latest: dict[tuple[int, int, int], str] = {}
        for row in rows:
            if row["rule__repeat_every_days"]:
                key = (row["rule_id"], row["object_id"], row["recipient_id"])
                latest[key] = max(latest.get(key, ""), row["occurrence"])
        for row in rows:
            day = due_on.get(row["object_id"])
            key = (row["rule_id"], row["object_id"], row["recipient_id"])
            if day is None:
                cancel.add(row["id"])
            elif row["occurrence"].split("#")[0] != day.isoformat() or (
                key in latest and row["occurrence"] != latest[key]
            ):
                supersede.add(row["id"])

    rows = by_category.get(Category.MEETING, [])
    if rows:
        meetings = meetings_now({r["object_id"] for r in rows})
        for row in rows:
            meeting = meetings.get(row["object_id"])
            if meeting is None or row["recipient_id"] in meeting.declined_ids:
                cancel.add(row["id"])
            elif row["occurrence"] != meeting.starts_at.astimezone(STOCKHOLM).date().isoformat():
                supersede.add(row["id"])

    rows = by_category.get(Category.PROGRESS_UPDATE, [])
    if rows:
        awaiting = latest_progress_updates({r["object_id"] for r in rows})
        for row in rows:
            month_start, _ = _day_bounds(dt.date.fromisoformat(row["occurrence"]).replace(day=1))
            if row["object_id"] not in awaiting or (
                (last_update := awaiting[row["object_id"]]) and last_update >= month_start
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
    earliest = earliest_occurrence(today)
    firings: list[_Firing] = []
    for rule in ReminderRule.objects.filter(is_active=True):
        for day in _scan_days(rule, today):
            firings.extend(
                firing for firing in FIRINGS[rule.category](rule, day) if firing.day >= earliest
            )
    created = _insert(firings, now)
    superseded, cancelled = _retire_stale(today)
    return ScanResult(created=created, superseded=superseded, cancelled=cancelled)
