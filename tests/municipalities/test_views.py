"""Municipality pages: the list, one municipality's page and appointing its people."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import MembershipStatus, RosterRole
from innocities.accounts.models import User
from municipalities.models import Country, MunicipalityMembership, MunicipalityRole
from municipalities.services import (
    municipality_membership_grant,
    municipality_membership_revoke,
)
from tests import factories as f
from tests.concurrency import someone_else_inserts_first

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    # The personas' passwords are hashed when the world is built; real hashing is slow.
    settings.PASSWORD_HASHERS = FAST_HASHERS


def list_url(**query: object) -> str:
    from urllib.parse import urlencode

    return reverse("portal:municipality_list") + ("?" + urlencode(query) if query else "")


def detail_url(municipality) -> str:
    return reverse("portal:municipality_detail", kwargs={"pk": municipality.pk})


def members_url(municipality) -> str:
    return reverse("municipalities:members", kwargs={"pk": municipality.pk})


def revoke_url(municipality, membership) -> str:
    return reverse(
        "municipalities:member_revoke",
        kwargs={"pk": municipality.pk, "membership_pk": membership.pk},
    )


_codes = itertools.count(8000)


def make_municipalities(count: int, **fields: object) -> list:
    """Municipalities with codes of their own (the factory's sequence can meet the world's)."""
    return [
        f.MunicipalityFactory(code=str(next(_codes)), name=f"Kommun {next(_codes)}", **fields)
        for _ in range(count)
    ]


def names_on(response) -> list[str]:
    return [m.name for m in response.context["page"].object_list]


# --- list --------------------------------------------------------------------------------


def test_list_shows_every_municipality_to_any_signed_in_person(world, as_persona):
    response = as_persona("outsider").get(list_url())
    assert response.status_code == 200
    assert names_on(response) == ["Ale", "Alingsås", "Lerum"]
    assert "1440" in response.content.decode()


def test_list_sends_anonymous_to_login(world, client):
    response = client.get(list_url())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_list_rejects_post(world, as_persona):
    assert as_persona("admin").post(list_url()).status_code == 405


def test_list_searches_by_name_or_code(world, as_persona):
    client = as_persona("coordinator")
    assert names_on(client.get(list_url(q="alin"))) == ["Alingsås"]
    assert names_on(client.get(list_url(q="1441"))) == ["Lerum"]
    assert names_on(client.get(list_url(q="144"))) == ["Ale", "Lerum"]


def test_list_filters_by_country_county_and_skr_group(world, as_persona):
    norway = f.CountyFactory(country=Country.NORWAY, code="46", name="Vestland")
    f.MunicipalityFactory(
        country=Country.NORWAY, code="4601", name="Bergen", county=norway, skr_group=""
    )
    client = as_persona("viewer")
    assert names_on(client.get(list_url(country="NO"))) == ["Bergen"]
    assert names_on(client.get(list_url(county=norway.pk))) == ["Bergen"]
    f.MunicipalityFactory(name="Tjörn", code="1407", skr_group="C9")
    f.MunicipalityFactory(name="Orust", code="1421", skr_group="C9")
    assert names_on(client.get(list_url(skr_group="C9"))) == ["Orust", "Tjörn"]
    assert names_on(client.get(list_url(skr_group="C9", q="tjö"))) == ["Tjörn"]


def test_list_filters_by_open_members_of_a_cluster(world, as_persona):
    f.ClusterMembershipFactory(
        cluster=world.cluster_a,
        municipality=world.lerum,
        joined_on=dt.date(2020, 1, 1),
        left_on=dt.date(2021, 1, 1),
        status=MembershipStatus.LEFT,
    )
    response = as_persona("manager").get(list_url(cluster=world.cluster_a.pk))
    # Lerum left cluster A: only the open members are listed.
    assert names_on(response) == ["Ale", "Alingsås"]


def test_list_cluster_filter_outside_scope_is_an_error_and_lists_nothing(world, as_persona):
    response = as_persona("coordinator").get(list_url(cluster=world.cluster_b.pk))
    assert response.status_code == 200
    assert names_on(response) == []
    assert response.context["filter"].form.errors["cluster"]


def test_list_shows_only_clusters_the_person_may_read(world, as_persona):
    outsider_page = as_persona("outsider").get(list_url()).content.decode()
    assert world.cluster_a.name not in outsider_page
    assert world.cluster_b.name not in outsider_page
    coordinator_page = as_persona("coordinator").get(list_url()).content.decode()
    assert world.cluster_a.name in coordinator_page
    assert world.cluster_b.name not in coordinator_page
    admin_page = as_persona("admin").get(list_url()).content.decode()
    assert world.cluster_b.name in admin_page


def test_list_rejects_oversized_search_with_a_message(world, as_persona):
    response = as_persona("coordinator").get(list_url(q="x" * 101))
    assert response.status_code == 200
    assert response.context["filter"].form.errors["q"]
    assert names_on(response) == []


def test_list_paginates_by_fifty(world, as_persona):
    make_municipalities(60)
    client = as_persona("viewer")
    first = client.get(list_url())
    assert len(first.context["page"].object_list) == 50
    second = client.get(list_url(page=2))
    assert len(second.context["page"].object_list) == 13
    # A page out of range shows the last page rather than an error.
    assert client.get(list_url(page=99)).context["page"].number == 2


def _grow(world, municipalities: int) -> None:
    county = f.CountyFactory(code="13", name="Hallands län")
    clusters = [world.cluster_a, world.cluster_b]
    for index, municipality in enumerate(make_municipalities(municipalities, county=county)):
        f.ClusterMembershipFactory(cluster=clusters[index % 2], municipality=municipality)
        f.ClusterMembershipFactory(
            cluster=clusters[(index + 1) % 2],
            municipality=municipality,
            joined_on=dt.date(2019, 1, 1),
            left_on=dt.date(2020, 1, 1),
            status=MembershipStatus.LEFT,
        )


LIST_QUERY_BUDGET = 12


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_list_query_count_does_not_grow_with_the_data(
    world, as_persona, django_assert_max_num_queries, persona
):
    client = as_persona(persona)
    _grow(world, 4)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        small = client.get(list_url())
    assert small.status_code == 200
    _grow(world, 40)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        large = client.get(list_url(cluster=world.cluster_a.pk, q="Kommun"))
    assert large.status_code == 200
    assert len(large.context["page"].object_list) == 22


# --- detail ------------------------------------------------------------------------------


def test_detail_shows_the_facts(world, as_persona):
    world.ale.population = 31868
    world.ale.population_year = 2024
    world.ale.population_source = "SCB"
    world.ale.skr_group = "B4"
    world.ale.save()
    page = as_persona("outsider").get(detail_url(world.ale)).content.decode()
    for text in ("Ale", "1440", world.ale.county.name, "B4 Commuter municipality", "2024", "SCB"):
        assert text in page
    assert "31" in page and "868" in page


def test_detail_lists_current_and_former_cluster_memberships(world, as_persona):
    f.ClusterMembershipFactory(
        cluster=world.cluster_b,
        municipality=world.ale,
        joined_on=dt.date(2019, 3, 1),
        left_on=dt.date(2020, 6, 30),
        status=MembershipStatus.LEFT,
    )
    response = as_persona("admin").get(detail_url(world.ale))
    memberships = response.context["memberships"]
    assert [(m.cluster, m.is_open) for m in memberships] == [
        (world.cluster_a, True),
        (world.cluster_b, False),
    ]
    assert "Former member" in response.content.decode()


def test_detail_hides_memberships_of_clusters_the_person_may_not_read(world, as_persona):
    response = as_persona("outsider").get(detail_url(world.ale))
    assert response.context["memberships"] == []
    assert world.cluster_a.name not in response.content.decode()


def test_coordinator_sees_own_municipality_people_needs_and_programme(world, as_persona):
    f.NeedFactory(municipality=world.ale, title="Safer school routes")
    response = as_persona("coordinator").get(detail_url(world.ale))
    page = response.content.decode()
    assert "Ale innovates" in page
    assert "Safer school routes" in page
    assert world.viewer.email in page and world.coordinator.email in page
    assert reverse("municipalities:members", kwargs={"pk": world.ale.pk}) not in page


def test_other_coordinator_sees_nothing_of_ale_beyond_the_facts(world, as_persona):
    f.NeedFactory(municipality=world.ale, title="Safer school routes")
    response = as_persona("other_coordinator").get(detail_url(world.ale))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ale innovates" not in page
    assert "Safer school routes" not in page
    assert world.coordinator.email not in page
    assert response.context["programs"] == []
    assert response.context["people"] == []


def test_cluster_peer_sees_needs_but_not_people_or_programmes(world, as_persona):
    # The partner reads cluster A, where Ale is an open member.
    f.NeedFactory(municipality=world.ale, title="Safer school routes")
    response = as_persona("partner").get(detail_url(world.ale))
    page = response.content.decode()
    assert "Safer school routes" in page
    assert world.coordinator.email not in page
    assert "Ale innovates" not in page


def test_manager_sees_people_programme_and_the_members_link(world, as_persona):
    page = as_persona("manager").get(detail_url(world.ale)).content.decode()
    assert "Ale innovates" in page
    assert world.coordinator.email in page
    assert members_url(world.ale) in page


def test_other_manager_sees_no_programme_of_ale(world, as_persona):
    page = as_persona("other_manager").get(detail_url(world.ale)).content.decode()
    assert "Ale innovates" not in page
    assert world.coordinator.email not in page
    assert members_url(world.ale) not in page


def test_detail_of_unknown_municipality_is_404(world, as_persona):
    url = reverse("portal:municipality_detail", kwargs={"pk": 999999})
    assert as_persona("admin").get(url).status_code == 404


def test_detail_rejects_post(world, as_persona):
    assert as_persona("coordinator").post(detail_url(world.ale)).status_code == 405


DETAIL_QUERY_BUDGET = 14


def _grow_ale(world, size: int) -> None:
    for index in range(size):
        cluster = f.ClusterFactory()
        f.ClusterMembershipFactory(cluster=cluster, municipality=world.ale)
        f.RosterEntryFactory(cluster=cluster, user=world.manager, role=RosterRole.EXPERT)
        f.NeedFactory(municipality=world.ale)
        f.MunicipalityMembershipFactory(
            municipality=world.ale,
            role=MunicipalityRole.VIEWER if index % 2 else MunicipalityRole.COORDINATOR,
        )
        program = f.ProgramFactory(municipality=world.ale, cluster=world.cluster_a)
        f.TaskFactory(program=program)
        f.MilestoneFactory(program=program)


@pytest.mark.parametrize("persona", ["manager", "coordinator", "admin"])
def test_detail_query_count_does_not_grow_with_the_data(
    world, as_persona, django_assert_max_num_queries, persona
):
    client = as_persona(persona)
    _grow_ale(world, 2)
    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET):
        assert client.get(detail_url(world.ale)).status_code == 200
    _grow_ale(world, 20)
    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET):
        response = client.get(detail_url(world.ale))
    assert len(response.context["programs"]) == 23
    assert len(response.context["needs"]) == 22


# --- people and roles --------------------------------------------------------------------


def test_manager_sees_the_people_of_a_member_municipality(world, as_persona):
    response = as_persona("manager").get(members_url(world.ale))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.coordinator.email in page and world.viewer.email in page
    assert world.other_coordinator.email not in page


@pytest.mark.parametrize(
    "persona",
    ["outsider", "coordinator", "viewer", "other_coordinator", "partner", "other_manager"],
)
def test_members_page_is_forbidden_below_manager_of_its_cluster(world, as_persona, persona):
    client = as_persona(persona)
    assert client.get(members_url(world.ale)).status_code == 403
    response = client.post(
        members_url(world.ale), {"email": "new@example.se", "full_name": "N", "role": "viewer"}
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="new@example.se").exists()


def test_members_page_of_unknown_municipality_is_404(world, as_persona):
    url = reverse("municipalities:members", kwargs={"pk": 999999})
    assert as_persona("manager").get(url).status_code == 404


def test_members_page_rejects_other_methods(world, as_persona):
    assert as_persona("manager").put(members_url(world.ale)).status_code == 405


def test_manager_cannot_manage_a_former_member_municipality(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    membership.left_on = timezone.localdate()
    membership.status = MembershipStatus.LEFT
    membership.save()
    assert as_persona("manager").get(members_url(world.alingsas)).status_code == 403


def test_manager_makes_an_existing_person_viewer(world, as_persona):
    response = as_persona("manager").post(
        members_url(world.ale),
        {"email": "Outsider@Example.se", "full_name": "", "role": "viewer", "language": "sv"},
    )
    assert response.status_code == 302
    membership = MunicipalityMembership.objects.get(user=world.outsider, municipality=world.ale)
    assert membership.role == MunicipalityRole.VIEWER
    assert membership.history.get().history_user == world.manager


def test_admin_changes_a_viewer_into_a_coordinator(world, as_persona):
    response = as_persona("admin").post(
        members_url(world.ale),
        {"email": world.viewer.email, "role": "coordinator", "language": "sv"},
        follow=True,
    )
    assert response.status_code == 200
    membership = world.viewer.municipality_memberships.get(municipality=world.ale)
    assert membership.role == MunicipalityRole.COORDINATOR
    assert [h.role for h in membership.history.order_by("history_date")] == [
        "viewer",
        "coordinator",
    ]
    assert "is now coordinator of Ale" in response.content.decode()


def test_manager_invites_a_new_person_as_coordinator(
    world, as_persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = as_persona("manager").post(
            members_url(world.ale),
            {
                "email": "ny.samordnare@ale.se",
                "full_name": "Nina Ny",
                "role": "coordinator",
                "language": "sv",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="ny.samordnare@ale.se")
    assert user.full_name == "Nina Ny"
    assert not user.has_usable_password()
    assert user.municipality_memberships.get().role == MunicipalityRole.COORDINATOR
    assert len(callbacks) == 1  # the invitation is queued once the grant commits


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address", "role": "viewer", "language": "sv"}, "email"),
        ({"email": "", "role": "viewer", "language": "sv"}, "email"),
        ({"email": "ny@ale.se", "role": "mayor", "language": "sv"}, "role"),
        ({"email": "ny@ale.se", "role": "viewer", "language": "xx"}, "language"),
        (
            {"email": "ny@ale.se", "full_name": "x" * 151, "role": "viewer", "language": "sv"},
            "full_name",
        ),
        # An unknown address needs a name to invite the person.
        ({"email": "ny@ale.se", "full_name": "", "role": "viewer", "language": "sv"}, "full_name"),
        ({"email": "a@b.se" + "x" * 260, "role": "viewer", "language": "sv"}, "email"),
    ],
)
def test_members_bad_input_re_renders_with_a_message_and_saves_nothing(
    world, as_persona, data, field
):
    users, memberships = User.objects.count(), MunicipalityMembership.objects.count()
    response = as_persona("manager").post(members_url(world.ale), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert (User.objects.count(), MunicipalityMembership.objects.count()) == (users, memberships)


def test_granting_the_role_a_person_already_holds_shows_an_error(world, as_persona):
    response = as_persona("manager").post(
        members_url(world.ale),
        {"email": world.coordinator.email, "role": "coordinator", "language": "sv"},
    )
    assert response.status_code == 200
    assert "already coordinator of Ale" in " ".join(response.context["form"].non_field_errors())
    assert world.coordinator.municipality_memberships.get().history.count() == 1


def test_granting_a_role_to_a_deactivated_account_shows_an_error(world, as_persona):
    world.outsider.is_active = False
    world.outsider.save()
    response = as_persona("manager").post(
        members_url(world.ale),
        {"email": world.outsider.email, "role": "viewer", "language": "sv"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert not world.outsider.municipality_memberships.exists()


def test_manager_revokes_a_viewer_and_history_keeps_who_did_it(world, as_persona):
    membership = world.viewer.municipality_memberships.get()
    response = as_persona("manager").post(revoke_url(world.ale, membership))
    assert response.status_code == 302
    assert response["Location"] == members_url(world.ale)
    assert not MunicipalityMembership.objects.filter(pk=membership.pk).exists()
    deleted = MunicipalityMembership.history.filter(id=membership.pk).latest("history_date")
    assert deleted.history_type == "-"
    assert deleted.history_user == world.manager


def test_revoke_with_htmx_returns_the_updated_people_fragment(world, as_persona):
    membership = world.viewer.municipality_memberships.get()
    response = as_persona("admin").post(
        revoke_url(world.ale, membership), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "municipalities/_people.html"
    page = response.content.decode()
    assert world.viewer.email not in page and world.coordinator.email in page
    assert "no longer has a role" in page


def test_revoke_of_another_municipality_membership_is_404(world, as_persona):
    lerum_membership = world.other_coordinator.municipality_memberships.get()
    response = as_persona("manager").post(revoke_url(world.ale, lerum_membership))
    assert response.status_code == 404
    assert MunicipalityMembership.objects.filter(pk=lerum_membership.pk).exists()


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner", "other_manager"])
def test_revoke_is_forbidden_below_manager_of_its_cluster(world, as_persona, persona):
    membership = world.viewer.municipality_memberships.get()
    assert as_persona(persona).post(revoke_url(world.ale, membership)).status_code == 403
    assert MunicipalityMembership.objects.filter(pk=membership.pk).exists()


def test_revoke_rejects_get(world, as_persona):
    membership = world.viewer.municipality_memberships.get()
    assert as_persona("manager").get(revoke_url(world.ale, membership)).status_code == 405


# --- services ----------------------------------------------------------------------------


def test_grant_rejects_an_unknown_role(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        municipality_membership_grant(
            municipality=world.ale, user=world.outsider, role="mayor", actor=world.admin
        )
    assert not world.outsider.municipality_memberships.exists()


def test_revoke_twice_raises_a_validation_error(world):
    from django.core.exceptions import ValidationError

    membership = world.viewer.municipality_memberships.get()
    municipality_membership_revoke(membership=membership, actor=world.admin)
    with pytest.raises(ValidationError):
        municipality_membership_revoke(membership=membership, actor=world.admin)


# --- two people at once -------------------------------------------------------------------


def test_a_role_granted_by_someone_else_at_the_same_moment_is_a_form_error(world, as_persona):
    def other_manager_grants() -> MunicipalityMembership:
        return MunicipalityMembership.objects.create(
            municipality=world.ale, user=world.outsider, role="viewer"
        )

    with someone_else_inserts_first(
        "municipalities_municipalitymembership", other_manager_grants
    ) as race:
        response = as_persona("manager").post(
            members_url(world.ale),
            {"email": world.outsider.email, "role": "coordinator", "language": "sv"},
        )
    assert race, "the other grant did not happen: the test proves nothing"
    assert response.status_code == 200
    form = response.context["form"]
    assert "Someone else changed this at the same moment" in " ".join(form.non_field_errors())
    assert form["email"].value() == world.outsider.email  # what the manager wrote is kept
    assert not world.outsider.municipality_memberships.exists()  # nothing half-saved
