from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import ActivityKind, ItemStatus, ProgramStatus, ProgressStatus, ProgressUpdate
from programs.selectors import program_summary
from programs.services import (
    add_months,
    milestone_update,
    program_create_from_template,
    program_edit,
    progress_update_submit,
    task_update,
)
from tests import factories as f

START = dt.date(2026, 1, 15)


@pytest.fixture
def template(db):
    """A template whose one module starts 30 days into the programme, with a task and a
    milestone 10 days into the module."""
    module = f.ModuleTemplateFactory(name="Innovation culture", duration_days=120)
    f.ActivityTemplateFactory(
        module=module, kind=ActivityKind.TASK, title="Kick-off", offset_days=10, duration_days=14
    )
    f.ActivityTemplateFactory(
        module=module,
        kind=ActivityKind.MILESTONE,
        title="Baseline agreed",
        offset_days=10,
        duration_days=0,
    )
    template = f.ProgramTemplateFactory(name="Three years", duration_months=36)
    f.ProgramTemplateModuleFactory(template=template, module=module, position=1, offset_days=30)
    return template


# --- programme from a template -----------------------------------------------------------


def test_template_activity_dates_add_module_offset_and_activity_offset(world, template):
    program = program_create_from_template(
        municipality=world.alingsas,
        cluster=world.cluster_a,
        template=template,
        starts_on=START,
        actor=world.manager,
    )
    module = program.modules.get()
    task = program.tasks.get()
    milestone = program.milestones.get()
    assert module.starts_on == START + dt.timedelta(days=30)
    assert module.ends_on == START + dt.timedelta(days=30 + 120 - 1)
    assert milestone.due_on == START + dt.timedelta(days=40)
    assert task.starts_on == START + dt.timedelta(days=40)
    assert task.due_on == START + dt.timedelta(days=40 + 14)


def test_template_programme_lasts_the_template_months_and_records_who_created_it(world, template):
    program = program_create_from_template(
        municipality=world.alingsas,
        cluster=world.cluster_a,
        template=template,
        starts_on=START,
        actor=world.manager,
        coordinators=[world.coordinator],
    )
    assert program.ends_on == add_months(START, 36) - dt.timedelta(days=1)
    assert program.title == "Alingsås: Three years"
    assert program.status == ProgramStatus.DRAFT
    assert list(program.coordinators.all()) == [world.coordinator]
    assert program.history.earliest().history_user == world.manager


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


# --- status proposals ----------------------------------------------------------------------


def _overdue() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def _program_with_open_tasks(world, count: int):
    program = f.ProgramFactory(municipality=world.alingsas, cluster=world.cluster_a)
    for _ in range(count):
        f.TaskFactory(program=program)
    return program


def test_nothing_overdue_is_proposed_on_track(world):
    program = _program_with_open_tasks(world, 3)
    f.MilestoneFactory(program=program)
    assert program_summary(program).proposed_status == ProgressStatus.ON_TRACK


def test_one_overdue_task_is_proposed_at_risk(world):
    # Four open items: one overdue is a quarter, not more, so "at risk" rather than "off track".
    program = _program_with_open_tasks(world, 3)
    f.TaskFactory(program=program, due_on=_overdue())
    assert program_summary(program).proposed_status == ProgressStatus.AT_RISK


def test_more_than_a_quarter_of_open_items_overdue_is_proposed_off_track(world):
    program = _program_with_open_tasks(world, 2)
    f.TaskFactory(program=program, due_on=_overdue())
    assert program_summary(program).proposed_status == ProgressStatus.OFF_TRACK


def test_an_overdue_milestone_is_proposed_off_track(world):
    program = _program_with_open_tasks(world, 10)
    f.MilestoneFactory(program=program, due_on=_overdue())
    assert program_summary(program).proposed_status == ProgressStatus.OFF_TRACK


def test_a_blocked_task_is_proposed_at_risk(world):
    program = _program_with_open_tasks(world, 3)
    f.TaskFactory(program=program, status=ItemStatus.BLOCKED)
    assert program_summary(program).proposed_status == ProgressStatus.AT_RISK


def test_done_and_cancelled_items_past_their_date_are_not_overdue(world):
    program = _program_with_open_tasks(world, 1)
    f.TaskFactory(
        program=program,
        due_on=_overdue(),
        status=ItemStatus.DONE,
        percent=100,
        completed_on=_overdue(),
    )
    f.MilestoneFactory(program=program, due_on=_overdue(), status=ItemStatus.CANCELLED)
    assert program_summary(program).proposed_status == ProgressStatus.ON_TRACK


# --- progress updates ----------------------------------------------------------------------


def test_override_without_a_reason_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as caught:
        progress_update_submit(
            program=world.program,
            author=world.coordinator,
            status=ProgressStatus.OFF_TRACK,
            achieved="Workshops held.",
            override_reason="   ",
        )
    assert "override_reason" in caught.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_override_with_a_reason_keeps_the_proposal_beside_the_chosen_status(world):
    update = progress_update_submit(
        program=world.program,
        author=world.coordinator,
        status=ProgressStatus.AT_RISK,
        achieved="Workshops held.",
        override_reason="The politicians have not decided yet.",
    )
    assert update.proposed_status == ProgressStatus.ON_TRACK
    assert update.status == ProgressStatus.AT_RISK
    assert update.override_reason == "The politicians have not decided yet."


def test_following_the_proposal_needs_no_reason(world):
    update = progress_update_submit(
        program=world.program,
        author=world.coordinator,
        status=ProgressStatus.ON_TRACK,
        achieved="Workshops held.",
        override_reason="ignored when following the proposal",
    )
    assert update.override_reason == ""


# --- tasks and milestones ------------------------------------------------------------------


def test_task_done_is_100_percent_with_a_completion_date(world):
    task = world.program.tasks.get()
    task = task_update(task=task, actor=world.coordinator, status=ItemStatus.DONE)
    task.refresh_from_db()
    assert (task.status, task.percent, task.completed_on) == (
        ItemStatus.DONE,
        100,
        timezone.localdate(),
    )
    assert task.history.latest().history_user == world.coordinator


def test_task_at_100_percent_is_marked_done(world):
    task = task_update(task=world.program.tasks.get(), actor=world.coordinator, percent=100)
    assert task.status == ItemStatus.DONE
    assert task.completed_on == timezone.localdate()


def test_reopened_task_loses_its_completion_date_and_drops_below_100(world):
    task = task_update(task=world.program.tasks.get(), actor=world.coordinator, status="done")
    task = task_update(task=task, actor=world.coordinator, status=ItemStatus.IN_PROGRESS)
    task.refresh_from_db()
    assert (task.status, task.percent, task.completed_on) == (ItemStatus.IN_PROGRESS, 90, None)


def test_task_due_before_its_start_is_refused(world):
    task = world.program.tasks.get()
    task.starts_on = timezone.localdate()
    task.save()
    with pytest.raises(ValidationError):
        task_update(
            task=task, actor=world.coordinator, due_on=task.starts_on - dt.timedelta(days=1)
        )


def test_milestone_done_and_reopened(world):
    milestone = world.program.milestones.get()
    milestone = milestone_update(milestone=milestone, actor=world.coordinator, status="done")
    assert milestone.completed_on == timezone.localdate()
    milestone = milestone_update(milestone=milestone, actor=world.coordinator, status="todo")
    assert milestone.completed_on is None


# --- programme edits -----------------------------------------------------------------------


def test_program_edit_changes_the_frame_and_the_coordinators(world):
    program = program_edit(
        program=world.program,
        actor=world.manager,
        coordinators=[],
        title="Ale innovates together",
        status=ProgramStatus.PAUSED,
    )
    program.refresh_from_db()
    assert (program.title, program.status) == ("Ale innovates together", ProgramStatus.PAUSED)
    assert not program.coordinators.exists()


def test_program_edit_with_dates_in_the_wrong_order_changes_nothing(world):
    with pytest.raises(ValidationError):
        program_edit(
            program=world.program,
            actor=world.manager,
            coordinators=[],
            ends_on=world.program.starts_on - dt.timedelta(days=1),
        )
    world.program.refresh_from_db()
    assert list(world.program.coordinators.all()) == [world.coordinator]
