"""The form for a municipality's needs, with the SDG goals as checkboxes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import SDG_GOALS, Need, Priority

TEXT_MAX = 5000


def _sdg_choices() -> list[tuple[int, str]]:
    # A callable, so the names are translated in the language of each request.
    return [(number, f"{number}. {name}") for number, name in SDG_GOALS.items()]


class NeedForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    sdg_goals = forms.TypedMultipleChoiceField(
        label=_("SDG goals"),
        choices=_sdg_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The UN Sustainable Development Goals the need concerns."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("priority"):
            self.initial["priority"] = Priority.MEDIUM


class NeedAdminForm(forms.ModelForm):
    """For the Django admin: SDG goals as checkboxes instead of raw JSON.

    Meant for ``clusters.admin.NeedAdmin.form`` (the lead's file); the model's validator still
    checks whatever is saved.
    """

    sdg_goals = forms.TypedMultipleChoiceField(
        label=_("SDG goals"),
        choices=_sdg_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Need
        fields = [
            "title",
            "description",
            "theme",
            "priority",
            "cluster",
            "municipality",
            "sdg_goals",
            "dimension_code",
            "based_on",
        ]

    def clean_sdg_goals(self) -> list[int]:
        return sorted(self.cleaned_data["sdg_goals"])
