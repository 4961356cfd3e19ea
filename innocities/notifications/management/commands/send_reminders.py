"""One pass of reminders, synchronously: scan, then send what is due through the configured
e-mail backend. For operators and cron users; beat does the same every few minutes.

``--now`` also sends what waits only for the recipients' preferred hour (08:00 by default), to
check a set-up or to see what the portal sends without waiting for the morning.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from innocities.notifications.services import (
    dispatch_due,
    reminders_release_now,
    reminders_scan,
)


class Command(BaseCommand):
    help = "Scan for due reminders and send them now (one pass)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help=(
                "Also send reminders that wait only for the recipient's preferred hour "
                "(a pause, a weekly digest's day and holidays still hold)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scan = reminders_scan()
        self.stdout.write(
            f"scan: {scan.created} created, {scan.superseded} superseded, "
            f"{scan.cancelled} cancelled"
        )
        if options["now"]:
            released = reminders_release_now()
            self.stdout.write(f"--now: {released} waiting for their hour are sent now")
        result = dispatch_due()
        self.stdout.write(
            f"dispatch: {result.sent} reminders in {result.emails} e-mails sent, "
            f"{result.retried} to retry, {result.failed} failed, {result.cancelled} cancelled"
        )
