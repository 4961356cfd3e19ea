"""Meeting invitations by e-mail, each with its calendar entry (clusters.ical)."""

from __future__ import annotations

from email.mime.text import MIMEText

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from clusters.ical import CANCEL, REQUEST, meeting_calendar, meeting_rsvp_token, meeting_url
from clusters.models import Meeting, MeetingParticipant, MeetingStatus
from innocities.accounts.models import User
from innocities.core.mail import build_email


def _rsvp_url(participant: MeetingParticipant, reply: str) -> str:
    path = reverse("clusters:meeting_rsvp", kwargs={"token": meeting_rsvp_token(participant)})
    return f"{settings.SITE_URL}{path}?reply={reply}"


def meeting_email(
    meeting: Meeting, user: User, method: str, *, first: bool = False
) -> EmailMultiAlternatives:
    """The invitation (REQUEST, first or updated) or cancellation (CANCEL) for ``user``, in
    their language and time zone, with the calendar entry as ``text/calendar``. ``first``:
    the person hears of the meeting for the first time, so it is no "update" to them."""
    participants = list(meeting.participants.select_related("user"))
    mine = next((p for p in participants if p.user_id == user.pk), None)
    if method == REQUEST or meeting.status == MeetingStatus.CANCELLED:
        attendees = [p.user for p in participants]
    else:
        attendees = [user]  # removed from the meeting: only they are told
    context = {
        "user": user,
        "meeting": meeting,
        "cluster": meeting.cluster,
        "organiser": meeting.created_by,
        "time_zone": user.time_zone,
        "meeting_url": meeting_url(meeting),
        "updated": meeting.sequence > 0 and not first,
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
    }
    if method == REQUEST and mine is not None:
        context["accept_url"] = _rsvp_url(mine, "accepted")
        context["decline_url"] = _rsvp_url(mine, "declined")
    message = build_email(
        "meeting-request" if method == REQUEST else "meeting-cancel",
        to=[user.email],
        context=context,
        language=user.language,
    )
    if meeting.created_by is not None and meeting.created_by.email:
        message.reply_to = [meeting.created_by.email]
    ics = meeting_calendar(meeting, method=method, attendees=attendees).decode()
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    message.attach(part)
    return message


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5)
def send_meeting_mail(
    meeting_id: int, user_id: int, method: str, sequence: int, first: bool = False
) -> bool:
    """Send one person the invitation or cancellation queued by a meeting service; says
    whether it sent. Retries on network errors (SMTP down) only.

    It checks again what the service decided: a REQUEST goes only to someone still invited
    to a scheduled meeting still at ``sequence`` (a later change queued its own update); a
    CANCEL goes to an invitee of a cancelled meeting, or to someone no longer invited. What
    can still go wrong: a retry after the SMTP server took the message but the connection
    dropped sends it twice; calendars treat a repeat with the same UID and SEQUENCE as one.
    """
    meeting = Meeting.objects.select_related("cluster", "created_by").filter(pk=meeting_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if meeting is None or user is None:
        return False
    invited = meeting.participants.filter(user=user).exists()
    if method == REQUEST:
        if meeting.status != MeetingStatus.SCHEDULED or meeting.sequence != sequence:
            return False
        if not invited:
            return False
    elif method == CANCEL:
        if meeting.status == MeetingStatus.CANCELLED:
            if not invited or meeting.sequence != sequence:
                return False
        elif invited:
            return False  # invited again since
    else:
        raise ValueError(f"unknown iTIP method {method!r}")
    meeting_email(meeting, user, method, first=first).send()
    return True
