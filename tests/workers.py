"""Real ``celery worker`` processes on this test's PostgreSQL database and this process's Redis.

For the tests that run several processes at once over one database and one broker, as the
deployment does: the environment those processes share, workers started side by side, waiting
for their work while watching that none has died, and the mail they sent.
"""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

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


def shared_services_env(tmp_path: Path, *, needed_by: str, **overrides: str) -> dict[str, str]:
    """The environment of a child process that shares this test's PostgreSQL database, this
    test process's Redis database as broker, and one mail folder with the test and the others.

    ``needed_by`` names the tests in the message that skips them (or fails them, under
    REQUIRE_SERVICES) when a service is missing.
    """
    if connection.vendor != "postgresql":
        skip_or_fail(
            f"{needed_by} need PostgreSQL (DATABASE_URL=postgres://…): another process cannot "
            f"see this run's {connection.vendor} test database"
        )
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url.startswith(("redis://", "rediss://")):
        skip_or_fail(f"{needed_by} need a Redis broker (CELERY_BROKER_URL={broker_url})")
    if not redis_answers(broker_url):
        skip_or_fail(f"Redis at {broker_url} does not answer PING")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    return child_env(
        DATABASE_URL=database_url(connection.settings_dict),
        CELERY_BROKER_URL=broker_url,
        EMAIL_URL=filemail_url(mail_dir),
        **overrides,
    )


def start_workers(env: Mapping[str, str], log_root: Path, *names: str) -> list[ManagedProcess]:
    """A ready Celery worker for each name, all started at once: each takes seconds to load
    Django. If one fails to start, the others are stopped and its error is raised."""

    def start(name: str) -> ManagedProcess:
        # A folder each: every worker writes its log as celery-worker.log.
        log_dir = log_root / name
        log_dir.mkdir()
        return start_celery_worker(env=env, log_dir=log_dir)

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        starting = [pool.submit(start, name) for name in names]
    started = [future.result() for future in starting if future.exception() is None]
    failures = [error for future in starting if (error := future.exception()) is not None]
    if failures:
        # The caller never gets these to stop, and PostgreSQL will not drop a database in use.
        for worker in started:
            worker.stop(timeout=10)
        raise failures[0]
    return started


def wait_for_workers(
    workers: Sequence[ManagedProcess],
    done: Callable[[], bool],
    *,
    what: str,
    timeout: float,
    interval: float = 0.25,
    progress: Callable[[], str] | None = None,
) -> None:
    """Wait until ``done()``. A worker that dies fails the test at once, not at the timeout;
    a timeout fails it with ``progress()`` and every worker's log."""

    def probe() -> bool:
        for worker in workers:
            assert worker.alive(), f"{worker.name} died:\n{worker.log_tail()}"
        return bool(done())

    try:
        wait_for(probe, timeout=timeout, interval=interval, what=what)
    except TimeoutError as error:
        state = f"; {progress()}" if progress else ""
        logs = "\n\n".join(worker.log_tail() for worker in workers)
        pytest.fail(f"{error}{state}; worker logs:\n{logs}")


def received_mail(env: Mapping[str, str]) -> Counter[tuple[str, str]]:
    """How often each (recipient, subject) was mailed by the processes given ``env``: Django's
    file backend writes into the folder of its ``EMAIL_URL``, several messages to a file."""
    folder = Path(env["EMAIL_URL"].removeprefix("filemail:///"))
    separator = ("-" * 79).encode()
    received: Counter[tuple[str, str]] = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_bytes().split(separator):
            if chunk.strip():
                message = email.message_from_bytes(chunk.lstrip(), policy=email.policy.default)
                if message["To"]:
                    received[(str(message["To"]), str(message["Subject"]))] += 1
    return received
