"""Shared-need proposals in a cluster with known scores and needs; accepting and setting aside."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clusters.models import DismissedProposal, Meeting, Need, Priority
from clusters.services import (
    cluster_set_proposal_rules,
    shared_need_accept,
    shared_need_proposal_dismiss,
    shared_need_proposal_restore,
)
from clusters.shared_needs import min_low_members, shared_need_overview
from tests import factories as f
from tests.assessments.helpers import closed_round


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def cluster(world):
    """Cluster A with four members: helix is low (below 2.5) in three, culture in one; the
    fourth has no closed round. Ale and Borås record energy needs."""
    boras = f.MunicipalityFactory(name="Borås", code="1490")
    essunga = f.MunicipalityFactory(name="Essunga", code="1445")
    for municipality in (boras, essunga):
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
    closed_round(world, world.ale, {"helix": 2, "culture": 1})
    closed_round(world, world.alingsas, {"helix": 2, "culture": 3})
    closed_round(world, boras, {"helix": 1})
    f.NeedFactory(municipality=world.ale, title="Heat from industry", theme="Energy", sdg_goals=[7])
    f.NeedFactory(
        municipality=boras, title="Charging for lorries", theme=" energy ", sdg_goals=[9, 7]
    )
    f.NeedFactory(municipality=world.alingsas, title="Water", theme="Water")
    world.boras = boras
    return world.cluster_a


def test_a_dimension_low_in_half_the_members_and_a_shared_theme_are_proposed(cluster, world):
    overview = shared_need_overview(cluster)
    assert (overview.open_members, overview.with_rounds, overview.min_members) == (4, 3, 2)
    assert [p.key for p in overview.proposals] == ["dimension:helix", "theme:energy"]
    helix, energy = overview.proposals
    assert [(m.municipality.name, m.score) for m in helix.members] == [
        ("Borås", 1.0),
        ("Ale", 2.0),
        ("Alingsås", 2.0),
    ]
    assert helix.out_of == 3
    assert helix.label == "Quadruple-helix collaboration"
    assert helix.suggested_description == (
        "3 of 3 members with a self-assessment scored below 2.5 in Quadruple-helix collaboration."
    )
    assert [m.municipality.name for m in energy.members] == ["Ale", "Borås"]
    assert energy.label == "Energy"
    assert energy.sdg_goals == [7, 9]
    assert energy.suggested_description == "Ale: Heat from industry\nBorås: Charging for lorries"


def test_how_many_members_must_score_low_is_a_cluster_setting(cluster, world):
    assert min_low_members(cluster, 5) == 3  # half, rounded up
    assert min_low_members(cluster, 2) == 2  # never fewer than two
    cluster = cluster_set_proposal_rules(
        cluster=cluster, below=Decimal("2.5"), min_members=4, actor=None
    )
    assert [p.key for p in shared_need_overview(cluster).proposals] == ["theme:energy"]
    cluster = cluster_set_proposal_rules(
        cluster=cluster, below=Decimal("3.5"), min_members=2, actor=None
    )
    keys = [p.key for p in shared_need_overview(cluster).proposals]
    assert keys == ["dimension:culture", "dimension:helix", "theme:energy"]


def test_a_member_that_left_no_longer_counts(cluster, world):
    membership = cluster.memberships.get(municipality=world.boras)
    membership.left_on = membership.joined_on
    membership.status = "left"
    membership.save()
    overview = shared_need_overview(cluster)
    helix = overview.find("dimension:helix")
    assert [m.municipality.name for m in helix.members] == ["Ale", "Alingsås"]
    assert overview.find("theme:energy") is None


def test_accepting_makes_a_shared_need_that_remembers_where_it_came_from(cluster, world):
    need = shared_need_accept(
        cluster=cluster,
        key="theme:energy",
        title="Energy in the cluster",
        description="Joint work on energy.",
        priority=Priority.HIGH,
        actor=world.manager,
    )
    assert (need.cluster, need.municipality, need.proposal_key) == (cluster, None, "theme:energy")
    assert need.sdg_goals == [7, 9]
    assert {n.title for n in need.based_on.all()} == {"Heat from industry", "Charging for lorries"}
    overview = shared_need_overview(cluster)
    assert [p.key for p in overview.proposals] == ["dimension:helix"]
    assert overview.accepted[0].accepted == need
    with pytest.raises(ValidationError):
        shared_need_accept(
            cluster=cluster,
            key="theme:energy",
            title="Again",
            description="",
            priority=Priority.LOW,
            actor=world.manager,
        )
    assert cluster.needs.count() == 1


def test_accepting_a_dimension_keeps_its_code(cluster, world):
    need = shared_need_accept(
        cluster=cluster,
        key="dimension:helix",
        title="Partners",
        description="",
        priority=Priority.MEDIUM,
        actor=world.manager,
    )
    assert need.dimension_code == "helix"
    assert list(need.based_on.all()) == []


def test_a_proposal_that_no_longer_applies_is_refused(cluster, world):
    with pytest.raises(ValidationError):
        shared_need_accept(
            cluster=cluster,
            key="dimension:culture",
            title="Culture",
            description="",
            priority=Priority.MEDIUM,
            actor=world.manager,
        )
    assert not cluster.needs.exists()


def test_set_aside_and_propose_again(cluster, world):
    shared_need_proposal_dismiss(cluster=cluster, key="dimension:helix", actor=world.manager)
    shared_need_proposal_dismiss(cluster=cluster, key="dimension:helix", actor=world.manager)
    overview = shared_need_overview(cluster)
    assert [p.key for p in overview.proposals] == ["theme:energy"]
    assert [p.key for p in overview.dismissed] == ["dimension:helix"]
    assert overview.dismissed[0].dismissed.dismissed_by == world.manager
    shared_need_proposal_restore(cluster=cluster, key="dimension:helix", actor=world.manager)
    assert not DismissedProposal.objects.exists()


def test_the_overview_runs_a_fixed_number_of_queries(cluster, world, django_assert_max_num_queries):
    accepted = shared_need_accept(
        cluster=cluster,
        key="theme:energy",
        title="Energy",
        description="",
        priority=Priority.HIGH,
        actor=world.manager,
    )
    f.MeetingFactory(cluster=cluster, need=accepted)
    with django_assert_max_num_queries(10) as few:
        shared_need_overview(cluster)
    for index in range(8):
        municipality = f.MunicipalityFactory(name=f"Extra {index}", code=f"8{index:03}")
        f.ClusterMembershipFactory(cluster=cluster, municipality=municipality)
        closed_round(world, municipality, {"helix": 1})
        f.NeedFactory(municipality=municipality, theme="Energy")
        f.NeedFactory(cluster=cluster, municipality=None, title=f"Shared {index}")
    shared_need_proposal_dismiss(cluster=cluster, key="dimension:helix", actor=world.manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        overview = shared_need_overview(cluster)
    assert len(overview.find("dimension:helix").members) == 11
    assert len(overview.shared_needs) == 9


# --- pages ------------------------------------------------------------------------------


def _url(name: str, cluster) -> str:
    return reverse(f"clusters:{name}", kwargs={"pk": cluster.pk})


def test_the_manager_sees_the_proposals_with_names_and_scores(cluster, as_persona):
    page = as_persona("manager").get(_url("shared_needs", cluster)).content.decode()
    assert "Quadruple-helix collaboration" in page
    assert "Borås 1.0" in page
    assert "“Charging for lorries”" in page


def test_accepting_on_the_page_and_planning_a_joint_activity(cluster, world, as_persona):
    client = as_persona("manager")
    response = client.post(
        _url("shared_need_accept", cluster),
        {"key": "dimension:helix", "title": "Working with partners", "priority": "high"},
    )
    need = Need.objects.get(cluster=cluster, proposal_key="dimension:helix")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#need-{need.pk}")
    form = client.get(_url("meeting_create", cluster) + f"?need={need.pk}").content.decode()
    assert f'<option value="{need.pk}" selected>' in form
    response = client.post(
        _url("meeting_create", cluster),
        {
            "kind": "workshop",
            "title": "Helix workshop",
            "starts_at": "2027-03-02T09:00",
            "ends_at": "2027-03-02T12:00",
            "need": str(need.pk),
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.get(title="Helix workshop").need == need
    page = client.get(_url("shared_needs", cluster)).content.decode()
    assert "Helix workshop" in page
    detail = (
        as_persona("coordinator")
        .get(reverse("portal:cluster_detail", kwargs={"pk": cluster.pk}))
        .content.decode()
    )
    assert "Working with partners" in detail
    assert "1 joint activity" in detail


def test_a_meeting_cannot_meet_another_cluster_s_need(cluster, world, as_persona):
    other = f.NeedFactory(cluster=world.cluster_b, municipality=None, title="Lerum's")
    response = as_persona("manager").post(
        _url("meeting_create", cluster),
        {
            "kind": "workshop",
            "title": "Sneaky",
            "starts_at": "2027-03-02T09:00",
            "ends_at": "2027-03-02T12:00",
            "need": str(other.pk),
        },
    )
    assert response.status_code == 200
    assert not Meeting.objects.filter(title="Sneaky").exists()


def test_an_accept_without_a_title_keeps_what_was_written(cluster, as_persona):
    response = as_persona("manager").post(
        _url("shared_need_accept", cluster),
        {
            "key": "theme:energy",
            "title": "",
            "description": "Our careful words.",
            "priority": "high",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Our careful words." in page
    assert "This field is required." in page
    assert not cluster.needs.exists()


def test_an_unknown_proposal_is_a_message_not_an_error(cluster, as_persona):
    client = as_persona("manager")
    response = client.post(_url("shared_need_dismiss", cluster), {"key": "dimension:nope"})
    assert response.status_code == 302
    page = client.get(_url("shared_needs", cluster)).content.decode()
    assert "This proposal no longer applies" in page
    assert not DismissedProposal.objects.exists()


def test_bad_proposal_rules_are_refused_on_the_form(cluster, as_persona):
    response = as_persona("manager").post(
        _url("shared_needs", cluster), {"below": "7", "min_members": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 5.0." in page
    assert "Ensure this value is greater than or equal to 2." in page
    cluster.refresh_from_db()
    assert cluster.shared_need_below == Decimal("2.5")


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner"])
def test_readers_of_the_cluster_may_not_see_the_proposals(cluster, as_persona, persona):
    assert as_persona(persona).get(_url("shared_needs", cluster)).status_code == 403


def test_the_page_answers_in_a_fixed_number_of_queries(
    cluster, world, as_persona, django_assert_max_num_queries
):
    client = as_persona("manager")
    f.NeedFactory(cluster=cluster, municipality=None, title="Already shared")
    client.get(_url("shared_needs", cluster))
    with django_assert_max_num_queries(25) as few:
        client.get(_url("shared_needs", cluster))
    for index in range(6):
        municipality = f.MunicipalityFactory(name=f"More {index}", code=f"7{index:03}")
        f.ClusterMembershipFactory(cluster=cluster, municipality=municipality)
        closed_round(world, municipality, {"helix": 1, "data": 1})
        f.NeedFactory(municipality=municipality, theme=f"Theme {index % 2}")
    shared_need_proposal_dismiss(cluster=cluster, key="theme:energy", actor=world.manager)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("shared_needs", cluster))


def test_the_manager_may_set_the_goals_when_accepting(cluster, world, as_persona):
    as_persona("manager").post(
        _url("shared_need_accept", cluster),
        {"key": "dimension:helix", "title": "Partners", "priority": "high", "sdg_goals": ["17"]},
    )
    assert Need.objects.get(proposal_key="dimension:helix").sdg_goals == [17]


def test_accepting_a_proposal_that_is_gone_says_why_on_the_page(cluster, as_persona):
    response = as_persona("manager").post(
        _url("shared_need_accept", cluster),
        {"key": "dimension:culture", "title": "Culture", "priority": "high"},
    )
    assert response.status_code == 200
    assert "This proposal no longer applies" in response.content.decode()
    assert not cluster.needs.exists()
