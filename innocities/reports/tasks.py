"""Celery tasks for progress reports: ids in, a service call, nothing else."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, transaction

from innocities.core.queue import enqueue_on_commit
from innocities.reports.models import ProgressReport
from innocities.reports.services import report_build_and_send, report_scan


@shared_task(
    name="innocities.reports.tasks.scan_progress_reports",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=120,
    time_limit=180,
)
def scan_progress_reports() -> int:
    """Beat's monthly job: make the previous month's scheduled reports and enqueue them.

    The enqueueing waits for the commit, so a worker never looks for a row not yet visible.
    """
    with transaction.atomic():
        ids = report_scan()
        for pk in ids:
            enqueue_on_commit(build_and_send_report, pk)
    return len(ids)


@shared_task(
    name="innocities.reports.tasks.build_and_send_report",
    acks_late=True,
    reject_on_worker_lost=True,
    # Transient only: the network (SMTP, storage; smtplib errors are OSErrors) and a database
    # that went away. A template or data error marks the report failed and is not retried.
    autoretry_for=(OSError, OperationalError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
)
def build_and_send_report(report_id: int) -> int:
    report = ProgressReport.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    return report_build_and_send(report=report)
