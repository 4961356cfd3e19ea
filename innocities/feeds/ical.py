"""RFC 5545 calendars from meetings, tasks, milestones and initiatives' decision points, with
the icalendar library.

UIDs are ``<kind>-<pk>@innocities`` so a calendar program updates an event in place instead of
adding a copy; SEQUENCE counts the row's history records, so it only ever grows.

Every text goes in as a TEXT value (``vText``), which the library escapes (``\\n``, ``\\;``,
``\\,``): a name can never start a content line of its own. Names and titles are made single-line
and stripped of control characters first, because rows saved before names were validated may
still hold them, and a calendar program shows an escaped line break in a title as a break.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration, vText

from clusters.models import Meeting, MeetingStatus
from innocities.core.text import plain_text, single_line
from programs.initiatives.models import Initiative, Stage
from programs.models import Milestone, Task

PRODID = "-//Innocities//Innocities portal//EN"
# How often calendar programs that honour it should fetch the feed again.
REFRESH_INTERVAL = dt.timedelta(hours=1)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is not TEXT to the library (it would go out unescaped): say it is.
    calendar.add("x-wr-calname", vText(single_line(name)))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    return calendar


def utc(moment: dt.datetime) -> dt.datetime:
    # iCalendar has whole seconds; "Z" times need no VTIMEZONE in the feed.
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _stamp(event: Event, obj: object, now: dt.datetime) -> None:
    modified = getattr(obj, "modified_at", None) or now
    event.add("dtstamp", utc(modified))
    event.add("sequence", max(getattr(obj, "revisions", 0) - 1, 0))


def meeting_event(meeting: Meeting, now: dt.datetime) -> Event:
    url = absolute(
        reverse(
            "clusters:meeting_detail", kwargs={"pk": meeting.cluster_id, "meeting_pk": meeting.pk}
        )
    )
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@innocities")
    _stamp(event, meeting, now)
    event.add("dtstart", utc(meeting.starts_at))
    event.add("dtend", utc(meeting.ends_at))
    event.add("summary", single_line(meeting.title))
    location = single_line(meeting.location or meeting.online_url)
    if location:
        event.add("location", location)
    description = "\n\n".join(
        part
        for part in (single_line(meeting.cluster.name), plain_text(meeting.agenda).strip(), url)
        if part
    )
    event.add("description", description)
    event.add("url", url)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def due_event(item: Task | Milestone, kind: str, now: dt.datetime) -> Event:
    """An all-day event on the item's due date (DTEND is the next day, exclusive)."""
    url = absolute(reverse("programs:detail", kwargs={"pk": item.program_id}))
    event = Event()
    event.add("uid", f"{kind}-{item.pk}@innocities")
    _stamp(event, item, now)
    event.add("dtstart", item.due_on)
    event.add("dtend", item.due_on + dt.timedelta(days=1))
    event.add("summary", _("Due: %(title)s") % {"title": single_line(item.title)})
    event.add("description", "\n\n".join((single_line(item.program.title), url)))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
    return event


def gate_event(initiative: Initiative, now: dt.datetime) -> Event:
    """An all-day event on the day the initiative's next decision is due."""
    assert initiative.next_gate_due_on is not None  # the feed selects dated ones
    url = absolute(reverse("initiatives:detail", kwargs={"pk": initiative.pk}))
    following = initiative.next_stage
    event = Event()
    event.add("uid", f"gate-{initiative.pk}@innocities")
    _stamp(event, initiative, now)
    event.add("dtstart", initiative.next_gate_due_on)
    event.add("dtend", initiative.next_gate_due_on + dt.timedelta(days=1))
    event.add("summary", _("Decision point: %(title)s") % {"title": single_line(initiative.title)})
    gate = (
        _("Decision on moving from “%(stage)s” to “%(next)s”.")
        % {"stage": initiative.get_stage_display(), "next": Stage(following).label}
        if following
        else ""
    )
    owner = single_line(initiative.owner_name)
    event.add("description", "\n\n".join(p for p in (owner, gate, url) if p))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def build_calendar(
    name: str,
    *,
    meetings: Iterable[Meeting] = (),
    tasks: Iterable[Task] = (),
    milestones: Iterable[Milestone] = (),
    gates: Iterable[Initiative] = (),
) -> bytes:
    now = timezone.now()
    calendar = new_calendar(name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, now))
    for task in tasks:
        calendar.add_component(due_event(task, "task", now))
    for milestone in milestones:
        calendar.add_component(due_event(milestone, "milestone", now))
    for initiative in gates:
        calendar.add_component(gate_event(initiative, now))
    return calendar.to_ical()
