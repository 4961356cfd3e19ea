"""The broker is down: pages keep serving, nothing a person did is lost, work resumes later."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from innocities import celery_app
from innocities.accounts.models import User
from innocities.reports.models import ProgressReport, ReportStatus
from innocities.reports.services import report_scan


def _drop_connections() -> None:
    # The app keeps a pool of broker connections; a new URL needs new ones (the old pool is
    # left to the garbage collector: closing it would close the producers kombu shares).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Point Celery at a port where nothing listens, as when Redis is down."""
    previous = celery_app.conf.broker_url
    _drop_connections()
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    yield
    _drop_connections()
    celery_app.conf.broker_url = previous


def test_pages_serve_and_invitations_are_saved_while_the_broker_is_down(
    world, as_persona, broker_down, django_capture_on_commit_callbacks
):
    manager = as_persona("manager")
    assert manager.get(reverse("portal:dashboard")).status_code == 200
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = manager.post(
            reverse("municipalities:invite"),
            {"email": "new.person@example.se", "full_name": "Nina Ny", "language": "sv"},
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the hand-over was tried, failed, and was logged
    assert time.monotonic() - started < 10  # a bounded retry, not a hanging page
    invited = User.objects.get(email="new.person@example.se")
    assert not invited.has_usable_password()


def test_a_report_requested_while_the_broker_is_down_is_built_by_a_later_scan(
    world, as_persona, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("manager").post(reverse("reports:request", args=[world.program.pk]))
    assert response.status_code == 302
    report = ProgressReport.objects.get(program=world.program)
    assert report.status == ReportStatus.QUEUED
    # Once the broker is back, the next scan hands the forgotten request over again.
    ProgressReport.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=6)
    )
    assert report.pk in report_scan()


def test_inviting_again_resends_to_someone_who_never_came_in(
    world, as_persona, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    try:
        data = {"email": "late.person@example.se", "full_name": "Lars Sen", "language": "en"}
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                as_persona("manager").post(reverse("municipalities:invite"), data)
    finally:
        celery_app.conf.task_always_eager = False
    assert [m.to for m in mailoutbox] == [["late.person@example.se"]] * 2
