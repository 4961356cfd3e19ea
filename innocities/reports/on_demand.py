"""A report asked for from a page: the row, and the build queued for a worker."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.queue import enqueue_on_commit
from innocities.reports.models import ProgressReport, ReportKind, ReportStatus
from innocities.reports.services import month_to_date
from innocities.reports.tasks import build_and_send_report
from programs.models import Program


def report_request(
    *,
    actor: User,
    program: Program | None = None,
    cluster: Cluster | None = None,
    today: dt.date | None = None,
) -> ProgressReport:
    """Queue an on-demand report for the current month to date and enqueue its build.

    A report of the same scope still waiting (queued or building) is returned instead of a
    second one, so a double click queues one report.
    """
    if (program is None) == (cluster is None):
        raise ValueError("a report covers a programme or a cluster")
    today = today or timezone.localdate()
    start, end = month_to_date(today)
    scope = Q(program=program) if program is not None else Q(cluster=cluster)
    with transaction.atomic():
        pending = (
            ProgressReport.objects.select_for_update()
            .filter(
                scope,
                kind=ReportKind.ON_DEMAND,
                status__in=(ReportStatus.QUEUED, ReportStatus.BUILDING),
            )
            .first()
        )
        if pending is not None:
            return pending
        report = ProgressReport(
            program=program,
            cluster=cluster,
            kind=ReportKind.ON_DEMAND,
            period_start=start,
            period_end=end,
            requested_by=actor,
        )
        report.full_clean()
        report.save()
        enqueue_on_commit(build_and_send_report, report.pk)
    return report
