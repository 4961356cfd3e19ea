"""Forms for lessons learned: writing and editing one, and the search. They collect and check
input; writes go through ``programs.lessons.services``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.forms import sdg_goals_field
from clusters.models import SDG_GOALS
from innocities.core.forms import limit_length
from programs.initiatives.models import Stage
from programs.lessons.models import Lesson, Visibility
from programs.lessons.selectors import LessonFilters

# A lesson may be longer than a progress report's field, not a pasted document.
BODY_MAX = 10_000
THEMES_LIST_ID = "lesson-themes"


def _sdg_filter_choices() -> list[tuple[str, str]]:
    return [("", _("Any goal")), *((str(n), f"{n}. {name}") for n, name in SDG_GOALS.items())]


class LessonForm(forms.ModelForm):
    """Write or edit a lesson. ``owners`` are (value, label) choices of whose the lesson is,
    for a lesson written without an initiative ("m-<pk>" a municipality, "c-<pk>" a cluster);
    ``cluster_owned`` says that the owner is fixed and is a cluster."""

    owner = forms.ChoiceField(label=_("Whose lesson"), required=True)
    sdg_goals = sdg_goals_field(_("The UN Sustainable Development Goals the lesson concerns."))

    class Meta:
        model = Lesson
        fields = ["title", "body", "theme", "stage", "sdg_goals", "visibility", "language"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 10}),
            "theme": forms.TextInput(attrs={"list": THEMES_LIST_ID, "autocomplete": "off"}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "theme": _("For example mobility, school, elderly care: the same word finds it later."),
            "stage": _("The stage of the initiative the lesson is about."),
            "language": _("The search finds other forms of the words in this language."),
        }

    def __init__(
        self,
        *args: Any,
        owners: list[tuple[str, str]] | None = None,
        cluster_owned: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cluster_owned = cluster_owned
        limit_length(self.fields["body"], BODY_MAX)
        self.fields["stage"].choices = [("", _("No particular stage")), *Stage.choices]
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].choices = [("", "---------"), *owners]
            if len(owners) == 1 and not self.is_bound:
                self.initial["owner"] = owners[0][0]
        if cluster_owned:
            self.fields["visibility"].choices = [
                (Visibility.CLUSTERS, _("The cluster's members")),
                (Visibility.PARTNERSHIP, Visibility.PARTNERSHIP.label),
            ]

    def owner_is_cluster(self) -> bool:
        owner = self.cleaned_data.get("owner") or ""
        return self.cluster_owned or owner.startswith("c-")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("visibility") == Visibility.MUNICIPALITY and self.owner_is_cluster():
            self.add_error(
                "visibility",
                _("A cluster's lesson is shared with the cluster or the whole partnership."),
            )
        body = data.get("body")
        if body is not None and not body.strip():
            self.add_error("body", _("Write what was learned."))
        return data

    def owner_kwargs(self) -> dict[str, int]:
        """``{"municipality_id": pk}`` or ``{"cluster_id": pk}`` from the owner chosen."""
        kind, _sep, pk = self.cleaned_data["owner"].partition("-")
        return {"cluster_id" if kind == "c" else "municipality_id": int(pk)}

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}  # type: ignore[union-attr]

    def _post_clean(self) -> None:
        pass  # the service validates the whole lesson, with its owner set


class SearchForm(forms.Form):
    """The search page's question and filters (GET). Every part is optional."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words to look for")}),
    )
    theme = forms.CharField(
        label=_("Theme"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": THEMES_LIST_ID, "autocomplete": "off"}),
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    sdg = forms.TypedChoiceField(
        label=_("SDG goal"),
        choices=_sdg_filter_choices,
        coerce=int,
        required=False,
        empty_value=None,
    )
    # The municipalities whose lessons the reader may read, as (pk, name): any other is an
    # invalid choice.
    municipality = forms.TypedChoiceField(
        label=_("Municipality"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, municipalities: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *Stage.choices]
        self.fields["municipality"].choices = [("", _("All municipalities")), *municipalities]

    def filters(self) -> LessonFilters:
        data = self.cleaned_data
        return LessonFilters(
            text=data.get("q") or "",
            theme=data.get("theme") or "",
            stage=data.get("stage") or "",
            sdg_goal=data.get("sdg"),
            municipality_id=data.get("municipality"),
        )
