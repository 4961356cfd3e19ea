"""The scan: which reminders land in the outbox at a simulated moment, and which do not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from clusters.models import MeetingStatus, Reply
from innocities.notifications.models import (
    Category,
    Delivery,
    Notification,
    NotificationPreference,
    NotificationStatus,
    ReminderRule,
)
from innocities.notifications.services import dispatch_due, reminders_scan
from programs.models import ItemStatus, Milestone, Program, ProgramStatus, ProgressUpdate, Task
from tests import factories as f
from tests.notifications.conftest import at

D = dt.date(2026, 3, 4)  # a Wednesday, no holiday


@pytest.fixture
def scenario(world):
    """Tasks at various due dates, meetings, and programmes in several states, around D."""
    # The world's own items are due relative to the real today: move them out of the way.
    Task.objects.update(due_on=D + dt.timedelta(days=200))
    Milestone.objects.update(due_on=D + dt.timedelta(days=200))
    Program.objects.update(starts_on=D - dt.timedelta(days=365))
    # Both programmes reported in February: no progress-update escalation on D (25 Feb + 7).
    for program in (world.program, world.other_program):
        f.ProgressUpdateFactory(program=program, author=world.coordinator)
    ProgressUpdate.objects.update(created_at=at(D - dt.timedelta(days=10)))
    # Swedish for the coordinators; the factory's English for the viewer and the manager.
    for person in (world.coordinator, world.other_coordinator):
        person.language = "sv"
        person.save()
    program = world.program
    items = {
        "in7": f.TaskFactory(
            program=program,
            title="Write the roadmap",
            due_on=D + dt.timedelta(days=7),
            owner=world.coordinator,
        ),
        "tomorrow_unowned": f.TaskFactory(
            program=program, title="Book the workshop room", due_on=D + dt.timedelta(days=1)
        ),
        "today_milestone": f.MilestoneFactory(
            program=program, title="Baseline agreed", due_on=D, owner=world.viewer
        ),
        "overdue": f.TaskFactory(
            program=program,
            title="Send the survey",
            due_on=D - dt.timedelta(days=7),
            owner=world.coordinator,
        ),
        "done": f.TaskFactory(
            program=program,
            title="Kick-off held",
            due_on=D + dt.timedelta(days=7),
            owner=world.coordinator,
            status=ItemStatus.DONE,
            percent=100,
            completed_on=D,
        ),
        "lerum": f.TaskFactory(
            program=world.other_program, title="Lerum bus pilot", due_on=D + dt.timedelta(days=1)
        ),
    }
    paused = f.ProgramFactory(
        municipality=world.alingsas,
        cluster=world.cluster_a,
        status=ProgramStatus.PAUSED,
        starts_on=D - dt.timedelta(days=100),
    )
    paused.coordinators.add(world.coordinator)
    f.TaskFactory(program=paused, title="Paused task", due_on=D + dt.timedelta(days=7))
    meeting = f.MeetingFactory(
        cluster=world.cluster_a,
        title="Cluster workshop",
        starts_at=at(D + dt.timedelta(days=7), 10),
        ends_at=at(D + dt.timedelta(days=7), 12),
    )
    f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    f.MeetingParticipantFactory(meeting=meeting, user=world.manager, reply=Reply.ACCEPTED)
    f.MeetingParticipantFactory(meeting=meeting, user=world.partner, reply=Reply.DECLINED)
    cancelled = f.MeetingFactory(
        cluster=world.cluster_a,
        title="Cancelled meeting",
        status=MeetingStatus.CANCELLED,
        starts_at=at(D + dt.timedelta(days=1), 10),
        ends_at=at(D + dt.timedelta(days=1), 12),
    )
    f.MeetingParticipantFactory(meeting=cancelled, user=world.coordinator)
    items["meeting"] = meeting
    return items


def _outbox() -> set[tuple[str, str]]:
    return {(m.to[0], m.subject) for m in mail.outbox}


def test_scan_sends_exactly_the_expected_reminders_in_each_recipients_language(world, scenario):
    result = reminders_scan(now=at(D, 7))
    assert result.created == 7
    # Nothing before the recipients' hour (08:00 by default).
    assert dispatch_due(now=at(D, 7, 30)).sent == 0

    sent = dispatch_due(now=at(D, 8))

    assert sent.sent == 7
    assert _outbox() == {
        ("coordinator@example.se", "Förfaller om 7 dagar: Write the roadmap"),
        ("coordinator@example.se", "Förfaller i morgon: Book the workshop room"),
        ("viewer@example.se", "Due today: Baseline agreed"),
        ("coordinator@example.se", "Försenad: Send the survey"),
        ("coordinator2@example.se", "Förfaller i morgon: Lerum bus pilot"),
        ("coordinator@example.se", "Om 7 dagar: Cluster workshop"),
        ("manager@example.se", "In 7 days: Cluster workshop"),
    }
    assert not any("Kick-off" in s or "Paused" in s or "Cancelled" in s for _, s in _outbox())


def test_nothing_fires_on_a_day_without_due_items(world, scenario):
    # D + 3: nothing is due, and the two days the scan makes up for had nothing either.
    assert reminders_scan(now=at(D + dt.timedelta(days=3), 7)).created == 0


def test_a_missed_day_is_made_up_while_the_items_still_lie_ahead(world, scenario):
    # No scan ran on D (beat or the broker was down). The next day's scan still sends the
    # "7 days before" reminders of D, but no late "due tomorrow" or "due today".
    reminders_scan(now=at(D + dt.timedelta(days=1), 7))
    dispatch_due(now=at(D + dt.timedelta(days=1), 8))
    subjects = {subject for _, subject in _outbox()}
    assert "Förfaller om 7 dagar: Write the roadmap" in subjects
    assert "In 7 days: Cluster workshop" in subjects
    assert not any("Baseline agreed" in subject for subject in subjects)
    assert reminders_scan(now=at(D + dt.timedelta(days=1), 9)).created == 0


def test_a_second_scan_creates_nothing(world, scenario):
    assert reminders_scan(now=at(D, 7)).created == 7
    assert reminders_scan(now=at(D, 9)).created == 0
    assert Notification.objects.count() == 7


def test_scan_query_count_does_not_grow_with_the_data(world, django_assert_max_num_queries):
    Task.objects.update(due_on=D + dt.timedelta(days=200))
    Milestone.objects.update(due_on=D + dt.timedelta(days=200))
    budget = 60

    def add(n: int) -> None:
        for _ in range(n):
            owner = f.UserFactory()
            f.TaskFactory(program=world.program, due_on=D + dt.timedelta(days=7), owner=owner)

    add(2)
    with django_assert_max_num_queries(budget):
        first = reminders_scan(now=at(D, 7))
    add(20)
    Notification.objects.all().delete()
    with django_assert_max_num_queries(budget):
        second = reminders_scan(now=at(D, 7))
    assert (first.created, second.created) == (2, 22)


def test_moving_a_due_date_supersedes_the_pending_reminder(world, scenario):
    reminders_scan(now=at(D, 7))
    task = scenario["in7"]
    task.due_on = D + dt.timedelta(days=10)
    task.save()

    reminders_scan(now=at(D, 7, 5))

    row = Notification.objects.get(object_id=task.pk, rule__code="task-7")
    assert row.status == NotificationStatus.SUPERSEDED
    dispatch_due(now=at(D, 8))
    assert "Förfaller om 7 dagar: Write the roadmap" not in {m.subject for m in mail.outbox}
    # On the new date's day minus seven, the reminder comes for the new date.
    reminders_scan(now=at(D + dt.timedelta(days=3), 7))
    assert Notification.objects.filter(
        object_id=task.pk, rule__code="task-7", occurrence=task.due_on.isoformat()
    ).exists()


def test_moving_a_meeting_supersedes_its_reminders(world, scenario):
    reminders_scan(now=at(D, 7))
    meeting = scenario["meeting"]
    meeting.starts_at += dt.timedelta(days=2)
    meeting.ends_at += dt.timedelta(days=2)
    meeting.save()

    reminders_scan(now=at(D, 7, 5))

    statuses = set(
        Notification.objects.filter(category=Category.MEETING).values_list("status", flat=True)
    )
    assert statuses == {NotificationStatus.SUPERSEDED}


def test_a_task_done_after_the_scan_gets_no_reminder(world, scenario):
    reminders_scan(now=at(D, 7))
    task = scenario["in7"]
    Task.objects.filter(pk=task.pk).update(status=ItemStatus.DONE, percent=100, completed_on=D)

    reminders_scan(now=at(D, 7, 5))
    dispatch_due(now=at(D, 8))

    assert "Write the roadmap" not in " ".join(m.subject for m in mail.outbox)


def test_overdue_reminders_repeat_weekly_and_replace_rather_than_stack(world, scenario):
    task = scenario["overdue"]
    reminders_scan(now=at(D, 7))
    reminders_scan(now=at(D + dt.timedelta(days=7), 7))

    rows = Notification.objects.filter(object_id=task.pk, rule__code="task-overdue")
    assert {(r.occurrence, r.status) for r in rows} == {
        (f"{task.due_on.isoformat()}#01", NotificationStatus.SUPERSEDED),
        (f"{task.due_on.isoformat()}#02", NotificationStatus.PENDING),
    }


def test_overdue_reminders_stop_after_max_repeats(world, scenario):
    task = scenario["overdue"]
    rule = ReminderRule.objects.get(code="task-overdue")
    for week in range(rule.max_repeats + 2):
        reminders_scan(now=at(D + dt.timedelta(days=7 * week), 7))
    assert Notification.objects.filter(object_id=task.pk, rule=rule).count() == rule.max_repeats


def test_inactive_rule_fires_nothing(world, scenario):
    ReminderRule.objects.update(is_active=False)
    assert reminders_scan(now=at(D, 7)).created == 0


def test_progress_update_due_reminds_coordinators_then_escalates_to_managers(world):
    Program.objects.update(starts_on=D - dt.timedelta(days=365))
    due = dt.date(2026, 3, 25)
    reminders_scan(now=at(due, 7))
    rows = Notification.objects.filter(category=Category.PROGRESS_UPDATE)
    assert {(r.recipient.email, r.rule.code) for r in rows} == {
        ("coordinator@example.se", "progress-due"),
        ("coordinator2@example.se", "progress-due"),
    }
    # Ale writes its update; Lerum does not. Seven days later Lerum's managers hear of it.
    f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    Notification.objects.all().delete()
    reminders_scan(now=at(due + dt.timedelta(days=7), 7))
    rows = Notification.objects.filter(category=Category.PROGRESS_UPDATE)
    assert {(r.recipient.email, r.rule.code) for r in rows} == {
        ("manager2@example.se", "progress-late"),
    }


def test_category_turned_off_gets_no_row(world, scenario):
    NotificationPreference.objects.create(user=world.coordinator, tasks=False)
    reminders_scan(now=at(D, 7))
    assert not Notification.objects.filter(
        recipient=world.coordinator, category=Category.TASK
    ).exists()
    assert Notification.objects.filter(
        recipient=world.coordinator, category=Category.MEETING
    ).exists()


def test_a_pause_defers_reminders_to_its_end_at_the_chosen_hour(world, scenario):
    resume = D + dt.timedelta(days=5)
    NotificationPreference.objects.create(user=world.coordinator, paused_until=resume, hour=9)
    reminders_scan(now=at(D, 7))

    rows = Notification.objects.filter(recipient=world.coordinator)
    assert rows.exists()
    assert {r.send_after for r in rows} == {at(resume, 9)}
    dispatch_due(now=at(D + dt.timedelta(days=1), 9))
    assert not [m for m in mail.outbox if m.to == ["coordinator@example.se"]]
    dispatch_due(now=at(resume, 9))
    assert len([m for m in mail.outbox if m.to == ["coordinator@example.se"]]) == rows.count()


def test_the_hour_is_taken_in_the_recipients_time_zone(world, scenario):
    world.coordinator.time_zone = "America/New_York"
    world.coordinator.save()
    NotificationPreference.objects.create(user=world.coordinator, hour=9)
    reminders_scan(now=at(D, 7))
    row = Notification.objects.filter(recipient=world.coordinator).first()
    # 09:00 in New York on 4 March 2026 (EST, UTC−5) is 14:00 UTC.
    assert row.send_after == dt.datetime(2026, 3, 4, 14, 0, tzinfo=dt.UTC)


def test_digest_preference_is_recorded_on_the_row(world, scenario):
    NotificationPreference.objects.create(user=world.coordinator, delivery=Delivery.DAILY)
    reminders_scan(now=at(D, 7))
    assert set(
        Notification.objects.filter(recipient=world.coordinator).values_list("delivery", flat=True)
    ) == {Delivery.DAILY}
