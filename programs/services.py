"""Writes for programmes, their modules, milestones, tasks and progress updates."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.languages import municipality_language
from innocities.core.services import validated_save
from municipalities.models import Municipality, Organisation
from programs.models import (
    ActivityKind,
    ItemStatus,
    Milestone,
    ModuleTemplate,
    Program,
    ProgramModule,
    ProgramStatus,
    ProgramTemplate,
    ProgressUpdate,
    Task,
)
from programs.selectors import program_summary


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _same_day(day: dt.date) -> dt.date:
    return day


def lay_out_module(
    *,
    program: Program,
    module: ModuleTemplate,
    position: int,
    starts_on: dt.date,
    reason: str,
    shift: Callable[[dt.date], dt.date] = _same_day,
) -> tuple[ProgramModule, list[Milestone], list[Task]]:
    """Save the programme module and return its milestones and tasks, not yet saved (the
    caller bulk-creates them for every module at once).

    Each activity starts at the module's start plus its offset; a task is due its duration
    later, a milestone on its day. ``shift`` moves each computed date (e.g. to the next
    working day); it must never move a date backwards, so a task stays due after it starts.

    The library's titles and descriptions are copied in the municipality's language (Swedish
    in Sweden, Norwegian in Norway): from then on they are the municipality's own text.
    """
    language = municipality_language(program.municipality)
    module_start = shift(starts_on)
    program_module = ProgramModule(
        program=program,
        module_template=module,
        title=module.text("name", language),
        position=position,
        starts_on=module_start,
        ends_on=shift(starts_on + dt.timedelta(days=max(module.duration_days, 1) - 1)),
        reason=reason,
    )
    program_module.full_clean(exclude=["program"])
    program_module.save()
    milestones: list[Milestone] = []
    tasks: list[Task] = []
    for activity in module.activities.all():
        begins = starts_on + dt.timedelta(days=activity.offset_days)
        if activity.kind == ActivityKind.MILESTONE:
            milestones.append(
                Milestone(
                    program=program,
                    module=program_module,
                    title=activity.text("title", language),
                    description=activity.text("description", language),
                    due_on=shift(begins),
                )
            )
        else:
            tasks.append(
                Task(
                    program=program,
                    module=program_module,
                    title=activity.text("title", language),
                    description=activity.text("description", language),
                    starts_on=shift(begins),
                    due_on=shift(begins + dt.timedelta(days=activity.duration_days)),
                )
            )
    return program_module, milestones, tasks


@transaction.atomic
def program_create_from_template(
    *,
    municipality: Municipality,
    template: ProgramTemplate,
    starts_on: dt.date,
    actor: User | None,
    cluster: Cluster | None = None,
    title: str = "",
    goals: str = "",
    coordinators: Sequence[User] = (),
    status: str = ProgramStatus.DRAFT,
) -> Program:
    """Create a programme and lay out its modules, milestones and tasks with real dates.

    Each module starts at the programme's start plus the template's offset for it; each
    activity at the module's start plus its own offset. A task is due at its start plus its
    duration; a milestone is due on its day. What is copied from the library (titles,
    descriptions, the default title and the modules' reason) is written in the
    municipality's language.
    """
    language = municipality_language(municipality)
    template_name = template.text("name", language)
    with translation.override(language):
        reason = _("Part of the template %(template)s.") % {"template": template_name}
    program = Program(
        municipality=municipality,
        cluster=cluster,
        template=template,
        title=title or f"{municipality.name}: {template_name}",
        starts_on=starts_on,
        ends_on=add_months(starts_on, template.duration_months) - dt.timedelta(days=1),
        status=status,
        goals=goals,
    )
    validated_save(program, actor=actor)
    if coordinators:
        program.coordinators.set(coordinators)
    all_milestones: list[Milestone] = []
    all_tasks: list[Task] = []
    template_modules = template.template_modules.select_related("module").prefetch_related(
        "module__activities"
    )
    for template_module in template_modules:
        _module, milestones, tasks = lay_out_module(
            program=program,
            module=template_module.module,
            position=template_module.position,
            starts_on=starts_on + dt.timedelta(days=template_module.offset_days),
            reason=reason,
        )
        all_milestones += milestones
        all_tasks += tasks
    Milestone.objects.bulk_create(all_milestones)
    Task.objects.bulk_create(all_tasks)
    return program


@transaction.atomic
def program_update(*, program: Program, actor: User | None, **changes: object) -> Program:
    allowed = {"title", "starts_on", "ends_on", "status", "goals", "cluster"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"program_update cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(program, name, value)
    return validated_save(program, actor=actor)


def _apply_status(item: Task | Milestone, status: str, today: dt.date) -> None:
    item.status = status
    if status == ItemStatus.DONE:
        item.completed_on = item.completed_on or today
    else:
        item.completed_on = None


@transaction.atomic
def task_update(
    *,
    task: Task,
    actor: User | None,
    status: str | None = None,
    percent: int | None = None,
    owner: User | None = None,
    due_on: dt.date | None = None,
    organisations: Sequence[Organisation] | None = None,
    clear_owner: bool = False,
) -> Task:
    """Change a task. Done means 100 %; 100 % on an open task marks it done; reopening a done
    task without a new percentage puts it back at 90 %, so the task stays consistent."""
    today = timezone.localdate()
    task = Task.objects.select_for_update().get(pk=task.pk)
    was_done = task.status == ItemStatus.DONE
    if percent is not None:
        task.percent = percent
    if status is not None:
        _apply_status(task, status, today)
    if task.status == ItemStatus.DONE:
        task.percent = 100
    elif percent == 100 and status is None:
        _apply_status(task, ItemStatus.DONE, today)
    elif was_done and task.percent == 100:
        task.percent = 90
    if owner is not None or clear_owner:
        task.owner = owner
    if due_on is not None:
        task.due_on = due_on
    validated_save(task, actor=actor)
    if organisations is not None:
        task.organisations.set(organisations)
    return task


@transaction.atomic
def milestone_update(
    *,
    milestone: Milestone,
    actor: User | None,
    status: str | None = None,
    owner: User | None = None,
    due_on: dt.date | None = None,
    clear_owner: bool = False,
) -> Milestone:
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if status is not None:
        _apply_status(milestone, status, timezone.localdate())
    if owner is not None or clear_owner:
        milestone.owner = owner
    if due_on is not None:
        milestone.due_on = due_on
    return validated_save(milestone, actor=actor)


@transaction.atomic
def progress_update_submit(
    *,
    program: Program,
    author: User,
    status: str,
    achieved: str,
    next_steps: str = "",
    blockers: str = "",
    override_reason: str = "",
) -> ProgressUpdate:
    """Append a progress update. The portal proposes a status from overdue and blocked items;
    an author who picks another must say why."""
    summary = program_summary(program)
    proposed = summary.proposed_status
    if status != proposed and not override_reason.strip():
        raise ValidationError(
            {
                "override_reason": _(
                    "The portal proposes another status: say why you chose this one."
                )
            }
        )
    update = ProgressUpdate(
        program=program,
        author=author,
        status=status,
        proposed_status=proposed,
        override_reason=override_reason.strip() if status != proposed else "",
        achieved=achieved,
        next_steps=next_steps,
        blockers=blockers,
        percent_done=summary.percent_done,
    )
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def program_edit(
    *,
    program: Program,
    actor: User | None,
    coordinators: Sequence[User] | None = None,
    **changes: object,
) -> Program:
    """``program_update`` and, if given, a new set of coordinators, in one transaction: a
    refused date change leaves the coordinators as they were."""
    program = program_update(program=program, actor=actor, **changes)
    if coordinators is not None:
        program.coordinators.set(coordinators)
    return program
