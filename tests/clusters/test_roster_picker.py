"""Adding a member with the picker, and ending a membership with its people and programme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import ClusterMembership, RosterEntry, RosterRole
from clusters.selectors import fold, municipality_picker
from clusters.services import cluster_end_membership
from municipalities.models import Country
from tests import factories as f

TODAY = timezone.localdate


def url(name: str, world, **kwargs) -> str:
    return reverse(f"clusters:{name}", kwargs={"pk": world.cluster_a.pk, **kwargs})


@pytest.fixture
def places(world):
    """Two municipalities called Lund (one Swedish, one Norwegian), Göteborg and Bærum."""
    skane = f.CountyFactory(country=Country.SWEDEN, code="12", name="Skåne län")
    rogaland = f.CountyFactory(country=Country.NORWAY, code="11", name="Rogaland")
    akershus = f.CountyFactory(country=Country.NORWAY, code="32", name="Akershus")
    return {
        "lund_se": f.MunicipalityFactory(name="Lund", code="1281", county=skane),
        "lund_no": f.MunicipalityFactory(
            name="Lund", code="1112", county=rogaland, country=Country.NORWAY, skr_group=""
        ),
        "goteborg": f.MunicipalityFactory(name="Göteborg", code="1480", county=world.ale.county),
        "baerum": f.MunicipalityFactory(
            name="Bærum", code="3201", county=akershus, country=Country.NORWAY, skr_group=""
        ),
    }


def option_pks(result) -> list[int]:
    return [option.pk for option in result.options]


# --- the search --------------------------------------------------------------------------


def test_fold_ignores_case_and_accents():
    assert fold("Göteborg") == "goteborg"
    assert fold("BÆRUM") == "baerum"
    assert fold("Tromsø") == "tromso"
    assert fold("Malung-Sälen") == "malung-salen"


def test_picker_finds_by_name_without_accents(world, places):
    assert option_pks(municipality_picker(world.cluster_a, "goteborg")) == [places["goteborg"].pk]
    assert option_pks(municipality_picker(world.cluster_a, "baerum")) == [places["baerum"].pk]


def test_picker_shows_county_and_country_to_tell_the_two_lunds_apart(world, places):
    with translation.override("sv"):
        result = municipality_picker(world.cluster_a, "lund")
    labels = {option.label for option in result.options}
    assert labels == {"Lund, Skåne län, Sverige", "Lund, Rogaland, Norge"}


def test_picker_finds_by_county_and_by_country(world, places):
    assert option_pks(municipality_picker(world.cluster_a, "skane")) == [places["lund_se"].pk]
    assert option_pks(municipality_picker(world.cluster_a, "lund norge")) == [places["lund_no"].pk]
    by_country = option_pks(municipality_picker(world.cluster_a, "norway"))
    assert set(by_country) == {places["lund_no"].pk, places["baerum"].pk}


def test_picker_leaves_current_members_out_but_not_former_ones(world, places):
    # Ale and Alingsås are open members of cluster A; Lerum is not.
    names = [o.name for o in municipality_picker(world.cluster_a, "al").options]
    assert "Ale" not in names and "Alingsås" not in names
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    cluster_end_membership(membership=membership, left_on=TODAY(), actor=None)
    names = [o.name for o in municipality_picker(world.cluster_a, "al").options]
    assert "Alingsås" in names and "Ale" not in names


def test_picker_lists_at_most_the_limit_and_counts_them_all(world):
    for index in range(25):
        f.MunicipalityFactory(name=f"Storby {index:02d}")
    result = municipality_picker(world.cluster_a, "storby", limit=20)
    assert (len(result.options), result.total, result.more) == (20, 25, 5)


def test_picker_without_text_lists_nothing(world, places):
    assert municipality_picker(world.cluster_a, "  ").options == []


def test_picker_runs_one_query(world, places, django_assert_num_queries):
    with django_assert_num_queries(1):
        municipality_picker(world.cluster_a, "lund")


# --- the pages ---------------------------------------------------------------------------


def test_the_htmx_fragment_lists_matches_as_radio_options_and_updates_the_count(
    world, places, as_persona
):
    response = as_persona("manager").get(
        url("member_search", world), {"q": "lund"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.count('type="radio" name="municipality"') == 2
    assert f'value="{places["lund_se"].pk}"' in html
    assert "Skåne län, Sweden" in html and "Rogaland, Norway" in html
    assert 'id="picker-status" hx-swap-oob="innerHTML"' in html
    assert "2 municipalities match." in html


def test_the_fragment_never_offers_a_current_member(world, as_persona):
    response = as_persona("manager").get(
        url("member_search", world), {"q": "ale"}, HTTP_HX_REQUEST="true"
    )
    assert f'value="{world.ale.pk}"' not in response.content.decode()


def test_the_fragment_opened_without_htmx_redirects_to_the_search_page(world, as_persona):
    response = as_persona("manager").get(url("member_search", world), {"q": "göteborg"})
    assert response.status_code == 302
    assert response["Location"] == url("member_add", world) + "?q=g%C3%B6teborg"
    assert "HX-Request" in response["Vary"]


def test_the_search_fragment_is_for_managers_only(world, as_persona):
    assert (
        as_persona("coordinator")
        .get(url("member_search", world), HTTP_HX_REQUEST="true")
        .status_code
        == 403
    )
    assert as_persona("outsider").get(url("member_search", world)).status_code == 404
    assert as_persona("manager").post(url("member_search", world)).status_code == 405


def test_without_javascript_the_page_searches_with_a_plain_get(world, places, as_persona):
    response = as_persona("manager").get(url("member_add", world), {"q": "goteborg"})
    html = response.content.decode()
    assert 'method="get"' in html and 'name="q"' in html and 'value="goteborg"' in html
    assert f'value="{places["goteborg"].pk}"' in html
    assert 'hx-get="' + url("member_search", world) + '"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'role="status"' in html and "1 municipality matches." in html
    # No 650-option select any more.
    assert '<select name="municipality"' not in html


def test_choosing_from_the_picker_adds_the_member(world, places, as_persona):
    response = as_persona("manager").post(
        url("member_add", world),
        {"municipality": places["lund_no"].pk, "joined_on": "2025-01-15", "status": "active"},
    )
    assert response.status_code == 302
    assert world.cluster_a.memberships.current().filter(municipality=places["lund_no"]).exists()


def test_posting_a_current_member_is_still_refused(world, as_persona):
    response = as_persona("manager").post(
        url("member_add", world),
        {"municipality": world.ale.pk, "joined_on": "2025-01-15", "status": "active"},
    )
    assert response.status_code == 200
    assert "Ale is already a member of this cluster." in response.content.decode()
    assert world.cluster_a.memberships.filter(municipality=world.ale).count() == 1


def test_a_refused_form_keeps_the_chosen_municipality_checked(world, places, as_persona):
    response = as_persona("manager").post(
        url("member_add", world), {"municipality": places["baerum"].pk, "status": "active"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{places["baerum"].pk}" checked' in html


def test_posting_without_a_choice_asks_for_one(world, as_persona):
    response = as_persona("manager").post(
        url("member_add", world), {"joined_on": "2025-01-15", "status": "active"}
    )
    assert "Search for a municipality and choose one." in response.content.decode()


# --- ending a membership -----------------------------------------------------------------


@pytest.fixture
def alingsas_people(world):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    contact = f.UserFactory(full_name="Anna Alingsås")
    expert = f.UserFactory(full_name="Erik Expert")
    entries = [
        f.RosterEntryFactory(
            cluster=world.cluster_a,
            user=contact,
            role=RosterRole.MUNICIPAL_CONTACT,
            municipality=world.alingsas,
        ),
        f.RosterEntryFactory(
            cluster=world.cluster_a,
            user=expert,
            role=RosterRole.EXPERT,
            municipality=world.alingsas,
            started_on=TODAY() + dt.timedelta(days=10),
        ),
    ]
    return membership, entries


def test_the_end_page_lists_the_people_whose_roles_would_end_checked_by_default(
    world, as_persona, alingsas_people
):
    membership, _entries = alingsas_people
    html = (
        as_persona("manager")
        .get(url("member_end", world, membership_pk=membership.pk))
        .content.decode()
    )
    assert "Anna Alingsås" in html and "Erik Expert" in html
    assert "Municipal contact" in html
    assert 'name="end_roster_entries"' in html
    at = html.index('name="end_roster_entries"')
    assert "checked" in html[at - 200 : at + 200]
    # The partner's and the manager's entries are not Alingsås's.
    assert "Per Partner" not in html.split('id="roster-entries-to-end"')[1].split("</ul>")[0]


def test_ending_a_membership_with_its_people_ends_their_roles_in_one_step(
    world, as_persona, alingsas_people
):
    membership, (contact, future_expert) = alingsas_people
    response = as_persona("manager").post(
        url("member_end", world, membership_pk=membership.pk),
        {"ended_on": TODAY().isoformat(), "end_roster_entries": "on"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    contact.refresh_from_db()
    future_expert.refresh_from_db()
    assert membership.left_on == TODAY()
    assert contact.ended_on == TODAY()
    # An entry that starts after the leave date ends on its first day, never before it.
    assert future_expert.ended_on == future_expert.started_on
    # History kept: the rows stay, with a history record of who ended them.
    assert RosterEntry.objects.filter(pk=contact.pk).exists()
    assert contact.history.first().history_user == world.manager
    # Other people's entries are untouched.
    assert world.cluster_a.roster.current().filter(user=world.partner).exists()


def test_ending_a_membership_without_its_people_keeps_their_roles(
    world, as_persona, alingsas_people
):
    membership, (contact, _expert) = alingsas_people
    response = as_persona("manager").post(
        url("member_end", world, membership_pk=membership.pk), {"ended_on": TODAY().isoformat()}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    contact.refresh_from_db()
    assert membership.left_on == TODAY()
    assert contact.ended_on is None


def test_a_refused_end_date_ends_nothing(world, as_persona, alingsas_people):
    membership, (contact, _expert) = alingsas_people
    before_join = membership.joined_on - dt.timedelta(days=1)
    response = as_persona("manager").post(
        url("member_end", world, membership_pk=membership.pk),
        {"ended_on": before_join.isoformat(), "end_roster_entries": "on"},
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.ended_on is None
    assert ClusterMembership.objects.get(pk=membership.pk).left_on is None


def test_the_service_ends_membership_and_roles_in_one_transaction(world, alingsas_people):
    membership, (contact, _expert) = alingsas_people
    cluster_end_membership(
        membership=membership, left_on=TODAY(), actor=world.manager, end_roster_entries=True
    )
    contact.refresh_from_db()
    assert contact.ended_on == TODAY()


def test_the_end_page_says_what_happens_to_the_programme(world, as_persona):
    # Ale has "Ale innovates" in cluster A.
    membership = world.cluster_a.memberships.get(municipality=world.ale)
    html = (
        as_persona("manager")
        .get(url("member_end", world, membership_pk=membership.pk))
        .content.decode()
    )
    assert "Ale innovates" in html
    assert "stays with Ale" in html
    assert "no longer appears in the cluster&#x27;s progress overview" in html or (
        "no longer appears in the cluster's progress overview" in html
    )


def test_the_end_page_says_when_there_is_no_programme_in_the_cluster(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.alingsas)
    html = (
        as_persona("manager")
        .get(url("member_end", world, membership_pk=membership.pk))
        .content.decode()
    )
    assert "Alingsås has no programme linked to this cluster" in html
    # Nobody from Alingsås is on the roster: no checkbox to offer.
    assert 'name="end_roster_entries"' not in html


def test_ending_the_membership_leaves_the_programme_untouched(world, as_persona):
    membership = world.cluster_a.memberships.get(municipality=world.ale)
    as_persona("manager").post(
        url("member_end", world, membership_pk=membership.pk), {"ended_on": TODAY().isoformat()}
    )
    world.program.refresh_from_db()
    assert world.program.cluster_id == world.cluster_a.pk
    assert world.program.municipality_id == world.ale.pk
    assert world.program.status == "active"
