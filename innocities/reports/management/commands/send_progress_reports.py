"""One pass of the progress-report job, synchronously (for operators and cron users)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from innocities.reports.models import ProgressReport
from innocities.reports.services import ReportError, report_build_and_send, report_scan


class Command(BaseCommand):
    help = (
        "Create the previous month's progress reports for active programmes and clusters, "
        "build them and e-mail them through the configured e-mail backend. Safe to repeat: "
        "a report already sent is not sent again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Run as if today were this date (YYYY-MM-DD); the report covers its previous month.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today: dt.date | None = options["today"]
        ids = report_scan(today=today)
        sent = failed = 0
        for report in ProgressReport.objects.filter(pk__in=ids).order_by("pk"):
            try:
                sent += report_build_and_send(report=report, today=today)
            except (ReportError, OSError) as error:
                failed += 1
                self.stderr.write(f"report {report.pk} ({report}): {error}")
        self.stdout.write(
            f"{len(ids)} report(s) processed, {sent} e-mail(s) sent, {failed} failed."
        )
