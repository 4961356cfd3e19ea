"""Real parts: PostgreSQL, a Redis broker and real ``celery worker`` processes.

Two workers run ``dispatch_due`` at once over 1,200 due reminders: each is sent exactly once.
Then a worker is killed with SIGKILL in the middle of a batch and another takes over: nothing
is lost; at most the e-mails in flight at the kill go twice (at-least-once, as the services
module says). The figures are printed (run with ``-s`` to see them).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from innocities.notifications.models import Notification, NotificationStatus, ReminderRule
from innocities.notifications.tasks import dispatch_due
from programs.models import Task
from tests import factories as f
from tests.services import ManagedProcess, wait_for
from tests.workers import received_mail, shared_services_env, start_workers, wait_for_workers

ROWS_PER_PERSON = 12
PEOPLE = 100  # 1,200 reminders
TIMEOUT = 180.0


@pytest.fixture
def env(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    return shared_services_env(tmp_path, needed_by="the worker tests")


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[ManagedProcess]]:
    started: list[ManagedProcess] = []
    yield started
    # Stopped before transactional_db flushes: PostgreSQL will not drop a database in use.
    for worker in started:
        worker.stop(timeout=10)


def _due_rows(world) -> int:
    rule = ReminderRule.objects.get(code="task-1")
    task = Task.objects.filter(program=world.program).first()
    content_type = ContentType.objects.get_for_model(Task)
    past = timezone.now() - dt.timedelta(minutes=1)
    rows = []
    for p in range(PEOPLE):
        person = f.UserFactory(email=f"person-{p}@example.se")
        for n in range(ROWS_PER_PERSON):
            rows.append(
                Notification(
                    rule=rule,
                    content_type=content_type,
                    object_id=task.pk,
                    recipient=person,
                    occurrence=f"load-{n}",
                    category="task",
                    program=world.program,
                    send_after=past,
                    subject=f"Reminder {p}-{n}",
                    url="/programmes/",
                )
            )
    Notification.objects.bulk_create(rows)
    return len(rows)


def _open_rows() -> int:
    return Notification.objects.exclude(status=NotificationStatus.SENT).count()


def _wait_all_sent(workers: list[ManagedProcess]) -> None:
    wait_for_workers(
        workers,
        lambda: _open_rows() == 0,
        what="every reminder sent",
        timeout=TIMEOUT,
        interval=0.5,
        progress=lambda: f"{_open_rows()} rows still open",
    )


def test_two_workers_at_once_send_each_of_1200_reminders_exactly_once(
    world, env, workers, tmp_path
):
    expected = _due_rows(world)
    workers.extend(start_workers(env, tmp_path, "w1", "w2"))
    started = time.monotonic()
    for _ in range(6):
        dispatch_due.delay()

    _wait_all_sent(workers)

    elapsed = time.monotonic() - started
    received = received_mail(env)
    duplicated = sum(n - 1 for n in received.values())
    lost = expected - len(received)
    per_worker = [w.log().count("succeeded in") for w in workers]
    print(
        f"\ntwo workers: {expected} due, {sum(received.values())} e-mails, "
        f"{duplicated} duplicated, {lost} lost, {elapsed:.1f} s; tasks per worker {per_worker}"
    )
    assert (lost, duplicated) == (0, 0)
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == expected
    # Both really ran dispatch_due (each took tasks from the broker).
    assert all(w.log().count("dispatch_due") > 0 for w in workers), per_worker


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_at_most_the_batch_in_flight(
    world, env, workers, tmp_path
):
    expected = _due_rows(world)
    [first] = start_workers(env, tmp_path, "w1")
    workers.append(first)
    dispatch_due.delay()

    wait_for(
        lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() >= 150,
        timeout=TIMEOUT,
        interval=0.02,
        what="the first worker to be under way",
    )
    first.process.kill()  # SIGKILL: no warm shutdown, no chance to mark what it sent
    first.process.wait(timeout=10)
    in_flight = Notification.objects.filter(status=NotificationStatus.SENDING).count()
    sent_before = Notification.objects.filter(status=NotificationStatus.SENT).count()
    # The dead worker's claims expire after ten minutes; let the clock move on.
    Notification.objects.filter(status=NotificationStatus.SENDING).update(
        claimed_at=F("claimed_at") - dt.timedelta(minutes=11)
    )

    [second] = start_workers(env, tmp_path, "w2")
    workers.append(second)
    dispatch_due.delay()
    _wait_all_sent([second])

    received = received_mail(env)
    duplicated = sum(n - 1 for n in received.values())
    lost = expected - len(received)
    print(
        f"\nSIGKILL: {expected} due, killed after {sent_before} marked sent with "
        f"{in_flight} claimed in flight; {sum(received.values())} e-mails, "
        f"{duplicated} duplicated, {lost} lost"
    )
    assert lost == 0
    assert duplicated <= in_flight
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == expected
