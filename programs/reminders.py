"""What of a programme is due, for the reminder scan (``innocities.notifications``).

Who hears of it: a task's or milestone's owner, else the programme's coordinators; a progress
update, the coordinators. Escalations go to the managers of the programme's cluster. Only
active programmes remind anyone, and only of what is still open. Each function runs a fixed
number of queries, however many items are due.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from clusters.selectors import cluster_managers
from innocities.core.reminders import Due
from programs.models import OPEN_STATUSES, Milestone, Program, ProgramStatus, ProgressUpdate, Task

ItemKind = Literal["task", "milestone"]
_MODELS: dict[str, type[Task] | type[Milestone]] = {"task": Task, "milestone": Milestone}


def _coordinators(program_ids: Iterable[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    for program_id, user_id in Program.coordinators.through.objects.filter(
        program_id__in=set(program_ids), user__is_active=True
    ).values_list("program_id", "user_id"):
        result[program_id].add(user_id)
    return result


def item_reminders(kind: ItemKind, days: Iterable[dt.date], *, to_managers: bool) -> list[Due]:
    """Open tasks or milestones of active programmes due on one of ``days``."""
    model = _MODELS[kind]
    items = list(
        model.objects.filter(
            due_on__in=list(days), status__in=OPEN_STATUSES, program__status=ProgramStatus.ACTIVE
        ).values(
            "id",
            "title",
            "due_on",
            "owner_id",
            "owner__is_active",
            "program_id",
            "program__title",
            "program__cluster_id",
        )
    )
    if not items:
        return []
    content_type = ContentType.objects.get_for_model(model)
    coordinators = _coordinators(i["program_id"] for i in items)
    managers = cluster_managers(i["program__cluster_id"] for i in items) if to_managers else {}
    due = []
    for item in items:
        if to_managers:
            recipients = managers.get(item["program__cluster_id"], set())
        elif item["owner_id"] and item["owner__is_active"]:
            recipients = {item["owner_id"]}
        else:
            recipients = coordinators.get(item["program_id"], set())
        due.append(
            Due(
                content_type=content_type,
                object_id=item["id"],
                day=item["due_on"],
                recipient_ids=frozenset(recipients),
                url=reverse("programs:detail", kwargs={"pk": item["program_id"]}),
                program_id=item["program_id"],
                context={
                    "title": item["title"],
                    "due": item["due_on"],
                    "program_title": item["program__title"],
                },
            )
        )
    return due


def items_due_on(kind: ItemKind, ids: Iterable[int]) -> dict[int, dt.date]:
    """The due date of each of these items that still reminds anyone: open, in an active
    programme. Items done, cancelled, deleted or in a programme no longer active are left out."""
    return dict(
        _MODELS[kind]
        .objects.filter(
            pk__in=set(ids), status__in=OPEN_STATUSES, program__status=ProgramStatus.ACTIVE
        )
        .values_list("pk", "due_on")
    )


def progress_update_reminders(
    day: dt.date, *, month_start: dt.datetime, to_managers: bool
) -> list[Due]:
    """Active programmes started by ``day`` with no progress update since ``month_start``."""
    programs = list(
        Program.objects.filter(status=ProgramStatus.ACTIVE, starts_on__lte=day)
        .exclude(
            Exists(
                ProgressUpdate.objects.filter(program=OuterRef("pk"), created_at__gte=month_start)
            )
        )
        .values("id", "title", "cluster_id")
    )
    if not programs:
        return []
    content_type = ContentType.objects.get_for_model(Program)
    if to_managers:
        managers = cluster_managers(p["cluster_id"] for p in programs)
        recipients = {p["id"]: managers.get(p["cluster_id"], set()) for p in programs}
    else:
        coordinators = _coordinators(p["id"] for p in programs)
        recipients = {p["id"]: coordinators.get(p["id"], set()) for p in programs}
    return [
        Due(
            content_type=content_type,
            object_id=p["id"],
            day=day,
            recipient_ids=frozenset(recipients[p["id"]]),
            url=reverse("programs:update_create", kwargs={"pk": p["id"]}),
            program_id=p["id"],
            context={"title": p["title"], "due": day, "program_title": p["title"]},
        )
        for p in programs
    ]


def latest_progress_updates(ids: Iterable[int]) -> dict[int, dt.datetime | None]:
    """For each of these programmes that is still active, when its latest progress update
    was written (None: never). Programmes no longer active or deleted are left out."""
    return dict(
        Program.objects.filter(pk__in=set(ids), status=ProgramStatus.ACTIVE)
        .annotate(last_update=Max("progress_updates__created_at"))
        .values_list("pk", "last_update")
    )
