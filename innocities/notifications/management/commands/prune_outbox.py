"""Delete old sent, cancelled and failed reminders now (the nightly job does the same).

For operators: the first run on a large outbox may have more to delete than one night's job
does (``--max-batches``); this runs until nothing old is left.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from innocities.notifications.services import outbox_prune
from innocities.notifications.services.retention import BATCH_SIZE


class Command(BaseCommand):
    help = "Delete reminders sent, cancelled or failed more than NOTIFICATION_RETENTION_DAYS ago."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows deleted per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = outbox_prune(batch_size=options["batch_size"], max_batches=10**9)
        by_status = ", ".join(f"{count} {status}" for status, count in result.by_status.items())
        self.stdout.write(
            f"{result.deleted} reminders older than {settings.NOTIFICATION_RETENTION_DAYS} days "
            f"deleted in {result.batches} batches ({by_status})"
        )
