"""Forms for the pilot agreement pages. They collect and check input; every write goes
through ``programs.agreements.services``, which checks again (stage, parties, the file)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innocities.core.forms import DateInput, limit_length
from municipalities.models import Organisation
from programs.agreements.files import check_signed_copy, max_bytes
from programs.agreements.models import TERMS, AgreementParty, PilotAgreement
from programs.agreements.selectors import eligible_parties
from programs.initiatives.models import Initiative

MAX_COST_SEK = Decimal(10_000_000_000)
TEXT_TERMS = (
    "purpose",
    "data_used",
    "data_processed_by",
    "gdpr_roles",
    "results_ip",
    "results_publication",
    "results_reuse",
    "cost_sharing",
    "risk_sharing",
    "scale_up_criteria",
    "end_criteria",
)


def _check_cost(value: Decimal | None) -> Decimal | None:
    if value is not None and (value < 0 or value > MAX_COST_SEK):
        raise ValidationError(_("Give an amount between 0 and 10 000 000 000 SEK."))
    return value


class AgreementForm(forms.ModelForm):
    """The terms of the agreement (the signed copy is put in on its own page)."""

    class Meta:
        model = PilotAgreement
        fields = list(TERMS)
        widgets = {
            "test_starts_on": DateInput(),
            "test_ends_on": DateInput(),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in TEXT_TERMS},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in TEXT_TERMS:
            limit_length(self.fields[name])
        self.fields["purpose"].widget.attrs["rows"] = 4
        self.fields["total_cost_sek"].widget.attrs["min"] = "0"

    def clean_total_cost_sek(self) -> Decimal | None:
        return _check_cost(self.cleaned_data.get("total_cost_sek"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("test_starts_on"), data.get("test_ends_on")
        if (starts is None) != (ends is None) and not self.has_error("test_starts_on"):
            if not self.has_error("test_ends_on"):
                missing = "test_ends_on" if ends is None else "test_starts_on"
                self.add_error(
                    missing, _("Give both the start and the end of the test period, or neither.")
                )
        elif starts and ends and ends <= starts:
            self.add_error("test_ends_on", _("The test period ends after it starts."))
        if data.get("personal_data") and not (data.get("gdpr_roles") or "").strip():
            self.add_error(
                "gdpr_roles",
                _("Personal data is processed: say who is controller and who is processor."),
            )
        return data

    def _post_clean(self) -> None:
        # The model's constraints are checked by the service, which puts its refusal on the
        # form; checking them here too would report each twice.
        pass

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TERMS}


class PartyForm(forms.ModelForm):
    """Add an organisation as a party (``initiative`` given), or change what a party brings."""

    class Meta:
        model = AgreementParty
        fields = ["organisation", "contribution", "responsibilities", "cost_share_sek"]
        widgets = {
            "contribution": forms.Textarea(attrs={"rows": 3}),
            "responsibilities": forms.Textarea(attrs={"rows": 3}),
        }

    eligible: list[Organisation]

    def __init__(self, *args: Any, initiative: Initiative | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.eligible = []
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            assert initiative is not None
            taken = AgreementParty.objects.filter(agreement__initiative_id=initiative.pk).values(
                "organisation_id"
            )
            field = self.fields["organisation"]
            field.queryset = eligible_parties(initiative).exclude(pk__in=taken)  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = _(
                "Choose one of the initiative's partners or of its municipality's own "
                "organisations that is not a party yet."
            )
            # Read once, for the page's "is there anyone left to add" and the select alike:
            # one query whether or not any are left.
            self.eligible = list(field.queryset)
            field.widget.choices = [
                ("", field.empty_label),
                *((choice.pk, field.label_from_instance(choice)) for choice in self.eligible),
            ]
        self.fields["contribution"].required = True
        for name in ("contribution", "responsibilities"):
            limit_length(self.fields[name])
        self.fields["cost_share_sek"].widget.attrs["min"] = "0"

    def clean_cost_share_sek(self) -> Decimal | None:
        return _check_cost(self.cleaned_data.get("cost_share_sek"))

    def _post_clean(self) -> None:
        pass  # the service validates the party (and its uniqueness) under a lock

    def service_kwargs(self) -> dict[str, Any]:
        names = ["contribution", "responsibilities", "cost_share_sek"]
        if "organisation" in self.fields:
            names.insert(0, "organisation")
        return {name: self.cleaned_data[name] for name in names}


class SignedCopyForm(forms.Form):
    signed_copy = forms.FileField(
        label=_("Signed copy (PDF)"),
        help_text=_("The agreement as signed by every party, scanned or signed digitally."),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={
            "empty": _("The file is empty. Choose the scanned, signed agreement."),
            "required": _("Choose the PDF file of the signed agreement."),
        },
    )
    signed_on = forms.DateField(
        label=_("Signed on"),
        widget=DateInput(),
        help_text=_("The date the last party signed."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signed_copy"].help_text = _(
            "The agreement as signed by every party, scanned or signed digitally. "
            "PDF only, at most %(limit)s."
        ) % {"limit": filesizeformat(max_bytes())}

    def clean_signed_copy(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["signed_copy"]
        check_signed_copy(upload)
        return upload

    def clean_signed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The signing date cannot be in the future."))
        return day
