"""A real Celery worker sends the invitations a new meeting queues, to a real SMTP server.

Eager mode (tests/clusters/test_invitations.py) runs the task inside the test; here the
meeting is committed, the task goes through the broker to ``celery -A innocities worker`` in
its own process, which loads the rows from the test database and talks SMTP to the server
this test runs. The reply link the worker signed then works in the portal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from clusters import services
from clusters.models import Meeting, Reply, RosterRole
from tests import factories as f
from tests.clusters.test_invitations import Inbox, _free_port, _reply_link
from tests.services import ManagedProcess, child_env, start_celery_worker, wait_for
from tests.test_celery_worker import broker_env, test_database_url  # noqa: F401 (fixtures)

SITE_URL = "https://portal.example"


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    from aiosmtpd.controller import Controller

    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def worker(
    test_database_url: str,  # noqa: F811
    broker_env: dict[str, str],  # noqa: F811
    smtp_inbox: tuple[Inbox, int],
    tmp_path: Path,
) -> Iterator[ManagedProcess]:
    env = child_env(
        DATABASE_URL=test_database_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_inbox[1]}",
        SITE_URL=SITE_URL,
        **broker_env,
    )
    process = start_celery_worker(env=env, log_dir=tmp_path)
    try:
        yield process
    finally:
        process.stop()


def test_a_worker_e_mails_the_invitations_and_the_reply_link_works(
    world, worker: ManagedProcess, smtp_inbox: tuple[Inbox, int], client, settings
):
    settings.SITE_URL = SITE_URL
    inbox = smtp_inbox[0]
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=world.coordinator,
        role=RosterRole.MUNICIPAL_CONTACT,
        municipality=world.ale,
    )
    start = timezone.now() + dt.timedelta(days=7)
    meeting = services.meeting_save(
        meeting=Meeting(
            cluster=world.cluster_a,
            title="Worker workshop",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            agenda="1. Queues",
        ),
        invitees=[world.coordinator, world.partner],
        actor=world.manager,
    )
    # transactional_db: the service's transaction has committed and the tasks are queued.

    def both() -> list:
        assert worker.alive(), f"the worker died:\n{worker.log_tail()}"
        return inbox.received if len(inbox.received) >= 2 else []

    try:
        wait_for(both, timeout=60.0, interval=0.5, what="two invitations")
    except TimeoutError as error:
        pytest.fail(f"{error}; worker log:\n{worker.log_tail()}")
    assert sorted(r.recipients[0] for r in inbox.received) == [
        "coordinator@example.se",
        "partner@example.se",
    ]
    for received in inbox.received:
        assert received.calendar["method"] == "REQUEST"
        assert str(received.event["uid"]) == f"meeting-{meeting.pk}@portal.example"

    (coordinators,) = inbox.to("coordinator@example.se")
    link = _reply_link(coordinators, "declined").split("?")[0]
    assert client.post(link, {"reply": "declined"}).status_code == 200
    assert meeting.participants.get(user=world.coordinator).reply == Reply.DECLINED
    assert worker.stop() == 0, f"the worker did not stop cleanly:\n{worker.log_tail()}"
