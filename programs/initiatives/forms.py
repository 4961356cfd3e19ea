"""Forms for the initiative pages. They collect and check input; every write goes through
``programs.initiatives.services``. Choices are limited to what belongs to the initiative's
owner (its needs, people, running modules, cluster partners and meetings), so an id from
elsewhere is an invalid choice, and the service checks again under a lock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Meeting, Need
from innocities.accounts.models import User
from innocities.core.forms import TEXT_MAX, DateInput, at_least, limit_length
from municipalities.models import Organisation
from programs.initiatives.models import (
    FIRST_STAGES,
    MAX_QUARTER_HOURS,
    MAX_QUARTER_SEK,
    Assumption,
    AssumptionKind,
    Body,
    Decision,
    Initiative,
    Outcome,
    Stage,
    State,
)
from programs.initiatives.selectors import (
    CriterionStatus,
    Owner,
    eligible_leads,
    eligible_meetings,
    eligible_modules,
    eligible_needs,
    eligible_partners,
)
from programs.models import ProgramModule

MAX_COST_SEK = Decimal(10_000_000_000)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProgramModule) -> str:
        return f"{obj.program.title}: {obj.title}"


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.title} ({timezone.localtime(obj.starts_at):%Y-%m-%d})"


class InitiativeForm(forms.ModelForm):
    """Create or edit an initiative. The stage is chosen only when it is created (need or
    idea); after that it moves through gate decisions."""

    stage = forms.ChoiceField(
        label=_("Starts as"),
        choices=[(s, Stage(s).label) for s in FIRST_STAGES],
        initial=Stage.IDEA,
        help_text=_("A need still to be understood, or an idea to answer it."),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "description",
            "need",
            "stage",
            "facet",
            "lead",
            "module",
            "next_gate_due_on",
            "expected_benefits",
            "estimated_cost_sek",
            "risk",
            "benefit_owner",
        ]
        field_classes = {"lead": PersonChoiceField, "module": ModuleChoiceField}
        widgets = {
            "next_gate_due_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_benefits": forms.Textarea(attrs={"rows": 3}),
            "risk": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, owner: Owner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What it is linked to now stays a valid choice even if no longer eligible for a new
        # link (the lead left, the programme completed): editing the title must not fail.
        current = self.instance
        self.fields["need"].queryset = eligible_needs(owner) | Need.objects.filter(
            pk=current.need_id
        )
        self.fields["lead"].queryset = eligible_leads(owner) | User.objects.filter(
            pk=current.lead_id
        )
        self.fields["module"].queryset = eligible_modules(owner) | ProgramModule.objects.filter(
            pk=current.module_id
        )
        at_least(self.fields["estimated_cost_sek"], 0)
        for name in ("description", "expected_benefits", "risk"):
            limit_length(self.fields[name])
        if self.instance.pk:
            del self.fields["stage"]

    def clean_estimated_cost_sek(self) -> Decimal | None:
        cost = self.cleaned_data.get("estimated_cost_sek")
        if cost is not None and (cost < 0 or cost > MAX_COST_SEK):
            raise forms.ValidationError(_("Give a cost between 0 and 10 000 000 000 SEK."))
        return cost

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def _post_clean(self) -> None:
        # The service validates the model (with the owner set); not the half-built instance.
        pass


class GateForm(forms.Form):
    """A decision point. Hidden fields carry what the person saw, so a decision on an
    initiative that moved meanwhile is refused rather than applied to the wrong stage."""

    seen_stage = forms.CharField(widget=forms.HiddenInput)
    seen_state = forms.CharField(widget=forms.HiddenInput)
    to_stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    decided_by = forms.CharField(
        label=_("Decided by"),
        max_length=200,
        help_text=_("The person who took the decision, e.g. the head of the administration."),
    )
    body = forms.ChoiceField(label=_("Decided in"), choices=Body.choices)
    meeting = MeetingChoiceField(
        label=_("Cluster meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("For a decision taken in a cluster meeting."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    rationale = forms.CharField(
        label=_("Rationale"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a go with conditions."),
    )
    holding = forms.MultipleChoiceField(
        label=_("Criteria the decision-maker judges to hold"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    open_criteria_reason = forms.CharField(
        label=_("Why go on although criteria do not hold"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_benefits = forms.CharField(
        label=_("Expected benefits"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    estimated_cost_sek = forms.DecimalField(
        label=_("Estimated cost (SEK)"),
        required=False,
        min_value=0,
        max_value=MAX_COST_SEK,
        decimal_places=0,
    )
    risk = forms.CharField(
        label=_("Risks"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_gate_due_on = forms.DateField(
        label=_("Next decision due"),
        required=False,
        widget=DateInput(),
        help_text=_("When the decision after this one should be taken."),
    )

    def __init__(
        self,
        *args: Any,
        initiative: Initiative,
        criteria: list[CriterionStatus],
        cluster_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["meeting"].queryset = eligible_meetings(initiative)
        manual = [c for c in criteria if c.holds is None]
        self.fields["holding"].choices = [(str(c.criterion.pk), c.text) for c in manual]
        if not manual:
            del self.fields["holding"]
        if cluster_only:  # a cluster manager records what the cluster meeting decided
            self.fields["body"].choices = [(Body.CLUSTER, Body.CLUSTER.label)]
        if initiative.state == State.PARKED:
            self.fields["decision"].choices = [
                (value, label) for value, label in Decision.choices if value != Decision.HOLD
            ]
        if not self.is_bound:
            self.initial.update(
                seen_stage=initiative.stage,
                seen_state=initiative.state,
                to_stage=initiative.next_stage,
                decided_on=timezone.localdate(),
                expected_benefits=initiative.expected_benefits,
                estimated_cost_sek=initiative.estimated_cost_sek,
                risk=initiative.risk,
            )

    def clean_decided_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A decision cannot be dated in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("decision") == Decision.GO_WITH_CONDITIONS
            and not data.get("conditions", "").strip()
        ):
            self.add_error("conditions", _("Write the conditions of a go with conditions."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["manual_holding"] = frozenset(int(pk) for pk in data.pop("holding", []))
        return data


class AssumptionForm(forms.ModelForm):
    make_task = forms.BooleanField(
        label=_("Add the test as a task in the programme"),
        required=False,
        help_text=_("Due on the test-by date, owned by the initiative lead."),
    )

    class Meta:
        model = Assumption
        fields = ["statement", "kind", "impact", "uncertainty", "test_plan", "test_by"]
        widgets = {"test_by": DateInput(), "test_plan": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_length(self.fields["test_plan"])
        self.fields["kind"].choices = AssumptionKind.choices
        if self.instance.pk and self.instance.task_id:
            del self.fields["make_task"]

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def _post_clean(self) -> None:
        pass  # the service validates the whole assumption


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    learning = forms.CharField(
        label=_("What was learned"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resolved_on = forms.DateField(label=_("Date"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        resolved = data.get("outcome") not in (None, Outcome.OPEN)
        if resolved and not data.get("learning", "").strip():
            self.add_error("learning", _("Say what was learned."))
        return data


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    role = forms.CharField(
        label=_("Role in the initiative"),
        max_length=200,
        required=False,
        help_text=_("For example: test bed, supplier, research partner, user representatives."),
    )

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = initiative.partners.values("organisation_id")
        self.fields["organisation"].queryset = eligible_partners(Owner.of(initiative)).exclude(
            pk__in=taken
        )
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "Choose a current partner of the cluster that does not take part yet."
        )


def _quarter_choices(today: dt.date) -> list[tuple[str, str]]:
    """This quarter and the seven before it, newest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    choices = []
    for _step in range(8):
        choices.append((f"{year}-{quarter}", f"{year} Q{quarter}"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return choices


class EffortForm(forms.Form):
    period = forms.ChoiceField(label=_("Quarter"))
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=0,
        max_value=MAX_QUARTER_HOURS,
        decimal_places=1,
    )
    sek = forms.DecimalField(
        label=_("SEK"), required=False, min_value=0, max_value=MAX_QUARTER_SEK, decimal_places=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = _quarter_choices(timezone.localdate())
        self.fields["hours"].error_messages["max_value"] = _(
            "At most %(limit_value)s hours a quarter: check the figure."
        )
        self.fields["sek"].error_messages["max_value"] = _(
            "At most %(limit_value)s SEK a quarter: check the figure."
        )

    def service_kwargs(self) -> dict[str, Any]:
        year, quarter = (int(part) for part in self.cleaned_data["period"].split("-"))
        return {
            "year": year,
            "quarter": quarter,
            "hours": self.cleaned_data["hours"],
            "sek": self.cleaned_data["sek"],
        }
