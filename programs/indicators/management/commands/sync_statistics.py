"""``manage.py sync_statistics``: fetch the open statistics behind indicators now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from programs.indicators.models import Indicator
from programs.indicators.services import statistics_sync


class Command(BaseCommand):
    help = (
        "Fetch the Kolada and SSB figures behind every tied indicator (or one) and store them. "
        "Values typed in by hand are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indicator", type=int, metavar="ID", help="Only this indicator.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Fetch and report, but write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        indicator_id = options["indicator"]
        ids = None
        if indicator_id is not None:
            indicator = Indicator.objects.filter(pk=indicator_id).first()
            if indicator is None:
                raise CommandError(f"No indicator with id {indicator_id}.")
            if not indicator.is_synced:
                raise CommandError(
                    f"Indicator {indicator_id} takes no values from Kolada or SSB "
                    "(its values are typed in by hand)."
                )
            ids = [indicator_id]
        result = statistics_sync(indicator_ids=ids, dry_run=options["dry_run"])
        for report in result.reports:
            head = f"#{report.indicator_id} {report.name} ({report.source} {report.key})"
            if report.error:
                self.stdout.write(self.style.ERROR(f"{head}: failed: {report.error}"))
                continue
            self.stdout.write(
                f"{head}: fetched {report.fetched}, created {report.created}, "
                f"updated {report.updated}, unchanged {report.unchanged}, "
                f"kept {report.kept} typed in by hand, {report.references} reference figures"
            )
        summary = (
            f"{len(result.reports)} indicators: fetched {result.fetched}, "
            f"created {result.created}, updated {result.updated}, kept {result.kept}, "
            f"failed {result.failed}"
        )
        if result.dry_run:
            summary = "Dry run, nothing written. " + summary
        style = self.style.WARNING if result.failed else self.style.SUCCESS
        self.stdout.write(style(summary))
