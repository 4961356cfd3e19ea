"""The reminder scan at scale: time, queries and memory, rolled back."""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from innocities.notifications.services import reminders_scan


def measure_scan(*, runs: int = 3) -> dict[str, Any]:
    """Time, queries and memory of the real reminder scan on this database, rolled back.

    Each run is the scan as beat starts it, inside a transaction that is rolled back, so every
    run (and the next bench) finds the outbox as seeded. Time: the median of ``runs``; queries:
    the first run's; memory: the process's peak RSS (``getrusage``) and, in one more run under
    ``tracemalloc``, the peak of Python's allocations.
    """
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds: list[float] = []
    created = queries = 0
    for run in range(runs):
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            scan = reminders_scan()
            seconds.append(time.perf_counter() - started)
            transaction.set_rollback(True)
        if run == 0:
            created, queries = scan.created, len(captured.captured_queries)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    with transaction.atomic():
        reminders_scan()
        transaction.set_rollback(True)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": round(statistics.median(seconds), 3),
        "runs": [round(s, 3) for s in seconds],
        "queries": queries,
        "created": created,
        "peak_rss_mb": round(rss_after / 1024, 1),
        "rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "python_peak_mb": round(traced_peak / 2**20, 1),
    }
