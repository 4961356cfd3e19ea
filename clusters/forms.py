"""Forms for cluster pages. They check input; the services decide and save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import (
    SDG_GOALS,
    Attendance,
    Cluster,
    Meeting,
    MeetingParticipant,
    MembershipStatus,
    Need,
    Priority,
    Reply,
    RosterRole,
)
from clusters.selectors import (
    cluster_people,
    open_member_municipalities,
    open_partner_organisations,
)
from innocities.accounts.models import User
from innocities.core.forms import TEXT_MAX, DateInput, DateTimeInput
from municipalities.models import Helix, Municipality, Organisation


def today() -> dt.date:
    return timezone.localdate()


def _sdg_choices() -> list[tuple[int, str]]:
    # A callable, so the names are translated in the language of each request.
    return [(number, f"{number}. {name}") for number, name in SDG_GOALS.items()]


def sdg_goals_field(help_text: str = "") -> forms.TypedMultipleChoiceField:
    """The UN Sustainable Development Goals as checkboxes, as numbers."""
    return forms.TypedMultipleChoiceField(
        label=_("SDG goals"),
        choices=_sdg_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


# --- municipalities, grouped so that ~650 rows stay usable -------------------------------


class _CountyGroupedIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        group: str | None = None
        options: list[Any] = []
        for municipality in self.queryset:
            label = f"{municipality.county.name} ({municipality.get_country_display()})"
            if label != group:
                if options:
                    yield (group, options)
                group, options = label, []
            options.append(self.choice(municipality))
        if options:
            yield (group, options)


class MunicipalityChoiceField(forms.ModelChoiceField):
    """All municipalities in one select, grouped by country and county (one query)."""

    iterator = _CountyGroupedIterator

    def __init__(self, **kwargs: Any) -> None:
        queryset = Municipality.objects.select_related("county").order_by(
            "country", "county__code", "name"
        )
        super().__init__(queryset=queryset, **kwargs)


# --- roster ------------------------------------------------------------------------------


class MembershipAddForm(forms.Form):
    municipality = MunicipalityChoiceField(label=_("Municipality"))
    joined_on = forms.DateField(label=_("Joined on"), initial=today, widget=DateInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (MembershipStatus.ACTIVE, MembershipStatus.ACTIVE.label),
            (MembershipStatus.OBSERVER, MembershipStatus.OBSERVER.label),
        ],
        initial=MembershipStatus.ACTIVE,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EndForm(forms.Form):
    """The date something on the roster ends; never before the date it started."""

    ended_on = forms.DateField(label=_("End date"), initial=today, widget=DateInput)

    def __init__(self, *args: Any, starts_on: dt.date, label: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.starts_on = starts_on
        if label:
            self.fields["ended_on"].label = label

    def clean_ended_on(self) -> dt.date:
        ended_on = self.cleaned_data["ended_on"]
        if ended_on < self.starts_on:
            raise ValidationError(
                _("The end date cannot be before the start date (%(date)s)."),
                params={"date": self.starts_on.isoformat()},
                code="before_start",
            )
        return ended_on


class PartnerAddForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Existing organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    new_name = forms.CharField(
        label=_("…or a new organisation's name"), max_length=200, required=False
    )
    new_helix = forms.ChoiceField(
        label=_("Helix of the new organisation"),
        choices=[("", "---------"), *Helix.choices],
        required=False,
    )
    new_municipality = MunicipalityChoiceField(
        label=_("Municipality of the new organisation"),
        required=False,
        help_text=_("Only for public-sector organisations owned by a municipality."),
    )
    contribution = forms.CharField(
        label=_("Contribution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    joined_on = forms.DateField(label=_("Start date"), initial=today, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        organisation = data.get("organisation")
        name = (data.get("new_name") or "").strip()
        if organisation and name:
            raise ValidationError(_("Choose an existing organisation or name a new one, not both."))
        if not organisation and not name:
            if not self.has_error("organisation") and not self.has_error("new_name"):
                raise ValidationError(_("Choose an existing organisation or name a new one."))
            return data
        if name:
            if Organisation.objects.filter(name__iexact=name).exists():
                self.add_error(
                    "new_name",
                    _("An organisation with this name exists already: choose it from the list."),
                )
            if not data.get("new_helix"):
                self.add_error("new_helix", _("Choose the new organisation's helix."))
            elif data.get("new_municipality") and data["new_helix"] != Helix.PUBLIC:
                self.add_error(
                    "new_municipality",
                    _("Only a public-sector organisation can belong to a municipality."),
                )
        return data


class PersonAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("Only for a person without an account: they get an invitation by e-mail."),
    )
    role = forms.ChoiceField(label=_("Roster role"), choices=RosterRole.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("One of the cluster's partners."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("One of the cluster's member municipalities."),
    )
    started_on = forms.DateField(label=_("Start date"), initial=today, widget=DateInput)

    def __init__(self, *args: Any, cluster: Cluster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = open_partner_organisations(cluster)
        self.fields["municipality"].queryset = open_member_municipalities(cluster)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("organisation") and data.get("municipality"):
            raise ValidationError(_("Choose an organisation or a municipality, not both."))
        return data


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "description", "theme", "priority"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AcceptProposalForm(forms.Form):
    """Accepting a shared-need proposal: the manager may reword its title and description."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=250)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    sdg_goals = sdg_goals_field(
        _("From the members' needs; add the goals the shared need concerns.")
    )


class ProposalKeyForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=250)


class ProposalRulesForm(forms.Form):
    below = forms.DecimalField(
        label=_("A member scores low below"),
        min_value=Decimal("1.0"),
        max_value=Decimal("5.0"),
        max_digits=2,
        decimal_places=1,
        help_text=_("The mean of a dimension in the member's latest closed self-assessment."),
    )
    min_members = forms.IntegerField(
        label=_("Members that must score low"),
        min_value=2,
        max_value=999,
        required=False,
        help_text=_("Leave empty for half of the members."),
    )


# --- meetings ----------------------------------------------------------------------------


class InviteeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class MeetingForm(forms.ModelForm):
    invitees = InviteeField(
        label=_("Invitees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The cluster's people: its roster and the coordinators and viewers of its member "
            "municipalities. Someone who has replied stays invited."
        ),
    )
    # Declared here to say that a link typed without a scheme means https.
    online_url = forms.URLField(
        label=_("Online link"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "agenda",
            "minutes",
            "need",
        ]
        help_texts = {"need": _("The shared need this joint activity meets, if any.")}
        widgets = {
            "starts_at": DateTimeInput,
            "ends_at": DateTimeInput,
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, cluster: Cluster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["invitees"].queryset = cluster_people(cluster)
        # Only the cluster's own shared needs: an id from another cluster is an invalid choice.
        self.fields["need"].queryset = cluster.needs.order_by("title")
        if self.instance.pk is not None and not self.is_bound:
            self.initial["invitees"] = [
                p.user_id for p in self.instance.participants.all() if p.user_id
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        return data


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label=_("Reply"),
        choices=[(Reply.ACCEPTED, _("Accept")), (Reply.DECLINED, _("Decline"))],
    )


class AttendanceForm(forms.Form):
    """One choice per participant, named ``participant_<id>``."""

    def __init__(
        self, *args: Any, participants: QuerySet[MeetingParticipant] | list, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for participant in self.participants:
            self.fields[f"participant_{participant.pk}"] = forms.ChoiceField(
                label=str(participant.user),
                choices=Attendance.choices,
                initial=participant.attendance,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"participant_{p.pk}"] for p in self.participants}

    def rows(self) -> list[tuple[MeetingParticipant, forms.BoundField]]:
        return [(p, self[f"participant_{p.pk}"]) for p in self.participants]


# --- a municipality's own needs --------------------------------------------------------


class MunicipalityNeedForm(forms.Form):
    """A municipality's own need, with the SDG goals as checkboxes."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    theme = forms.CharField(label=_("Theme"), max_length=200, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    sdg_goals = sdg_goals_field(_("The UN Sustainable Development Goals the need concerns."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("priority"):
            self.initial["priority"] = Priority.MEDIUM


class NeedAdminForm(forms.ModelForm):
    """For the Django admin: SDG goals as checkboxes instead of raw JSON.

    The model's validator still checks whatever is saved.
    """

    sdg_goals = sdg_goals_field()

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
