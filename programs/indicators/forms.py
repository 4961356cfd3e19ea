"""Forms for indicators: they collect and check input; writes go through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from innocities.core.forms import TEXT_MAX, DateInput
from programs.indicators.models import Indicator, IndicatorValue
from programs.indicators.services import UPDATABLE_FIELDS


class IndicatorForm(forms.ModelForm):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "description",
            "frequency",
            "direction",
            "baseline_value",
            "baseline_period",
            "target_value",
            "target_period",
            "kolada_kpi",
        ]
        help_texts = {
            "kolada_kpi": _("Optional, for example N00945 (see kolada.se)."),
        }

    def _post_clean(self) -> None:
        # The service validates and saves; the form does not build a half-filled instance
        # (it would fail the programme-or-cluster constraint before the service sets it).
        pass

    def service_kwargs(self) -> dict[str, Any]:
        return {
            name: value for name, value in self.cleaned_data.items() if name in UPDATABLE_FIELDS
        }


class IndicatorValueForm(forms.ModelForm):
    class Meta:
        model = IndicatorValue
        fields = ["period", "value", "note"]
        widgets = {"period": DateInput()}
        help_texts = {
            "period": _("Any day of the period: the value is stored for the whole period."),
        }

    def _post_clean(self) -> None:
        pass
