"""``send_reminders --now``: what waits only for the preferred hour goes now; a pause and a
weekly digest's Monday still hold."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from innocities.notifications.models import (
    Category,
    Delivery,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services import dispatch_due, reminders_release_now
from programs.models import Task
from tests.notifications.conftest import at

D = dt.date(2026, 3, 4)  # a Wednesday
NOW = at(D, 15)


def _waiting(user, *, until: dt.datetime, delivery=Delivery.IMMEDIATE, n=0) -> Notification:
    task = Task.objects.first()
    return Notification.objects.create(
        rule=ReminderRule.objects.get(code="task-1"),
        content_type=ContentType.objects.get_for_model(Task),
        object_id=task.pk,
        recipient=user,
        occurrence=f"{D.isoformat()}-{n}",
        category=Category.TASK,
        program=task.program,
        delivery=delivery,
        send_after=until,
        subject=f"Due tomorrow: reminder {n}",
        url=f"/programmes/{task.program_id}/",
    )


def test_a_reminder_waiting_for_tomorrow_morning_goes_now(world):
    waiting = _waiting(world.coordinator, until=at(D + dt.timedelta(days=1), 8))

    assert dispatch_due(now=NOW).sent == 0
    assert reminders_release_now(now=NOW) == 1
    assert dispatch_due(now=NOW).sent == 1

    waiting.refresh_from_db()
    assert waiting.status == NotificationStatus.SENT
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]


def test_a_pause_and_a_weekly_digest_still_hold(world):
    NotificationPreference.objects.create(user=world.viewer, paused_until=D + dt.timedelta(days=5))
    paused = _waiting(world.viewer, until=at(D + dt.timedelta(days=5), 8), n=1)
    weekly = _waiting(
        world.coordinator, until=at(D + dt.timedelta(days=5), 8), delivery=Delivery.WEEKLY, n=2
    )

    assert reminders_release_now(now=NOW) == 0
    for row, until in ((paused, paused.send_after), (weekly, weekly.send_after)):
        row.refresh_from_db()
        assert (row.status, row.send_after) == (NotificationStatus.PENDING, until)


def test_only_the_people_named_are_released(world):
    mine = _waiting(world.coordinator, until=at(D + dt.timedelta(days=1), 8), n=3)
    theirs = _waiting(world.viewer, until=at(D + dt.timedelta(days=1), 8), n=4)

    assert reminders_release_now(now=NOW, recipient_ids=[world.coordinator.pk]) == 1

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.send_after == NOW
    assert theirs.send_after == at(D + dt.timedelta(days=1), 8)


def test_the_command_with_now_sends_what_waits_for_the_hour(world, capsys):
    # Real time: a task due in a week, and a preferred hour two hours from now.
    Task.objects.filter(title="Map the innovation culture").update(
        due_on=timezone.localdate() + dt.timedelta(days=7)
    )
    later = (timezone.localtime().hour + 2) % 24
    NotificationPreference.objects.create(user=world.coordinator, hour=later)
    call_command("send_reminders")
    assert "--now" not in capsys.readouterr().out
    assert mail.outbox == []
    assert Notification.objects.filter(
        recipient=world.coordinator, status=NotificationStatus.PENDING
    ).exists()

    call_command("send_reminders", "--now")

    out = capsys.readouterr().out
    assert "--now: 1 waiting for their hour are sent now" in out
    assert [m.to for m in mail.outbox] == [[world.coordinator.email]]
