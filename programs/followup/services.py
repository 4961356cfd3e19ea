"""Writes for a meeting's follow-up: minutes, action items and the tasks they become.

An action item's task lives where its owner works (``selectors.owner_program``). The task
follows the item while it is open: a new text, owner or due date changes it, and an owner who
works elsewhere moves it (the old task is cancelled, a new one made where the owner is). A
task that is done or was cancelled in its programme is never touched again: work done stays
done, and a removed item cancels only an open task.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Meeting, MeetingStatus
from innocities.accounts.models import User
from innocities.core.services import validated_save
from programs.followup.models import ActionItem, ClusterTask
from programs.followup.selectors import action_item_owners, meeting_has_started, owner_program
from programs.models import OPEN_STATUSES, ItemStatus, Program, Task
from programs.services import task_update


def _check_meeting(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting is cancelled: it has no follow-up."))
    if not meeting_has_started(meeting):
        raise ValidationError(_("The follow-up is recorded once the meeting has started."))


def _check_item(meeting: Meeting, owner: User, due_on: dt.date, *, keep: int | None) -> None:
    owners = action_item_owners(meeting.cluster, include=[keep] if keep else ())
    if not owners.filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose one of the cluster's people.")})
    meeting_day = timezone.localdate(meeting.starts_at)
    if due_on < meeting_day:
        raise ValidationError({"due_on": _("The due date cannot be before the meeting.")})


@transaction.atomic
def meeting_minutes_save(*, meeting: Meeting, minutes: str, actor: User | None) -> Meeting:
    """Record the minutes of a meeting that has started (only the minutes are written)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(meeting)
    meeting.minutes = minutes.strip()
    meeting.full_clean()
    if actor is not None:
        meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save(update_fields=["minutes"])
    return meeting


def _new_task(item: ActionItem, program: Program | None, actor: User | None) -> None:
    """Make the item's task where its owner works and link it."""
    if program is not None:
        task = Task(program=program, title=item.text, owner=item.owner, due_on=item.due_on)
        item.task, item.cluster_task = validated_save(task, actor=actor), None
    else:
        cluster_task = ClusterTask(
            cluster=item.meeting.cluster, title=item.text, owner=item.owner, due_on=item.due_on
        )
        item.cluster_task, item.task = validated_save(cluster_task, actor=actor), None


def _cancel(task: Task | ClusterTask, actor: User | None) -> None:
    if task.status not in OPEN_STATUSES:
        return
    if isinstance(task, Task):
        task_update(task=task, actor=actor, status=ItemStatus.CANCELLED)
    else:
        cluster_task_set_status(task=task, status=ItemStatus.CANCELLED, actor=actor)


@transaction.atomic
def action_item_add(
    *, meeting: Meeting, text: str, owner: User, due_on: dt.date, actor: User | None
) -> ActionItem:
    """Record an action item on a meeting that has started, and make its task."""
    _check_meeting(meeting)
    _check_item(meeting, owner, due_on, keep=None)
    item = ActionItem(
        meeting=meeting, text=text.strip(), owner=owner, due_on=due_on, created_by=actor
    )
    item.full_clean(exclude=["task", "cluster_task"])
    _new_task(item, owner_program(meeting.cluster, owner), actor)
    return validated_save(item, actor=actor)


@transaction.atomic
def action_item_update(
    *, item: ActionItem, text: str, owner: User, due_on: dt.date, actor: User | None
) -> ActionItem:
    """Change an item; its open task follows (moved if the owner works elsewhere)."""
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("meeting__cluster", "task", "cluster_task")
        .get(pk=item.pk)
    )
    if item.removed_at is not None:
        raise ValidationError(_("This action item was removed."))
    _check_item(item.meeting, owner, due_on, keep=item.owner_id)
    item.text, item.owner, item.due_on = text.strip(), owner, due_on
    item.full_clean(exclude=["task", "cluster_task"])
    task = item.current_task
    if task is None or task.status in OPEN_STATUSES:
        program = owner_program(item.meeting.cluster, owner)
        same_place = (
            isinstance(task, Task) and program is not None and task.program_id == program.pk
        ) or (isinstance(task, ClusterTask) and program is None)
        if task is not None and same_place:
            task.title, task.owner, task.due_on = item.text, owner, due_on
            validated_save(task, actor=actor)
        else:
            if task is not None:
                _cancel(task, actor)
            _new_task(item, program, actor)
    return validated_save(item, actor=actor)


@transaction.atomic
def action_item_remove(*, item: ActionItem, actor: User | None) -> ActionItem:
    """Remove an item from the meeting: its open task is cancelled, a done one stays done.
    The row stays (with its task's link), marked removed."""
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("task", "cluster_task")
        .get(pk=item.pk)
    )
    if item.removed_at is not None:
        raise ValidationError(_("This action item was already removed."))
    task = item.current_task
    if task is not None:
        _cancel(task, actor)
    item.removed_at = timezone.now()
    return validated_save(item, actor=actor)


@transaction.atomic
def cluster_task_set_status(*, task: ClusterTask, status: str, actor: User | None) -> ClusterTask:
    """Change a cluster task's status; done records the day, anything else clears it."""
    if status not in ItemStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    task = ClusterTask.objects.select_for_update().get(pk=task.pk)
    task.status = status
    if status == ItemStatus.DONE:
        task.completed_on = task.completed_on or timezone.localdate()
    else:
        task.completed_on = None
    return validated_save(task, actor=actor)
