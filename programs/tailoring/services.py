"""Writes for tailoring: a programme built from chosen modules, or more modules for one.

Dates come from the planning calendar (``programs.workdays``): nothing starts or falls due on
a weekend, a public holiday of the municipality's country or in the summer holiday weeks.
Each programme module keeps the reason it was chosen for. What the library gives (module,
task and milestone titles and descriptions) and the default title are written in the
municipality's language (``lay_out_module``); the reasons come written by the caller.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.languages import municipality_language
from innocities.core.services import validated_save
from municipalities.models import Municipality
from programs.models import Milestone, ModuleTemplate, Program, ProgramStatus, Task
from programs.services import add_months, lay_out_module
from programs.workdays import next_working_day

# How many modules run side by side when the manager leaves the start dates to the plan.
PARALLEL_MODULES = 2
MAX_MODULES = 20


@dataclass(frozen=True)
class ModuleChoice:
    """A module the manager picked, in order, with why it is there; ``starts_on`` None means
    "when the plan has room"."""

    module: ModuleTemplate
    reason: str
    starts_on: dt.date | None = None


@dataclass(frozen=True)
class PlannedModule:
    module: ModuleTemplate
    reason: str
    position: int
    planned_on: dt.date  # before the calendar moved it
    starts_on: dt.date
    ends_on: dt.date

    @property
    def moved(self) -> bool:
        return self.starts_on != self.planned_on


def plan_modules(
    *,
    choices: Sequence[ModuleChoice],
    starts_on: dt.date,
    country: str,
    first_position: int = 1,
) -> list[PlannedModule]:
    """The start and end of each chosen module, in the chosen order.

    A module with its own start date keeps it; the others start as soon as one of
    ``PARALLEL_MODULES`` tracks is free (the first two at ``starts_on``, the third when the
    first ends, and so on). Every date then moves to the next working day. Pure: no queries
    beyond the modules' fields.
    """
    free_from = [starts_on] * PARALLEL_MODULES
    planned = []
    for offset, choice in enumerate(choices):
        track = min(range(PARALLEL_MODULES), key=free_from.__getitem__)
        begins = choice.starts_on or free_from[track]
        start = next_working_day(begins, country)
        # From the unmoved start, as ``lay_out_module`` computes it.
        end = next_working_day(
            begins + dt.timedelta(days=max(choice.module.duration_days, 1) - 1), country
        )
        free_from[track] = max(free_from[track], end + dt.timedelta(days=1))
        planned.append(
            PlannedModule(
                module=choice.module,
                reason=choice.reason,
                position=first_position + offset,
                planned_on=begins,
                starts_on=start,
                ends_on=end,
            )
        )
    return planned


def _check_choices(choices: Sequence[ModuleChoice], *, already: Collection[int] = ()) -> None:
    if not choices:
        raise ValidationError(_("Choose at least one module."))
    if len(choices) > MAX_MODULES:
        raise ValidationError(
            _("A programme can have at most %(count)s modules.") % {"count": MAX_MODULES}
        )
    seen: set[int] = set()
    for choice in choices:
        if choice.module.pk in seen:
            raise ValidationError(_("%(module)s is chosen twice.") % {"module": choice.module.name})
        seen.add(choice.module.pk)
    repeated = [c.module.name for c in choices if c.module.pk in already]
    if repeated:
        raise ValidationError(
            _("Already in the programme: %(modules)s.") % {"modules": ", ".join(repeated)}
        )


def _lay_out(program: Program, planned: Sequence[PlannedModule], country: str) -> tuple[int, int]:
    """Save the planned modules with their milestones and tasks; (milestones, tasks)."""
    shift = functools.partial(next_working_day, country=country)
    milestones: list[Milestone] = []
    tasks: list[Task] = []
    modules = ModuleTemplate.objects.prefetch_related("activities").in_bulk(
        [p.module.pk for p in planned]
    )
    for item in planned:
        _module, module_milestones, module_tasks = lay_out_module(
            program=program,
            module=modules[item.module.pk],
            position=item.position,
            # The unmoved date: each activity's own date is moved on its own, so a module
            # that starts late because of a holiday does not push all its activities.
            starts_on=item.planned_on,
            reason=item.reason,
            shift=shift,
        )
        milestones += module_milestones
        tasks += module_tasks
    Milestone.objects.bulk_create(milestones)
    Task.objects.bulk_create(tasks)
    return len(milestones), len(tasks)


@transaction.atomic
def program_create_tailored(
    *,
    municipality: Municipality,
    cluster: Cluster | None,
    starts_on: dt.date,
    choices: Sequence[ModuleChoice],
    actor: User | None,
    title: str = "",
    goals: str = "",
    coordinators: Sequence[User] = (),
    status: str = ProgramStatus.DRAFT,
    duration_months: int = 36,
) -> Program:
    """A new programme for ``municipality`` from the chosen modules, in their order.

    The programme lasts ``duration_months``, or longer if its last module ends later.
    Refuses (ValidationError, nothing saved) without modules, with a module twice, or when
    the municipality is not an open member of ``cluster``.
    """
    _check_choices(choices)
    if not 1 <= duration_months <= 120:
        raise ValidationError({"duration_months": _("A programme lasts 1 to 120 months.")})
    if (
        cluster is not None
        and not cluster.memberships.current().filter(municipality=municipality).exists()
    ):
        raise ValidationError(
            {
                "cluster": _("%(municipality)s is not a member of %(cluster)s.")
                % {"municipality": municipality.name, "cluster": cluster.name}
            }
        )
    planned = plan_modules(choices=choices, starts_on=starts_on, country=municipality.country)
    ends_on = max(
        add_months(starts_on, duration_months) - dt.timedelta(days=1),
        max(p.ends_on for p in planned),
    )
    # Stored, so in the municipality's language, as the modules copied from the library are.
    with translation.override(municipality_language(municipality)):
        default_title = _("%(municipality)s: tailored programme") % {
            "municipality": municipality.name
        }
    program = Program(
        municipality=municipality,
        cluster=cluster,
        title=title.strip() or default_title,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        goals=goals,
    )
    validated_save(program, actor=actor)
    if coordinators:
        program.coordinators.set(coordinators)
    _lay_out(program, planned, municipality.country)
    return program


@transaction.atomic
def program_extend(
    *,
    program: Program,
    starts_on: dt.date,
    choices: Sequence[ModuleChoice],
    actor: User | None,
) -> list[PlannedModule]:
    """Add the chosen modules to ``program`` after its present ones, from ``starts_on``.

    The programme's end moves later if a new module ends after it. Refuses a module the
    programme already has, and a completed or cancelled programme.
    """
    program = Program.objects.select_for_update().select_related("municipality").get(pk=program.pk)
    if program.status in (ProgramStatus.COMPLETED, ProgramStatus.CANCELLED):
        raise ValidationError(
            _("The programme is %(status)s: it cannot get new modules.")
            % {"status": program.get_status_display().lower()}
        )
    if starts_on < program.starts_on:
        raise ValidationError(
            {"starts_on": _("The new modules cannot start before the programme does.")}
        )
    already = set(
        program.modules.filter(module_template__isnull=False).values_list(
            "module_template_id", flat=True
        )
    )
    _check_choices(choices, already=already)
    last = program.modules.aggregate(last=Max("position"))["last"] or 0
    country = program.municipality.country
    planned = plan_modules(
        choices=choices, starts_on=starts_on, country=country, first_position=last + 1
    )
    _lay_out(program, planned, country)
    end = max(p.ends_on for p in planned)
    if end > program.ends_on:
        program.ends_on = end
        validated_save(program, actor=actor)
    return planned
