"""A real Celery worker, in its own process, sends the invitation a service queued.

Eager mode would run the task inside the test and prove nothing about serialisation, the
broker, ``transaction.on_commit`` or the worker's own settings. Here the test commits a user
through ``user_invite``, a ``celery -A innocities worker`` reads the message from the broker
(Redis when ``CELERY_BROKER_URL`` names it, else the file-system transport in a temporary
folder), loads the user from the test database and writes the e-mail as a file.
"""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from innocities.accounts.models import User
from innocities.accounts.services import user_invite
from tests.conftest import skip_or_fail
from tests.services import (
    BASE_DIR,
    ManagedProcess,
    child_env,
    database_url,
    filemail_url,
    redis_answers,
    start_celery_worker,
    wait_for,
)

MAIL_TIMEOUT = 60.0

# The settings change that lets the file-system broker live in a folder of the test's own
# (requested from the lead): without it the worker would share var/celery with `make run`.
FILESYSTEM_DIR_VARIABLE = "CELERY_FILESYSTEM_DIR"


def _settings_in_child(env: dict[str, str], expression: str) -> Any:
    script = (
        "import json, django; django.setup(); "
        f"from django.conf import settings; print(json.dumps({expression}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextmanager
def _filesystem_broker_in(folder: Path) -> Iterator[None]:
    """Point this process's Celery producer at ``folder`` for the duration."""
    from innocities.celery import app

    queue, control = folder / "queue", folder / "control"
    queue.mkdir(parents=True)
    control.mkdir(parents=True)
    previous = app.conf.broker_transport_options
    app.conf.broker_transport_options = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
        "control_folder": str(control),
    }
    # The producer pool is keyed by the connection's transport options, so dropping it makes
    # the next publish open a connection with the new folders; restoring does the reverse.
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_transport_options = previous
        app.amqp._producer_pool = None


@pytest.fixture
def test_database_url(transactional_db: None) -> str:
    if connection.vendor != "postgresql":
        skip_or_fail(
            "the real-worker test needs PostgreSQL (DATABASE_URL=postgres://…): the worker is "
            f"another process and cannot see this run's {connection.vendor} test database"
        )
    return database_url(connection.settings_dict)


@pytest.fixture
def broker_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for the worker that makes it read the broker this process writes to."""
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        if not redis_answers(url):
            skip_or_fail(f"Redis at CELERY_BROKER_URL={url} does not answer PING")
        yield {"CELERY_BROKER_URL": url}
    elif url.startswith("filesystem://"):
        folder = tmp_path / "celery"
        env = {"CELERY_BROKER_URL": url, FILESYSTEM_DIR_VARIABLE: str(folder)}
        honoured = _settings_in_child(
            child_env(**env), 'settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]'
        )
        if not str(honoured).startswith(str(folder)):
            skip_or_fail(
                f"innocities/settings.py does not read {FILESYSTEM_DIR_VARIABLE} yet, so a "
                "worker on the file-system broker would share var/celery with `make run`; "
                "run this test with CELERY_BROKER_URL=redis://…"
            )
        with _filesystem_broker_in(folder):
            yield env
    else:
        skip_or_fail(f"no real-worker test for the broker {url}")


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def worker(
    test_database_url: str, broker_env: dict[str, str], mail_dir: Path, tmp_path: Path
) -> Iterator[ManagedProcess]:
    env = child_env(DATABASE_URL=test_database_url, EMAIL_URL=filemail_url(mail_dir), **broker_env)
    process = start_celery_worker(env=env, log_dir=tmp_path)
    try:
        yield process
    finally:
        # Stopped before transactional_db flushes the tables and the test database is
        # dropped: PostgreSQL refuses to drop a database another session is connected to.
        process.stop()


def _messages(folder: Path) -> list[email.message.EmailMessage]:
    """Every message Django's file backend wrote into ``folder`` (a file may hold several)."""
    separator = "-" * 79
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(separator.encode()):
            if chunk.strip():
                messages.append(
                    email.message_from_bytes(chunk.lstrip(), policy=email.policy.default)
                )
    return messages


def test_worker_sends_the_invitation_with_a_working_set_password_link(
    worker: ManagedProcess, mail_dir: Path, client
):
    user, created = user_invite(
        email="Nina.Ny@Example.se", full_name="Nina Ny", invited_by=None, language="en"
    )
    assert created
    # user_invite enqueued in on_commit: with transactional_db the commit has happened.

    def invitation() -> list[email.message.EmailMessage]:
        assert worker.alive(), f"the worker died:\n{worker.log_tail()}"
        return [m for m in _messages(mail_dir) if m["To"] == user.email]

    try:
        sent = wait_for(invitation, timeout=MAIL_TIMEOUT, interval=0.5, what="the invitation")
    except TimeoutError as error:
        pytest.fail(f"{error}; worker log:\n{worker.log_tail()}")

    assert len(sent) == 1
    body = sent[0].get_body(preferencelist=("plain",)).get_content()
    # /accounts/password/reset/key/<uidb36>-<key>/: the key part is the token, unknown here.
    prefix = settings.SITE_URL + reverse(
        "account_reset_password_from_key", kwargs={"uidb36": _uidb36(user), "key": "k"}
    ).removesuffix("k/")
    link = next((line.strip() for line in body.splitlines() if prefix in line), None)
    assert link, f"no set-password link for {user.email} in the e-mail:\n{body}"
    assert link.startswith(prefix)

    # The worker signed the token with the same secret and the committed user row: the link
    # opens the set-password form here (allauth stores the key and redirects), not "invalid".
    response = client.get(link.removeprefix(settings.SITE_URL))
    assert response.status_code == 302
    assert "set-password" in response["Location"]

    assert worker.stop() == 0, f"the worker did not stop cleanly:\n{worker.log_tail()}"


def _uidb36(user: User) -> str:
    from allauth.account.utils import user_pk_to_url_str

    return user_pk_to_url_str(user)
