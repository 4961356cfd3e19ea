"""The peer view of a scaled pilot: who reads it, what it shows and leaves out, the list of
peers' pilots, and the adoption hooks on the initiative and cluster pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import MembershipStatus
from municipalities.models import MunicipalityRole
from programs.adoption.services import pilot_adopt
from programs.initiatives.models import Stage, State
from programs.lessons.models import Lesson, Visibility
from tests import factories as f
from tests.adoption.helpers import need, scaled_pilot
from tests.authz import PERSONAS


def url(pilot) -> str:
    return reverse("adoption:pilot", kwargs={"pk": pilot.pk})


def queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


# The pilot is Alingsås' (cluster A): Ale's people and cluster A's manager are its peers.
PEER_VIEW = {
    "anonymous": 302,
    "outsider": 404,
    "coordinator": 200,
    "other_coordinator": 404,
    "viewer": 200,
    "partner": 404,
    "manager": 200,
    "other_manager": 404,
    "admin": 200,
}
MAY_ADOPT = {"coordinator", "admin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_the_peer_view_and_who_gets_the_button(world, as_persona, persona):
    pilot = scaled_pilot(world.alingsas)
    response = as_persona(persona).get(url(pilot))
    assert response.status_code == PEER_VIEW[persona]
    if response.status_code == 200:
        content = response.content.decode()
        has_button = reverse("adoption:adopt", kwargs={"pk": pilot.pk}) in content
        assert has_button is (persona in MAY_ADOPT)


def test_the_owners_own_people_read_it_but_get_no_button(world, client):
    pilot = scaled_pilot(world.alingsas)
    own = f.UserFactory()
    f.MunicipalityMembershipFactory(
        user=own, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    client.force_login(own)
    response = client.get(url(pilot))
    assert response.status_code == 200
    assert reverse("adoption:adopt", kwargs={"pk": pilot.pk}) not in response.content.decode()


@pytest.mark.parametrize(
    "stage, state",
    [(Stage.PILOT, State.ACTIVE), (Stage.CONCEPT, State.ACTIVE), (Stage.OPERATION, State.STOPPED)],
)
@pytest.mark.parametrize("persona", ["coordinator", "manager", "admin"])
def test_an_initiative_that_is_no_scaled_pilot_has_no_peer_view(
    world, as_persona, persona, stage, state
):
    pilot = scaled_pilot(world.alingsas, stage=stage, state=state)
    assert as_persona(persona).get(url(pilot)).status_code == 404
    assert (
        as_persona(persona).post(reverse("adoption:adopt", kwargs={"pk": pilot.pk})).status_code
        == 404
    )


def test_a_joint_initiative_has_no_peer_view(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    type(pilot).objects.filter(pk=pilot.pk).update(municipality=None, cluster=world.cluster_a)
    assert as_persona("coordinator").get(url(pilot)).status_code == 404


def test_a_peer_who_left_the_cluster_no_longer_reads_it(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    world.cluster_a.memberships.filter(municipality=world.ale).update(
        left_on=timezone.localdate(), status=MembershipStatus.LEFT
    )
    assert as_persona("coordinator").get(url(pilot)).status_code == 404
    assert as_persona("viewer").get(url(pilot)).status_code == 404


def test_the_peer_view_shows_what_was_learned_and_leaves_out_the_internals(world, as_persona):
    lead = f.UserFactory(full_name="Lisa Ledare")
    pilot = scaled_pilot(world.alingsas, lead=lead)
    content = as_persona("coordinator").get(url(pilot), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for shown in (
        pilot.title,
        pilot.description,
        pilot.need.title,
        "Smart water",
        "Hushållen vill ha larm 0",
        "De flesta ville ha sms",  # a learning
        "Enkät till 200 hushåll",  # how it was tested
        "Validated",
        "Färre vattenläckor",  # expected benefits
        "Leverantören går i konkurs",  # risks
        "Management group",
        "Pilot → Implementation and scale-up",
    ):
        assert shown in content, shown
    for hidden in ("Lisa Ledare", "Kim Hemlig", "Internt resonemang", "250", "VA-chefen"):
        assert hidden not in content, hidden


def test_the_peer_view_shows_the_lessons_the_reader_may_read(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    shared = Lesson.objects.create(
        municipality=world.alingsas,
        initiative=pilot,
        title="Börja med de största kunderna",
        body="Storkunderna läcker mest.",
        visibility=Visibility.CLUSTERS,
    )
    Lesson.objects.create(
        municipality=world.alingsas,
        initiative=pilot,
        title="Internt: leverantörsstrul",
        body="Bara för oss.",
        visibility=Visibility.MUNICIPALITY,
    )
    content = as_persona("coordinator").get(url(pilot)).content.decode()
    assert shared.title in content
    assert reverse("lessons:detail", kwargs={"pk": shared.pk}) in content
    assert "leverantörsstrul" not in content


def test_adopters_are_named_to_their_peers_and_counted_for_others(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    # Stenungsund shares another cluster with Alingsås only: not a peer of Ale.
    stenungsund = f.MunicipalityFactory(name="Stenungsund")
    other_cluster = f.ClusterFactory(name="Bohuslän")
    f.ClusterMembershipFactory(cluster=other_cluster, municipality=world.alingsas)
    f.ClusterMembershipFactory(cluster=other_cluster, municipality=stenungsund)
    pilot_adopt(source=pilot, municipality=stenungsund, actor=world.admin)
    pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    coordinator = as_persona("coordinator").get(url(pilot), HTTP_ACCEPT_LANGUAGE="en")
    content = coordinator.content.decode()
    assert "1 more municipality, not named to you" in content
    assert "Stenungsund" not in content
    assert "Ale adopted this pilot on" in content  # and a link to their own copy
    (copy,) = coordinator.context["view"].own_copies
    assert reverse("initiatives:detail", kwargs={"pk": copy.pk}) in content
    admin = as_persona("admin").get(url(pilot)).content.decode()
    assert "Stenungsund" in admin


def test_the_list_shows_the_pilots_of_the_readers_peers(world, as_persona):
    mine = scaled_pilot(world.alingsas, title="Peer pilot")
    scaled_pilot(world.lerum, title="Lerum pilot")
    scaled_pilot(world.alingsas, title="Still a pilot", stage=Stage.PILOT)
    address = reverse("adoption:pilots")
    content = as_persona("coordinator").get(address).content.decode()
    assert "Peer pilot" in content and url(mine) in content
    assert "Lerum pilot" not in content and "Still a pilot" not in content
    admin = as_persona("admin").get(address).content.decode()
    assert "Lerum pilot" in admin
    for persona in ("partner", "outsider"):
        assert "Peer pilot" not in as_persona(persona).get(address).content.decode()


# --- the hooks on the initiative's and the cluster's pages -----------------------------------


def test_the_originals_page_shows_who_adopted_it(world, as_persona):
    pilot = scaled_pilot(world.ale, lead=world.coordinator)
    pilot_adopt(source=pilot, municipality=world.alingsas, actor=world.admin)
    address = reverse("initiatives:detail", kwargs={"pk": pilot.pk})
    content = as_persona("coordinator").get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Adopted by 1 municipality:" in content
    assert "Alingsås" in content


def test_the_copys_page_links_to_the_peer_view_and_the_originals_lessons(world, as_persona):
    pilot = scaled_pilot(world.alingsas)
    lesson = Lesson.objects.create(
        municipality=world.alingsas,
        initiative=pilot,
        title="Börja med de största kunderna",
        body="Storkunderna läcker mest.",
        visibility=Visibility.CLUSTERS,
    )
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    address = reverse("initiatives:detail", kwargs={"pk": copy.pk})
    content = as_persona("viewer").get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Adopted from Alingsås:" in content
    assert f'href="{url(pilot)}"' in content
    assert f'href="{url(pilot)}#lessons"' in content
    assert lesson.title in content


def test_an_initiative_neither_adopted_nor_adopted_from_shows_nothing(world, as_persona):
    pilot = scaled_pilot(world.ale)
    content = (
        as_persona("coordinator")
        .get(reverse("initiatives:detail", kwargs={"pk": pilot.pk}))
        .content.decode()
    )
    assert 'id="adoption-origin"' not in content


def test_the_cluster_portfolio_counts_adoptions_between_members(world, as_persona):
    first = scaled_pilot(world.alingsas, title="Vattenmätare")
    second = scaled_pilot(world.alingsas, title="Läckagesensorer")
    third = f.MunicipalityFactory(name="Stenungsund")
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=third)
    pilot_adopt(source=first, municipality=world.ale, actor=world.coordinator)
    pilot_adopt(source=first, municipality=third, actor=world.admin)
    pilot_adopt(source=second, municipality=third, actor=world.admin)
    # Adopted by a municipality outside the cluster: not counted.
    outside = scaled_pilot(world.lerum, title="Utanför")
    f.ClusterMembershipFactory(cluster=world.cluster_b, municipality=third)
    pilot_adopt(source=outside, municipality=third, actor=world.admin)
    address = reverse("initiatives:cluster", kwargs={"pk": world.cluster_a.pk})
    content = as_persona("coordinator").get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 adoptions between members, of 2 pilots." in content
    assert url(first) in content and url(second) in content
    assert "Utanför" not in content
    partner = as_persona("partner").get(address, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 adoptions between members, of 2 pilots." in partner
    assert url(first) not in partner
    assert "3 adoptions are counted but not listed" in partner


# --- query counts at ten times the data ------------------------------------------------------


def grow(world, pilot, times: int) -> None:
    """``times`` more of everything the pages read: adopters (in cluster A), lessons,
    decisions and assumptions of the pilot, and adopted pilots in the cluster."""
    from programs.initiatives.models import Assumption, GateDecision

    for n in range(times):
        adopter = f.MunicipalityFactory()
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=adopter)
        need(adopter, "Smart water")
        pilot_adopt(source=pilot, municipality=adopter, actor=world.admin)
        Lesson.objects.create(
            municipality=pilot.municipality,
            initiative=pilot,
            title=f"Lesson {n}",
            body="Text",
            visibility=Visibility.CLUSTERS,
        )
        Assumption.objects.create(
            initiative=pilot, statement=f"More {n}", kind="need", impact=2, uncertainty=2
        )
        GateDecision.objects.create(
            initiative=pilot,
            from_stage="implementation",
            to_stage="operation",
            decision="hold",
            decided_by="X",
            body="management_group",
            decided_on=timezone.localdate(),
            rationale="Wait",
        )
        other = scaled_pilot(world.alingsas, title=f"Other {n}")
        pilot_adopt(source=other, municipality=world.ale, actor=world.admin)
        scaled_pilot(world.alingsas, title=f"Suggested {n}")


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "manager", "admin"])
def test_the_adoption_pages_cost_the_same_queries_at_ten_times_the_data(world, as_persona, persona):
    pilot = scaled_pilot(world.alingsas)
    copy = pilot_adopt(source=pilot, municipality=world.ale, actor=world.coordinator)
    need(world.ale, "Smart water")  # so that Ale's portfolio shows suggestions
    client = as_persona(persona)
    pages = [
        url(pilot),
        reverse("adoption:pilots"),
        reverse("initiatives:detail", kwargs={"pk": copy.pk}),
        reverse("initiatives:cluster", kwargs={"pk": world.cluster_a.pk}),
        reverse("initiatives:municipality", kwargs={"pk": world.ale.pk}),
    ]
    grow(world, pilot, 1)
    queries(client, url(pilot))  # warm the session
    small = [queries(client, page) for page in pages]
    grow(world, pilot, 9)
    assert pilot.adoptions.count() == 11
    large = [queries(client, page) for page in pages]
    assert large == small
    portfolio = client.get(pages[-1]).content.decode()
    assert "Suggested 8" in portfolio
