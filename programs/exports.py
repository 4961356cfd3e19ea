"""A programme's tasks and milestones as a spreadsheet (``innocities.core.spreadsheets``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from innocities.accounts.models import User
from innocities.core.spreadsheets import Table
from programs.models import ActivityKind, ItemStatus, Milestone, Program, ProgramModule, Task

# Items outside any module come after the modules.
NO_MODULE = 10_000


def _owner(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


def _module(module: ProgramModule | None) -> str:
    return module.title if module else ""


def _task_row(task: Task) -> list[Any]:
    return [
        _module(task.module),
        ActivityKind.TASK.label,
        task.title,
        ItemStatus(task.status).label,
        _owner(task.owner),
        task.starts_on,
        task.due_on,
        task.completed_on,
        task.percent,
        ", ".join(organisation.name for organisation in task.organisations.all()),
    ]


def _milestone_row(milestone: Milestone) -> list[Any]:
    return [
        _module(milestone.module),
        ActivityKind.MILESTONE.label,
        milestone.title,
        ItemStatus(milestone.status).label,
        _owner(milestone.owner),
        None,
        milestone.due_on,
        milestone.completed_on,
        None,
        "",
    ]


def program_items_table(program: Program) -> Table:
    """One row per task and milestone, in module order, then by due date; three queries
    whatever the size of the plan."""
    tasks = program.tasks.select_related("owner", "module").prefetch_related("organisations")
    milestones = program.milestones.select_related("owner", "module")
    keyed: list[tuple[tuple[int, dt.date, str], list[Any]]] = []
    for item, row in [(task, _task_row(task)) for task in tasks] + [
        (milestone, _milestone_row(milestone)) for milestone in milestones
    ]:
        position = item.module.position if item.module else NO_MODULE
        keyed.append(((position, item.due_on, item.title), row))
    keyed.sort(key=lambda pair: pair[0])
    return Table(
        title=_("Tasks and milestones"),
        headers=[
            _("Module"),
            _("Kind"),
            _("Title"),
            _("Status"),
            _("Owner"),
            _("Starts"),
            _("Due"),
            _("Completed"),
            _("% done"),
            _("Partner organisations"),
        ],
        rows=[row for _key, row in keyed],
    )
