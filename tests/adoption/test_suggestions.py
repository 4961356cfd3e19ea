"""Suggestions: peers' scaled pilots for a municipality's needs, on its portfolio and the
dashboard. Ale and Alingsås share cluster A; Lerum is in cluster B."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import MembershipStatus
from programs.adoption.selectors import pilot_suggestions
from programs.adoption.services import pilot_adopt
from programs.initiatives.models import Initiative, Stage, State
from tests import factories as f
from tests.adoption.helpers import days_ago, need, scaled_pilot


def titles(municipality) -> list[str]:
    return [s.pilot.title for s in pilot_suggestions([municipality.pk])]


def test_a_peers_scaled_pilot_is_suggested_when_a_need_has_its_theme(world):
    own = need(world.ale, "  SMART   water ")  # case and spacing do not matter
    pilot = scaled_pilot(world.alingsas, theme="Smart water")
    (suggestion,) = pilot_suggestions([world.ale.pk])
    assert suggestion.pilot == pilot
    assert suggestion.municipality == world.ale
    assert suggestion.needs == [own]
    assert suggestion.clusters == [world.cluster_a.name]
    assert suggestion.scaled_on == days_ago(30)


def test_a_pilot_for_another_theme_is_not_suggested(world):
    need(world.ale, "Mobility")
    scaled_pilot(world.alingsas, theme="Smart water")
    assert titles(world.ale) == []


def test_a_municipality_without_needs_gets_no_suggestions(world):
    scaled_pilot(world.alingsas)
    assert titles(world.ale) == []


def test_its_own_pilot_is_not_suggested(world):
    need(world.ale, "Smart water")
    scaled_pilot(world.ale)
    assert titles(world.ale) == []


def test_a_pilot_it_adopted_is_no_longer_suggested(world):
    need(world.ale, "Smart water")
    pilot = scaled_pilot(world.alingsas)
    other = scaled_pilot(world.alingsas, title="Läckagesensorer")
    pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    assert titles(world.ale) == [other.title]


def test_a_copy_of_its_own_pilot_scaled_by_a_peer_is_not_suggested_back(world):
    need(world.ale, "Smart water")
    original = scaled_pilot(world.ale)
    copy = pilot_adopt(source=original, municipality=world.alingsas, actor=world.admin)
    Initiative.objects.filter(pk=copy.pk).update(
        stage=Stage.IMPLEMENTATION, need=need(world.alingsas, "Smart water")
    )
    assert titles(world.ale) == []


def test_pilots_of_other_clusters_are_not_suggested(world):
    need(world.ale, "Smart water")
    scaled_pilot(world.lerum)
    assert titles(world.ale) == []


@pytest.mark.parametrize("who", ["adopter", "owner"])
def test_only_current_cluster_memberships_count(world, who):
    need(world.ale, "Smart water")
    scaled_pilot(world.alingsas)
    left = world.ale if who == "adopter" else world.alingsas
    world.cluster_a.memberships.filter(municipality=left).update(
        left_on=timezone.localdate(), status=MembershipStatus.LEFT
    )
    assert titles(world.ale) == []


def test_a_shared_cluster_other_than_the_first_counts(world):
    need(world.lerum, "Smart water")
    f.ClusterMembershipFactory(cluster=world.cluster_b, municipality=world.alingsas)
    scaled_pilot(world.alingsas)
    (suggestion,) = pilot_suggestions([world.lerum.pk])
    assert suggestion.clusters == [world.cluster_b.name]


@pytest.mark.parametrize(
    "stage, state, suggested",
    [
        (Stage.IDEA, State.ACTIVE, False),
        (Stage.CONCEPT, State.ACTIVE, False),
        (Stage.PILOT, State.ACTIVE, False),
        (Stage.IMPLEMENTATION, State.ACTIVE, True),
        (Stage.IMPLEMENTATION, State.PARKED, True),
        (Stage.IMPLEMENTATION, State.STOPPED, False),
        (Stage.OPERATION, State.ACTIVE, True),
    ],
)
def test_only_pilots_past_the_implementation_gate_and_not_stopped(world, stage, state, suggested):
    need(world.ale, "Smart water")
    scaled_pilot(world.alingsas, stage=stage, state=state)
    assert bool(titles(world.ale)) is suggested


def test_a_joint_initiative_of_the_cluster_is_not_suggested(world):
    need(world.ale, "Smart water")
    pilot = scaled_pilot(world.alingsas)
    Initiative.objects.filter(pk=pilot.pk).update(municipality=None, cluster=world.cluster_a)
    assert titles(world.ale) == []


def test_the_newest_pilots_come_first(world):
    need(world.ale, "Smart water")
    need(world.ale, "Mobility")
    scaled_pilot(world.alingsas, title="Old", scaled_on=days_ago(300))
    scaled_pilot(world.alingsas, title="New", scaled_on=days_ago(3), theme="mobility")
    scaled_pilot(world.alingsas, title="Middle", scaled_on=days_ago(100))
    assert titles(world.ale) == ["New", "Middle", "Old"]
    assert [s.pilot.title for s in pilot_suggestions([world.ale.pk], limit=2)] == [
        "New",
        "Middle",
    ]


def test_suggestions_for_several_municipalities_each_with_its_own_exclusions(world):
    need(world.ale, "Smart water")
    need(world.alingsas, "Smart water")
    ale_pilot = scaled_pilot(world.ale, title="Ale's")
    alingsas_pilot = scaled_pilot(world.alingsas, title="Alingsås'")
    found = {
        (s.municipality.name, s.pilot.pk)
        for s in pilot_suggestions([world.ale.pk, world.alingsas.pk])
    }
    assert found == {("Ale", alingsas_pilot.pk), ("Alingsås", ale_pilot.pk)}


def _grow(world, times: int) -> None:
    """``times`` more clusters Ale and Alingsås share, needs of Ale, and scaled pilots of
    Alingsås (half of them matching)."""
    for n in range(times):
        cluster = f.ClusterFactory()
        f.ClusterMembershipFactory(cluster=cluster, municipality=world.ale)
        f.ClusterMembershipFactory(cluster=cluster, municipality=world.alingsas)
        need(world.ale, f"Theme {n}")
        scaled_pilot(world.alingsas, title=f"Pilot {n}", theme=f"Theme {n}")
        scaled_pilot(world.alingsas, title=f"Other {n}", theme=f"Nobody's {n}")


def test_suggestions_cost_the_same_queries_at_ten_times_the_data(world, django_assert_num_queries):
    _grow(world, 1)
    with django_assert_num_queries(3):
        assert len(pilot_suggestions([world.ale.pk])) == 1
    _grow(world, 9)
    with django_assert_num_queries(3):
        assert len(pilot_suggestions([world.ale.pk])) == 10


# --- shown on the pages ----------------------------------------------------------------------


def portfolio_url(world) -> str:
    return reverse("initiatives:municipality", kwargs={"pk": world.ale.pk})


def adopt_url(pilot) -> str:
    return reverse("adoption:adopt", kwargs={"pk": pilot.pk})


SUGGESTIONS = reverse("adoption:suggestions")


def page(client, where: str, world) -> str:
    """The portfolio; the dashboard's section as htmx loads it; or the suggestions page."""
    if where == "portfolio":
        response = client.get(portfolio_url(world))
    elif where == "dashboard":
        response = client.get(SUGGESTIONS, HTTP_HX_REQUEST="true")
    else:
        response = client.get(SUGGESTIONS)
    assert response.status_code == 200
    return response.content.decode()


WHERE = ["portfolio", "dashboard", "page"]


@pytest.mark.parametrize("persona", ["coordinator", "viewer"])
def test_the_dashboard_loads_the_suggestions_after_the_page(world, as_persona, persona):
    content = as_persona(persona).get(reverse("portal:dashboard")).content.decode()
    assert f'hx-get="{SUGGESTIONS}" hx-trigger="load"' in content
    assert f'<noscript><p class="mb-5"><a href="{SUGGESTIONS}">' in content


@pytest.mark.parametrize("persona", ["manager", "partner", "outsider"])
def test_the_dashboard_of_someone_without_a_municipality_loads_no_suggestions(
    world, as_persona, persona
):
    content = as_persona(persona).get(reverse("portal:dashboard")).content.decode()
    assert SUGGESTIONS not in content


def test_the_dashboards_section_is_a_fragment_and_the_link_a_page(world, as_persona):
    need(world.ale, "Smart water")
    scaled_pilot(world.alingsas)
    client = as_persona("coordinator")
    fragment = page(client, "dashboard", world)
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert "<html" in page(client, "page", world)


@pytest.mark.parametrize("where", WHERE)
def test_a_coordinator_sees_the_suggestion_with_an_adopt_button(world, as_persona, where):
    need(world.ale, "Smart water")
    pilot = scaled_pilot(world.alingsas)
    content = page(as_persona("coordinator"), where, world)
    assert reverse("adoption:pilot", kwargs={"pk": pilot.pk}) in content
    assert f'action="{adopt_url(pilot)}"' in content


@pytest.mark.parametrize("where", WHERE)
def test_a_viewer_sees_the_suggestion_without_a_button(world, as_persona, where):
    need(world.ale, "Smart water")
    pilot = scaled_pilot(world.alingsas)
    content = page(as_persona("viewer"), where, world)
    assert reverse("adoption:pilot", kwargs={"pk": pilot.pk}) in content
    assert adopt_url(pilot) not in content


def test_the_clusters_manager_sees_the_suggestions_on_the_portfolio_without_a_button(
    world, as_persona
):
    need(world.ale, "Smart water")
    pilot = scaled_pilot(world.alingsas)
    content = page(as_persona("manager"), "portfolio", world)
    assert reverse("adoption:pilot", kwargs={"pk": pilot.pk}) in content
    assert adopt_url(pilot) not in content


@pytest.mark.parametrize("persona", ["manager", "partner", "outsider", "other_coordinator"])
def test_people_with_no_peer_of_the_pilot_get_no_suggestion_of_it(world, as_persona, persona):
    need(world.ale, "Smart water")
    pilot = scaled_pilot(world.alingsas)
    for where in ("dashboard", "page"):
        assert pilot.title not in page(as_persona(persona), where, world)


def test_no_suggestion_section_when_there_is_nothing_to_suggest(world, as_persona):
    need(world.ale, "Mobility")
    scaled_pilot(world.alingsas)
    client = as_persona("coordinator")
    assert 'id="adoption-suggestions"' not in page(client, "portfolio", world)
    assert page(client, "dashboard", world).strip() == ""
    assert 'id="no-suggestions"' in page(client, "page", world)


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "manager", "admin"])
def test_the_suggestions_cost_the_same_queries_at_ten_times_the_data(world, as_persona, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_persona(persona)

    def counts() -> list[int]:
        found = []
        for address, headers in (
            (SUGGESTIONS, {"HTTP_HX_REQUEST": "true"}),
            (SUGGESTIONS, {}),
            (portfolio_url(world), {}),
        ):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(address, **headers).status_code == 200
            found.append(len(captured))
        return found

    _grow(world, 1)
    client.get(SUGGESTIONS)  # warm the session
    small = counts()
    _grow(world, 9)
    assert counts() == small
