"""Indicators: a measure with a baseline, a target and actual values per period.

An indicator belongs to exactly one programme or one cluster (a database constraint). Values are
kept one per period; the period is the first day of the month, quarter or year the value is for.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from innocities.core.validators import no_control_characters

KOLADA_KPI_PATTERN = r"^[NU]\d{5}$"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", _("Higher is better")
    LOWER_IS_BETTER = "lower_is_better", _("Lower is better")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


VALUE_DIGITS = 14
VALUE_PLACES = 3


class Indicator(models.Model):
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("programme"),
    )
    cluster = models.ForeignKey(
        "clusters.Cluster",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("cluster"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.YEARLY
    )
    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction.choices,
        default=Direction.HIGHER_IS_BETTER,
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    baseline_period = models.CharField(
        _("baseline period"), max_length=50, blank=True, help_text=_("For example “2024”.")
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES
    )
    target_period = models.CharField(
        _("target period"), max_length=50, blank=True, help_text=_("For example “2027”.")
    )
    kolada_kpi = models.CharField(
        _("Kolada KPI id"),
        max_length=6,
        blank=True,
        validators=[
            RegexValidator(
                KOLADA_KPI_PATTERN,
                _("A Kolada KPI id is N or U followed by five digits, for example N00945."),
                code="invalid_kolada_kpi",
            )
        ],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=(Q(program__isnull=False) & Q(cluster__isnull=True))
                | (Q(program__isnull=True) & Q(cluster__isnull=False)),
                name="indicator_belongs_to_program_or_cluster",
                violation_error_message=_(
                    "An indicator belongs to exactly one programme or one cluster."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kolada_kpi="") | Q(kolada_kpi__regex=KOLADA_KPI_PATTERN),
                name="indicator_kolada_kpi_format",
                violation_error_message=_("A Kolada KPI id is N or U followed by five digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.baseline_value is None or self.target_value is None:
            return
        # A target on the wrong side of the baseline would make "progress" run backwards.
        if self.direction == Direction.HIGHER_IS_BETTER and self.target_value < self.baseline_value:
            raise ValidationError(
                {
                    "target_value": _(
                        "When higher is better, the target cannot be below the baseline."
                    )
                }
            )
        if self.direction == Direction.LOWER_IS_BETTER and self.target_value > self.baseline_value:
            raise ValidationError(
                {
                    "target_value": _(
                        "When lower is better, the target cannot be above the baseline."
                    )
                }
            )

    @property
    def scope(self) -> str:
        """The URL scope of the indicator's parent: "programmes" or "clusters"."""
        return "programmes" if self.program_id else "clusters"

    @property
    def parent_pk(self) -> int:
        return self.program_id or self.cluster_id  # type: ignore[return-value]


class IndicatorValue(models.Model):
    """The actual value of an indicator for one period (its first day)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(_("period"), help_text=_("The first day of the period."))
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="indicator_value_one_per_period",
                violation_error_message=_("This indicator already has a value for that period."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period:%Y-%m-%d})"


def period_start(frequency: str, day: dt.date) -> dt.date:
    """The first day of the month, quarter or year ``day`` falls in."""
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    if frequency == Frequency.QUARTERLY:
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return dt.date(day.year, 1, 1)


def period_label(frequency: str, period: dt.date) -> str:
    """A short, language-neutral name for a period: 2026-03, 2026 Q1 or 2026."""
    if frequency == Frequency.MONTHLY:
        return f"{period:%Y-%m}"
    if frequency == Frequency.QUARTERLY:
        return f"{period.year} Q{(period.month - 1) // 3 + 1}"
    return str(period.year)
