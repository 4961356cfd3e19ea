"""A real Celery worker, in its own process, e-mails the pilot's owner once an adoption
commits: the task goes through the broker, the worker loads the rows from the test database
and writes the e-mail as a file (the fixtures of tests/test_celery_worker.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from municipalities.models import MunicipalityRole
from programs.adoption.services import pilot_adopt
from tests import factories as f
from tests.adoption.helpers import scaled_pilot
from tests.services import ManagedProcess, wait_for
from tests.test_celery_worker import (  # noqa: F401 (fixtures)
    _messages,
    broker_env,
    mail_dir,
    test_database_url,
    worker,
)


def test_a_worker_tells_the_pilots_coordinator(
    world,
    worker: ManagedProcess,  # noqa: F811
    mail_dir: Path,  # noqa: F811
):
    coordinator = f.UserFactory(
        email="olle@alingsas.se", full_name="Olle Samordnare", language="en"
    )
    f.MunicipalityMembershipFactory(
        user=coordinator, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    pilot = scaled_pilot(world.alingsas, title="Smart water meters")
    pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    # transactional_db: the service's transaction has committed and the task is queued.

    def sent() -> list:
        assert worker.alive(), f"the worker died:\n{worker.log_tail()}"
        return [m for m in _messages(mail_dir) if m["To"] == coordinator.email]

    try:
        (message,) = wait_for(sent, timeout=60.0, interval=0.5, what="the e-mail")
    except TimeoutError as error:
        pytest.fail(f"{error}; worker log:\n{worker.log_tail()}")
    assert message["Subject"] == "Ale adopted your pilot Smart water meters"
    assert worker.stop() == 0, f"the worker did not stop cleanly:\n{worker.log_tail()}"
