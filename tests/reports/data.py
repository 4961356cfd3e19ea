"""A programme with known data for the report tests: Ale's programme, as of 2026-03-02,
with a report for February 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from clusters.models import Attendance, Reply
from innocities.reports.models import ProgressReport
from programs.models import ItemStatus, Milestone, ProgressStatus, Task
from programs.services import task_update
from tests import factories as f
from tests.conftest import World

TODAY = dt.date(2026, 3, 2)
START, END = dt.date(2026, 2, 1), dt.date(2026, 2, 28)


@dataclass
class Known:
    done_in_period: Task
    overdue_in_period: Task
    overdue_before: Task
    blocked: Task
    coming: Task
    reached: Milestone
    missed: Milestone


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def known_programme(world: World) -> Known:
    """Tasks and milestones of Ale's programme whose place in the February report is known."""
    program = world.program
    program.tasks.all().delete()
    program.milestones.all().delete()
    module = program.modules.get()
    done = f.TaskFactory(
        program=program,
        module=module,
        title="Hold the kick-off workshop",
        due_on=dt.date(2026, 2, 20),
        owner=world.coordinator,
    )
    # Its history: created in January as to do, done on 10 February (through the service,
    # so simple-history records the change).
    done.history.update(history_date=at(dt.date(2026, 1, 15)))
    task_update(task=done, actor=world.coordinator, status=ItemStatus.DONE)
    # The service stamps today's date; move the completion into February.
    Task.objects.filter(pk=done.pk).update(completed_on=dt.date(2026, 2, 10))
    done.history.filter(history_type="~").update(history_date=at(dt.date(2026, 2, 10)))
    known = Known(
        done_in_period=Task.objects.get(pk=done.pk),
        overdue_in_period=f.TaskFactory(
            program=program,
            module=module,
            title="Interview the unit heads",
            due_on=dt.date(2026, 2, 15),
        ),
        overdue_before=f.TaskFactory(
            program=program, title="Write the baseline memo", due_on=dt.date(2026, 1, 10)
        ),
        blocked=f.TaskFactory(
            program=program,
            title="Sign the data agreement",
            due_on=dt.date(2026, 3, 20),
            status=ItemStatus.BLOCKED,
        ),
        coming=f.TaskFactory(
            program=program, title="Plan the first pilot", due_on=dt.date(2026, 3, 25)
        ),
        reached=f.MilestoneFactory(
            program=program,
            title="Steering group formed",
            due_on=dt.date(2026, 2, 5),
            status=ItemStatus.DONE,
            completed_on=dt.date(2026, 2, 4),
        ),
        missed=f.MilestoneFactory(
            program=program, title="Culture survey published", due_on=dt.date(2026, 2, 25)
        ),
    )
    f.ProgressUpdateFactory(
        program=program,
        author=world.coordinator,
        status=ProgressStatus.AT_RISK,
        proposed_status=ProgressStatus.AT_RISK,
        achieved="Kick-off held with 40 people.",
    )
    meeting = f.MeetingFactory(
        cluster=world.cluster_a,
        title="February network day",
        starts_at=at(dt.date(2026, 2, 12), 9),
        ends_at=at(dt.date(2026, 2, 12), 15),
    )
    f.MeetingParticipantFactory(
        meeting=meeting,
        user=world.coordinator,
        reply=Reply.ACCEPTED,
        attendance=Attendance.ATTENDED,
    )
    f.MeetingParticipantFactory(meeting=meeting, user=world.viewer, reply=Reply.ACCEPTED)
    f.MeetingParticipantFactory(meeting=meeting, user=world.manager)
    return known


def february_report(world: World, **extra: object) -> ProgressReport:
    return ProgressReport.objects.create(
        program=world.program, period_start=START, period_end=END, **extra
    )
