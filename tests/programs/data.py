"""Builders that add realistic amounts of data to the test world, for query-count tests.

``grow(world, n)`` adds ``n`` of everything a dashboard or programme page shows: member
municipalities with programmes, tasks, milestones, updates and history, meetings, clusters,
partner tasks. A page whose query count is the same after ``grow(world, 1)`` and
``grow(world, 10)`` does not query per row.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from clusters.models import RosterRole
from innocities.accounts.models import User
from municipalities.models import Municipality, MunicipalityRole, Organisation
from programs.models import ItemStatus, Program, ProgressStatus
from programs.services import task_update
from tests import factories as f

# MunicipalityFactory's own codes reach the world's (1440, 1441, 1489) after some forty
# municipalities in one session; codes from 8000 up are unused by the world and the factory.
_codes = itertools.count()


def municipality(world) -> Municipality:
    return f.MunicipalityFactory(county=world.ale.county, code=f"8{next(_codes) % 1000:03d}")


def partner_organisation() -> Organisation:
    return Organisation.objects.get(name="Chalmers Industriteknik")


def fill_program(
    program: Program,
    *,
    n: int,
    owner: User | None = None,
    organisation: Organisation | None = None,
) -> None:
    """``n`` modules' worth of tasks (overdue, blocked, due soon, done), milestones (one
    overdue), progress updates and history rows."""
    today = timezone.localdate()
    for _ in range(n):
        module = f.ProgramModuleFactory(program=program)
        overdue = f.TaskFactory(
            program=program, module=module, owner=owner, due_on=today - dt.timedelta(days=3)
        )
        f.TaskFactory(program=program, module=module, status=ItemStatus.BLOCKED, owner=owner)
        soon = f.TaskFactory(
            program=program, module=module, due_on=today + dt.timedelta(days=5), percent=40
        )
        f.TaskFactory(program=program, due_on=today + dt.timedelta(days=60))  # outside modules
        if organisation is not None:
            overdue.organisations.add(organisation)
            soon.organisations.add(organisation)
        f.MilestoneFactory(program=program, module=module, due_on=today - dt.timedelta(days=1))
        f.MilestoneFactory(
            program=program, module=module, owner=owner, due_on=today + dt.timedelta(days=10)
        )
        f.ProgressUpdateFactory(
            program=program,
            author=owner or f.UserFactory(),
            status=ProgressStatus.AT_RISK,
            proposed_status=ProgressStatus.OFF_TRACK,
            override_reason="The overdue milestone is a formality.",
        )
        task_update(task=soon, actor=owner, percent=60)  # a history row with an author


def grow(world, n: int) -> None:
    """Add ``n`` of everything to the world (see the module docstring)."""
    organisation = partner_organisation()
    now = timezone.now()
    for _ in range(n):
        # A new member of cluster A, with a coordinator and a programme in the cluster.
        member = municipality(world)
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=member)
        person = f.UserFactory()
        f.MunicipalityMembershipFactory(
            user=person, municipality=member, role=MunicipalityRole.COORDINATOR
        )
        program = f.ProgramFactory(municipality=member, cluster=world.cluster_a)
        fill_program(program, n=1, owner=person, organisation=organisation)
        # More for Ale: its coordinator and viewer see more programmes and more items.
        ale_program = f.ProgramFactory(municipality=world.ale, cluster=world.cluster_a)
        fill_program(ale_program, n=1, owner=world.coordinator, organisation=organisation)
        fill_program(world.program, n=1, owner=world.coordinator, organisation=organisation)
        # Meetings in both clusters, a coming one and a past one.
        for cluster in (world.cluster_a, world.cluster_b):
            f.MeetingFactory(cluster=cluster, starts_at=now + dt.timedelta(days=7))
            f.MeetingFactory(cluster=cluster, starts_at=now - dt.timedelta(days=7))
        # A new cluster with a member and a programme: only the admin sees it.
        cluster = f.ClusterFactory()
        other = municipality(world)
        f.ClusterMembershipFactory(cluster=cluster, municipality=other)
        fill_program(f.ProgramFactory(municipality=other, cluster=cluster), n=1)
        f.RosterEntryFactory(cluster=cluster, role=RosterRole.PROGRAMME_MANAGER)
