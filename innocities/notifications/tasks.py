"""Thin tasks for the beat schedule in innocities/schedules.py: each calls one service."""

from __future__ import annotations

from celery import shared_task

from innocities.notifications.services import dispatch_due as dispatch_due_service
from innocities.notifications.services import outbox_prune, reminders_scan


@shared_task(name="innocities.notifications.tasks.scan_reminders", time_limit=240)
def scan_reminders() -> dict[str, int]:
    result = reminders_scan()
    return {"created": result.created, "superseded": result.superseded}


@shared_task(
    name="innocities.notifications.tasks.dispatch_due", time_limit=300, soft_time_limit=280
)
def dispatch_due() -> dict[str, int]:
    """Send due reminders. Rows are claimed in the database, so many of these may run at once."""
    result = dispatch_due_service()
    return {"sent": result.sent, "emails": result.emails, "failed": result.failed}


@shared_task(name="innocities.notifications.tasks.prune_outbox")
def prune_outbox() -> dict[str, int]:
    """Delete old sent, cancelled and failed reminders. Batches commit one by one, so a run
    stopped by the time limit keeps what it deleted, and the next night goes on."""
    result = outbox_prune()
    return {"deleted": result.deleted, "batches": result.batches}
