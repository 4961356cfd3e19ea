"""The access rules (innocities.core.permissions) and the loading of a person's roles.

The URL × persona matrix checks every page; these check the mechanism under it: what a role is
worth, what loading roles costs, and the one check behind every getter.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from clusters.models import RosterRole
from clusters.permissions import load_roles
from innocities.core.permissions import ANONYMOUS, Level, authorize, roles_for
from programs.permissions import program_level
from tests import factories as f


def test_an_anonymous_or_deactivated_person_holds_nothing(world):
    assert load_roles(AnonymousUser()) == ANONYMOUS
    world.coordinator.is_active = False
    assert load_roles(world.coordinator) == ANONYMOUS
    assert not ANONYMOUS.has_role


def test_staff_are_administrators_of_everything(world):
    roles = load_roles(world.admin)
    assert roles.is_admin
    assert roles.cluster_level(world.cluster_b.pk) == Level.MANAGE
    assert roles.municipality_level(world.lerum.pk) == Level.MANAGE
    assert program_level(roles, world.other_program) == Level.MANAGE


def test_each_role_is_worth_its_level(world):
    manager, coordinator, viewer, partner = (
        load_roles(world.manager),
        load_roles(world.coordinator),
        load_roles(world.viewer),
        load_roles(world.partner),
    )
    a, b = world.cluster_a.pk, world.cluster_b.pk
    assert [r.cluster_level(a) for r in (manager, coordinator, viewer, partner)] == [
        Level.MANAGE,
        Level.READ,
        Level.READ,
        Level.READ,
    ]
    assert [r.cluster_level(b) for r in (manager, coordinator, viewer, partner)] == [Level.NONE] * 4
    ale = world.ale.pk
    assert [r.municipality_level(ale) for r in (manager, coordinator, viewer, partner)] == [
        Level.MANAGE,
        Level.EDIT,
        Level.READ,
        Level.NONE,
    ]
    assert manager.municipality_level(world.lerum.pk) == Level.NONE
    assert [program_level(r, world.program) for r in (manager, coordinator, viewer, partner)] == [
        Level.MANAGE,
        Level.EDIT,
        Level.READ,
        Level.NONE,
    ]


def test_a_manager_no_longer_manages_a_municipality_that_left_the_cluster(world):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    membership.left_on, membership.status = membership.joined_on, "left"
    membership.save()
    roles = load_roles(world.manager)
    assert not roles.manages_municipality(world.alingsas.pk)
    assert roles.manages_municipality(world.ale.pk)


def test_an_ended_roster_entry_is_no_role(world):
    entry = world.cluster_a.roster.get(user=world.manager)
    entry.ended_on = entry.started_on
    entry.save()
    roles = load_roles(world.manager)
    assert not roles.is_manager
    assert roles.cluster_level(world.cluster_a.pk) == Level.NONE


def test_loading_roles_costs_two_queries_and_the_memberships_one_more_once(
    world, django_assert_num_queries
):
    f.RosterEntryFactory(cluster=world.cluster_b, user=world.coordinator, role=RosterRole.EXPERT)
    with django_assert_num_queries(2):
        roles = load_roles(world.coordinator)
        # Decided from what is loaded: the roster, the municipality memberships.
        assert roles.cluster_level(world.cluster_b.pk) == Level.READ
        assert roles.municipality_level(world.ale.pk) == Level.EDIT
    with django_assert_num_queries(1):
        assert roles.cluster_level(world.cluster_a.pk) == Level.READ  # Ale is a member
    with django_assert_num_queries(0):
        assert roles.member_cluster_ids == {world.cluster_a.pk}
        assert roles.cluster_level(world.cluster_a.pk) == Level.READ


def test_an_administrator_s_roles_cost_no_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        roles = load_roles(world.admin)
        assert roles.manages_municipality(world.lerum.pk)


def test_authorize_hides_what_is_out_of_scope_and_refuses_what_is_above_the_level():
    with pytest.raises(Http404):
        authorize(None, lambda obj: Level.MANAGE, Level.READ)
    with pytest.raises(Http404):  # out of scope looks exactly like missing
        authorize("thing", lambda obj: Level.NONE, Level.READ)
    with pytest.raises(PermissionDenied):
        authorize("thing", lambda obj: Level.READ, Level.EDIT)
    access = authorize("thing", lambda obj: Level.EDIT, Level.READ)
    assert (access.obj, access.level, access.can_edit, access.can_manage) == (
        "thing",
        Level.EDIT,
        True,
        False,
    )


def test_a_request_without_the_roles_middleware_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        roles_for(RequestFactory().get("/"))
