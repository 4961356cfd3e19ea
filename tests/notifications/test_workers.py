"""Real parts: PostgreSQL, a Redis broker and real ``celery worker`` processes.

Two workers run ``dispatch_due`` at once over 1,200 due reminders: each is sent exactly once.
Then a worker is killed with SIGKILL in the middle of a batch and another takes over: nothing
is lost; at most the e-mails in flight at the kill go twice (at-least-once, as the services
module says). The figures are printed (run with ``-s`` to see them).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.utils import timezone

from innocities.notifications.models import Notification, NotificationStatus, ReminderRule
from innocities.notifications.tasks import dispatch_due
from programs.models import Task
from tests import factories as f
from tests.conftest import skip_or_fail
from tests.services import (
    ManagedProcess,
    child_env,
    database_url,
    filemail_url,
    redis_answers,
    start_celery_worker,
    wait_for,
)

ROWS_PER_PERSON = 12
PEOPLE = 100  # 1,200 reminders
TIMEOUT = 180.0


@pytest.fixture
def env(transactional_db: None, tmp_path: Path) -> dict[str, str]:
    if connection.vendor != "postgresql":
        skip_or_fail("the worker tests need PostgreSQL: a worker cannot see a SQLite test db")
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        skip_or_fail(f"the worker tests need a Redis broker (CELERY_BROKER_URL={url})")
    if not redis_answers(url):
        skip_or_fail(f"Redis at {url} does not answer PING")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    return child_env(
        DATABASE_URL=database_url(connection.settings_dict),
        EMAIL_URL=filemail_url(mail_dir),
        CELERY_BROKER_URL=url,
    )


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[ManagedProcess]]:
    started: list[ManagedProcess] = []
    yield started
    # Stopped before transactional_db flushes: PostgreSQL will not drop a database in use.
    for worker in started:
        worker.stop(timeout=10)


def _start(env: dict[str, str], tmp_path: Path, name: str) -> ManagedProcess:
    log_dir = tmp_path / name
    log_dir.mkdir()
    return start_celery_worker(env=env, log_dir=log_dir)


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


def _received(folder: Path) -> Counter[tuple[str, str]]:
    """(recipient, subject) of every message Django's file backend wrote."""
    separator = ("-" * 79).encode()
    seen: Counter[tuple[str, str]] = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_bytes().split(separator):
            if chunk.strip():
                message = email.message_from_bytes(chunk.lstrip(), policy=email.policy.default)
                if message["To"]:
                    seen[(str(message["To"]), str(message["Subject"]))] += 1
    return seen


def _open_rows() -> int:
    return Notification.objects.exclude(status=NotificationStatus.SENT).count()


def _wait_all_sent(workers: list[ManagedProcess]) -> None:
    def done() -> bool:
        for worker in workers:
            assert worker.alive(), f"{worker.name} died:\n{worker.log_tail()}"
        return _open_rows() == 0

    try:
        wait_for(done, timeout=TIMEOUT, interval=0.5, what="every reminder sent")
    except TimeoutError as error:
        logs = "\n".join(w.log_tail() for w in workers)
        pytest.fail(f"{error}; {_open_rows()} rows still open; logs:\n{logs}")


def test_two_workers_at_once_send_each_of_1200_reminders_exactly_once(
    world, env, workers, tmp_path
):
    expected = _due_rows(world)
    mail_dir = Path(env["EMAIL_URL"].removeprefix("filemail:///"))
    workers.append(_start(env, tmp_path, "w1"))
    workers.append(_start(env, tmp_path, "w2"))
    started = time.monotonic()
    for _ in range(6):
        dispatch_due.delay()

    _wait_all_sent(workers)

    elapsed = time.monotonic() - started
    received = _received(mail_dir)
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
    mail_dir = Path(env["EMAIL_URL"].removeprefix("filemail:///"))
    first = _start(env, tmp_path, "w1")
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

    second = _start(env, tmp_path, "w2")
    workers.append(second)
    dispatch_due.delay()
    _wait_all_sent([second])

    received = _received(mail_dir)
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
