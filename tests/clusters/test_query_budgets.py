"""The cluster pages run a fixed number of queries: ten times the data, the same budget."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import RosterRole
from programs.models import ItemStatus, ProgressStatus
from tests import factories as f
from tests.clusters.helpers import new_municipality

# Budgets, counted for the most expensive persona: session and user (2), the person's roles
# (2, none for an admin), an administrator's or manager's second factor (1,
# innocities.accounts.middleware), the page's own queries. The detail page for a manager:
# cluster (1), access check (0), roster (3), meetings (2), needs (1), overview (4), history (3).
LIST_BUDGET = 5
DETAIL_BUDGET = 19
MEETINGS_BUDGET = 7
MEETING_DETAIL_BUDGET = 9


def grow_cluster(world, n: int) -> None:
    """``n`` more of everything the cluster page shows, each with its own related rows."""
    cluster = world.cluster_a
    today = timezone.localdate()
    now = timezone.now()
    for i in range(n):
        municipality = new_municipality()
        f.ClusterMembershipFactory(cluster=cluster, municipality=municipality)
        program = f.ProgramFactory(municipality=municipality, cluster=cluster)
        f.TaskFactory(program=program, due_on=today - dt.timedelta(days=3))
        f.TaskFactory(program=program, status=ItemStatus.BLOCKED)
        f.MilestoneFactory(program=program)
        f.ProgressUpdateFactory(program=program, author=world.coordinator)
        f.ProgressUpdateFactory(
            program=program,
            author=world.coordinator,
            status=ProgressStatus.AT_RISK,
            proposed_status=ProgressStatus.AT_RISK,
        )
        if i % 2:
            f.ClusterMembershipFactory(
                cluster=cluster,
                municipality=new_municipality(),
                joined_on=today - dt.timedelta(days=400),
                left_on=today - dt.timedelta(days=10),
                status="left",
            )
        organisation = f.OrganisationFactory()
        f.ClusterPartnerFactory(cluster=cluster, organisation=organisation)
        f.RosterEntryFactory(
            cluster=cluster,
            user=f.UserFactory(),
            role=RosterRole.PARTNER_CONTACT,
            organisation=organisation,
        )
        f.RosterEntryFactory(
            cluster=cluster,
            user=f.UserFactory(),
            role=RosterRole.MUNICIPAL_CONTACT,
            municipality=municipality,
            ended_on=today,
        )
        for starts_at in (now + dt.timedelta(days=i + 1), now - dt.timedelta(days=i + 1)):
            meeting = f.MeetingFactory(
                cluster=cluster, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)
            )
            f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
            f.MeetingParticipantFactory(meeting=meeting, user=world.partner)
        f.NeedFactory(cluster=cluster, municipality=None)
        f.ClusterFactory()  # a cluster nobody but admins sees
        other = f.ClusterFactory()
        f.ClusterMembershipFactory(cluster=other, municipality=world.ale)


@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize("persona", ["admin", "coordinator"])
def test_cluster_list_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, n, persona
):
    grow_cluster(world, n)
    client = as_persona(persona)
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("clusters:list"))
    assert response.status_code == 200
    visible = n + 1 if persona == "coordinator" else 2 * n + 2
    assert len(response.context["clusters"]) == visible


@pytest.mark.parametrize("n", [1, 10])
@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_cluster_detail_with_overview_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, n, persona
):
    grow_cluster(world, n)
    client = as_persona(persona)
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(reverse("portal:cluster_detail", args=[world.cluster_a.pk]))
    assert response.status_code == 200
    assert len(response.context["overview"]) == n + 2
    assert response.context["history"]


@pytest.mark.parametrize("n", [1, 10])
def test_cluster_detail_for_a_reader_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, n
):
    grow_cluster(world, n)
    client = as_persona("coordinator")
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(reverse("portal:cluster_detail", args=[world.cluster_a.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 10])
def test_meetings_list_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, n
):
    grow_cluster(world, n)
    client = as_persona("partner")
    with django_assert_max_num_queries(MEETINGS_BUDGET):
        response = client.get(reverse("clusters:meetings", args=[world.cluster_a.pk]))
    assert response.status_code == 200
    assert len(response.context["coming_meetings"]) == n
    assert response.context["coming_meetings"][0].invited_count == 2


@pytest.mark.parametrize("n", [1, 10])
def test_meeting_detail_and_attendance_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, n
):
    meeting = f.MeetingFactory(cluster=world.cluster_a)
    for _ in range(n * 3):
        f.MeetingParticipantFactory(meeting=meeting)
    f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)
    kwargs = {"pk": world.cluster_a.pk, "meeting_pk": meeting.pk}
    coordinator, manager = as_persona("coordinator"), as_persona("manager")
    with django_assert_max_num_queries(MEETING_DETAIL_BUDGET):
        response = coordinator.get(reverse("clusters:meeting_detail", kwargs=kwargs))
    assert len(response.context["participants"]) == n * 3 + 1
    with django_assert_max_num_queries(MEETING_DETAIL_BUDGET):
        response = manager.get(reverse("clusters:meeting_attendance", kwargs=kwargs))
    assert response.status_code == 200
