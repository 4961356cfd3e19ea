"""The cluster list and detail pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clusters import services
from clusters.models import RosterRole
from programs.models import ProgressStatus
from tests import factories as f
from tests.clusters.helpers import new_municipality


def detail_url(world) -> str:
    return reverse("portal:cluster_detail", args=[world.cluster_a.pk])


def test_list_shows_a_coordinator_only_the_clusters_of_their_municipality(world, as_persona):
    response = as_persona("coordinator").get(reverse("clusters:list"))
    assert response.status_code == 200
    assert list(response.context["clusters"]) == [world.cluster_a]
    assert world.cluster_b.name not in response.content.decode()


def test_list_counts_every_open_member_not_just_the_persons_own(world, as_persona):
    f.ClusterMembershipFactory(
        cluster=world.cluster_a,
        municipality=new_municipality(),
        left_on=timezone.localdate(),
        status="left",
    )
    response = as_persona("coordinator").get(reverse("clusters:list"))
    (cluster,) = response.context["clusters"]
    assert cluster.open_members == 2  # Ale and Alingsås; the one that left does not count


def test_list_shows_an_admin_every_cluster(world, as_persona):
    response = as_persona("admin").get(reverse("clusters:list"))
    assert set(response.context["clusters"]) == {world.cluster_a, world.cluster_b}


def test_list_shows_an_outsider_no_cluster(world, as_persona):
    response = as_persona("outsider").get(reverse("clusters:list"))
    assert response.status_code == 200
    assert list(response.context["clusters"]) == []


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_list_and_detail_answer_only_get(world, as_persona, method):
    client = as_persona("manager")
    assert getattr(client, method)(reverse("clusters:list")).status_code == 405
    assert getattr(client, method)(detail_url(world)).status_code == 405


def test_detail_shows_a_manager_the_overview_history_and_edit_buttons(world, as_persona):
    f.ProgressUpdateFactory(
        program=world.program,
        author=world.coordinator,
        status=ProgressStatus.AT_RISK,
        proposed_status=ProgressStatus.ON_TRACK,
        override_reason="The pilot partner withdrew.",
    )
    response = as_persona("manager").get(detail_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    rows = {row.municipality.name: row for row in response.context["overview"]}
    assert set(rows) == {"Ale", "Alingsås"}
    assert rows["Ale"].program == world.program
    assert rows["Ale"].status.reported == ProgressStatus.AT_RISK
    assert rows["Alingsås"].program is None
    assert "status-at_risk" in content
    assert reverse("clusters:member_add", args=[world.cluster_a.pk]) in content
    assert 'id="history"' in content


def test_overview_counts_overdue_items(world, as_persona):
    f.TaskFactory(program=world.program, due_on=dt.date(2000, 1, 1))
    response = as_persona("admin").get(detail_url(world))
    ale = next(r for r in response.context["overview"] if r.municipality == world.ale)
    assert ale.summary.overdue == 1
    # Nothing reported yet: no colour, and what the data proposes (1 of 3 open items overdue)
    # only as a hint in words.
    assert ale.status.reported == ""
    assert ale.status.proposed == ProgressStatus.OFF_TRACK
    content = response.content.decode()
    assert "No report yet" in content or "Ingen rapport ännu" in content


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner"])
def test_detail_shows_readers_no_overview_and_no_edit_buttons(world, as_persona, persona):
    response = as_persona(persona).get(detail_url(world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "overview" not in response.context
    assert "history" not in response.context
    assert "Alingsås" in content
    assert "Per Partner" in content
    assert reverse("clusters:member_add", args=[world.cluster_a.pk]) not in content
    assert "/end/" not in content


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "other_manager"])
def test_detail_is_404_outside_the_cluster(world, as_persona, persona):
    assert as_persona(persona).get(detail_url(world)).status_code == 404


def test_detail_is_404_for_a_coordinator_whose_municipality_left(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.ale)
    services.cluster_end_membership(
        membership=membership, left_on=timezone.localdate(), actor=world.manager
    )
    assert as_persona("coordinator").get(detail_url(world)).status_code == 404


def test_detail_lists_former_members_with_their_leave_date(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    services.cluster_end_membership(
        membership=membership, left_on=timezone.localdate(), actor=world.manager
    )
    response = as_persona("viewer").get(detail_url(world))
    roster = response.context["roster"]
    assert [m.municipality for m in roster.open_memberships] == [world.ale]
    assert [m.municipality for m in roster.former_memberships] == [world.alingsas]
    assert "Former members" in response.content.decode()


def test_detail_lists_meetings_and_shared_needs(world, as_persona):
    now = timezone.now()
    f.MeetingFactory(cluster=world.cluster_a, title="Kick-off")
    f.MeetingFactory(
        cluster=world.cluster_a,
        title="Study visit Lindholmen",
        starts_at=now - dt.timedelta(days=30),
        ends_at=now - dt.timedelta(days=30, hours=-3),
    )
    f.NeedFactory(cluster=world.cluster_a, municipality=None, title="Shared charging")
    f.NeedFactory(municipality=world.ale, title="Ale's own need")
    response = as_persona("partner").get(detail_url(world))
    assert [m.title for m in response.context["coming_meetings"]] == ["Kick-off"]
    assert [m.title for m in response.context["past_meetings"]] == ["Study visit Lindholmen"]
    content = response.content.decode()
    assert "Shared charging" in content
    assert "Ale&#x27;s own need" not in content and "Ale's own need" not in content


def test_roster_history_shows_what_who_and_when_newest_first(world, as_persona):
    person = f.UserFactory(full_name="Eva Expert")
    entry = services.roster_add_person(
        cluster=world.cluster_a,
        user=person,
        role=RosterRole.EXPERT,
        started_on=timezone.localdate(),
        actor=world.manager,
    )
    services.roster_end_person(entry=entry, ended_on=timezone.localdate(), actor=world.admin)
    response = as_persona("manager").get(detail_url(world))
    history = response.context["history"]
    assert history[0].subject.startswith("Eva Expert")
    assert history[0].action == "ended"
    assert history[0].who == world.admin
    assert history[1].action == "added"
    assert history[1].who == world.manager
    assert "Eva Expert" in response.content.decode()


def test_roster_history_tells_an_ended_membership_from_an_edit(world):
    from clusters.selectors import roster_history

    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    services.cluster_end_membership(
        membership=membership, left_on=timezone.localdate(), actor=world.manager
    )
    membership.refresh_from_db()
    membership.note = "Left after the 2025 budget"
    membership._history_user = world.admin
    membership.save()
    # The labels are translated: in English, as the world's people read the page (this test
    # used to rely on the previous test's last request leaving English active).
    with translation.override("en"):
        actions = [(c.subject, c.action) for c in roster_history(world.cluster_a)[:2]]
    assert actions == [("Alingsås", "changed"), ("Alingsås", "ended")]
