"""The municipality list: population with its year, sorting, and each municipality's clusters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clusters.models import MembershipStatus
from municipalities.models import Municipality
from tests import factories as f
from tests.municipalities.test_views import FAST_HASHERS, list_url, make_municipalities

LIST_QUERY_BUDGET = 12


@pytest.fixture(autouse=True)
def fast_hashers(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def _set_population(municipality: Municipality, population: int) -> None:
    municipality.population = population
    municipality.population_year = 2024
    municipality.population_source = "SSB 07459"
    municipality.save()


def _rows(response) -> list[Municipality]:
    return list(response.context["page"].object_list)


def test_list_shows_population_with_its_year(world, as_persona):
    _set_population(world.ale, 32_595)
    content = as_persona("coordinator").get(list_url(q="Ale")).content.decode()
    assert "32,595" in content or "32 595" in content or "32\xa0595" in content
    assert "(2024)" in content


def test_list_sorts_by_population_largest_first_with_unknown_last(world, as_persona):
    small, large, unknown = make_municipalities(3)
    _set_population(small, 1_000)
    _set_population(large, 900_000)
    response = as_persona("coordinator").get(list_url(q="Kommun", sort="-population"))
    assert _rows(response) == [large, small, unknown]
    ascending = as_persona("coordinator").get(list_url(q="Kommun", sort="population"))
    assert _rows(ascending) == [small, large, unknown]


def test_list_sorts_by_name_both_ways(world, as_persona):
    client = as_persona("coordinator")
    names = [m.name for m in _rows(client.get(list_url(sort="name")))]
    assert names == sorted(names)
    reverse_names = [m.name for m in _rows(client.get(list_url(sort="-name")))]
    assert reverse_names == sorted(reverse_names, reverse=True)


def test_list_marks_the_sorted_column_and_keeps_the_filters_in_its_links(world, as_persona):
    content = as_persona("coordinator").get(list_url(country="SE", sort="-population"))
    html = content.content.decode()
    assert 'aria-sort="descending"' in html
    assert "country=SE&amp;sort=population" in html


def test_list_refuses_an_unknown_sort(world, as_persona):
    response = as_persona("coordinator").get(list_url(sort="password"))
    assert response.status_code == 200
    assert response.context["filter"].form.errors["sort"]


def test_list_shows_each_municipalitys_current_clusters_as_links(world, as_persona):
    former = make_municipalities(1)[0]
    f.ClusterMembershipFactory(
        cluster=world.cluster_a,
        municipality=former,
        joined_on=dt.date(2019, 1, 1),
        left_on=dt.date(2020, 1, 1),
        status=MembershipStatus.LEFT,
    )
    response = as_persona("admin").get(list_url(q="Kommun"))
    row = next(m for m in _rows(response) if m == former)
    assert row.open_memberships == []
    ale = next(m for m in _rows(as_persona("admin").get(list_url(q="Ale"))) if m == world.ale)
    assert [m.cluster for m in ale.open_memberships]
    html = as_persona("admin").get(list_url(q="Ale")).content.decode()
    link = reverse("portal:cluster_detail", args=[ale.open_memberships[0].cluster.pk])
    assert f'href="{link}"' in html


@pytest.mark.parametrize("persona", ["coordinator", "admin"])
def test_sorted_list_query_count_does_not_grow_with_the_data(
    world, as_persona, django_assert_max_num_queries, persona
):
    client = as_persona(persona)

    def grow(count: int) -> None:
        for index, municipality in enumerate(make_municipalities(count)):
            _set_population(municipality, 1_000 + index)
            f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
            f.ClusterMembershipFactory(cluster=world.cluster_b, municipality=municipality)

    grow(3)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        small = client.get(list_url(sort="-population"))
    assert small.status_code == 200
    grow(40)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        large = client.get(list_url(sort="-population"))
    assert large.status_code == 200
    rows = _rows(large)
    assert rows[0].population == 1_039
    assert all(len(row.open_memberships) >= 1 for row in rows[:40])
