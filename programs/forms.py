"""Forms for the programme pages.

The forms only collect and check input; every write goes through ``programs.services``.
Choice fields are limited to what the person may pick (owners from the programme's people,
organisations from the cluster's partners, municipalities from the clusters a manager
manages), so an id from elsewhere is an invalid choice, not a silent leak.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.forms import TEXT_MAX, DateInput
from innocities.core.permissions import Roles
from municipalities.models import Municipality, MunicipalityMembership, MunicipalityRole
from programs.models import (
    OPEN_STATUSES,
    ItemStatus,
    Milestone,
    Program,
    ProgramStatus,
    ProgramTemplate,
    ProgressStatus,
    Task,
)
from programs.selectors import (
    coordinator_candidates,
    owner_candidates,
    partner_organisations,
)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class CoordinatorsChoiceField(PeopleChoiceField):
    """People named with the municipalities they coordinate, so a manager choosing among
    several municipalities' coordinators can tell them apart."""

    def label_from_instance(self, obj: User) -> str:
        places = ", ".join(m.municipality.name for m in obj.coordinator_memberships)  # type: ignore[attr-defined]
        return f"{obj.get_full_name()} ({places})" if places else obj.get_full_name()


# --- filters -----------------------------------------------------------------------------


class ProgramFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *ProgramStatus.choices],
        required=False,
    )
    q = forms.CharField(label=_("Municipality"), max_length=100, required=False)

    def filter(self, programs: QuerySet[Program]) -> QuerySet[Program]:
        """Apply the valid parts of the filter; an invalid part is shown and ignored."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("status"):
            programs = programs.filter(status=data["status"])
        if data.get("q"):
            programs = programs.filter(municipality__name__icontains=data["q"].strip())
        return programs


class DueFilter:
    ALL = ""
    OVERDUE = "overdue"
    SOON = "soon"

    choices = [
        (ALL, _("Any due date")),
        (OVERDUE, _("Overdue")),
        (SOON, _("Due in the next 30 days")),
    ]


NO_OWNER = "none"


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), ("open", _("Open")), *ItemStatus.choices],
        required=False,
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due = forms.ChoiceField(label=_("Due"), choices=DueFilter.choices, required=False)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Anyone")),
            (NO_OWNER, _("Nobody")),
            *((str(user.pk), user.get_full_name()) for user in owners),
        ]

    def filter(self, tasks: QuerySet[Task], *, today: dt.date, days: int) -> QuerySet[Task]:
        """Apply the valid parts of the filter; an invalid part is shown and ignored."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status")
        if status == "open":
            tasks = tasks.filter(status__in=OPEN_STATUSES)
        elif status:
            tasks = tasks.filter(status=status)
        owner = data.get("owner")
        if owner == NO_OWNER:
            tasks = tasks.filter(owner__isnull=True)
        elif owner:
            tasks = tasks.filter(owner_id=int(owner))
        due = data.get("due")
        if due == DueFilter.OVERDUE:
            tasks = tasks.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        elif due == DueFilter.SOON:
            tasks = tasks.filter(
                status__in=OPEN_STATUSES,
                due_on__gte=today,
                due_on__lte=today + dt.timedelta(days=days),
            )
        return tasks

    @property
    def is_filtering(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("status", "owner", "due"))


# --- tasks and milestones ------------------------------------------------------------------


class TaskForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    # xgettext:no-python-format
    percent = forms.IntegerField(label=_("% done"), min_value=0, max_value=100)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    organisations = forms.ModelMultipleChoiceField(
        label=_("Partner organisations involved"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The cluster's partner organisations that take part in this task."),
    )

    def __init__(self, *args: Any, task: Task, program: Program, **kwargs: Any) -> None:
        self.task = task
        current_organisations = list(task.organisations.values_list("pk", flat=True))
        kwargs.setdefault(
            "initial",
            {
                "status": task.status,
                "percent": task.percent,
                "owner": task.owner_id,
                "due_on": task.due_on,
                "organisations": current_organisations,
            },
        )
        super().__init__(*args, **kwargs)
        include_owner = [task.owner_id] if task.owner_id else []
        self.fields["owner"].queryset = owner_candidates(program, include=include_owner)
        self.fields["organisations"].queryset = partner_organisations(
            program, include=current_organisations
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status, percent, due_on = data.get("status"), data.get("percent"), data.get("due_on")
        if (
            status == ItemStatus.DONE
            and percent is not None
            and percent < 100
            and "status" not in self.changed_data
        ):
            self.add_error(
                "percent",
                # xgettext:no-python-format
                _("A done task is 100 % complete. Change its status to reopen it."),
            )
        if due_on and self.task.starts_on and due_on < self.task.starts_on:
            self.add_error("due_on", _("The due date cannot be before the start date."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments for ``task_update``: status and percentage only when changed, so the
        service can apply its rules (100 % on an open task marks it done; reopening a done
        task puts it back below 100 %)."""
        data, changed = self.cleaned_data, set(self.changed_data)
        kwargs: dict[str, Any] = {
            "due_on": data["due_on"],
            "organisations": list(data["organisations"]),
        }
        if "status" in changed:
            kwargs["status"] = data["status"]
        if "percent" in changed:
            kwargs["percent"] = data["percent"]
        if "owner" in changed:
            if data["owner"] is None:
                kwargs["clear_owner"] = True
            else:
                kwargs["owner"] = data["owner"]
        return kwargs


class MilestoneForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args: Any, milestone: Milestone, program: Program, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"status": milestone.status, "owner": milestone.owner_id, "due_on": milestone.due_on},
        )
        super().__init__(*args, **kwargs)
        include_owner = [milestone.owner_id] if milestone.owner_id else []
        self.fields["owner"].queryset = owner_candidates(program, include=include_owner)

    def service_kwargs(self) -> dict[str, Any]:
        data, changed = self.cleaned_data, set(self.changed_data)
        kwargs: dict[str, Any] = {"status": data["status"], "due_on": data["due_on"]}
        if "owner" in changed:
            if data["owner"] is None:
                kwargs["clear_owner"] = True
            else:
                kwargs["owner"] = data["owner"]
        return kwargs


# --- progress updates ----------------------------------------------------------------------


class ProgressUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Overall status"), choices=ProgressStatus.choices, widget=forms.RadioSelect
    )
    override_reason = forms.CharField(
        label=_("Reason for a different status"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed only when you choose another status than the one proposed."),
    )
    achieved = forms.CharField(
        label=_("What was achieved"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    next_steps = forms.CharField(
        label=_("What comes next"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    blockers = forms.CharField(
        label=_("What blocks"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- programme set-up ---------------------------------------------------------------------


def _check_dates(form: forms.Form, start: str, end: str) -> None:
    starts_on, ends_on = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if starts_on and ends_on and ends_on < starts_on:
        form.add_error(end, _("The programme must end after it starts."))


class ProgramCreateForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=None)
    cluster = forms.ModelChoiceField(label=_("Cluster"), queryset=None)
    template = forms.ModelChoiceField(
        label=_("Programme template"), queryset=ProgramTemplate.objects.all()
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “municipality: template”."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    coordinators = CoordinatorsChoiceField(
        label=_("Coordinators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with a coordinator role in the chosen municipality."),
        error_messages={
            "invalid_choice": _("Only coordinators of the chosen municipality can be chosen.")
        },
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ProgramStatus.DRAFT, ProgramStatus.DRAFT.label),
            (ProgramStatus.ACTIVE, ProgramStatus.ACTIVE.label),
        ],
        initial=ProgramStatus.DRAFT,
    )

    def __init__(self, *args: Any, roles: Roles, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roles = roles
        if roles.is_admin:
            clusters = Cluster.objects.all()
            municipalities = Municipality.objects.all()
            # An administrator may set up a programme outside any cluster.
            self.fields["cluster"].required = False
        else:
            clusters = Cluster.objects.filter(pk__in=roles.managed_cluster_ids)
            municipalities = Municipality.objects.filter(pk__in=roles.managed_municipality_ids)
        self.fields["cluster"].queryset = clusters
        self.fields["municipality"].queryset = municipalities
        self.fields["coordinators"].queryset = self._coordinators(municipalities)
        # Choosing the municipality lists its coordinators in place (the page answers a GET
        # with ?municipality= by listing them; htmx swaps that part in).
        self.fields["municipality"].widget.attrs.update(
            {
                "hx-get": reverse("programs:create"),
                "hx-trigger": "change",
                "hx-target": "#div_id_coordinators",
                "hx-select": "#div_id_coordinators",
                "hx-swap": "outerHTML",
            }
        )

    def _chosen_municipality(self) -> str:
        value = self.data.get("municipality") if self.is_bound else self.initial.get("municipality")
        return str(value) if str(value or "").isdigit() else ""

    def _coordinators(self, municipalities: QuerySet[Municipality]) -> QuerySet[User]:
        """The chosen municipality's coordinators; with none chosen, those of every municipality
        a manager may choose, and none for an administrator (any of 650 municipalities: the
        list would hold thousands of people)."""
        chosen = self._chosen_municipality()
        if chosen:
            municipalities = municipalities.filter(pk=chosen)
        elif self.roles.is_admin:
            municipalities = municipalities.none()
            self.fields["coordinators"].help_text = _(
                "Choose the municipality first: its coordinators are listed here."
            )
        memberships = MunicipalityMembership.objects.filter(
            role=MunicipalityRole.COORDINATOR, municipality__in=municipalities
        )
        return (
            User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
            .prefetch_related(
                Prefetch(
                    "municipality_memberships",
                    queryset=memberships.select_related("municipality").order_by(
                        "municipality__name"
                    ),
                    to_attr="coordinator_memberships",
                )
            )
            .order_by("full_name", "email")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        municipality, cluster = data.get("municipality"), data.get("cluster")
        if (
            municipality
            and cluster
            and not cluster.memberships.current().filter(municipality=municipality).exists()
        ):
            self.add_error(
                "cluster",
                _("%(municipality)s is not a member of %(cluster)s.")
                % {"municipality": municipality.name, "cluster": cluster.name},
            )
        return data


class ProgramEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ProgramStatus.choices)
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    coordinators = PeopleChoiceField(
        label=_("Coordinators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with a coordinator role in the municipality."),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        current = list(program.coordinators.values_list("pk", flat=True))
        kwargs.setdefault(
            "initial",
            {
                "title": program.title,
                "starts_on": program.starts_on,
                "ends_on": program.ends_on,
                "status": program.status,
                "goals": program.goals,
                "coordinators": current,
            },
        )
        super().__init__(*args, **kwargs)
        # Present coordinators stay selectable even if their municipality role has ended.
        self.fields["coordinators"].queryset = coordinator_candidates(
            program.municipality_id, include=current
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _check_dates(self, "starts_on", "ends_on")
        return data
