"""Reminders: the rules, each person's preferences, and the outbox every e-mail starts in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from innocities.core.languages import in_reader_language


class Category(models.TextChoices):
    TASK = "task", _("Tasks")
    MILESTONE = "milestone", _("Milestones")
    MEETING = "meeting", _("Meetings")
    PROGRESS_UPDATE = "progress_update", _("Progress updates")
    GATE = "gate", _("Decision points")
    ASSUMPTION = "assumption", _("Assumption tests")
    BENEFIT = "benefit", _("Benefit follow-ups")
    STATISTICS = "statistics", _("Open statistics")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("One e-mail per reminder")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest (Mondays)")


class ReminderRule(models.Model):
    """When a reminder fires, relative to an item's due date (or a meeting's start).

    ``offset_days`` is added to the due date: −7 fires a week before, 0 on the day, 1 the
    day after. With ``repeat_every_days`` the rule fires again every so many days after that,
    at most ``max_repeats`` times in all (overdue reminders). Progress-update rules count from
    the monthly due day, ``day_of_month``.
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    offset_days = models.SmallIntegerField(
        _("offset (days)"),
        validators=[MinValueValidator(-365), MaxValueValidator(365)],
        help_text=_("Days after the due date or meeting start; negative means before."),
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For overdue reminders: fire again every so many days."),
    )
    max_repeats = models.PositiveSmallIntegerField(
        _("at most (times)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    escalate = models.BooleanField(
        _("escalate to programme managers"),
        default=False,
        help_text=_("Send to the cluster's programme managers instead of the coordinators."),
    )
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Progress updates: the day each month's update is due."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "offset_days", "code"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=28),
                name="reminder_rule_day_of_month_1_to_28",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (``name`` is the English one)."""
        return in_reader_language(self.name_sv, self.name, self.name_nb)

    @property
    def reach_days(self) -> int:
        """Days from an item's date (due date, meeting day, the update's due day) to the rule's
        last firing; negative when even that comes before the date."""
        repeats = 0
        # Only dated items repeat; meetings and progress updates fire once per date.
        if self.repeat_every_days and self.category not in (
            Category.MEETING,
            Category.PROGRESS_UPDATE,
        ):
            repeats = self.repeat_every_days * ((self.max_repeats or 1) - 1)
        return (self.offset_days or 0) + repeats

    def clean(self) -> None:
        # The scan reminds of nothing dated further back than the outbox keeps its rows (that is
        # what makes deleting old rows safe), so a rule reaching further would be cut short
        # without a word. Say so here instead.
        limit = settings.NOTIFICATION_RETENTION_DAYS
        if self.reach_days > limit:
            raise ValidationError(
                _(
                    "The rule's last reminder would come %(days)d days after the date, but the "
                    "portal reminds of nothing more than %(limit)d days old (the outbox's "
                    "retention). Shorten the offset or the repeats."
                ),
                params={"days": self.reach_days, "limit": limit},
                code="beyond_retention",
            )


class NotificationPreference(models.Model):
    """How one person wants their reminders. A person without a row gets the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    tasks = models.BooleanField(_("tasks"), default=True)
    milestones = models.BooleanField(_("milestones"), default=True)
    meetings = models.BooleanField(_("meetings"), default=True)
    progress_updates = models.BooleanField(_("progress updates"), default=True)
    gates = models.BooleanField(
        _("decision points"),
        default=True,
        help_text=_("Innovation initiatives whose next decision point is near or overdue."),
    )
    assumptions = models.BooleanField(
        _("assumption tests"),
        default=True,
        help_text=_("Assumptions of innovation initiatives to be tested by a date."),
    )
    benefits = models.BooleanField(
        _("benefit follow-ups"),
        default=True,
        help_text=_("Benefits you own whose follow-up date is near or has passed."),
    )
    statistics = models.BooleanField(
        _("open statistics"),
        default=True,
        help_text=_("Indicators whose values from Kolada or SSB could not be fetched."),
    )
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    hour = models.PositiveSmallIntegerField(
        _("hour"),
        default=8,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text=_("The hour of the day to receive e-mail, in your time zone."),
    )
    paused_until = models.DateField(
        _("pause until"),
        null=True,
        blank=True,
        help_text=_("No e-mail before this date; what falls due meanwhile comes then."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(condition=Q(hour__lte=23), name="notification_pref_hour_0_23"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    FIELD_FOR_CATEGORY: dict[str, str] = {
        Category.TASK: "tasks",
        Category.MILESTONE: "milestones",
        Category.MEETING: "meetings",
        Category.PROGRESS_UPDATE: "progress_updates",
        Category.GATE: "gates",
        Category.ASSUMPTION: "assumptions",
        Category.BENEFIT: "benefits",
        Category.STATISTICS: "statistics",
    }

    def wants(self, category: str) -> bool:
        return bool(getattr(self, self.FIELD_FOR_CATEGORY[category]))


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    SUPERSEDED = "superseded", _("Replaced")


class Notification(models.Model):
    """The outbox: every reminder is a row here before it is an e-mail.

    The unique key (rule, object, recipient, occurrence) makes a repeated scan harmless. The
    occurrence names one firing: the due date (or meeting day) it was computed for, plus the
    repeat number for overdue rules, so a moved date gives new rows and the old ones can be
    recognised and superseded.
    """

    rule = models.ForeignKey(ReminderRule, on_delete=models.PROTECT, related_name="notifications")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    occurrence = models.CharField(_("occurrence"), max_length=40)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    send_after = models.DateTimeField(_("send after"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-send_after", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "recipient", "occurrence"],
                name="notification_unique_firing",
            ),
        ]
        indexes = [
            # The dispatcher's due rows; the retention job's old cancelled and failed ones.
            models.Index(fields=["status", "send_after"], name="notification_due_idx"),
            models.Index(fields=["recipient", "-send_after"], name="notification_recipient_idx"),
            # The retention job's old sent rows.
            models.Index(fields=["status", "sent_at"], name="notification_sent_idx"),
            # The admin's newest-first list (``ordering``) reads its page straight from here
            # instead of sorting the whole outbox. Migration 0007 also gives PostgreSQL a
            # trigram index for the admin's search in subjects (not declared here: SQLite
            # cannot build it).
            models.Index(fields=["-send_after", "-id"], name="notification_newest_idx"),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.rule} → {self.recipient}"
