"""Benefit register (nyttoregister): each initiative's expected benefits, their owners and
follow-ups (DOMAIN.md, "Benefit"; Swedish *nyttorealisering*, Norwegian *gevinstrealisering*).

A benefit is the change an initiative promises, owned by a named person in the organisation
that will run it (the benefit owner, *nyttoägare* / *gevinsteier*), measured where it can be
by an indicator, from a baseline to a target by a date. Its follow-ups are dates planned in
advance; each is *recorded* when the owner (or an editor of the initiative) says how far the
benefit has come: a value where the benefit is measured, and always a judgement. Follow-ups
go on after the initiative reaches operation, since that is when most benefits are realised;
a stopped initiative's benefits, and an ended benefit, remind nobody.

The kinds follow the usual Swedish and Norwegian benefit categories (quality, economy,
environment, working environment), kept few so that a portfolio can be read by kind:

- quality for residents and users — better service, access, safety, satisfaction;
- economy — kronor or working time saved or freed (freed time is a benefit even when no
  budget is cut: it is used for something else);
- climate and environment — emissions, energy, waste, resources;
- working environment — staff health, workload, competence;
- other — whatever fits none of these (say what in the description).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from innocities.core.validators import no_control_characters
from programs.indicators.models import VALUE_DIGITS, VALUE_PLACES, Direction, Indicator
from programs.initiatives.models import Initiative


class BenefitKind(models.TextChoices):
    QUALITY = "quality", _("Quality for residents and users")
    ECONOMY = "economy", _("Economy: kronor or time saved or freed")
    CLIMATE = "climate", _("Climate and environment")
    WORKING_ENVIRONMENT = "working_environment", _("Working environment")
    OTHER = "other", _("Other")


class Judgement(models.TextChoices):
    """How far a benefit has come at a follow-up, in the judgement of the one who records it."""

    REALISED = "realised", _("Realised: the target is reached")
    ON_TRACK = "on_track", _("On track")
    PARTLY = "partly", _("Partly realised: behind the plan")
    NOT_REALISED = "not_realised", _("Not realised")


ON_TRACK_JUDGEMENTS: tuple[str, ...] = (Judgement.REALISED, Judgement.ON_TRACK)
BEHIND_JUDGEMENTS: tuple[str, ...] = (Judgement.PARTLY, Judgement.NOT_REALISED)


def _value_field(label: str) -> models.DecimalField:
    # Bounded as an indicator's values are, so a benefit and its indicator speak alike.
    return models.DecimalField(
        label, max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )


class Benefit(models.Model):
    """An expected benefit of an initiative, its owner, and how it is measured."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="benefits",
        verbose_name=_("initiative"),
    )
    title = models.CharField(_("benefit"), max_length=200, validators=[no_control_characters])
    kind = models.CharField(_("kind"), max_length=30, choices=BenefitKind.choices)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What changes, for whom, and how it is measured."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_benefits",
        verbose_name=_("benefit owner"),
        help_text=_("The person in the operating organisation who answers for the benefit."),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benefits",
        verbose_name=_("indicator"),
        help_text=_("The indicator that shows the benefit, if there is one."),
    )
    unit = models.CharField(
        _("unit"),
        max_length=50,
        blank=True,
        help_text=_("Leave empty to use the indicator's unit."),
        validators=[no_control_characters],
    )
    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction.choices,
        blank=True,
        help_text=_("Leave empty to follow the indicator."),
    )
    baseline_value = _value_field(_("baseline value"))
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = _value_field(_("target value"))
    target_on = models.DateField(_("target date"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["initiative", "title", "pk"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        indexes = [models.Index(fields=["owner", "ended_on"], name="benefit_owner_ended")]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True, target_value__isnull=True)
                | Q(baseline_value__isnull=False, target_value__isnull=False),
                name="benefit_baseline_and_target_together",
                violation_error_message=_(
                    "Give both a baseline and a target value, or neither for a benefit "
                    "judged without a figure."
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True) | Q(baseline_on__isnull=False),
                name="benefit_baseline_dated",
                violation_error_message=_("Say when the baseline was measured."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_on__isnull=True) | Q(target_on__gt=models.F("baseline_on")),
                name="benefit_target_after_baseline",
                violation_error_message=_("The target date comes after the baseline date."),
            ),
            models.CheckConstraint(
                condition=~Q(direction="") | Q(indicator__isnull=False),
                name="benefit_direction_known",
                violation_error_message=_(
                    "Say whether higher or lower is better, or choose an indicator."
                ),
            ),
            # With the direction stated here; one taken from the indicator is checked in clean().
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True)
                | Q(direction="")
                | Q(
                    direction=Direction.HIGHER_IS_BETTER,
                    target_value__gt=models.F("baseline_value"),
                )
                | Q(
                    direction=Direction.LOWER_IS_BETTER, target_value__lt=models.F("baseline_value")
                ),
                name="benefit_target_beyond_baseline",
                violation_error_message=_(
                    "The target lies on the better side of the baseline for the direction."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
                name="benefit_end_has_reason",
                violation_error_message=_("Say why the benefit is no longer followed up."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_direction(self) -> str:
        """The direction stated here, else the indicator's."""
        if self.direction:
            return self.direction
        return self.indicator.direction if self.indicator_id else ""  # type: ignore[union-attr]

    @property
    def effective_unit(self) -> str:
        if self.unit:
            return self.unit
        return self.indicator.unit if self.indicator_id else ""  # type: ignore[union-attr]

    @property
    def is_measured(self) -> bool:
        """Measured by a figure (baseline and target), not only judged."""
        return self.baseline_value is not None and self.target_value is not None

    @property
    def is_ended(self) -> bool:
        return self.ended_on is not None

    def share_of(self, value: Decimal | None) -> Decimal | None:
        """How far ``value`` has come from the baseline to the target, in percent (0 at the
        baseline, 100 at the target, beyond either end when it went further or the wrong way).
        None without a value or for a benefit judged without a figure."""
        if value is None or self.baseline_value is None or self.target_value is None:
            return None
        if self.target_value == self.baseline_value:
            return None
        share = (value - self.baseline_value) / (self.target_value - self.baseline_value) * 100
        return share.quantize(Decimal("0.1"))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if not self.effective_direction:
            errors["direction"] = _(
                "Say whether higher or lower is better, or choose an indicator."
            )
        if (self.baseline_value is None) != (self.target_value is None):
            missing = "target_value" if self.target_value is None else "baseline_value"
            errors[missing] = _(
                "Give both a baseline and a target value, or neither for a benefit judged "
                "without a figure."
            )
        if self.baseline_value is not None and self.baseline_on is None:
            errors["baseline_on"] = _("Say when the baseline was measured.")
        if self.baseline_on and self.target_on and self.target_on <= self.baseline_on:
            errors["target_on"] = _("The target date comes after the baseline date.")
        if (
            self.baseline_value is not None
            and self.target_value is not None
            and "direction" not in errors
        ):
            if (
                self.effective_direction == Direction.HIGHER_IS_BETTER
                and self.target_value <= self.baseline_value
            ):
                errors["target_value"] = _(
                    "When higher is better, the target must be above the baseline."
                )
            elif (
                self.effective_direction == Direction.LOWER_IS_BETTER
                and self.target_value >= self.baseline_value
            ):
                errors["target_value"] = _(
                    "When lower is better, the target must be below the baseline."
                )
        if self.ended_on is not None and not self.end_reason.strip():
            errors["end_reason"] = _("Say why the benefit is no longer followed up.")
        if errors:
            raise ValidationError(errors)


class BenefitFollowUp(models.Model):
    """A follow-up of a benefit: planned for ``due_on``, recorded when someone says how far
    the benefit has come (a value where it is measured, and a judgement)."""

    benefit = models.ForeignKey(
        Benefit, on_delete=models.CASCADE, related_name="followups", verbose_name=_("benefit")
    )
    due_on = models.DateField(_("follow-up date"))
    recorded_on = models.DateField(_("recorded on"), null=True, blank=True)
    value = _value_field(_("realised value"))
    judgement = models.CharField(
        _("judgement"), max_length=20, choices=Judgement.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["benefit", "due_on", "pk"]
        verbose_name = _("benefit follow-up")
        verbose_name_plural = _("benefit follow-ups")
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(recorded_on__isnull=True),
                name="benefit_followup_open_due",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "due_on"],
                name="benefit_followup_one_per_date",
                violation_error_message=_("A follow-up is already planned for that date."),
            ),
            models.CheckConstraint(
                condition=Q(
                    recorded_on__isnull=True,
                    recorded_at__isnull=True,
                    value__isnull=True,
                    judgement="",
                    comment="",
                )
                | (Q(recorded_on__isnull=False, recorded_at__isnull=False) & ~Q(judgement="")),
                name="benefit_followup_recorded_together",
                violation_error_message=_(
                    "A recorded follow-up has a date and a judgement; a planned one has neither "
                    "a value nor a comment yet."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit}: {self.due_on:%Y-%m-%d}"

    @property
    def is_recorded(self) -> bool:
        return self.recorded_on is not None

    def is_overdue(self, today: dt.date) -> bool:
        return not self.is_recorded and self.due_on < today
