"""A real Celery worker builds and sends the month's reports that beat's scan queued.

The worker is its own process on the real broker (Redis when CELERY_BROKER_URL names it),
reading the committed test world from PostgreSQL, writing PDFs under its own MEDIA_ROOT and
e-mail as files. Scanning twice sends each report once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from innocities.reports.models import ProgressReport, ReportStatus
from tests.services import ManagedProcess, child_env, filemail_url, start_celery_worker, wait_for
from tests.test_celery_worker import _messages

TIMEOUT = 90.0
EXPECTED = {
    # Ale's programme: its coordinator and viewer and cluster A's manager; Lerum's: its
    # coordinator and cluster B's manager; each cluster: its manager.
    ("coordinator@example.se", "Ale"),
    ("viewer@example.se", "Ale"),
    ("manager@example.se", "Ale"),
    ("coordinator2@example.se", "Lerum"),
    ("manager2@example.se", "Lerum"),
    ("manager@example.se", "Västra Götaland smart"),
    ("manager2@example.se", "Göta älv mobility"),
}


@pytest.fixture
def report_worker(
    test_database_url: str, broker_env: dict[str, str], mail_dir: Path, tmp_path: Path
):
    env = child_env(
        DATABASE_URL=test_database_url,
        EMAIL_URL=filemail_url(mail_dir),
        MEDIA_ROOT=str(tmp_path / "media"),
        **broker_env,
    )
    process = start_celery_worker(env=env, log_dir=tmp_path)
    try:
        yield process
    finally:
        process.stop()


def _succeeded(worker: ManagedProcess, task: str) -> int:
    return sum(
        1 for line in worker.log().splitlines() if f"{task}[" in line and "succeeded" in line
    )


def test_worker_sends_each_scheduled_report_once_however_often_beat_scans(
    world, report_worker: ManagedProcess, mail_dir: Path
):
    from innocities.reports.tasks import scan_progress_reports

    scan_progress_reports.delay()

    def all_sent() -> bool:
        assert report_worker.alive(), f"the worker died:\n{report_worker.log_tail()}"
        return ProgressReport.objects.filter(status=ReportStatus.SENT).count() == 4

    try:
        wait_for(all_sent, timeout=TIMEOUT, interval=0.5, what="four sent reports")
    except TimeoutError as error:
        pytest.fail(f"{error}; worker log:\n{report_worker.log_tail(80)}")

    scan_progress_reports.delay()
    wait_for(
        lambda: _succeeded(report_worker, "scan_progress_reports") == 2,
        timeout=TIMEOUT,
        what="the second scan",
    )
    messages = _messages(mail_dir)
    sent = sorted(
        (str(message["To"]), next(name for _, name in EXPECTED if name in message["Subject"]))
        for message in messages
    )
    assert sent == sorted(EXPECTED)
    assert ProgressReport.objects.count() == 4
    for message in messages:
        names = [part.get_filename() for part in message.iter_attachments()]
        assert [name.rsplit(".", 1)[-1] for name in names] == ["pdf", "csv"]
    assert report_worker.stop() == 0, report_worker.log_tail()
