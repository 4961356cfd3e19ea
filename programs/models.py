from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster
from innocities.core.languages import TEXT_LANGUAGES, localized
from innocities.core.validators import no_control_characters
from municipalities.models import Municipality, Organisation


class Theme(models.TextChoices):
    """The four themes the Innocities method stresses."""

    UNCERTAINTY = "uncertainty", _("Navigating uncertain situations")
    CULTURE = "culture", _("Building an innovation culture")
    STRATEGY = "strategy", _("Developing strategies")
    BALANCE = "balance", _("Balancing operations and innovation")


class LibraryText(models.Model):
    """Content kept in Swedish, English and Norwegian bokmål (``<field>_sv``, ``_en``,
    ``_nb``). ``text(field)`` gives it in the reader's (active) language, or in ``language``;
    a missing translation falls back to Swedish, then English."""

    class Meta:
        abstract = True

    def text(self, field: str, language: str | None = None) -> str:
        return localized(self, field, language)

    def _require_one_language(self, field: str, message: str) -> None:
        if not any(getattr(self, f"{field}_{code}").strip() for code in TEXT_LANGUAGES):
            raise ValidationError({f"{field}_sv": message})


class ModuleTemplate(LibraryText):
    """A module of the method, with activities placed at offsets from the module's start."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_sv = models.CharField(
        _("name (Swedish)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    name_nb = models.CharField(
        _("name (Norwegian)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, blank=True)
    duration_days = models.PositiveIntegerField(_("duration (days)"), default=180)
    is_active = models.BooleanField(_("in the library"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_sv", "code"]
        verbose_name = _("module template")
        verbose_name_plural = _("module templates")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self._require_one_language("name", _("Give the name in at least one language."))

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return self.text("name")

    @property
    def description(self) -> str:
        return self.text("description")


class ActivityKind(models.TextChoices):
    TASK = "task", _("Task")
    MILESTONE = "milestone", _("Milestone")


class ActivityTemplate(LibraryText):
    module = models.ForeignKey(ModuleTemplate, on_delete=models.CASCADE, related_name="activities")
    key = models.SlugField(
        _("key"),
        max_length=60,
        blank=True,
        help_text=_(
            "A stable name within the module that the library file uses; empty for an "
            "activity added in the admin."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title_sv = models.CharField(
        _("title (Swedish)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    title_en = models.CharField(
        _("title (English)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    title_nb = models.CharField(
        _("title (Norwegian)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    offset_days = models.PositiveIntegerField(
        _("offset (days)"), help_text=_("Days from the module's start to the activity's start.")
    )
    duration_days = models.PositiveIntegerField(
        _("duration (days)"), default=0, help_text=_("0 for a milestone.")
    )

    class Meta:
        ordering = ["module", "offset_days", "id"]
        verbose_name = _("activity template")
        verbose_name_plural = _("activity templates")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "key"],
                condition=~Q(key=""),
                name="activity_template_unique_key",
            ),
            models.CheckConstraint(
                condition=~Q(kind="milestone") | Q(duration_days=0),
                name="activity_template_milestone_has_no_duration",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        self._require_one_language("title", _("Give the title in at least one language."))

    @property
    def title(self) -> str:
        """The title in the reader's language."""
        return self.text("title")

    @property
    def description(self) -> str:
        return self.text("description")


class ProgramTemplate(LibraryText):
    name_sv = models.CharField(
        _("name (Swedish)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    name_nb = models.CharField(
        _("name (Norwegian)"), max_length=200, blank=True, validators=[no_control_characters]
    )
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), default=36)
    modules = models.ManyToManyField(
        ModuleTemplate, through="ProgramTemplateModule", related_name="program_templates"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name_sv", "pk"]
        verbose_name = _("programme template")
        verbose_name_plural = _("programme templates")
        constraints = [
            # The library file's natural key for a template.
            models.UniqueConstraint(
                fields=["name_en"],
                condition=~Q(name_en=""),
                name="program_template_unique_english_name",
                violation_error_message=_("A programme template with this English name exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self._require_one_language("name", _("Give the name in at least one language."))

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return self.text("name")

    @property
    def description(self) -> str:
        return self.text("description")


class ProgramTemplateModule(models.Model):
    template = models.ForeignKey(
        ProgramTemplate, on_delete=models.CASCADE, related_name="template_modules"
    )
    module = models.ForeignKey(ModuleTemplate, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))
    offset_days = models.PositiveIntegerField(
        _("start offset (days)"), default=0, help_text=_("Days from the programme's start.")
    )

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("template module")
        verbose_name_plural = _("template modules")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="program_template_module_unique_position"
            ),
            models.UniqueConstraint(
                fields=["template", "module"], name="program_template_module_unique_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.module}"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Program(models.Model):
    """One municipality's tailored collaboration programme."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="programs"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, null=True, blank=True, related_name="programs"
    )
    template = models.ForeignKey(
        ProgramTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="programs"
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    goals = models.TextField(_("goals"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_programs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[coordinators])

    class Meta:
        ordering = ["municipality__name", "-starts_on"]
        verbose_name = _("collaboration programme")
        verbose_name_plural = _("collaboration programmes")
        indexes = [
            # The admin's changelist, newest first (this ordering crosses a join).
            models.Index(fields=["-starts_on", "-id"], name="program_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="program_ends_after_start",
                violation_error_message=_("The programme must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgramModule(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="modules")
    module_template = models.ForeignKey(
        ModuleTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    position = models.PositiveSmallIntegerField(_("position"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why this module is in the programme.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "position"]
        verbose_name = _("programme module")
        verbose_name_plural = _("programme modules")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "position"], name="program_module_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="program_module_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ItemStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ItemStatus.TODO, ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED)


class Milestone(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="milestones")
    module = models.ForeignKey(
        ProgramModule, on_delete=models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.TODO
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_milestones",
        verbose_name=_("owner"),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # The ordering (the admin's changelist) and the reminder scan's due_on IN (days).
            models.Index(fields=["due_on", "id"], name="milestone_due_on_id"),
            # Open milestones of some programmes by date: overdue and coming up on the
            # programme pages and dashboards, counted from the index alone.
            models.Index(
                fields=["program", "due_on"],
                condition=Q(status__in=OPEN_STATUSES),
                name="milestone_open_program_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="milestone_completed_on_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tasks")
    module = models.ForeignKey(
        ProgramModule, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_tasks",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.TODO
    )
    # xgettext:no-python-format
    percent = models.PositiveSmallIntegerField(_("% done"), default=0)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="tasks", verbose_name=_("partner organisations")
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[organisations])

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            # The ordering (the admin's changelist: 100 of 200,000 rows without a sort) and the
            # reminder scan's due_on IN (days). On PostgreSQL the title also has a trigram
            # index for the admin's search, made by migration 0006 (SQLite has none).
            models.Index(fields=["due_on", "id"], name="task_due_on_id"),
            # Open tasks of some programmes by date: overdue and coming up on the programme
            # pages and dashboards, counted from the index alone (a dashboard over every
            # programme reads this instead of the 200,000-row table).
            models.Index(
                fields=["program", "due_on"],
                condition=Q(status__in=OPEN_STATUSES),
                name="task_open_program_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="task_percent_at_most_100"),
            models.CheckConstraint(
                condition=Q(status="done", percent=100, completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="task_done_is_complete",
                violation_error_message=_("A done task is complete (100 percent) and has a date."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(due_on__gte=F("starts_on")),
                name="task_due_after_start",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class ProgressUpdate(models.Model):
    """A dated report from the municipality. Append-only: never edited or deleted."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="progress_updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    status = models.CharField(_("overall status"), max_length=20, choices=ProgressStatus.choices)
    proposed_status = models.CharField(
        _("proposed status"), max_length=20, choices=ProgressStatus.choices
    )
    override_reason = models.TextField(_("reason for a different status"), blank=True)
    achieved = models.TextField(_("what was achieved"))
    next_steps = models.TextField(_("what comes next"), blank=True)
    blockers = models.TextField(_("what blocks"), blank=True)
    # xgettext:no-python-format
    percent_done = models.PositiveSmallIntegerField(_("% done when written"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        indexes = [
            # The ordering (the admin's changelist).
            models.Index(fields=["-created_at", "-id"], name="progress_update_newest"),
            # A programme's newest update (its page, the dashboards) and the reminder scan's
            # "no update since the 1st" (program = X AND created_at >= …).
            models.Index(
                fields=["program", "-created_at", "-id"], name="progress_update_program_newest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=F("proposed_status")) | ~Q(override_reason=""),
                name="progress_update_override_needs_reason",
                violation_error_message=_(
                    "Give a reason when the status differs from the proposed one."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} – {self.created_at:%Y-%m-%d}"
