"""Recommendation rules: the data that links a self-assessment and a municipality's needs to
the modules of the method.

A rule recommends one module, either when a dimension's mean in the municipality's latest
closed round is below a threshold, or when one of its needs matches (theme, SDG goals,
priority). Rules are edited in the admin; ``load_recommendation_rules`` seeds the defaults.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Need, Priority, normalise_theme, validate_sdg_goals
from municipalities.assessments.models import Dimension
from programs.models import ModuleTemplate

PRIORITY_RANK: dict[str, int] = {Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3}


class RuleKind(models.TextChoices):
    LOW_SCORE = "low_score", _("Low self-assessment score")
    NEED = "need", _("Municipal need")


class RecommendationRule(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("A short stable name, e.g. “low-culture”; the seeded defaults use it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    module = models.ForeignKey(
        ModuleTemplate,
        on_delete=models.PROTECT,
        related_name="recommendation_rules",
        verbose_name=_("module"),
    )
    dimension_code = models.SlugField(
        _("dimension code"),
        max_length=40,
        blank=True,
        help_text=_("For a low-score rule: the code of the self-assessment dimension."),
    )
    below = models.DecimalField(
        _("recommend below"),
        max_digits=2,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("For a low-score rule: recommend when the mean is below this (1.0–5.0)."),
    )
    need_themes = models.CharField(
        _("need themes"),
        max_length=300,
        blank=True,
        help_text=_(
            "For a need rule: themes that match, separated by commas (case does not matter), "
            "e.g. “Energi, Energy”."
        ),
    )
    sdg_goals = models.JSONField(
        _("SDG goals"),
        default=list,
        blank=True,
        validators=[validate_sdg_goals],
        help_text=_(
            "For a need rule: a need that concerns any of these goals matches (as does one "
            "with a theme above)."
        ),
    )
    min_priority = models.CharField(
        _("lowest priority"),
        max_length=10,
        choices=Priority.choices,
        blank=True,
        help_text=_("For a need rule: only needs of at least this priority match."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Why the rule exists."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("recommendation rule")
        verbose_name_plural = _("recommendation rules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="low_score", below__gte=1, below__lte=5) & ~Q(dimension_code=""))
                | Q(kind="need", below__isnull=True, dimension_code=""),
                name="recommendation_rule_fields_fit_kind",
                violation_error_message=_(
                    "A low-score rule has a dimension and a threshold from 1 to 5; a need "
                    "rule has neither."
                ),
            ),
            models.UniqueConstraint(
                fields=["module", "dimension_code"],
                condition=Q(kind="low_score"),
                name="recommendation_rule_one_per_dimension_and_module",
                violation_error_message=_(
                    "There is already a low-score rule for this dimension and module."
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == RuleKind.LOW_SCORE:
            return f"{self.dimension_code} < {self.below} → {self.module}"
        return f"{_('need')} → {self.module}"

    def clean(self) -> None:
        super().clean()
        if self.kind == RuleKind.NEED and not (self.themes or self.sdg_goals or self.min_priority):
            raise ValidationError(
                _("A need rule needs at least one of: themes, SDG goals, lowest priority.")
            )
        if (
            self.kind == RuleKind.LOW_SCORE
            and self.dimension_code
            and not Dimension.objects.filter(code=self.dimension_code).exists()
        ):
            raise ValidationError(
                {"dimension_code": _("No self-assessment framework has this dimension.")}
            )

    @property
    def themes(self) -> list[str]:
        return [normalise_theme(t) for t in self.need_themes.split(",") if t.strip()]

    def matches_need(self, need: Need) -> bool:
        """Whether ``need`` matches: its theme is one of the rule's themes or it shares an SDG
        goal with the rule (either will do; a rule without both skips this test), and its
        priority is at least the rule's lowest priority (if set)."""
        if self.kind != RuleKind.NEED:
            return False
        themes, goals = self.themes, set(self.sdg_goals)
        if (themes or goals) and not (
            normalise_theme(need.theme) in themes or goals & set(need.sdg_goals)
        ):
            return False
        return not (
            self.min_priority
            and PRIORITY_RANK.get(need.priority, 0) < PRIORITY_RANK[self.min_priority]
        )
