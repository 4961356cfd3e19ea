"""Forms for cluster pages. They check input; the services decide and save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
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
    RosterEntry,
    RosterRole,
)
from clusters.selectors import (
    open_member_ids,
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
    # Chosen from the picker's radio buttons (templates/clusters/_picker.html), not from a
    # 650-option select; any municipality is accepted here and the service refuses one that
    # is already an open member.
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.all(),
        error_messages={"required": _("Search for a municipality and choose one.")},
    )
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


class MembershipEndForm(EndForm):
    end_roster_entries = forms.BooleanField(
        label=_("Also end these people's roles in the cluster on the same date"),
        required=False,
        initial=True,
    )


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


@dataclass(frozen=True)
class Invitee:
    """One person the meeting form offers: their account and their roles in the cluster."""

    user: User
    roles: str
    checked: bool = False


@dataclass(frozen=True)
class InviteeGroup:
    """A fieldset of the invitee picker: a municipality, a partner organisation, the
    cluster's own team, or (when editing) people invited before who left the roster."""

    key: str
    label: str
    kind: str  # "team", "municipality", "organisation" or "former"
    people: list[Invitee]

    @property
    def all_checked(self) -> bool:
        return bool(self.people) and all(person.checked for person in self.people)


TEAM_ROLES = (RosterRole.PROGRAMME_MANAGER, RosterRole.EXPERT)


def invitee_groups(cluster: Cluster) -> list[InviteeGroup]:
    """The people with a current roster entry in ``cluster``, grouped; one query.

    An entry for a municipality that has left the cluster, or for an organisation that is no
    longer its partner, does not count. Programme managers and experts are the cluster's own
    team; the rest go under their municipality, else their organisation. Someone with several
    entries appears once, with all their roles, in the group of the first that fits.
    """
    entries = (
        RosterEntry.objects.current()
        .filter(cluster=cluster, user__is_active=True)
        .filter(Q(municipality__isnull=True) | Q(municipality_id__in=open_member_ids(cluster)))
        .filter(
            Q(organisation__isnull=True)
            | Q(organisation_id__in=cluster.partners.current().values("organisation_id"))
        )
        .select_related("user", "municipality", "organisation")
        .order_by("user__full_name", "user__email", "role")
    )
    by_user: dict[int, list[RosterEntry]] = {}
    for entry in entries:
        by_user.setdefault(entry.user_id, []).append(entry)
    team: list[User] = []
    municipalities: dict[int, tuple[str, list[User]]] = {}
    organisations: dict[int, tuple[str, list[User]]] = {}
    roles: dict[int, str] = {}
    for user_entries in by_user.values():
        user = user_entries[0].user
        roles[user.pk] = ", ".join(str(entry.get_role_display()) for entry in user_entries)
        if any(entry.role in TEAM_ROLES for entry in user_entries):
            team.append(user)
        elif municipal := next((e.municipality for e in user_entries if e.municipality), None):
            municipalities.setdefault(municipal.pk, (municipal.name, []))[1].append(user)
        elif organisation := next((e.organisation for e in user_entries if e.organisation), None):
            organisations.setdefault(organisation.pk, (organisation.name, []))[1].append(user)
        else:
            team.append(user)

    def people(users: list[User]) -> list[Invitee]:
        return [Invitee(user=user, roles=roles[user.pk]) for user in users]

    groups: list[InviteeGroup] = []
    if team:
        groups.append(
            InviteeGroup("team", str(_("Programme managers and experts")), "team", people(team))
        )
    for kind, prefix, found in (
        ("municipality", "m", municipalities),
        ("organisation", "o", organisations),
    ):
        for pk, (name, users) in sorted(found.items(), key=lambda item: item[1][0]):
            groups.append(InviteeGroup(f"{prefix}{pk}", name, kind, people(users)))
    return groups


class MeetingForm(forms.ModelForm):
    """Plan a meeting before it takes place: what, when, where, the agenda and who is
    invited. Minutes and attendance come after the meeting, on pages of their own."""

    invitees = forms.ModelMultipleChoiceField(
        label=_("Invitees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The people on the cluster's roster. Each gets an invitation by e-mail with a "
            "calendar entry. Someone who has replied stays invited."
        ),
    )
    # Without JavaScript, a ticked group box invites everyone in the group.
    invite_group = forms.MultipleChoiceField(
        label=_("Invite whole groups"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
            "need",
        ]
        help_texts = {
            "need": _("The shared need this joint activity meets, if any."),
            "agenda": _("What the meeting will be about; it goes with the invitations."),
        }
        widgets = {
            "starts_at": DateTimeInput,
            "ends_at": DateTimeInput,
            "agenda": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, cluster: Cluster, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.groups = invitee_groups(cluster)
        offered = {person.user.pk: person.user for g in self.groups for person in g.people}
        if self.instance.pk is not None:
            # People invited before who are no longer on the roster stay choosable, so that
            # saving the form does not drop them without the manager's say.
            former = [
                p.user
                for p in self.instance.participants.select_related("user").order_by(
                    "user__full_name", "user__email"
                )
                if p.user_id not in offered
            ]
            if former:
                self.groups.append(
                    InviteeGroup(
                        "former",
                        str(_("Invited before, no longer on the roster")),
                        "former",
                        [Invitee(user=user, roles="") for user in former],
                    )
                )
                offered.update((user.pk, user) for user in former)
            if not self.is_bound:
                self.initial["invitees"] = list(
                    self.instance.participants.values_list("user_id", flat=True)
                )
        self.fields["invitees"].queryset = User.objects.filter(pk__in=offered).order_by(
            "full_name", "email"
        )
        self.fields["invite_group"].choices = [(g.key, g.label) for g in self.groups]
        # Only the cluster's own shared needs: an id from another cluster is an invalid choice.
        self.fields["need"].queryset = cluster.needs.order_by("title")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if "invitees" in data:
            chosen = {user.pk: user for user in data["invitees"]}
            for group in self.groups:
                if group.key in data.get("invite_group", []):
                    chosen.update((person.user.pk, person.user) for person in group.people)
            data["invitees"] = sorted(chosen.values(), key=lambda u: (u.full_name, u.email))
        return data

    def detail_fields(self) -> list[forms.BoundField]:
        """Every field but the invitee picker, which ``_invitees.html`` draws by group."""
        return [self[name] for name in self.fields if name not in ("invitees", "invite_group")]

    def invitee_picker(self) -> list[InviteeGroup]:
        """The groups with each person ticked as the form shows them (posted or saved)."""
        chosen = {str(value) for value in self["invitees"].value() or []}
        return [
            InviteeGroup(
                group.key,
                group.label,
                group.kind,
                [
                    Invitee(user=p.user, roles=p.roles, checked=str(p.user.pk) in chosen)
                    for p in group.people
                ],
            )
            for group in self.groups
        ]


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
