"""Indicators: a measure with a baseline, a target and actual values per period.

An indicator belongs to exactly one programme or one cluster (a database constraint). Values are
kept one per period; the period is the first day of the month, quarter or year the value is for.

Open statistics: an indicator may take its values from a Kolada key figure (Swedish
municipalities) or an SSB table (Norwegian ones), for its programme's municipality. The sync
(``programs.indicators.sync``) writes those values with their source, the period as the
source names it and a status (final, preliminary, missing); a value a person typed in
(source "manual") is never overwritten. What the sources answered for every area the portal
compares with (the cluster's members, the whole country) is kept in ``ReferenceValue``; each
sync run and each indicator that could not be fetched is recorded (``StatisticsSyncRun``,
``StatisticsFailure``).
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from innocities.core.validators import no_control_characters
from municipalities.models import Country

KOLADA_KPI_PATTERN = r"^[NU]\d{5}$"
SSB_TABLE_PATTERN = r"^\d{5}$"
# Variable and value codes of an SSB table (ContentsCode "Personer1", Region "0301", Kjonn "2").
SSB_CODE_PATTERN = r"^[A-Za-z0-9_.\-]{1,40}$"
SSB_MAX_FILTERS = 8


class Source(models.TextChoices):
    """Where an indicator's values come from, and where one value came from."""

    MANUAL = "manual", _("Typed in by hand")
    KOLADA = "kolada", "Kolada"
    SSB = "ssb", "SSB"


STATISTICS_SOURCES = (Source.KOLADA, Source.SSB)


class ValueStatus(models.TextChoices):
    FINAL = "final", _("Final")
    PRELIMINARY = "preliminary", _("Preliminary")
    MISSING = "missing", _("Missing")


def validate_ssb_filters(value: object) -> None:
    """``{variable code: value code}``: the SSB table's other variables, fixed to one value."""
    if not isinstance(value, dict):
        raise ValidationError(_("The SSB filters must be pairs of variable and value codes."))
    if len(value) > SSB_MAX_FILTERS:
        raise ValidationError(
            _("At most %(count)d SSB filters.") % {"count": SSB_MAX_FILTERS},
            code="too_many_ssb_filters",
        )
    pattern = re.compile(SSB_CODE_PATTERN)
    for variable, code in value.items():
        if not isinstance(variable, str) or not isinstance(code, str):
            raise ValidationError(_("The SSB filters must be pairs of variable and value codes."))
        if not pattern.match(variable) or not pattern.match(code):
            raise ValidationError(
                _("“%(pair)s” is not a variable code and a value code (letters, digits, _ . -).")
                % {"pair": f"{variable}={code}"},
                code="invalid_ssb_filter",
            )


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
    source = models.CharField(
        _("where the values come from"),
        max_length=10,
        choices=Source.choices,
        default=Source.MANUAL,
        help_text=_(
            "Kolada for a Swedish municipality, SSB for a Norwegian one, or typed in by hand. "
            "A value typed in by hand always wins over a fetched one."
        ),
    )
    ssb_table = models.CharField(
        _("SSB table"),
        max_length=5,
        blank=True,
        validators=[
            RegexValidator(
                SSB_TABLE_PATTERN,
                _("An SSB table number has five digits, for example 07459."),
                code="invalid_ssb_table",
            )
        ],
    )
    ssb_contents_code = models.CharField(
        _("SSB contents code"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                SSB_CODE_PATTERN,
                _("A contents code is letters, digits, _ . or -, for example Personer1."),
                code="invalid_ssb_code",
            )
        ],
    )
    ssb_region_variable = models.CharField(
        _("SSB region variable"),
        max_length=40,
        default="Region",
        validators=[
            RegexValidator(
                SSB_CODE_PATTERN,
                _("A variable code is letters, digits, _ . or -, for example Region."),
                code="invalid_ssb_code",
            )
        ],
    )
    ssb_filters = models.JSONField(
        _("SSB filters"),
        default=dict,
        blank=True,
        validators=[validate_ssb_filters],
        help_text=_("The table's other variables, each fixed to one value."),
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
            models.CheckConstraint(
                condition=~Q(source=Source.KOLADA) | ~Q(kolada_kpi=""),
                name="indicator_kolada_source_has_kpi",
                violation_error_message=_("Values from Kolada need a Kolada KPI id."),
            ),
            models.CheckConstraint(
                condition=~Q(source=Source.SSB) | (~Q(ssb_table="") & ~Q(ssb_contents_code="")),
                name="indicator_ssb_source_has_table",
                violation_error_message=_("Values from SSB need a table and a contents code."),
            ),
            models.CheckConstraint(
                condition=Q(ssb_table="") | Q(ssb_table__regex=SSB_TABLE_PATTERN),
                name="indicator_ssb_table_format",
                violation_error_message=_("An SSB table number has five digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self._clean_source()
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

    def _clean_source(self) -> None:
        if self.source == Source.KOLADA and not self.kolada_kpi:
            raise ValidationError(
                {"kolada_kpi": _("Give the Kolada KPI id the values are fetched from.")}
            )
        if self.source == Source.SSB:
            missing = {}
            if not self.ssb_table:
                missing["ssb_table"] = _("Give the SSB table the values are fetched from.")
            if not self.ssb_contents_code:
                missing["ssb_contents_code"] = _("Give the contents code of the SSB table.")
            if missing:
                raise ValidationError(missing)
        if self.source in STATISTICS_SOURCES and self.program_id:
            # Kolada covers Swedish municipalities, SSB Norwegian ones.
            country = self.program.municipality.country
            wanted = Source.KOLADA if country == Country.SWEDEN else Source.SSB
            if self.source != wanted:
                raise ValidationError(
                    {
                        "source": _(
                            "%(source)s has no figures for this programme's municipality: "
                            "use %(wanted)s."
                        )
                        % {"source": self.get_source_display(), "wanted": wanted.label}
                    }
                )

    @property
    def is_synced(self) -> bool:
        """Whether the sync fetches this indicator's values."""
        return self.source in STATISTICS_SOURCES

    @property
    def statistics_key(self) -> str:
        """What the indicator reads at its source, as ``ReferenceValue.key`` stores it:
        the KPI id (``N00945``), or the SSB table, contents code and filters
        (``07459/Personer1/Kjonn=2``)."""
        if self.source == Source.KOLADA:
            return self.kolada_kpi
        if self.source == Source.SSB:
            filters = ",".join(f"{k}={v}" for k, v in sorted((self.ssb_filters or {}).items()))
            return "/".join(
                part for part in (self.ssb_table, self.ssb_contents_code, filters) if part
            )
        return ""

    @property
    def scope(self) -> str:
        """The URL scope of the indicator's parent: "programmes" or "clusters"."""
        return "programmes" if self.program_id else "clusters"

    @property
    def parent_pk(self) -> int:
        return self.program_id or self.cluster_id  # type: ignore[return-value]


def _missing_has_no_value() -> Q:
    return Q(status=ValueStatus.MISSING, value__isnull=True) | (
        ~Q(status=ValueStatus.MISSING) & Q(value__isnull=False)
    )


class IndicatorValue(models.Model):
    """The actual value of an indicator for one period (its first day).

    ``source`` says who gave it: a person (manual) or the sync (kolada, ssb). A period the
    source reports without a figure is kept as missing (value NULL), never as zero.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(_("period"), help_text=_("The first day of the period."))
    value = models.DecimalField(
        _("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ValueStatus.choices, default=ValueStatus.FINAL
    )
    source_period = models.CharField(
        _("period at the source"), max_length=20, blank=True, help_text=_("For example 2024.")
    )
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=_missing_has_no_value(),
                name="indicator_value_missing_means_null",
                violation_error_message=_("A missing value has no number, and only it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period:%Y-%m-%d})"

    @property
    def is_fetched(self) -> bool:
        return self.source != Source.MANUAL


class ReferenceValue(models.Model):
    """What a source answered for one key figure, area and period.

    The sync keeps the figures of every area the portal compares with: each member of the
    indicator's clusters and the whole country (Kolada's "0000", Riket; SSB's "0", Hele
    landet). ``key`` is ``Indicator.statistics_key``.
    """

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    key = models.CharField(_("key figure or table"), max_length=200)
    area_code = models.CharField(_("area code"), max_length=10)
    source_period = models.CharField(_("period at the source"), max_length=20)
    period = models.DateField(_("period"))
    value = models.DecimalField(
        _("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=ValueStatus.choices)
    fetched_at = models.DateTimeField(_("fetched"))

    class Meta:
        ordering = ["source", "key", "area_code", "period"]
        verbose_name = _("reference value")
        verbose_name_plural = _("reference values")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key", "area_code", "source_period"],
                name="reference_value_one_per_area_and_period",
            ),
            models.CheckConstraint(
                condition=_missing_has_no_value(), name="reference_value_missing_means_null"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[Source.KOLADA, Source.SSB]),
                name="reference_value_from_a_statistics_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.key} {self.area_code} {self.source_period}: {self.value}"


class StatisticsSyncRun(models.Model):
    """One run of the sync: when, and what it did."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    indicators = models.PositiveIntegerField(_("indicators"), default=0)
    fetched = models.PositiveIntegerField(_("values fetched"), default=0)
    created = models.PositiveIntegerField(_("values created"), default=0)
    updated = models.PositiveIntegerField(_("values updated"), default=0)
    kept = models.PositiveIntegerField(_("values typed in by hand kept"), default=0)
    failed = models.PositiveIntegerField(_("indicators failed"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("statistics sync run")
        verbose_name_plural = _("statistics sync runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


ERROR_MAX = 500


class StatisticsFailure(models.Model):
    """An indicator whose statistics could not be fetched, from its first failed run until a
    run fetches it again (``resolved_at``). One open failure per indicator: a failure that
    lasts several runs is one row (``failure_count``), so it is reminded of once."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="statistics_failures"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    target = models.CharField(_("what was fetched"), max_length=200)
    error = models.CharField(_("error"), max_length=ERROR_MAX)
    failed_on = models.DateField(_("first failed on"))
    first_failed_at = models.DateTimeField(_("first failed"))
    last_failed_at = models.DateTimeField(_("last failed"))
    failure_count = models.PositiveIntegerField(_("failed runs"), default=1)
    last_run = models.ForeignKey(
        StatisticsSyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("fetched again"), null=True, blank=True)

    class Meta:
        ordering = ["-last_failed_at", "-pk"]
        verbose_name = _("statistics failure")
        verbose_name_plural = _("statistics failures")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(resolved_at__isnull=True),
                name="statistics_failure_one_open_per_indicator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.error[:60]}"


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
