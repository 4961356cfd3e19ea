"""Writes for progress reports: the monthly scan, building (figures, PDF, CSV) and sending,
as the worker runs them (``tasks.py``). A report asked for from a page is queued by
``on_demand.py``.

A report moves queued → building → ready → sending → sent (or failed). Each step is claimed
with a compare-and-swap ``UPDATE … WHERE status = …``: of two workers (or a retry and the
original) only the one whose UPDATE changed the row goes on, so a report is never built or
sent twice. Once ready, figures and files are a frozen snapshot that nothing here changes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from clusters.models import Cluster, ClusterStatus, RosterEntry
from innocities.accounts.models import User
from innocities.core import spreadsheets
from innocities.core.languages import language_for_country
from innocities.core.mail import build_email
from innocities.reports.models import ProgressReport, ReportKind, ReportStatus
from innocities.reports.selectors import cluster_figures, program_figures
from municipalities.models import MunicipalityMembership, MunicipalityRole
from programs.models import Program, ProgramStatus

CSV_COLUMNS = ["type", "module", "title", "owner", "due", "status", "percent", "completed_on"]
CLUSTER_CSV_COLUMNS = ["municipality", *CSV_COLUMNS]

# Longer than the task's hard time limit (settings.CELERY_TASK_TIME_LIMIT, 300 s): a claim
# this old belongs to a worker that was killed, so another may take the build over.
STALE_CLAIM = dt.timedelta(minutes=10)
# An on-demand report still queued after this long was never handed to a worker.
FORGOTTEN_REQUEST = dt.timedelta(minutes=5)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError,)  # smtplib errors are OSErrors


class ReportError(Exception):
    """A report that cannot be built or sent for a reason a retry will not fix."""


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def month_to_date(today: dt.date) -> tuple[dt.date, dt.date]:
    return today.replace(day=1), today


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


# --- queueing -----------------------------------------------------------------------------


def report_scan(*, today: dt.date | None = None) -> list[int]:
    """Make sure every active programme and active cluster has its scheduled report for the
    previous calendar month, and return the ids of the scheduled reports of that period that
    still need work (queued, built but unsent, or abandoned mid-build).

    Idempotent: the rows are inserted with ``ignore_conflicts`` against the unique
    constraints, so a second scan (or two beats at once) adds nothing; returning unfinished
    rows again is harmless because building and sending are claimed with compare-and-swap.
    Four queries whatever the number of programmes.
    """
    today = today or timezone.localdate()
    start, end = previous_month(today)
    program_ids = Program.objects.filter(status=ProgramStatus.ACTIVE).values_list("pk", flat=True)
    cluster_ids = Cluster.objects.filter(status=ClusterStatus.ACTIVE).values_list("pk", flat=True)
    rows = [
        ProgressReport(program_id=pk, period_start=start, period_end=end) for pk in program_ids
    ] + [ProgressReport(cluster_id=pk, period_start=start, period_end=end) for pk in cluster_ids]
    ProgressReport.objects.bulk_create(rows, ignore_conflicts=True)
    stale = timezone.now() - STALE_CLAIM
    scheduled = Q(
        Q(status__in=(ReportStatus.QUEUED, ReportStatus.READY))
        | Q(status=ReportStatus.BUILDING, claimed_at__lt=stale),
        kind=ReportKind.SCHEDULED,
        period_start=start,
        period_end=end,
    )
    # An on-demand report whose hand-over to the broker failed (broker down) waits here.
    forgotten = Q(
        kind=ReportKind.ON_DEMAND,
        status=ReportStatus.QUEUED,
        created_at__lt=timezone.now() - FORGOTTEN_REQUEST,
    )
    return list(
        ProgressReport.objects.filter(scheduled | forgotten)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- building -----------------------------------------------------------------------------


def report_language(report: ProgressReport) -> str:
    """The language a report's files are written for: a programme's municipality's (Swedish
    or Norwegian); a cluster report's is the portal's default, as its PDF is."""
    program = report.program
    return language_for_country(program.municipality.country if program else None)


def _csv_bytes(rows: list[dict[str, Any]], columns: list[str], *, language: str) -> bytes:
    """The CSV in the layout of ``language``'s readers (Swedish and Norwegian: semicolons,
    a BOM, decimal commas). Each reader later gets it in their own layout
    (``spreadsheets.csv_relayout``). Titles and names are typed by people: no cell may reach
    a spreadsheet as a formula (``csv_bytes`` passes text through ``safe_cell``)."""
    table = spreadsheets.Table(
        title="report", headers=columns, rows=[[row.get(key) for key in columns] for row in rows]
    )
    return spreadsheets.csv_bytes(table, language=language)


def _pdf_bytes(report: ProgressReport, figures: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy: loaded only by the worker that builds

    with translation.override("sv"):
        html = render_to_string("reports/report_pdf.html", {"report": report, "figures": figures})
    return HTML(string=html).write_pdf()


def _file_name(report: ProgressReport, figures: dict[str, Any], extension: str) -> str:
    scope = "program" if report.program_id else "cluster"
    return f"{scope}-{report.scope.pk}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}-{report.pk}.{extension}"


def report_build(*, report: ProgressReport, today: dt.date | None = None) -> ProgressReport:
    """Compute the figures, render the PDF and CSV, store them and mark the report ready.

    Claims the row (queued or failed → building, or a building claim older than
    STALE_CLAIM); if another worker holds it or it is already built, returns it unchanged —
    a built snapshot is never rebuilt. A transient error (OSError) puts the report back in
    the queue and re-raises for a retry; any other error marks it failed.
    """
    now = timezone.now()
    claimed = (
        ProgressReport.objects.filter(pk=report.pk)
        .filter(
            Q(status__in=(ReportStatus.QUEUED, ReportStatus.FAILED))
            | Q(status=ReportStatus.BUILDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .update(status=ReportStatus.BUILDING, claimed_at=now, error="")
    )
    report.refresh_from_db()
    if not claimed:
        return report
    try:
        if report.program_id:
            figures, rows = program_figures(report, today=today)
            columns = CSV_COLUMNS
        else:
            figures, rows = cluster_figures(report, today=today)
            columns = CLUSTER_CSV_COLUMNS
        csv_bytes = _csv_bytes(rows, columns, language=report_language(report))
        pdf_bytes = _pdf_bytes(report, figures)
    except TRANSIENT_ERRORS as error:
        _release(report, ReportStatus.BUILDING, ReportStatus.QUEUED, error)
        raise
    except Exception as error:
        _release(report, ReportStatus.BUILDING, ReportStatus.FAILED, error)
        raise ReportError(str(error)) from error
    # The files are written before the row commits: if the commit fails they are orphans
    # under MEDIA_ROOT/reports/ (harmless, never linked), and the next attempt writes new ones.
    report.pdf.save(_file_name(report, figures, "pdf"), ContentFile(pdf_bytes), save=False)
    report.csv.save(_file_name(report, figures, "csv"), ContentFile(csv_bytes), save=False)
    with transaction.atomic():
        done = ProgressReport.objects.filter(
            pk=report.pk, status=ReportStatus.BUILDING, claimed_at=now
        ).update(
            status=ReportStatus.READY,
            figures=figures,
            pdf=report.pdf.name,
            csv=report.csv.name,
            built_at=timezone.now(),
        )
    if not done:
        # Our claim went stale and another worker took over: its snapshot wins, ours is dropped.
        report.pdf.delete(save=False)
        report.csv.delete(save=False)
    report.refresh_from_db()
    return report


def _release(report: ProgressReport, claimed: str, to: str, error: BaseException) -> None:
    ProgressReport.objects.filter(pk=report.pk, status=claimed).update(
        status=to, error=f"{type(error).__name__}: {error}"[:2000]
    )


# --- sending ------------------------------------------------------------------------------


def report_recipients(report: ProgressReport) -> list[User]:
    """Who receives the report, active accounts only, each once, ordered by e-mail.

    Programme report: its coordinators, the municipality's viewers and the cluster's open
    programme managers. Cluster report: the cluster's open programme managers. One query.
    """
    if report.program_id:
        program = report.program
        assert program is not None
        scope = Q(coordinated_programs=program) | Q(
            pk__in=MunicipalityMembership.objects.filter(
                municipality_id=program.municipality_id, role=MunicipalityRole.VIEWER
            ).values("user_id")
        )
        cluster_id = program.cluster_id
    else:
        scope = Q(pk__in=[])
        cluster_id = report.cluster_id
    if cluster_id is not None:
        scope |= Q(
            pk__in=RosterEntry.objects.programme_managers()
            .filter(cluster_id=cluster_id)
            .values("user_id")
        )
    return list(User.objects.filter(scope, is_active=True).distinct().order_by("email"))


def report_send(*, report: ProgressReport) -> int:
    """E-mail a ready report (HTML and text, PDF and CSV attached) to its recipients, each in
    their own language, one message per person; returns how many messages went out.

    Claimed with a compare-and-swap (ready → sending), so two workers never send the same
    report. What can still go wrong: if the worker dies after the SMTP server accepted some
    messages but before the row is marked sent, the report stays "sending" and is not
    retried automatically (an operator decides; retrying would send twice). If SMTP fails
    part-way, the report goes back to ready and a retry resends to everyone, so the first
    recipients may get it twice: we prefer that to anyone missing it.
    """
    now = timezone.now()
    claimed = ProgressReport.objects.filter(pk=report.pk, status=ReportStatus.READY).update(
        status=ReportStatus.SENDING, claimed_at=now
    )
    report.refresh_from_db()
    if not claimed:
        return 0
    recipients = report_recipients(report)
    pdf_bytes = report.pdf.read() if report.pdf else b""
    report.pdf.close()
    csv_bytes = report.csv.read() if report.csv else b""
    report.csv.close()
    name = "progress-report" if report.program_id else "cluster-report"
    stem = _file_name(report, report.figures, "").rstrip(".")
    messages = []
    for user in recipients:
        message = build_email(
            name,
            to=[user.email],
            context={"report": report, "figures": report.figures, "user": user},
            language=user.language or "sv",
        )
        message.attach(f"{stem}.pdf", pdf_bytes, "application/pdf")
        csv_for_reader = spreadsheets.csv_relayout(csv_bytes, language=user.language or "sv")
        message.attach(f"{stem}.csv", csv_for_reader, "text/csv")
        messages.append(message)
    try:
        with get_connection() as connection:
            sent = connection.send_messages(messages) or 0
    except TRANSIENT_ERRORS as error:
        _release(report, ReportStatus.SENDING, ReportStatus.READY, error)
        raise
    ProgressReport.objects.filter(pk=report.pk, status=ReportStatus.SENDING).update(
        status=ReportStatus.SENT,
        sent_at=timezone.now(),
        recipients=[user.email for user in recipients],
        error="",
    )
    report.refresh_from_db()
    return sent


def report_build_and_send(*, report: ProgressReport, today: dt.date | None = None) -> int:
    """Build the report if it is not built yet; scheduled reports are then e-mailed.
    On-demand reports are only built: the person who asked downloads them from the page."""
    report = report_build(report=report, today=today)
    if report.kind != ReportKind.SCHEDULED or report.status != ReportStatus.READY:
        return 0
    return report_send(report=report)
