"""Celery tasks for indicators: thin, a service call and nothing else."""

from __future__ import annotations

from celery import shared_task

from programs.indicators.services import statistics_sync


@shared_task(
    name="programs.indicators.tasks.sync_statistics",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=1800,
    time_limit=1900,
)
def sync_statistics() -> dict[str, int]:
    """Beat's daily job: fetch the open statistics behind every tied indicator.

    Not retried: a source that is down is recorded as a failure per indicator (and reminded
    of), and tomorrow's run tries again; a repeated run writes nothing new.
    """
    result = statistics_sync()
    return {
        "indicators": len(result.reports),
        "fetched": result.fetched,
        "created": result.created,
        "updated": result.updated,
        "kept": result.kept,
        "failed": result.failed,
    }
