from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters import services
from clusters.models import (
    ClusterMembership,
    ClusterPartner,
    MembershipStatus,
    Need,
    Priority,
    RosterEntry,
    RosterRole,
)
from innocities.accounts.models import User
from municipalities.models import Helix, Organisation
from tests import factories as f

TODAY = dt.date(2025, 3, 1)


def test_adding_a_municipality_opens_a_membership_with_history_by_actor(world):
    membership = services.cluster_add_municipality(
        cluster=world.cluster_a,
        municipality=world.lerum,
        joined_on=TODAY,
        status=MembershipStatus.OBSERVER,
        note="Joins as observer",
        actor=world.manager,
    )
    assert membership.left_on is None
    assert membership.status == MembershipStatus.OBSERVER
    record = membership.history.get()
    assert record.history_type == "+"
    assert record.history_user == world.manager


def test_a_municipality_cannot_have_two_open_memberships_of_a_cluster(world):
    with pytest.raises(ValidationError) as error:
        services.cluster_add_municipality(
            cluster=world.cluster_a, municipality=world.ale, joined_on=TODAY, actor=world.manager
        )
    assert "municipality" in error.value.message_dict
    assert "Ale" in error.value.message_dict["municipality"][0]
    assert world.cluster_a.memberships.filter(municipality=world.ale).count() == 1


def test_the_database_refuses_a_second_open_membership(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClusterMembership.objects.create(
            cluster=world.cluster_a, municipality=world.ale, joined_on=TODAY
        )


def test_ending_a_membership_keeps_the_row_with_its_leave_date(world):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    today = timezone.localdate()
    services.cluster_end_membership(membership=membership, left_on=today, actor=world.manager)
    membership.refresh_from_db()
    assert membership.left_on == today
    assert membership.status == MembershipStatus.LEFT
    assert membership.history.first().history_user == world.manager
    assert ClusterMembership.objects.filter(pk=membership.pk).exists()


def test_a_municipality_that_left_can_join_again(world):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    services.cluster_end_membership(
        membership=membership, left_on=timezone.localdate(), actor=world.manager
    )
    again = services.cluster_add_municipality(
        cluster=world.cluster_a,
        municipality=world.alingsas,
        joined_on=timezone.localdate(),
        actor=world.manager,
    )
    assert again.pk != membership.pk
    assert world.cluster_a.memberships.filter(municipality=world.alingsas).count() == 2


def test_a_leave_date_before_the_join_date_is_refused(world):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    with pytest.raises(ValidationError) as error:
        services.cluster_end_membership(
            membership=membership,
            left_on=membership.joined_on - dt.timedelta(days=1),
            actor=world.manager,
        )
    assert "left_on" in error.value.message_dict
    membership.refresh_from_db()
    assert membership.left_on is None


def test_a_membership_cannot_end_twice(world):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    services.cluster_end_membership(
        membership=membership, left_on=timezone.localdate(), actor=world.manager
    )
    with pytest.raises(ValidationError):
        services.cluster_end_membership(
            membership=membership, left_on=timezone.localdate(), actor=world.manager
        )


def test_adding_and_ending_a_person_on_the_roster_is_recorded(world):
    person = f.UserFactory()
    entry = services.roster_add_person(
        cluster=world.cluster_a,
        user=person,
        role=RosterRole.EXPERT,
        started_on=TODAY,
        actor=world.manager,
    )
    services.roster_end_person(entry=entry, ended_on=TODAY, actor=world.admin)
    entry.refresh_from_db()
    assert entry.ended_on == TODAY
    added, ended = entry.history.order_by("history_id")
    assert (added.history_type, added.history_user) == ("+", world.manager)
    assert (ended.history_type, ended.history_user) == ("~", world.admin)


def test_a_person_cannot_hold_the_same_open_role_twice(world):
    with pytest.raises(ValidationError):
        services.roster_add_person(
            cluster=world.cluster_a,
            user=world.manager,
            role=RosterRole.PROGRAMME_MANAGER,
            started_on=TODAY,
            actor=world.admin,
        )


def test_a_roster_end_before_the_start_is_refused(world):
    entry = world.cluster_a.roster.get(user=world.partner)
    with pytest.raises(ValidationError):
        services.roster_end_person(
            entry=entry, ended_on=entry.started_on - dt.timedelta(days=1), actor=world.manager
        )
    entry.refresh_from_db()
    assert entry.ended_on is None


def test_roster_add_or_invite_finds_an_existing_account_by_email(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        entry, invited = services.roster_add_or_invite_person(
            cluster=world.cluster_a,
            email="OUTSIDER@example.se",
            full_name="",
            role=RosterRole.EXPERT,
            started_on=TODAY,
            actor=world.manager,
        )
    assert entry.user == world.outsider
    assert invited is False
    assert callbacks == []


def test_roster_add_or_invite_invites_a_new_person(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        entry, invited = services.roster_add_or_invite_person(
            cluster=world.cluster_a,
            email="new.expert@example.se",
            full_name="Nora Ny",
            role=RosterRole.EXPERT,
            started_on=TODAY,
            actor=world.manager,
        )
    assert invited is True
    assert entry.user.email == "new.expert@example.se"
    assert entry.user.full_name == "Nora Ny"
    assert not entry.user.has_usable_password()
    assert len(callbacks) == 1  # the invitation, queued for after the commit


def test_roster_add_or_invite_needs_a_name_for_a_new_person(world):
    with pytest.raises(ValidationError) as error:
        services.roster_add_or_invite_person(
            cluster=world.cluster_a,
            email="nobody@example.se",
            full_name=" ",
            role=RosterRole.EXPERT,
            started_on=TODAY,
            actor=world.manager,
        )
    assert "full_name" in error.value.message_dict
    assert not User.objects.filter(email="nobody@example.se").exists()


def test_a_refused_roster_entry_invites_nobody(world, django_capture_on_commit_callbacks):
    f.RosterEntryFactory(
        cluster=world.cluster_a, user=world.outsider, role=RosterRole.EXPERT, started_on=TODAY
    )
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        services.roster_add_or_invite_person(
            cluster=world.cluster_a,
            email="outsider@example.se",
            full_name="",
            role=RosterRole.EXPERT,
            started_on=TODAY,
            actor=world.manager,
        )
    assert callbacks == []


def test_adding_a_new_partner_creates_the_organisation(world):
    partner = services.cluster_add_new_partner(
        cluster=world.cluster_a,
        name="Ale Energi AB",
        helix=Helix.PUBLIC,
        municipality=world.ale,
        contribution="District heating data",
        joined_on=TODAY,
        actor=world.manager,
    )
    assert partner.organisation.name == "Ale Energi AB"
    assert partner.organisation.municipality == world.ale
    assert partner.history.get().history_user == world.manager
    assert partner.organisation.history.get().history_user == world.manager


def test_a_refused_new_partner_leaves_no_organisation_behind(world):
    with pytest.raises(ValidationError):
        services.cluster_add_new_partner(
            cluster=world.cluster_a,
            name="Volvo Cars",
            helix=Helix.BUSINESS,
            municipality=world.ale,  # only public-sector organisations belong to a municipality
            joined_on=TODAY,
            actor=world.manager,
        )
    assert not Organisation.objects.filter(name="Volvo Cars").exists()


def test_an_organisation_cannot_be_an_open_partner_twice(world):
    organisation = world.cluster_a.partners.get().organisation
    with pytest.raises(ValidationError):
        services.cluster_add_partner(
            cluster=world.cluster_a, organisation=organisation, joined_on=TODAY, actor=world.admin
        )
    assert ClusterPartner.objects.filter(organisation=organisation).count() == 1


def test_ending_a_partner_keeps_the_row(world):
    partner = world.cluster_a.partners.get()
    services.cluster_end_partner(partner=partner, left_on=timezone.localdate(), actor=world.manager)
    partner.refresh_from_db()
    assert partner.left_on == timezone.localdate()
    assert partner.history.first().history_user == world.manager


def test_a_shared_need_belongs_to_the_cluster(world):
    need = services.cluster_add_need(
        cluster=world.cluster_a,
        title="Shared charging infrastructure",
        priority=Priority.HIGH,
        actor=world.manager,
    )
    assert need.cluster == world.cluster_a
    assert need.municipality is None
    assert need.created_by == world.manager
    assert need.history.get().history_user == world.manager


def test_an_oversized_need_title_is_refused(world):
    with pytest.raises(ValidationError):
        services.cluster_add_need(
            cluster=world.cluster_a, title="x" * 201, priority=Priority.LOW, actor=world.manager
        )
    assert not Need.objects.exists()


def test_roster_entries_are_never_deleted_by_the_services(world):
    before = RosterEntry.objects.count()
    services.roster_end_person(
        entry=world.cluster_a.roster.get(user=world.partner),
        ended_on=timezone.localdate(),
        actor=world.manager,
    )
    assert RosterEntry.objects.count() == before
