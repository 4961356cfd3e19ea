from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from clusters.models import RosterRole
from municipalities.models import MunicipalityRole
from programs.models import ItemStatus, ProgramStatus, ProgressStatus
from programs.selectors import (
    cluster_overviews,
    current_module_id,
    due_items,
    module_progress,
    owner_candidates,
    partner_organisations,
    partner_tasks,
    plan_summary,
    program_summary,
    recent_changes,
    status_view,
)
from programs.services import task_update
from tests import factories as f
from tests.programs.data import municipality, partner_organisation


def test_overview_has_one_row_per_open_member_with_its_current_programme(world):
    old = f.ProgramFactory(
        municipality=world.ale,
        cluster=world.cluster_a,
        status=ProgramStatus.COMPLETED,
        starts_on=world.program.starts_on + dt.timedelta(days=10),
    )
    left = municipality(world)
    f.ClusterMembershipFactory(
        cluster=world.cluster_a,
        municipality=left,
        left_on=timezone.localdate(),
        status="left",
    )
    [overview] = cluster_overviews([world.cluster_a])
    rows = {member.municipality.name: member.row for member in overview.members}
    assert set(rows) == {"Ale", "Alingsås"}
    assert rows["Ale"].program == world.program  # ongoing beats a later, finished one
    assert rows["Ale"].program != old
    assert rows["Alingsås"] is None


def test_partner_tasks_are_those_of_their_organisation_in_their_clusters_only(world):
    organisation = partner_organisation()
    shared = world.program.tasks.get()
    shared.organisations.add(organisation)
    # The same organisation in cluster B's programme: the partner is not on B's roster.
    elsewhere = world.other_program.tasks.get()
    elsewhere.organisations.add(organisation)
    f.TaskFactory(program=world.program)  # not involving the organisation
    assert partner_tasks(world.partner) == [shared]


def test_partner_tasks_leave_out_done_tasks_and_ended_roster_entries(world):
    organisation = partner_organisation()
    task = world.program.tasks.get()
    task.organisations.add(organisation)
    task_update(task=task, actor=world.coordinator, status=ItemStatus.DONE)
    assert partner_tasks(world.partner) == []
    assert partner_tasks(world.outsider) == []


def test_owner_candidates_are_the_programmes_people_never_arbitrary_users(world):
    stranger = f.UserFactory()
    lerum_viewer = f.UserFactory()
    f.MunicipalityMembershipFactory(
        user=lerum_viewer, municipality=world.lerum, role=MunicipalityRole.VIEWER
    )
    f.RosterEntryFactory(cluster=world.cluster_a, user=f.UserFactory(), role=RosterRole.EXPERT)
    candidates = set(owner_candidates(world.program))
    assert candidates == {world.coordinator, world.viewer, world.manager}
    assert stranger not in candidates
    assert stranger in set(owner_candidates(world.program, include=[stranger.pk]))


def test_partner_organisations_are_the_clusters_open_partners(world):
    gone = f.OrganisationFactory()
    f.ClusterPartnerFactory(
        cluster=world.cluster_a,
        organisation=gone,
        left_on=timezone.localdate(),
    )
    f.ClusterPartnerFactory(cluster=world.cluster_b)
    assert list(partner_organisations(world.program)) == [partner_organisation()]


def test_due_items_split_overdue_from_coming_and_skip_done_and_far_away(world):
    today = timezone.localdate()
    late = f.TaskFactory(program=world.program, due_on=today - dt.timedelta(days=2))
    late_milestone = f.MilestoneFactory(program=world.program, due_on=today - dt.timedelta(days=1))
    f.TaskFactory(program=world.program, due_on=today + dt.timedelta(days=31))
    f.TaskFactory(
        program=world.program,
        due_on=today - dt.timedelta(days=5),
        status=ItemStatus.DONE,
        percent=100,
        completed_on=today,
    )
    due = due_items([world.program.pk], today=today)
    assert [entry.item for entry in due.overdue] == [late, late_milestone]
    coming = {entry.item.title for entry in due.coming}
    assert coming == {"Map the innovation culture", "Culture baseline agreed"}


def test_recent_changes_are_newest_first_with_the_author(world):
    task = world.program.tasks.get()
    task_update(task=task, actor=world.coordinator, percent=30)
    changes = recent_changes(world.program)
    assert changes[0].record.percent == 30
    assert changes[0].record.history_user == world.coordinator
    assert {change.kind for change in changes} == {"task", "milestone"}
    assert all(a.when >= b.when for a, b in itertools.pairwise(changes))


def test_recent_changes_show_a_save_and_its_partner_change_once(world):
    task = world.program.tasks.get()
    task_update(
        task=task, actor=world.coordinator, percent=30, organisations=[partner_organisation()]
    )
    task_update(task=task, actor=world.viewer, percent=50)  # another person: another change
    records = task.history.order_by("-history_date", "-history_id")
    users = [r.history_user for r in records]
    assert users[:3] == [world.viewer, world.coordinator, world.coordinator]
    changes = [c for c in recent_changes(world.program) if c.kind == "task"]
    assert [(c.record.history_user, c.record.percent) for c in changes] == [
        (world.viewer, 50),
        (world.coordinator, 30),
        (None, 0),  # the world created it
    ]
    # The change shown is the newest record of it, the one after the partners were set.
    assert changes[1].record.history_id == records[1].history_id


def test_recent_changes_keep_changes_apart_in_time_and_creation_as_created(world):
    task = f.TaskFactory(program=world.program, title="Fresh")
    [created] = [c for c in recent_changes(world.program) if c.record.title == "Fresh"]
    assert created.history_type == "+"
    task_update(task=task, actor=None, percent=10)  # the system again, right away: one change
    [change] = [c for c in recent_changes(world.program) if c.record.title == "Fresh"]
    assert (change.history_type, change.record.percent) == ("+", 10)
    task.history.filter(history_type="+").update(
        history_date=timezone.now() - dt.timedelta(minutes=5)
    )
    fresh = [c for c in recent_changes(world.program) if c.record.title == "Fresh"]
    assert [c.history_type for c in fresh] == ["~", "+"]


def test_module_progress_and_the_current_module(world):
    today = timezone.localdate()
    first = world.program.modules.get()  # its task is due in 14 days, its milestone in 30
    done = f.ProgramModuleFactory(program=world.program, position=2)
    f.TaskFactory(
        program=world.program,
        module=done,
        status=ItemStatus.DONE,
        percent=100,
        completed_on=today,
    )
    f.TaskFactory(program=world.program, module=done, status=ItemStatus.CANCELLED)
    late = f.ProgramModuleFactory(program=world.program, position=3)
    f.TaskFactory(program=world.program, module=late, due_on=today - dt.timedelta(days=3))
    empty = f.ProgramModuleFactory(program=world.program, position=4)
    modules = list(world.program.modules.all())
    progress = module_progress(world.program, today=today)
    assert progress[done.pk].finished
    assert (progress[done.pk].tasks, progress[done.pk].tasks_done) == (1, 1)
    assert not progress[first.pk].finished
    assert (progress[first.pk].nearest_days, progress[late.pk].nearest_days) == (14, 3)
    assert progress[late.pk].overdue == 1
    assert empty.pk not in progress
    # Open work nearest in time: three days overdue beats due in fourteen days.
    assert current_module_id(modules, progress) == late.pk
    summary = plan_summary(progress)
    assert summary == program_summary(world.program, today=today)
    assert (summary.tasks, summary.tasks_done) == (3, 1)


def test_status_view_is_the_report_with_the_proposal_as_a_hint(world):
    summary = program_summary(world.program)
    none = status_view(summary, None)
    assert (none.reported, none.proposed, none.css) == ("", ProgressStatus.ON_TRACK, "status-none")
    update = f.ProgressUpdateFactory(
        program=world.program,
        author=world.coordinator,
        status=ProgressStatus.OFF_TRACK,
        proposed_status=ProgressStatus.ON_TRACK,
        override_reason="A key partner left.",
    )
    reported = status_view(summary, update)
    assert (reported.reported_label, reported.proposed_label, reported.css) == (
        str(ProgressStatus.OFF_TRACK.label),
        str(ProgressStatus.ON_TRACK.label),
        "status-off_track",
    )
