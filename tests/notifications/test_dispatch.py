"""Sending: one e-mail per due row (or one digest), headers and links, retries, reclaiming."""

from __future__ import annotations

import datetime as dt

import pytest
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
from innocities.notifications.services import MAX_ATTEMPTS, dispatch_due, unsubscribe_read
from innocities.notifications.timing import send_after
from programs.models import Task
from tests import factories as f
from tests.notifications.conftest import at

D = dt.date(2026, 3, 4)


def _row(user, *, when=None, category=Category.TASK, program=None, n=0, **extra) -> Notification:
    rule = ReminderRule.objects.get(
        code=f"{category}-1" if category != "progress_update" else "progress-due"
    )
    task = f.TaskFactory(program=program) if program else Task.objects.first()
    return Notification.objects.create(
        rule=rule,
        content_type=ContentType.objects.get_for_model(Task),
        object_id=task.pk,
        recipient=user,
        occurrence=f"{D.isoformat()}-{n}",
        category=category,
        program=task.program,
        send_after=when or at(D, 8),
        subject=f"Due tomorrow: reminder {n}",
        url=f"/programmes/{task.program_id}/",
        **extra,
    )


def test_an_immediate_reminder_carries_links_and_one_click_unsubscribe_headers(world):
    row = _row(world.coordinator)
    result = dispatch_due(now=at(D, 8))

    assert (result.sent, result.emails) == (1, 1)
    message = mail.outbox[0]
    assert message.to == ["coordinator@example.se"]
    assert message.subject == "Due tomorrow: reminder 0"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in url
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_read(token) == (world.coordinator, Category.TASK)
    assert f"/programmes/{world.program.pk}/" in message.body
    assert "/notifications/settings/" in message.body
    html = message.alternatives[0][0]
    assert "/notifications/settings/" in html and url in html
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and row.sent_at is not None


def test_a_row_is_sent_once_however_often_dispatch_runs(world):
    _row(world.coordinator)
    dispatch_due(now=at(D, 8))
    dispatch_due(now=at(D, 8, 1))
    dispatch_due(now=at(D, 9))
    assert len(mail.outbox) == 1


def test_rows_not_yet_due_wait(world):
    _row(world.coordinator, when=at(D, 9))
    assert dispatch_due(now=at(D, 8, 59)).sent == 0
    assert dispatch_due(now=at(D, 9)).sent == 1


@pytest.mark.parametrize(
    "language,subject", [("sv", "Innocities: 3 påminnelser"), ("en", "Innocities: 3 reminders")]
)
def test_a_digest_groups_a_persons_rows_in_one_email_by_programme(world, language, subject):
    world.coordinator.language = language
    world.coordinator.save()
    other = f.ProgramFactory(municipality=world.ale, title="Ale second programme")
    for n, program in enumerate((world.program, other, world.program)):
        _row(world.coordinator, program=program, n=n, delivery=Delivery.DAILY)
    _row(world.viewer, n=9)

    result = dispatch_due(now=at(D, 8))

    assert (result.sent, result.emails) == (4, 2)
    digest = next(m for m in mail.outbox if m.to == ["coordinator@example.se"])
    assert digest.subject == subject
    body = digest.body
    assert body.index("Ale innovates") < body.index("reminder 0") < body.index("reminder 2")
    assert body.index("Ale second programme") < body.index("reminder 1")
    assert "/notifications/unsubscribe/" in digest.extra_headers["List-Unsubscribe"]


def test_daily_digests_skip_public_holidays_in_sweden_and_norway():
    # 1 May 2026 is a Friday and a public holiday in both countries.
    kwargs = {"time_zone": "Europe/Stockholm", "hour": 8, "paused_until": None}
    eve = at(dt.date(2026, 4, 30), 9)
    assert send_after(now=eve, delivery=Delivery.DAILY, country="SE", **kwargs) == at(
        dt.date(2026, 5, 2), 8
    )
    assert send_after(now=eve, delivery=Delivery.IMMEDIATE, country="SE", **kwargs) == at(
        dt.date(2026, 5, 1), 8
    )
    # 17 May is Norway's constitution day, not a Swedish holiday.
    may16 = at(dt.date(2026, 5, 16), 9)
    assert send_after(now=may16, delivery=Delivery.DAILY, country="NO", **kwargs) == at(
        dt.date(2026, 5, 18), 8
    )
    assert send_after(now=may16, delivery=Delivery.DAILY, country="SE", **kwargs) == at(
        dt.date(2026, 5, 17), 8
    )


def test_weekly_digests_go_on_monday_or_the_next_working_day_after_a_holiday():
    kwargs = {"time_zone": "Europe/Stockholm", "hour": 8, "paused_until": None}
    wednesday = at(dt.date(2026, 3, 4), 9)
    assert send_after(now=wednesday, delivery=Delivery.WEEKLY, **kwargs) == at(
        dt.date(2026, 3, 9), 8
    )
    # Easter Monday 2026 is 6 April: the weekly digest goes on Tuesday.
    before_easter = at(dt.date(2026, 4, 1), 9)
    assert send_after(now=before_easter, delivery=Delivery.WEEKLY, **kwargs) == at(
        dt.date(2026, 4, 7), 8
    )


def test_a_failed_send_is_retried_with_backoff_then_marked_failed(world, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    row = _row(world.coordinator)
    now = at(D, 8)
    backoffs = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = dispatch_due(now=now)
        row.refresh_from_db()
        assert row.attempts == attempt
        assert "SMTPServerDisconnected" in row.last_error
        if attempt < MAX_ATTEMPTS:
            assert (result.retried, row.status) == (1, NotificationStatus.PENDING)
            backoffs.append(row.send_after - now)
            assert dispatch_due(now=row.send_after - dt.timedelta(seconds=1)).sent == 0
            now = row.send_after
    assert row.status == NotificationStatus.FAILED
    assert backoffs == [dt.timedelta(minutes=5 * 2**k) for k in range(MAX_ATTEMPTS - 1)]


def test_a_row_left_sending_by_a_dead_worker_is_reclaimed_after_ten_minutes(world):
    now = at(D, 8)
    stuck = _row(
        world.coordinator,
        status=NotificationStatus.SENDING,
        claimed_at=now - dt.timedelta(minutes=11),
    )
    busy = _row(
        world.viewer,
        n=1,
        status=NotificationStatus.SENDING,
        claimed_at=now - dt.timedelta(minutes=5),
    )

    result = dispatch_due(now=now)

    assert result.sent == 1
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == NotificationStatus.SENT
    assert busy.status == NotificationStatus.SENDING
    assert [m.to for m in mail.outbox] == [["coordinator@example.se"]]


def test_a_category_turned_off_after_the_scan_is_not_sent(world):
    row = _row(world.coordinator)
    NotificationPreference.objects.create(user=world.coordinator, tasks=False)

    result = dispatch_due(now=at(D, 8))

    assert (result.sent, result.cancelled) == (0, 1)
    row.refresh_from_db()
    assert row.status == NotificationStatus.CANCELLED
    assert mail.outbox == []


def test_dispatch_query_count_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    for n in range(3):
        _row(world.coordinator, n=n)
    with django_assert_max_num_queries(25):
        assert dispatch_due(now=at(D, 8)).sent == 3
    for n in range(30):
        _row(world.viewer, n=100 + n)
    with django_assert_max_num_queries(25 + 2 * 30):
        # Per e-mail: one update marking it sent (a compare-and-swap on the claim).
        assert dispatch_due(now=at(D, 8)).sent == 30


def test_send_reminders_command_runs_one_pass_and_prints_counts(world, capsys):
    Task.objects.filter(title="Map the innovation culture").update(
        due_on=timezone.localdate() + dt.timedelta(days=7)
    )
    NotificationPreference.objects.update_or_create(user=world.coordinator, defaults={"hour": 0})
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "scan:" in out and "dispatch:" in out
    assert Notification.objects.filter(recipient=world.coordinator).exists()


def test_the_beat_tasks_scan_and_send_when_called(world):
    from innocities.notifications import tasks

    # Real today: keep the monthly progress-update rules (due on the 25th) out of the count.
    ReminderRule.objects.filter(category=Category.PROGRESS_UPDATE).update(is_active=False)
    Task.objects.filter(title="Map the innovation culture").update(
        due_on=timezone.localdate() + dt.timedelta(days=1)
    )
    NotificationPreference.objects.create(user=world.coordinator, hour=timezone.localtime().hour)

    assert tasks.scan_reminders()["created"] == 1
    assert tasks.dispatch_due()["sent"] == 1
    assert [m.to for m in mail.outbox] == [["coordinator@example.se"]]
