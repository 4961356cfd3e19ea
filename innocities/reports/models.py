"""Progress reports: a frozen snapshot of a programme's or a cluster's figures for a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from programs.models import Program


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Building")
    READY = "ready", _("Ready")
    # Claimed by one worker for delivery (compare-and-swap from ready); see report_send.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ReportKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    ON_DEMAND = "on_demand", _("On demand")


def report_upload_to(report: ProgressReport, filename: str) -> str:
    scope = f"program-{report.program_id}" if report.program_id else f"cluster-{report.cluster_id}"
    return f"reports/{scope}/{report.period_start:%Y-%m}/{filename}"


class ProgressReport(models.Model):
    """One report of one scope (a programme or a cluster) for one period.

    Once ``ready`` its ``figures`` and files are a frozen snapshot: no service changes them.
    """

    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("programme"),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("cluster"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.SCHEDULED
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    csv = models.FileField(_("CSV"), upload_to=report_upload_to, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    # When a worker claimed the row for building or sending: a claim older than the task's
    # time limit belongs to a worker that died, and may be taken over (see services).
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-period_start", "-created_at", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=(Q(program__isnull=False) & Q(cluster__isnull=True))
                | (Q(program__isnull=True) & Q(cluster__isnull=False)),
                name="progress_report_one_scope",
                violation_error_message=_("A report covers a programme or a cluster."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="progress_report_period_in_order",
                violation_error_message=_("The period must end after it starts."),
            ),
            # A re-run of beat or a worker retry finds the existing row instead of a new one.
            models.UniqueConstraint(
                fields=["program", "period_start", "period_end", "kind"],
                condition=Q(kind="scheduled", program__isnull=False),
                name="progress_report_one_scheduled_per_program_period",
            ),
            models.UniqueConstraint(
                fields=["cluster", "period_start", "period_end", "kind"],
                condition=Q(kind="scheduled", cluster__isnull=False),
                name="progress_report_one_scheduled_per_cluster_period",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="progress_report_status"),
            # The ordering (the admin's changelist, newest first).
            models.Index(
                fields=["-period_start", "-created_at", "-id"], name="progress_report_newest"
            ),
        ]

    def __str__(self) -> str:
        scope = self.program or self.cluster
        return f"{scope} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @property
    def scope(self) -> Program | Cluster:
        return self.program or self.cluster  # type: ignore[return-value]

    @property
    def is_done(self) -> bool:
        """Built: the files exist (ready, being sent or sent)."""
        return self.status in (ReportStatus.READY, ReportStatus.SENDING, ReportStatus.SENT)

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.BUILDING)
