"""A programme with known data for the report tests: Ale's programme, as of 2026-03-02,
with a report for February 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from clusters.models import Attendance, MembershipStatus, Reply
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


# --- indicators and the self-assessment ----------------------------------------------------


def known_indicators(world: World) -> None:
    """Ale's programme has three indicators (by name: no values, past its target, on its
    way) and cluster A one; Lerum's programme has one that must never show up in Ale's."""
    from programs.indicators.models import Direction, Frequency
    from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory

    renewable = IndicatorFactory(
        program=world.program,
        name="Renewable energy share",
        unit="%",
        kolada_kpi="N45926",
        frequency=Frequency.YEARLY,
        baseline_value=Decimal(20),
        baseline_period="2024",
        target_value=Decimal(50),
        target_period="2027",
    )
    for year, value in ((2024, "20"), (2025, "26.5"), (2026, "32")):
        IndicatorValueFactory(indicator=renewable, period=dt.date(year, 1, 1), value=Decimal(value))
    energy = IndicatorFactory(
        program=world.program,
        name="Energy use in municipal buildings",
        unit="kWh/m²",
        frequency=Frequency.QUARTERLY,
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=Decimal(180),
        baseline_period="2025",
        target_value=Decimal(150),
        target_period="2026",
    )
    IndicatorValueFactory(indicator=energy, period=dt.date(2025, 10, 1), value=Decimal(170))
    IndicatorValueFactory(indicator=energy, period=dt.date(2026, 1, 1), value=Decimal(145))
    IndicatorFactory(
        program=world.program,
        name="Citizen dialogues held",
        unit="",
        baseline_value=Decimal(0),
        target_value=Decimal(12),
    )
    pilots = IndicatorFactory(
        program=None,
        cluster=world.cluster_a,
        name="Shared pilots started",
        unit="",
        baseline_value=Decimal(0),
        target_value=Decimal(6),
    )
    IndicatorValueFactory(indicator=pilots, period=dt.date(2025, 1, 1), value=Decimal(2))
    IndicatorValueFactory(indicator=pilots, period=dt.date(2026, 1, 1), value=Decimal(3))
    IndicatorFactory(program=world.other_program, name="Lerum bus trips")


def known_assessment(world: World) -> None:
    """Ale has two closed rounds and a newer open one.

    Autumn 2025 (closed 20 Nov 2025): culture 3 and 1 (mean 2.0), strategy 2 and 2 (2.0).
    Spring 2026 (closed 10 Feb 2026): culture 4 and 3 (3.5, change +1.5), strategy 3 and 2
    (2.5, change +0.5), every other dimension 3 (3.0, change 0.0); two submitted, one draft.
    The open autumn 2026 round answers 5 everywhere and must not count.
    """
    from tests.assessments.helpers import close, make_round, submit_levels

    earlier = make_round(world, title="Hösten 2025", opened_at=at(dt.date(2025, 10, 1)))
    coordinator, viewer = earlier.respondents.order_by("pk")
    submit_levels(coordinator, {"culture": 3, "strategy": 2})
    submit_levels(viewer, {"culture": 1, "strategy": 2})
    close(earlier, at(dt.date(2025, 11, 20)))

    latest = make_round(world, title="Våren 2026", opened_at=at(dt.date(2026, 1, 15)))
    coordinator, viewer = latest.respondents.order_by("pk")
    submit_levels(coordinator, {"culture": 4, "strategy": 3})
    submit_levels(viewer, {"culture": 3, "strategy": 2})
    latest.respondents.create(user=f.UserFactory(email="draft@ale.se"), role="staff")
    close(latest, at(dt.date(2026, 2, 10)))

    still_open = make_round(world, title="Hösten 2026", opened_at=at(dt.date(2026, 2, 20)))
    for respondent in still_open.respondents.all():
        submit_levels(respondent, {}, default=5)


def known_maturity(world: World) -> None:
    """Cluster A's members' latest closed rounds, on top of ``known_assessment`` (Ale:
    culture 3.5, strategy 2.5, the rest 3.0).

    Alingsås: culture 2.0, strategy 4.5 (answers 4 and 5). Lilla Edet joins: culture 1.0,
    strategy 5.0. Kungälv joins with an open round only. Stenungsund left the cluster:
    its closed round must not count.
    """
    from tests.assessments.helpers import close, make_round, submit_levels

    def closed_round(municipality, levels: list[dict[str, int]], title: str) -> None:
        round = make_round(world, municipality=municipality, title=title)
        for levels_by_code in levels:
            respondent = round.respondents.create(user=f.UserFactory(), role="staff")
            submit_levels(respondent, levels_by_code)
        close(round, at(dt.date(2026, 1, 30)))

    closed_round(
        world.alingsas,
        [{"culture": 2, "strategy": 4}, {"culture": 2, "strategy": 5}],
        "Alingsås 2026",
    )
    lilla_edet = f.MunicipalityFactory(name="Lilla Edet", code="1462")
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=lilla_edet)
    closed_round(lilla_edet, [{"culture": 1, "strategy": 5}], "Lilla Edet 2026")
    kungalv = f.MunicipalityFactory(name="Kungälv", code="1482")
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=kungalv)
    make_round(world, municipality=kungalv, title="Kungälv 2026")
    stenungsund = f.MunicipalityFactory(name="Stenungsund", code="1415")
    f.ClusterMembershipFactory(
        cluster=world.cluster_a,
        municipality=stenungsund,
        joined_on=dt.date(2024, 1, 1),
        left_on=dt.date(2025, 12, 31),
        status=MembershipStatus.LEFT,
    )
    closed_round(stenungsund, [{"culture": 5, "strategy": 5}], "Stenungsund 2025")
