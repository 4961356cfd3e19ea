"""One pass of reminders, synchronously: scan, then send what is due through the configured
e-mail backend. For operators and cron users; beat does the same every few minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from innocities.notifications.services import dispatch_due, reminders_scan


class Command(BaseCommand):
    help = "Scan for due reminders and send them now (one pass)."

    def handle(self, *args: Any, **options: Any) -> None:
        scan = reminders_scan()
        self.stdout.write(
            f"scan: {scan.created} created, {scan.superseded} superseded, "
            f"{scan.cancelled} cancelled"
        )
        result = dispatch_due()
        self.stdout.write(
            f"dispatch: {result.sent} reminders in {result.emails} e-mails sent, "
            f"{result.retried} to retry, {result.failed} failed, {result.cancelled} cancelled"
        )
