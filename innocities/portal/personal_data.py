"""Personal data rights: what the portal holds about one person (access, GDPR art. 15/20),
and erasing a person (art. 17) while keeping the partnership's records.

It lives in the portal, the top layer, because a person's data is spread over every app: the
account (accounts), roles (municipalities, clusters), programmes and their work (programs),
reminders (notifications) and the calendar link (feeds).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusters.models import MeetingParticipant, RosterEntry
from innocities.accounts.models import User
from innocities.core.security_log import security_event
from innocities.feeds.models import CalendarToken
from innocities.notifications.models import Notification, NotificationPreference
from municipalities.assessments.models import Respondent
from municipalities.models import MunicipalityMembership
from programs.benefits.models import Benefit
from programs.initiatives.models import Initiative
from programs.lessons.selectors import lessons_by_author
from programs.models import Milestone, Program, ProgressUpdate, Task

# Notifications older than this are not listed: the outbox is kept for a year.
NOTIFICATIONS_SHOWN = datetime.timedelta(days=365)


@dataclass(frozen=True)
class Section:
    """One kind of data: a title, its columns (key, label) and its rows (key → value)."""

    key: str
    title: str | Promise
    columns: tuple[tuple[str, str | Promise], ...]
    rows: list[dict[str, Any]]

    @property
    def cells(self) -> list[list[Any]]:
        """The rows as lists in the columns' order, for a table."""
        return [[row[key] for key, _label in self.columns] for row in self.rows]


def _section(
    key: str, title: str | Promise, columns: tuple[tuple[str, str | Promise], ...], rows: Any
) -> Section:
    return Section(key, title, columns, [dict(row) for row in rows])


def person_data(user: User) -> list[Section]:
    """Everything the portal holds about ``user``, in sections. A fixed number of queries
    (one per section), however much there is."""
    since = timezone.now() - NOTIFICATIONS_SHOWN
    preference = NotificationPreference.objects.filter(user=user).first()
    has_calendar_link = CalendarToken.objects.filter(user=user).exists()
    return [
        _section(
            "account",
            _("Account"),
            (
                ("full_name", _("full name")),
                ("email", _("e-mail address")),
                ("language", _("preferred language")),
                ("time_zone", _("time zone")),
                ("date_joined", _("date joined")),
                ("last_login", _("last login")),
                ("is_active", _("active")),
                ("is_staff", _("administrator")),
                ("calendar_link", _("has a calendar link")),
            ),
            [
                {
                    "full_name": user.full_name,
                    "email": user.email,
                    "language": user.language,
                    "time_zone": user.time_zone,
                    "date_joined": user.date_joined,
                    "last_login": user.last_login,
                    "is_active": user.is_active,
                    "is_staff": user.is_staff or user.is_superuser,
                    # Whether there is one, never the secret.
                    "calendar_link": has_calendar_link,
                }
            ],
        ),
        _section(
            "email_addresses",
            _("E-mail addresses"),
            (("email", _("e-mail address")), ("verified", _("verified"))),
            [
                {"email": email, "verified": verified}
                for email, verified in EmailAddress.objects.filter(user=user)
                .order_by("email")
                .values_list("email", "verified")
            ],
        ),
        _section(
            "second_factors",
            _("Two-factor authentication"),
            (("kind", _("kind")), ("created_at", _("added")), ("last_used_at", _("last used"))),
            [
                {
                    "kind": authenticator.get_type_display(),
                    "created_at": authenticator.created_at,
                    "last_used_at": authenticator.last_used_at,
                }
                for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
            ],
        ),
        _section(
            "municipality_roles",
            _("Roles in municipalities"),
            (("municipality", _("municipality")), ("role", _("role")), ("since", _("since"))),
            [
                {
                    "municipality": membership.municipality.name,
                    "role": membership.get_role_display(),
                    "since": membership.created_at,
                }
                for membership in MunicipalityMembership.objects.filter(user=user)
                .select_related("municipality")
                .order_by("municipality__name")
            ],
        ),
        _section(
            "roster_entries",
            _("Roles in clusters"),
            (
                ("cluster", _("cluster")),
                ("role", _("roster role")),
                ("organisation", _("organisation")),
                ("municipality", _("municipality")),
                ("started_on", _("started on")),
                ("ended_on", _("ended on")),
            ),
            [
                {
                    "cluster": entry.cluster.name,
                    "role": entry.get_role_display(),
                    "organisation": entry.organisation.name if entry.organisation else "",
                    "municipality": entry.municipality.name if entry.municipality else "",
                    "started_on": entry.started_on,
                    "ended_on": entry.ended_on,
                }
                for entry in RosterEntry.objects.filter(user=user)
                .select_related("cluster", "organisation", "municipality")
                .order_by("-started_on", "pk")
            ],
        ),
        _section(
            "coordinated_programmes",
            _("Programmes you coordinate"),
            (("programme", _("programme")), ("municipality", _("municipality"))),
            [
                {"programme": program.title, "municipality": program.municipality.name}
                for program in Program.objects.filter(coordinators=user)
                .select_related("municipality")
                .order_by("title")
            ],
        ),
        _section(
            "tasks",
            _("Tasks you own"),
            (
                ("title", _("title")),
                ("programme", _("programme")),
                ("due_on", _("due on")),
                ("status", _("status")),
            ),
            [
                {
                    "title": task.title,
                    "programme": task.program.title,
                    "due_on": task.due_on,
                    "status": task.get_status_display(),
                }
                for task in Task.objects.filter(owner=user)
                .select_related("program")
                .order_by("due_on", "pk")
            ],
        ),
        _section(
            "milestones",
            _("Milestones you own"),
            (
                ("title", _("title")),
                ("programme", _("programme")),
                ("due_on", _("due on")),
                ("status", _("status")),
            ),
            [
                {
                    "title": milestone.title,
                    "programme": milestone.program.title,
                    "due_on": milestone.due_on,
                    "status": milestone.get_status_display(),
                }
                for milestone in Milestone.objects.filter(owner=user)
                .select_related("program")
                .order_by("due_on", "pk")
            ],
        ),
        _section(
            "progress_updates",
            _("Progress updates you wrote"),
            (
                ("programme", _("programme")),
                ("written_at", _("written at")),
                ("status", _("overall status")),
                ("achieved", _("what was achieved")),
                ("next_steps", _("what comes next")),
                ("blockers", _("what blocks")),
            ),
            [
                {
                    "programme": update.program.title,
                    "written_at": update.created_at,
                    "status": update.get_status_display(),
                    "achieved": update.achieved,
                    "next_steps": update.next_steps,
                    "blockers": update.blockers,
                }
                for update in ProgressUpdate.objects.filter(author=user)
                .select_related("program")
                .order_by("-created_at", "-pk")
            ],
        ),
        _section(
            "meeting_invitations",
            _("Meeting invitations"),
            (
                ("meeting", _("meeting")),
                ("cluster", _("cluster")),
                ("starts_at", _("starts at")),
                ("reply", _("reply")),
                ("replied_at", _("replied at")),
                ("attendance", _("attendance")),
            ),
            [
                {
                    "meeting": participant.meeting.title,
                    "cluster": participant.meeting.cluster.name,
                    "starts_at": participant.meeting.starts_at,
                    "reply": participant.get_reply_display(),
                    "replied_at": participant.replied_at,
                    "attendance": participant.get_attendance_display(),
                }
                for participant in MeetingParticipant.objects.filter(user=user)
                .select_related("meeting__cluster")
                .order_by("-meeting__starts_at", "pk")
            ],
        ),
        _section(
            "self_assessments",
            _("Self-assessments you were asked to answer"),
            (("round", _("round")), ("role", _("respondent role")), ("status", _("status"))),
            [
                {
                    "round": respondent.round.title,
                    "role": respondent.get_role_display(),
                    "status": respondent.get_status_display(),
                }
                for respondent in Respondent.objects.filter(user=user)
                .select_related("round")
                .order_by("-round__opened_at", "pk")
            ],
        ),
        _section(
            "initiatives",
            _("Innovation initiatives you lead"),
            (("title", _("title")), ("stage", _("stage"))),
            [
                {"title": initiative.title, "stage": initiative.get_stage_display()}
                for initiative in Initiative.objects.filter(lead=user).order_by("title", "pk")
            ],
        ),
        _section(
            "benefits",
            _("Benefits you own"),
            (
                ("title", _("title")),
                ("initiative", _("initiative")),
                ("kind", _("kind")),
                ("ended_on", _("ended on")),
            ),
            [
                {
                    "title": benefit.title,
                    "initiative": benefit.initiative.title,
                    "kind": benefit.get_kind_display(),
                    "ended_on": benefit.ended_on,
                }
                for benefit in Benefit.objects.filter(owner=user)
                .select_related("initiative")
                .order_by("initiative__title", "title", "pk")
            ],
        ),
        _section(
            "lessons",
            _("Lessons you wrote"),
            (
                ("title", _("title")),
                ("written_at", _("written at")),
                ("visibility", _("who reads it")),
            ),
            [
                {
                    "title": lesson.title,
                    "written_at": lesson.created_at,
                    "visibility": lesson.get_visibility_display(),
                }
                for lesson in lessons_by_author(user)
            ],
        ),
        _section(
            "notification_preferences",
            _("Notification settings"),
            (
                ("tasks", _("tasks")),
                ("milestones", _("milestones")),
                ("meetings", _("meetings")),
                ("progress_updates", _("progress updates")),
                ("gates", _("decision points")),
                ("assumptions", _("assumption tests")),
                ("benefits", _("benefit follow-ups")),
                ("statistics", _("open statistics")),
                ("delivery", _("delivery")),
                ("hour", _("hour")),
                ("paused_until", _("pause until")),
            ),
            []
            if preference is None
            else [
                {
                    "tasks": preference.tasks,
                    "milestones": preference.milestones,
                    "meetings": preference.meetings,
                    "progress_updates": preference.progress_updates,
                    "gates": preference.gates,
                    "assumptions": preference.assumptions,
                    "benefits": preference.benefits,
                    "statistics": preference.statistics,
                    "delivery": preference.get_delivery_display(),
                    "hour": preference.hour,
                    "paused_until": preference.paused_until,
                }
            ],
        ),
        _section(
            "notifications",
            _("Reminders sent to you (the last 12 months)"),
            (
                ("subject", _("subject")),
                ("category", _("category")),
                ("status", _("status")),
                ("created_at", _("created at")),
                ("sent_at", _("sent at")),
            ),
            [
                {
                    "subject": notification.subject,
                    "category": notification.get_category_display(),
                    "status": notification.get_status_display(),
                    "created_at": notification.created_at,
                    "sent_at": notification.sent_at,
                }
                for notification in Notification.objects.filter(
                    recipient=user, created_at__gte=since
                ).order_by("-created_at", "-pk")
            ],
        ),
    ]


def person_data_json(user: User) -> dict[str, Any]:
    """The same data as plain JSON: the account as an object, every other section a list."""
    sections = person_data(user)
    data: dict[str, Any] = {"exported_at": timezone.now(), "user_id": user.pk}
    for section in sections:
        data[section.key] = section.rows[0] if section.key == "account" else section.rows
    return data


def erased_name(user: User) -> str:
    """The pseudonym, stored once and read by everyone: in the partnership's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Erased person #%(number)s") % {"number": user.pk}


def erased_email(user: User) -> str:
    # A reserved top-level domain (RFC 2606): never delivered, and a valid address, so the
    # account still passes its own validation.
    return f"erased-{user.pk}@erased.invalid"


def person_erase(*, user: User, actor: User) -> User:
    """Erase a person: the account is pseudonymised ("Erased person #N") and can no longer
    log in; what is only theirs (addresses, second factors, sessions, calendar link,
    reminders and their settings, roles in municipalities) is deleted. The partnership's
    records stay — programmes, tasks, progress updates, decisions, meeting replies, roster
    entries (an open one ends today) and history — and now read "Erased person #N".

    Refuses to erase oneself and the last active superuser (ValidationError).
    """
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot erase yourself."))
    with transaction.atomic():
        # Locked, so two erasures cannot both remove "one of two" superusers.
        superusers = list(
            User.objects.select_for_update()
            .filter(is_superuser=True, is_active=True)
            .values_list("pk", flat=True)
        )
        if superusers == [user.pk]:
            raise ValidationError(_("The last active superuser cannot be erased."))
        user = User.objects.select_for_update().get(pk=user.pk)
        user.full_name = erased_name(user)
        user.email = erased_email(user)
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.full_clean()
        user._history_user = actor  # type: ignore[attr-defined]
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        # Earlier versions of the account keep who changed what (staff, active), not the name
        # and address the person had.
        User.history.filter(id=user.pk).update(full_name=user.full_name, email=user.email)

        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        CalendarToken.objects.filter(user=user).delete()
        Notification.objects.filter(recipient=user).delete()
        NotificationPreference.objects.filter(user=user).delete()
        for membership in MunicipalityMembership.objects.filter(user=user):
            membership._history_user = actor  # type: ignore[attr-defined]
            membership.delete()
        today = timezone.localdate()
        for entry in RosterEntry.objects.filter(user=user, ended_on__isnull=True):
            entry.ended_on = max(today, entry.started_on)
            entry._history_user = actor  # type: ignore[attr-defined]
            entry.full_clean()
            entry.save()
        _delete_sessions(user)
        security_event("person.erased", actor=actor, subject=user)
    return user


def _delete_sessions(user: User) -> None:
    # Sessions are signed blobs: a scan, which is fine for a few hundred sessions. (An
    # inactive account is logged out at its next request anyway; this removes the data.)
    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()
