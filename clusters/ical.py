"""Meeting invitations as iCalendar (RFC 5545) messages for iTIP (RFC 5546) by e-mail.

A REQUEST makes Outlook, Google Calendar and Apple Calendar show the meeting with accept and
decline; a later REQUEST with the same UID and a higher SEQUENCE replaces it; a CANCEL removes
it. Replies from calendar programs go to the organiser's mailbox; the portal records replies
made with the links in the e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from clusters.models import Meeting, MeetingParticipant, MeetingStatus
from innocities.accounts.models import User

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def meeting_uid(meeting: Meeting) -> str:
    """The same for every message about ``meeting``, so calendars update one event."""
    host = urlsplit(settings.SITE_URL).hostname or "innocities"
    return f"meeting-{meeting.pk}@{host}"


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse(
        "clusters:meeting_detail", kwargs={"pk": meeting.cluster_id, "meeting_pk": meeting.pk}
    )


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def sender_address() -> str:
    """The portal's own address (``DEFAULT_FROM_EMAIL`` without its display name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def meeting_calendar(
    meeting: Meeting,
    *,
    method: str,
    attendees: Iterable[User],
    now: dt.datetime | None = None,
) -> bytes:
    """One VEVENT for ``meeting`` with ``method`` (REQUEST or CANCEL), its ``sequence`` and
    ``attendees``. The organiser is the manager who created the meeting, sent by the portal."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown iTIP method {method!r}")
    calendar = Calendar()
    calendar.add("prodid", "-//Innocities//Cluster meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", meeting.title)
    location = meeting.location or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", meeting.online_url or meeting_url(meeting))
    description = [meeting.agenda.strip()] if meeting.agenda.strip() else []
    if meeting.online_url:
        description.append(meeting.online_url)
    description.append(meeting_url(meeting))
    event.add("description", "\n\n".join(description))
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")

    sender = sender_address()
    organiser = meeting.created_by
    if organiser is not None and organiser.email:
        event.add(
            "organizer",
            _address(organiser.email, organiser.get_full_name(), **{"SENT-BY": f"mailto:{sender}"}),
        )
    else:
        event.add("organizer", _address(sender, "Innocities"))
    for person in attendees:
        event.add(
            "attendee",
            _address(
                person.email,
                person.get_full_name(),
                CUTYPE="INDIVIDUAL",
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="TRUE",
            ),
        )
    calendar.add_component(event)
    return calendar.to_ical()


# --- the accept and decline links in an invitation -------------------------------------


RSVP_SALT = "clusters.meeting-rsvp"


def meeting_rsvp_token(participant: MeetingParticipant) -> str:
    """A signed token for one invitee's accept and decline links. It names the participant
    row, so it stops working when the person is no longer invited; ``meeting_rsvp_read``
    refuses it once the meeting is over."""
    return signing.dumps({"p": participant.pk}, salt=RSVP_SALT, compress=False)


class RsvpRefused(Exception):
    """Why a reply link cannot be used: ``reason`` is "invalid", "ended" or "cancelled"."""

    def __init__(self, reason: str, meeting: Meeting | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.meeting = meeting


def meeting_rsvp_read(token: str) -> MeetingParticipant:
    """The participant a reply link names, or ``RsvpRefused`` when the token is tampered
    with, names nobody invited (any more), or the meeting is over or cancelled."""
    try:
        data = signing.loads(token, salt=RSVP_SALT)
        participant_id = int(data["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise RsvpRefused("invalid") from error
    participant = (
        MeetingParticipant.objects.select_related("meeting__cluster", "user")
        .filter(pk=participant_id, user__is_active=True)
        .first()
    )
    if participant is None:
        raise RsvpRefused("invalid")
    meeting = participant.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise RsvpRefused("cancelled", meeting)
    if meeting.ends_at <= timezone.now():
        raise RsvpRefused("ended", meeting)
    return participant
