"""Initiatives' next decision points in the calendar feeds: all-day events for the
active initiatives the person may read, and nothing of the others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Organisation
from programs.initiatives.models import Initiative, Stage, State
from programs.initiatives.services import initiative_create, initiative_update, partner_add
from tests.feeds.helpers import cluster_feed_url, events, feed_url, fetch
from tests.feeds.test_views import USER_FEED_BUDGET

SITE = "https://portal.example.se"


def uid(initiative: Initiative) -> str:
    return f"gate-{initiative.pk}@innocities"


def gate(world, title: str, days: int | None, **owner) -> Initiative:
    today = timezone.localdate()
    return initiative_create(
        actor=world.admin,
        title=title,
        next_gate_due_on=today + dt.timedelta(days=days) if days is not None else None,
        **(owner or {"municipality": world.ale}),
    )


@pytest.fixture
def gates(world):
    w = world
    w.meters = gate(w, "Smarta vattenmätare", 10)
    w.joint = gate(w, "Gemensam partnerworkshop", 20, cluster=w.cluster_a)
    w.overdue = gate(w, "Matsvinn i skolkök", -30)
    w.undated = gate(w, "Utan datum", None)
    w.too_old = gate(w, "Sedan länge", -200)
    w.parked = gate(w, "Parkerad", 5)
    w.stopped = gate(w, "Stoppad", 5)
    w.operating = gate(w, "I drift", 5)
    Initiative.objects.filter(pk=w.parked.pk).update(state=State.PARKED)
    Initiative.objects.filter(pk=w.stopped.pk).update(state=State.STOPPED)
    Initiative.objects.filter(pk=w.operating.pk).update(stage=Stage.OPERATION)
    w.lerum_gate = gate(w, "Samåkning i Lerum", 10, municipality=w.lerum)
    w.joint_b = gate(w, "Bussar i Göta älv", 10, cluster=w.cluster_b)
    return w


def gate_uids(user) -> set[str]:
    return {u for u in events(fetch(feed_url(user))) if u.startswith("gate-")}


def test_coordinator_s_feed_has_the_active_gates_of_the_municipality_and_its_cluster(gates):
    w = gates
    assert gate_uids(w.coordinator) == {uid(w.meters), uid(w.joint), uid(w.overdue)}


@override_settings(SITE_URL=SITE)
def test_a_gate_is_an_all_day_event_linking_to_the_initiative(gates):
    w = gates
    event = events(fetch(feed_url(w.coordinator)))[uid(w.meters)]
    day = timezone.localdate() + dt.timedelta(days=10)
    assert event["DTSTART"].dt == day
    assert not isinstance(event["DTSTART"].dt, dt.datetime)  # a date: all day
    assert event["DTEND"].dt == day + dt.timedelta(days=1)
    assert str(event["SUMMARY"]) == "Decision point: Smarta vattenmätare"
    url = SITE + reverse("initiatives:detail", kwargs={"pk": w.meters.pk})
    assert str(event["URL"]) == url
    description = str(event["DESCRIPTION"])
    assert "Ale" in description and url in description
    assert "from “Idea” to “Concept”" in description
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_other_people_see_what_their_roles_let_them_read(gates):
    w = gates
    assert gate_uids(w.other_coordinator) == {uid(w.lerum_gate), uid(w.joint_b)}
    assert gate_uids(w.viewer) == {uid(w.meters), uid(w.joint), uid(w.overdue)}
    assert {uid(w.meters), uid(w.joint), uid(w.overdue)} <= gate_uids(w.manager)
    assert uid(w.lerum_gate) not in gate_uids(w.manager)
    assert gate_uids(w.outsider) == set()
    # A partner contact: only the initiatives their organisation takes part in.
    assert gate_uids(w.partner) == set()
    organisation = Organisation.objects.get(name="Chalmers Industriteknik")
    partner_add(initiative=w.meters, actor=w.coordinator, organisation=organisation)
    assert gate_uids(w.partner) == {uid(w.meters)}


def test_a_moved_date_updates_the_event_in_place(gates):
    w = gates
    before = events(fetch(feed_url(w.coordinator)))[uid(w.meters)]
    later = timezone.localdate() + dt.timedelta(days=40)
    initiative_update(initiative=w.meters, actor=w.coordinator, next_gate_due_on=later)
    after = events(fetch(feed_url(w.coordinator)))[uid(w.meters)]
    assert after["DTSTART"].dt == later
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


@pytest.mark.parametrize("n", [2, 20])
def test_the_feed_runs_a_fixed_number_of_queries_however_many_gates(
    world, django_assert_max_num_queries, n
):
    for i in range(n):
        gate(world, f"Initiativ {i}", i)
        gate(world, f"Gemensamt {i}", i, cluster=world.cluster_a)
    url = feed_url(world.coordinator)
    with django_assert_max_num_queries(USER_FEED_BUDGET):
        response = Client().get(url)
    assert response.status_code == 200
    assert len(gate_uids(world.coordinator)) == 2 * n


def test_the_cluster_feed_has_its_joint_initiatives_decision_points_only(gates):
    w = gates
    uids = {
        u
        for u in events(fetch(cluster_feed_url(w.coordinator, w.cluster_a)))
        if u.startswith("gate-")
    }
    # Ale's own initiatives are in the coordinator's personal feed, not in the cluster's.
    assert uids == {uid(w.joint)}
    # A partner contact reads cluster A, but sees a joint initiative only if their
    # organisation takes part in it.
    assert not any(
        u.startswith("gate-") for u in events(fetch(cluster_feed_url(w.partner, w.cluster_a)))
    )
