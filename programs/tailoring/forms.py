"""The tailoring form: which modules, in what order, from when, for which programme.

One row of fields per module of the library (``include_<id>``, ``order_<id>``,
``start_<id>``, ``reason_<id>``), pre-filled from the recommendations: recommended modules
are ticked in the recommended order with their reasons, except those the cluster meets
jointly through a shared need.

Sensible defaults: the municipality's coordinators are preselected, and a municipality's
only programme is the one modules are added to. A choice with one option (the only
programme, cluster or coordinator) is no choice: it becomes a hidden input, and the page
shows it as text (``single_choices``).

Reasons are shown in the reader's language; one left as suggested is stored in the
municipality's language, as the library's texts are (what the manager wrote is kept as
written).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.forms import TEXT_MAX, DateInput
from innocities.core.languages import municipality_language
from programs.forms import PeopleChoiceField
from programs.models import ModuleTemplate, Program, ProgramStatus
from programs.selectors import coordinator_candidates
from programs.tailoring.selectors import Recommendation, TailoringBasis
from programs.tailoring.services import MAX_MODULES, ModuleChoice

NEW = "new"
REASON_MAX = 1000


def _first_of_next_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _target_value(program: Program) -> str:
    return f"program-{program.pk}"


@dataclass(frozen=True)
class ModuleRow:
    """One module's fields and what the page says about it."""

    module: ModuleTemplate
    recommendation: Recommendation | None
    include: forms.BoundField
    order: forms.BoundField
    start: forms.BoundField
    reason: forms.BoundField
    in_programs: list[Program]


class TailoringForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Programme"), widget=forms.RadioSelect)
    starts_on = forms.DateField(
        label=gettext_lazy("Start date"),
        widget=DateInput(),
        help_text=gettext_lazy(
            "A new programme starts on this day; added modules start from it. Dates that fall "
            "on a weekend, a public holiday or in the July weeks move to the next working day."
        ),
    )
    cluster = forms.ModelChoiceField(
        label=gettext_lazy("Cluster"), queryset=None, required=False, empty_label=None
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty for “municipality: tailored programme”."),
    )
    goals = forms.CharField(
        label=gettext_lazy("Goals"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration_months = forms.IntegerField(
        label=gettext_lazy("Duration (months)"),
        min_value=1,
        max_value=120,
        initial=36,
        required=False,
        help_text=gettext_lazy("Longer if the last module ends later."),
    )
    coordinators = PeopleChoiceField(
        label=gettext_lazy("Coordinators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            (ProgramStatus.DRAFT, ProgramStatus.DRAFT.label),
            (ProgramStatus.ACTIVE, ProgramStatus.ACTIVE.label),
        ],
        initial=ProgramStatus.DRAFT,
    )

    def __init__(self, *args: Any, basis: TailoringBasis, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.basis = basis
        self.actor = actor
        municipality = basis.municipality
        self.fields["target"].choices = [
            (NEW, _("A new programme")),
            *(
                (
                    _target_value(program),
                    _("Add to “%(title)s” (%(status)s)")
                    % {"title": program.title, "status": program.get_status_display().lower()},
                )
                for program in basis.programs
            ),
        ]
        self.fields["cluster"].queryset = Cluster.objects.filter(
            pk__in=[c.pk for c in basis.clusters]
        )
        self.fields["coordinators"].queryset = coordinator_candidates(municipality.pk)
        self.coordinator_options = list(self.fields["coordinators"].queryset)
        if not self.is_bound:
            # The only programme is the one to add to; with none or several, a new one.
            only = basis.programs[0] if len(basis.programs) == 1 else None
            self.initial.setdefault("target", _target_value(only) if only else NEW)
            self.initial.setdefault("starts_on", _first_of_next_month(timezone.localdate()))
            if basis.clusters:
                self.initial.setdefault("cluster", basis.clusters[0].pk)
            self.initial.setdefault("coordinators", [p.pk for p in self.coordinator_options])
        self.single_choices = self._hide_single_choices()
        self._add_module_fields()

    def _hide_single_choices(self) -> dict[str, str]:
        """Fields with one option become hidden inputs set to it; returns their labels."""
        single: dict[str, str] = {}
        targets = self.fields["target"].choices
        if len(targets) == 1:
            value, label = targets[0]
            self.fields["target"].widget = forms.HiddenInput()
            self.initial["target"] = value
            single["target"] = str(label)
        if len(self.basis.clusters) == 1:
            self.fields["cluster"].widget = forms.HiddenInput()
            self.initial["cluster"] = self.basis.clusters[0].pk
            single["cluster"] = self.basis.clusters[0].name
        if not self.coordinator_options:
            # Nobody to choose: say so instead of an empty list of boxes.
            self.fields["coordinators"].widget = forms.MultipleHiddenInput()
            single["coordinators"] = _("nobody is recorded as the municipality's coordinator")
        elif len(self.coordinator_options) == 1:
            person = self.coordinator_options[0]
            self.fields["coordinators"].widget = forms.MultipleHiddenInput()
            self.initial["coordinators"] = [person.pk]
            single["coordinators"] = person.get_full_name()
        return single

    # --- the module rows ------------------------------------------------------------------

    def _add_module_fields(self) -> None:
        by_module = {r.module.pk: r for r in self.basis.recommendations}
        ticked = [r for r in self.basis.recommendations if not r.covered]
        positions = {r.module.pk: index for index, r in enumerate(ticked, start=1)}
        rest = len(positions)
        for module in self._modules():
            pk = module.pk
            recommendation = by_module.get(pk)
            if pk not in positions:
                rest += 1
            self.fields[f"include_{pk}"] = forms.BooleanField(
                label=_("Include %(module)s") % {"module": module.name},
                required=False,
                initial=pk in positions,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"order_{pk}"] = forms.IntegerField(
                label=_("Order of %(module)s") % {"module": module.name},
                min_value=1,
                max_value=99,
                required=False,
                initial=positions.get(pk, rest),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"start_{pk}"] = forms.DateField(
                label=_("Start of %(module)s") % {"module": module.name},
                required=False,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("Why %(module)s") % {"module": module.name},
                required=False,
                max_length=REASON_MAX,
                initial=recommendation.reason_text if recommendation else "",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )

    def _modules(self) -> list[ModuleTemplate]:
        """The library, recommended modules first in their order, then the others by name."""
        recommended = [r.module for r in self.basis.recommendations]
        ids = {m.pk for m in recommended}
        return recommended + [m for m in self.basis.modules if m.pk not in ids]

    def rows(self) -> list[ModuleRow]:
        by_module = {r.module.pk: r for r in self.basis.recommendations}
        present: dict[int, list[Program]] = {}
        for program in self.basis.programs:
            for module in program.modules.all():
                if module.module_template_id:
                    present.setdefault(module.module_template_id, []).append(program)
        return [
            ModuleRow(
                module=module,
                recommendation=by_module.get(module.pk),
                include=self[f"include_{module.pk}"],
                order=self[f"order_{module.pk}"],
                start=self[f"start_{module.pk}"],
                reason=self[f"reason_{module.pk}"],
                in_programs=present.get(module.pk, []),
            )
            for module in self._modules()
        ]

    # --- cleaning -------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        target = data.get("target")
        if target == NEW and self.basis.clusters and not data.get("cluster"):
            self.add_error("cluster", _("Choose the cluster the programme belongs to."))
        chosen = []
        for index, module in enumerate(self._modules()):
            pk = module.pk
            reason = (data.get(f"reason_{pk}") or "").strip()
            if data.get(f"include_{pk}"):
                chosen.append((data.get(f"order_{pk}") or 100, index, module, reason))
            elif reason and reason != (self.fields[f"reason_{pk}"].initial or "").strip():
                # Someone wrote why a module belongs here but left it out: ask, don't drop.
                self.add_error(
                    f"reason_{pk}",
                    _("Tick “Include” to add this module, or clear what you wrote."),
                )
        if not chosen:
            raise forms.ValidationError(_("Choose at least one module."))
        if len(chosen) > MAX_MODULES:
            raise forms.ValidationError(
                _("A programme can have at most %(count)s modules.") % {"count": MAX_MODULES}
            )
        chosen.sort(key=lambda item: (item[0], item[1]))
        language = municipality_language(self.basis.municipality)
        by_module = {r.module.pk: r for r in self.basis.recommendations}
        self.choices = [
            ModuleChoice(
                module=module,
                reason=self._stored_reason(by_module.get(module.pk), reason, language)
                or self._default_reason(language),
                starts_on=data.get(f"start_{module.pk}"),
            )
            for _order, _index, module, reason in chosen
        ]
        # What the preview shows: each reason as the reader sees it on the page.
        self.shown_reasons = {
            module.pk: reason or self._default_reason(None) for _o, _i, module, reason in chosen
        }
        return data

    def _default_reason(self, language: str | None) -> str:
        """Why a module nobody gave a reason for is there, in ``language`` (None: the
        reader's)."""
        with translation.override(language or translation.get_language()):
            return _("Added by %(person)s when tailoring the programme.") % {
                "person": self.actor.get_full_name()
            }

    @staticmethod
    def _stored_reason(recommendation: Recommendation | None, reason: str, language: str) -> str:
        """The suggested reason, left as it was, in the municipality's language; anything
        the manager wrote as written."""
        if recommendation is not None and reason == recommendation.reason_text.strip():
            return recommendation.reason_text_in(language)
        return reason

    def target_program(self) -> Program | None:
        value = self.cleaned_data.get("target")
        for program in self.basis.programs:
            if value == _target_value(program):
                return program
        return None
