"""The self-assessment: a versioned framework (data, editable in the admin) and rounds of answers.

A framework has dimensions (stable ``code``s that recommendation rules refer to), each with
questions and five level descriptions. A municipality's round invites respondents, who answer
every question on a 1–5 scale; only submitted answers count in the scores.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from innocities.core.languages import localized, reader_language
from municipalities.models import Municipality


class Framework(models.Model):
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"))
    is_active = models.BooleanField(
        _("active"), default=False, help_text=_("New rounds use the one active framework.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("assessment framework")
        verbose_name_plural = _("assessment frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="assessment_framework_unique_version"
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="assessment_framework_one_active",
                violation_error_message=_("Only one framework can be active at a time."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Dimension(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("framework")
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Stable: recommendation rules refer to it.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200, blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "position", "pk"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="assessment_dimension_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "name")

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class Question(models.Model):
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="questions", verbose_name=_("dimension")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_sv = models.TextField(_("text (Swedish)"))
    text_en = models.TextField(_("text (English)"))
    text_nb = models.TextField(_("text (Norwegian)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__position", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return localized(self, "text")

    @property
    def text(self) -> str:
        return localized(self, "text")


LEVEL_RANGE = Q(level__gte=1) & Q(level__lte=5)


class LevelDescription(models.Model):
    """What level 1–5 looks like in one dimension (one scale per dimension, for brevity)."""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="levels", verbose_name=_("dimension")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    text_sv = models.TextField(_("text (Swedish)"))
    text_en = models.TextField(_("text (English)"))
    text_nb = models.TextField(_("text (Norwegian)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension", "level"]
        verbose_name = _("level description")
        verbose_name_plural = _("level descriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "level"], name="assessment_level_unique_level"
            ),
            models.CheckConstraint(condition=LEVEL_RANGE, name="assessment_level_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {localized(self, 'text')}"

    @property
    def text(self) -> str:
        return localized(self, "text")


# A new round's suggested title, per language: stored content, like the framework's texts.
_DEFAULT_TITLES = {
    "sv": ("Självskattning våren {year}", "Självskattning hösten {year}"),
    "en": ("Self-assessment spring {year}", "Self-assessment autumn {year}"),
    "nb": ("Egenvurdering våren {year}", "Egenvurdering høsten {year}"),
}


def default_round_title(language: str, day: dt.date | None = None) -> str:
    """The suggested title of a round opened on ``day`` (today by default) in ``language``
    (a UI code: nb/no/nn give bokmål), e.g. "Självskattning hösten 2026"."""
    day = day or timezone.localdate()
    spring, autumn = _DEFAULT_TITLES[reader_language(language)]
    return (spring if day.month <= 6 else autumn).format(year=day.year)


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AssessmentRound(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
        verbose_name=_("municipality"),
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("framework")
    )
    title = models.CharField(_("title"), max_length=200)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="open") & Q(closed_at__isnull=True))
                | (Q(status="closed") & Q(closed_at__isnull=False)),
                name="assessment_round_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class RespondentRole(models.TextChoices):
    POLITICAL = "political", _("Political")
    MANAGEMENT = "management", _("Management")
    STAFF = "staff", _("Staff")


class RespondentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Respondent(models.Model):
    round = models.ForeignKey(
        AssessmentRound,
        on_delete=models.CASCADE,
        related_name="respondents",
        verbose_name=_("round"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessment_respondents",
        verbose_name=_("person"),
    )
    role = models.CharField(_("respondent role"), max_length=20, choices=RespondentRole.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RespondentStatus.choices, default=RespondentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="assessment_respondent_unique"),
            models.CheckConstraint(
                condition=(Q(status="draft") & Q(submitted_at__isnull=True))
                | (Q(status="submitted") & Q(submitted_at__isnull=False)),
                name="assessment_respondent_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Answer(models.Model):
    """One respondent's level for one question. A draft may lack the level; a submission not."""

    respondent = models.ForeignKey(
        Respondent, on_delete=models.CASCADE, related_name="answers", verbose_name=_("respondent")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["respondent", "question"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="assessment_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | LEVEL_RANGE, name="assessment_answer_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.respondent_id}/{self.question_id}: {self.level or '–'}"
