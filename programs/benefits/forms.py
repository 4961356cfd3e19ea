"""Forms for the benefit register. They collect and check input; every write goes through
``programs.benefits.services``. Owners and indicators are limited to the initiative's owner's
(an id from elsewhere is an invalid choice), and the service checks again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from innocities.accounts.models import User
from innocities.core.forms import TEXT_MAX, DateInput
from programs.benefits.models import Benefit, BenefitFollowUp, Judgement
from programs.benefits.selectors import eligible_indicators, eligible_owners
from programs.benefits.services import MAX_FOLLOWUPS, followup_dates
from programs.indicators.models import VALUE_DIGITS, VALUE_PLACES, Direction, Indicator
from programs.indicators.svg import format_number
from programs.initiatives.models import Initiative
from programs.initiatives.selectors import Owner

# What a value field takes: what the database column holds (numeric(14, 3)).
VALUE_LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES) - Decimal("0.001")


def value_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        min_value=-VALUE_LIMIT,
        max_value=VALUE_LIMIT,
        **kwargs,
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        parent = obj.program.title if obj.program_id else obj.cluster.name  # type: ignore[union-attr]
        unit = f", {obj.unit}" if obj.unit else ""
        return f"{obj.name}{unit} ({parent})"


class BenefitForm(forms.ModelForm):
    """Add or edit a benefit."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changes, for whom, and how it is measured."),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("As the indicator")), *list(Direction.choices)],
        help_text=_(
            "Whether a higher or a lower value is better. Without an indicator, choose one."
        ),
    )
    baseline_value = value_field(_("Baseline value"))
    target_value = value_field(
        _("Target value"),
        help_text=_("Leave both values empty for a benefit judged without a figure."),
    )

    class Meta:
        model = Benefit
        fields = [
            "title",
            "kind",
            "description",
            "owner",
            "indicator",
            "unit",
            "direction",
            "baseline_value",
            "baseline_on",
            "target_value",
            "target_on",
        ]
        field_classes = {"owner": PersonChoiceField, "indicator": IndicatorChoiceField}
        widgets = {"baseline_on": DateInput(), "target_on": DateInput()}

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The owner and indicator it has now stay valid choices even if no longer eligible
        # (the owner left): editing the title must not fail on them.
        current = self.instance
        owner = Owner.of(initiative)
        self.fields["owner"].queryset = eligible_owners(initiative) | User.objects.filter(
            pk=current.owner_id
        )
        self.fields["indicator"].queryset = eligible_indicators(owner) | Indicator.objects.filter(
            pk=current.indicator_id
        ).select_related("program", "cluster")
        self.fields["indicator"].required = False

    def _post_clean(self) -> None:
        # The service validates the model with its initiative set, not this half-built one.
        pass

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class PlanForm(forms.Form):
    """Plan follow-up dates: one date, or a series up to a last date."""

    EVERY = [
        ("", _("Only this date")),
        ("3", _("Every 3 months")),
        ("6", _("Every 6 months")),
        ("12", _("Every year")),
    ]

    first = forms.DateField(label=_("Follow-up date"), widget=DateInput())
    every = forms.ChoiceField(label=_("Repeat"), choices=EVERY, required=False)
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("The last date of the series; the target date if left empty."),
    )

    def __init__(self, *args: Any, benefit: Benefit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.benefit = benefit

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, until = data.get("first"), data.get("until")
        every = int(data["every"]) if data.get("every") else None
        if first is None:
            return data
        if every:
            until = until or self.benefit.target_on
            if until < first:
                self.add_error(
                    "until",
                    _("The last date (the target date, if left empty) comes after the first."),
                )
                return data
        data["dates"] = followup_dates(first, every_months=every, until=until)
        if len(data["dates"]) >= MAX_FOLLOWUPS:
            self.add_error("until", _("That is too many dates: choose a nearer last date."))
        return data


class RecordForm(forms.Form):
    """Record a follow-up: which one, when, the value (if the benefit is measured), and the
    judgement."""

    followup = forms.ModelChoiceField(
        label=_("Follow-up"),
        queryset=BenefitFollowUp.objects.none(),
        required=False,
        empty_label=_("Not planned: a new follow-up on the date below"),
    )
    recorded_on = forms.DateField(label=_("Date of the follow-up"), widget=DateInput())
    value = value_field(_("Realised value"))
    judgement = forms.ChoiceField(
        label=_("Judgement"), choices=Judgement.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was realised, what held it back, what is done next."),
    )

    def __init__(self, *args: Any, benefit: Benefit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["followup"].queryset = benefit.followups.order_by("due_on")
        self.fields["followup"].label_from_instance = self._followup_label
        unit = benefit.effective_unit
        if benefit.is_measured:
            self.fields["value"].help_text = _(
                "Baseline %(baseline)s, target %(target)s%(unit)s. Leave empty if only a "
                "judgement can be given."
            ) % {
                "baseline": format_number(benefit.baseline_value),  # type: ignore[arg-type]
                "target": format_number(benefit.target_value),  # type: ignore[arg-type]
                "unit": f" ({unit})" if unit else "",
            }
        else:
            self.fields["value"].help_text = _("Optional: the benefit is judged without a figure.")

    @staticmethod
    def _followup_label(obj: BenefitFollowUp) -> str:
        day = date_format(obj.due_on, "SHORT_DATE_FORMAT")
        if obj.is_recorded:
            return str(_("%(day)s (recorded: correct it)") % {"day": day})
        return day

    @classmethod
    def initial_for(cls, benefit: Benefit, followup: BenefitFollowUp | None) -> dict[str, Any]:
        today = timezone.localdate()
        if followup is None:
            followup = benefit.followups.filter(recorded_on__isnull=True).order_by("due_on").first()
        if followup is None:
            return {"recorded_on": today}
        if followup.is_recorded:
            return {
                "followup": followup,
                "recorded_on": followup.recorded_on,
                "value": followup.value,
                "judgement": followup.judgement,
                "comment": followup.comment,
            }
        return {"followup": followup, "recorded_on": today}


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why it is no longer followed up"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @staticmethod
    def initial_today() -> dict[str, dt.date]:
        return {"ended_on": timezone.localdate()}
