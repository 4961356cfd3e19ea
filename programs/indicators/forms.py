"""Forms for indicators: they collect and check input; writes go through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innocities.core.forms import TEXT_MAX, DateInput
from programs.indicators.models import Indicator, IndicatorValue, Source, validate_ssb_filters
from programs.indicators.services import UPDATABLE_FIELDS


def parse_ssb_filters(text: str) -> dict[str, str]:
    """``Kjonn=2`` per line (or separated by ``;``) as ``{"Kjonn": "2"}``; the model's
    validator checks the codes."""
    filters: dict[str, str] = {}
    for raw in text.replace(";", "\n").splitlines():
        line = raw.strip()
        if not line:
            continue
        variable, sep, code = (part.strip() for part in line.partition("="))
        if not sep or not variable or not code:
            raise ValidationError(
                _("Write each filter as variable=value, for example Kjonn=2 (not “%(line)s”).")
                % {"line": line},
                code="invalid_ssb_filter",
            )
        if variable in filters:
            raise ValidationError(
                _("The variable %(variable)s is given twice.") % {"variable": variable},
                code="duplicate_ssb_filter",
            )
        filters[variable] = code
    validate_ssb_filters(filters)
    return filters


class IndicatorForm(forms.ModelForm):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source = forms.ChoiceField(
        label=_("Where the values come from"),
        choices=Source.choices,
        initial=Source.MANUAL,
        required=False,  # left out: typed in by hand
        widget=forms.RadioSelect,
        help_text=_(
            "Kolada has figures for Swedish municipalities, SSB for Norwegian ones. Fetched "
            "values are updated every night; a value you type in for a period always wins."
        ),
    )
    ssb_filters_text = forms.CharField(
        label=_("SSB filters"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The table's other variables, one per line as variable=value, for example Kjonn=2."
        ),
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
            "source",
            "kolada_kpi",
            "ssb_table",
            "ssb_contents_code",
            "ssb_region_variable",
        ]
        help_texts = {
            "kolada_kpi": _("For values from Kolada, for example N00945 (see kolada.se)."),
            "ssb_table": _("For values from SSB: the StatBank table, for example 07459."),
            "ssb_contents_code": _("The table's ContentsCode, for example Personer1."),
            "ssb_region_variable": _("The table's region variable, usually Region."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ssb_region_variable"].required = False  # left out: "Region"
        if self.instance.pk and self.instance.ssb_filters:
            self.fields["ssb_filters_text"].initial = "\n".join(
                f"{variable}={code}" for variable, code in self.instance.ssb_filters.items()
            )
        # Order: the choice of source, then the fields each source needs.
        order = list(self.fields)
        order.remove("ssb_filters_text")
        order.insert(order.index("ssb_region_variable") + 1, "ssb_filters_text")
        self.order_fields(order)

    def clean_ssb_filters_text(self) -> dict[str, str]:
        return parse_ssb_filters(self.cleaned_data.get("ssb_filters_text") or "")

    def clean_source(self) -> str:
        return self.cleaned_data.get("source") or Source.MANUAL

    def clean_ssb_region_variable(self) -> str:
        return self.cleaned_data.get("ssb_region_variable") or "Region"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source = cleaned.get("source")
        if (
            source == Source.KOLADA
            and not cleaned.get("kolada_kpi")
            and "kolada_kpi" not in self.errors
        ):
            self.add_error("kolada_kpi", _("Give the Kolada KPI id the values are fetched from."))
        if source == Source.SSB:
            if not cleaned.get("ssb_table") and "ssb_table" not in self.errors:
                self.add_error("ssb_table", _("Give the SSB table the values are fetched from."))
            if not cleaned.get("ssb_contents_code") and "ssb_contents_code" not in self.errors:
                self.add_error("ssb_contents_code", _("Give the contents code of the SSB table."))
        return cleaned

    def _post_clean(self) -> None:
        # The service validates and saves; the form does not build a half-filled instance
        # (it would fail the programme-or-cluster constraint before the service sets it).
        pass

    def service_kwargs(self) -> dict[str, Any]:
        kwargs = {
            name: value for name, value in self.cleaned_data.items() if name in UPDATABLE_FIELDS
        }
        kwargs["ssb_filters"] = self.cleaned_data.get("ssb_filters_text") or {}
        return kwargs


class IndicatorValueForm(forms.ModelForm):
    """A value a person types in: it is stored as typed in by hand and wins over a fetched one."""

    class Meta:
        model = IndicatorValue
        fields = ["period", "value", "note"]
        widgets = {"period": DateInput()}
        help_texts = {
            "period": _("Any day of the period: the value is stored for the whole period."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model allows no number (a period a source reports as missing); a person
        # always gives one.
        self.fields["value"].required = True

    def _post_clean(self) -> None:
        pass
