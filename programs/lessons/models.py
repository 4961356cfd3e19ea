"""Lessons learned (lärdomar): what one municipality learned, shared as far as its writer chooses.

A lesson belongs to a municipality, or to a cluster when it was learned in the cluster's joint
initiative (as ``Initiative`` does). It may come from an initiative, and from a moment in it:
a gate decision, or an assumption that turned out wrong. The writer chooses who reads it
(``Visibility``; the rule is ``programs.lessons.permissions.lesson_scope``).

Search: on PostgreSQL ``search_vector`` holds the lesson's words stemmed in the language it is
written in (``SEARCH_CONFIGS``), written by the services (``lesson_index``) and searched
through a GIN index. On SQLite (`make run`) the same migration gives a column that stays empty
and a plain index, and the search falls back to substring matching
(``programs.lessons.selectors``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import SDG_GOALS, Cluster, validate_sdg_goals
from innocities.core.validators import no_control_characters
from municipalities.models import Municipality
from programs.initiatives.models import Assumption, GateDecision, Initiative, Stage


class Visibility(models.TextChoices):
    """Who reads a lesson, as its writer chooses."""

    MUNICIPALITY = "municipality", _("Only the municipality")
    CLUSTERS = "clusters", _("The municipality's clusters")
    PARTNERSHIP = "partnership", _("The whole partnership")


class Language(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
    NORWEGIAN = "nb", _("Norwegian")


# PostgreSQL's built-in text search configurations (Snowball stemmers and stop words).
SEARCH_CONFIGS: dict[str, str] = {
    Language.SWEDISH: "swedish",
    Language.NORWEGIAN: "norwegian",
    Language.ENGLISH: "english",
}


class Lesson(models.Model):
    """What was learned: written at a gate, at an invalidated assumption, or any time."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("municipality"),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("cluster"),
        help_text=_("For a lesson from the cluster's joint initiative."),
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("initiative"),
    )
    # Where in the initiative it was written. The lesson outlives an assumption deleted in
    # the admin: it only loses the link.
    gate_decision = models.ForeignKey(
        GateDecision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("written at the decision"),
    )
    assumption = models.ForeignKey(
        Assumption,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("written at the assumption"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    body = models.TextField(
        _("the lesson"),
        help_text=_("What happened, what we learned, and what we would do differently."),
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    # ``normalise_theme(theme)``: what the theme filter compares (case and spacing aside).
    theme_key = models.CharField(max_length=200, blank=True, editable=False)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    sdg_goals = models.JSONField(
        _("SDG goals"),
        default=list,
        blank=True,
        validators=[validate_sdg_goals],
        help_text=_("Numbers of the UN Sustainable Development Goals (1–17) the lesson concerns."),
    )
    visibility = models.CharField(
        _("who may read it"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.CLUSTERS,
    )
    language = models.CharField(
        _("written in"),
        max_length=2,
        choices=Language.choices,
        default=Language.SWEDISH,
        help_text=_("The search finds other forms of the words in this language."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Derived from the text by ``lesson_index``; empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        indexes = [
            # GIN on PostgreSQL. SQLite (`make run`) has no GIN: its schema editor leaves out
            # the access method and builds a plain index over the empty column instead.
            GinIndex(fields=["search_vector"], name="lesson_search_vector"),
            models.Index(fields=["municipality", "created_at"], name="lesson_municipality_created"),
            models.Index(fields=["cluster", "created_at"], name="lesson_cluster_created"),
            models.Index(fields=["theme_key"], name="lesson_theme_key"),
            # The search's order: its page of 20 is read newest first, not sorted.
            models.Index(fields=["-created_at", "-id"], name="lesson_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False) & Q(cluster__isnull=True))
                | (Q(municipality__isnull=True) & Q(cluster__isnull=False)),
                name="lesson_owned_by_municipality_or_cluster",
                violation_error_message=_(
                    "A lesson belongs to one municipality, or to a cluster for a joint initiative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) | ~Q(visibility="municipality"),
                name="lesson_cluster_not_municipality_only",
                violation_error_message=_(
                    "A cluster's lesson is shared with the cluster or the whole partnership."
                ),
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["municipality", "clusters", "partnership"]),
                name="lesson_visibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["sv", "en", "nb"]),
                name="lesson_language_valid",
            ),
            models.CheckConstraint(
                condition=Q(initiative__isnull=False)
                | (Q(gate_decision__isnull=True) & Q(assumption__isnull=True)),
                name="lesson_origin_has_initiative",
                violation_error_message=_(
                    "A lesson written at a decision or an assumption names its initiative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(gate_decision__isnull=True) | Q(assumption__isnull=True),
                name="lesson_one_origin",
                violation_error_message=_(
                    "A lesson is written at a decision or at an assumption, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        return str(self.municipality or self.cluster)

    @property
    def search_config(self) -> str:
        return SEARCH_CONFIGS.get(self.language, "simple")

    @property
    def sdg_goal_names(self) -> list[tuple[int, str]]:
        """The lesson's goals as (number, translated name), in goal order."""
        return [
            (goal, str(SDG_GOALS[goal])) for goal in sorted(self.sdg_goals) if goal in SDG_GOALS
        ]
