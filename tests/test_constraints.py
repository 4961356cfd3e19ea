"""The invariants hold in the database itself, not only in forms and services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from clusters.models import ClusterMembership, MembershipStatus, RosterRole
from programs.models import ItemStatus, ProgressStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def _violates(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_municipality_cannot_have_two_open_memberships_in_one_cluster():
    membership = f.ClusterMembershipFactory()
    _violates(
        lambda: ClusterMembership.objects.create(
            cluster=membership.cluster,
            municipality=membership.municipality,
            joined_on=dt.date(2025, 1, 1),
        )
    )


def test_municipality_may_rejoin_after_leaving():
    membership = f.ClusterMembershipFactory(joined_on=dt.date(2024, 1, 1))
    membership.left_on = dt.date(2024, 6, 30)
    membership.status = MembershipStatus.LEFT
    membership.save()
    ClusterMembership.objects.create(
        cluster=membership.cluster,
        municipality=membership.municipality,
        joined_on=dt.date(2025, 1, 1),
    )
    assert membership.cluster.memberships.count() == 2


def test_membership_cannot_end_before_it_began():
    _violates(
        lambda: f.ClusterMembershipFactory(
            joined_on=dt.date(2025, 5, 1), left_on=dt.date(2025, 4, 1), status=MembershipStatus.LEFT
        )
    )


def test_left_status_and_leave_date_go_together():
    _violates(lambda: f.ClusterMembershipFactory(status=MembershipStatus.LEFT))


def test_person_cannot_hold_one_role_twice_at_once_in_a_cluster():
    entry = f.RosterEntryFactory(role=RosterRole.EXPERT)
    _violates(
        lambda: f.RosterEntryFactory(cluster=entry.cluster, user=entry.user, role=RosterRole.EXPERT)
    )


def test_task_percent_is_at_most_100():
    _violates(lambda: f.TaskFactory(percent=101))


def test_done_task_is_complete_and_dated():
    _violates(
        lambda: f.TaskFactory(status=ItemStatus.DONE, percent=50, completed_on=dt.date.today())
    )
    _violates(lambda: f.TaskFactory(status=ItemStatus.DONE, percent=100))


def test_progress_update_override_needs_a_reason():
    _violates(
        lambda: f.ProgressUpdateFactory(
            status=ProgressStatus.ON_TRACK, proposed_status=ProgressStatus.OFF_TRACK
        )
    )


def test_need_belongs_to_exactly_one_owner():
    cluster = f.ClusterFactory()
    _violates(lambda: f.NeedFactory(cluster=cluster))  # also has a municipality
    _violates(lambda: f.NeedFactory(municipality=None))


def test_population_needs_year_and_source():
    _violates(lambda: f.MunicipalityFactory(population=30000))


def test_skr_group_only_for_swedish_municipalities():
    county = f.CountyFactory(country="NO", code="46", name="Vestland")
    _violates(lambda: f.MunicipalityFactory(country="NO", county=county, skr_group="C8"))
