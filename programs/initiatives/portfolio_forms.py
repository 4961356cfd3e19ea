"""The form on the municipality's portfolio page: its target share of innovation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class TargetForm(forms.Form):
    """Set the share (0–100 %), or remove the target with the ``clear`` button.

    An empty share without ``clear`` is an error rather than a removal, so a form sent by
    mistake never drops a target someone set on purpose.
    """

    innovation_percent = forms.IntegerField(
        label=_("Target share of innovation (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Of the effort in initiatives, the share for those not yet in operation."),
        error_messages={
            code: _("Give the share as a whole number from 0 to 100.")
            for code in ("invalid", "min_value", "max_value")
        },
    )
    clear = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("clear"):
            data["innovation_percent"] = None
        elif data.get("innovation_percent") is None and "innovation_percent" not in self.errors:
            self.add_error(
                "innovation_percent",
                _("Give the share as a whole number from 0 to 100, or remove the target."),
            )
        return data
