"""What the demo has already sent: a few reminders and one progress report.

Without it a new user who starts the demo sees an empty Notifications page and an empty
``var/mail/``: every reminder waits for the recipients' preferred hour (08:00), and progress
reports go out on the first of the month. After the demo is built, the demo coordinator's
due reminders go out now and their programme's report for last month is built and sent, as
the portal itself would have done; everyone else's reminders wait for their morning.

Run after the demo's transaction has committed: e-mail cannot be rolled back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from innocities.accounts.models import User
from innocities.notifications.services import (
    dispatch_due,
    reminders_release_now,
    reminders_scan,
)
from innocities.reports.models import ProgressReport, ReportKind, ReportStatus
from innocities.reports.services import previous_month, report_build_and_send
from programs.models import Program, ProgramStatus

COORDINATOR = "coordinator@demo.innocities.se"


@dataclass(frozen=True)
class DemoMail:
    reminders: int
    report_emails: int


def send_first_mail(*, today: dt.date) -> DemoMail:
    """Send the demo coordinator's due reminders and last month's report on their programme.
    A second run sends only what has become due since (nothing, the same day)."""
    coordinator = User.objects.get(email=COORDINATOR)
    reminders_scan()
    reminders_release_now(recipient_ids=[coordinator.pk])
    reminders = dispatch_due().sent
    program = (
        Program.objects.filter(
            municipality__memberships__user=coordinator, status=ProgramStatus.ACTIVE
        )
        .order_by("-starts_on", "pk")
        .first()
    )
    report_emails = 0
    if program is not None:
        start, end = previous_month(today)
        report, _created = ProgressReport.objects.get_or_create(
            program=program, kind=ReportKind.SCHEDULED, period_start=start, period_end=end
        )
        if report.status != ReportStatus.SENT:
            report_emails = report_build_and_send(report=report, today=today)
    return DemoMail(reminders=reminders, report_emails=report_emails)
