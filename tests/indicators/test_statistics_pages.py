"""Where fetched statistics show: the indicator pages, the form's choice of source, and the
comparison of a cluster's members under the benchmarking consent rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from innocities.core.permissions import Roles
from programs.indicators.models import (
    Indicator,
    IndicatorValue,
    ReferenceValue,
    Source,
    ValueStatus,
)
from programs.indicators.selectors import cluster_comparison, latest_values
from tests import factories as f
from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

D = Decimal
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FETCHED = timezone.make_aware(dt.datetime(2026, 2, 3, 4, 40))


def _fetched(indicator, year: int, value, status=ValueStatus.FINAL, source=Source.KOLADA):
    return IndicatorValue.objects.create(
        indicator=indicator,
        period=dt.date(year, 1, 1),
        value=value,
        status=status,
        source=source,
        source_period=str(year),
        fetched_at=FETCHED,
    )


def _reference(code: str, value, *, year=2023, key="N00945", source=Source.KOLADA, status=None):
    return ReferenceValue.objects.create(
        source=source,
        key=key,
        area_code=code,
        source_period=str(year),
        period=dt.date(year, 1, 1),
        value=value,
        status=status or (ValueStatus.MISSING if value is None else ValueStatus.FINAL),
        fetched_at=FETCHED,
    )


def _list(scope: str, pk: int) -> str:
    name = "indicators:program_list" if scope == "programmes" else "indicators:cluster_list"
    return reverse(name, kwargs={"pk": pk})


# --- the programme's list and value pages ----------------------------------------------------


def test_the_list_shows_a_synced_value_with_its_source_preliminary_mark_and_date(world, as_persona):
    indicator = IndicatorFactory(
        program=world.program, name="Renewable share", source=Source.KOLADA, kolada_kpi="N00945"
    )
    _fetched(indicator, 2022, D("33.75"))
    _fetched(indicator, 2023, D("34.9"), ValueStatus.PRELIMINARY)

    html = as_persona("viewer").get(_list("programmes", world.program.pk), **EN).content.decode()

    assert "Source: Kolada" in html
    assert "Preliminary" in html
    assert "34.9" in html
    assert "fetched 2026-02-03" in html


def test_a_newer_missing_period_is_shown_as_missing_not_zero(world, as_persona):
    indicator = IndicatorFactory(program=world.program, source=Source.KOLADA, kolada_kpi="N00945")
    _fetched(indicator, 2023, D("34.9"))
    _fetched(indicator, 2024, None, ValueStatus.MISSING)

    html = as_persona("viewer").get(_list("programmes", world.program.pk), **EN).content.decode()

    assert "Missing for 2024" in html
    assert "34.9" in html


def test_the_value_page_lists_fetched_missing_and_typed_values(world, as_persona):
    indicator = IndicatorFactory(program=world.program, source=Source.KOLADA, kolada_kpi="N00945")
    _fetched(indicator, 2023, D("34.9"))
    _fetched(indicator, 2024, None, ValueStatus.MISSING)
    IndicatorValueFactory(indicator=indicator, period=dt.date(2022, 1, 1), value=D(50))
    url = reverse(
        "indicators:value",
        kwargs={"scope": "programmes", "parent_pk": world.program.pk, "pk": indicator.pk},
    )

    html = as_persona("coordinator").get(url, **EN).content.decode()

    assert "Source: Kolada" in html
    assert "Missing" in html
    assert "Typed in by hand: kept by the sync" in html
    assert "fetched from Kolada every night" in html


def test_a_person_types_a_value_over_a_fetched_one_and_it_is_theirs(world, as_persona):
    indicator = IndicatorFactory(program=world.program, source=Source.KOLADA, kolada_kpi="N00945")
    _fetched(indicator, 2024, None, ValueStatus.MISSING)
    url = reverse(
        "indicators:value",
        kwargs={"scope": "programmes", "parent_pk": world.program.pk, "pk": indicator.pk},
    )

    response = as_persona("coordinator").post(
        url, {"period": "2024-05-01", "value": "12", "note": ""}
    )

    assert response.status_code == 302
    row = indicator.values.get(period=dt.date(2024, 1, 1))
    assert (row.value, row.source, row.status, row.fetched_at) == (D(12), "manual", "final", None)


def test_a_person_must_give_a_number(world, as_persona):
    indicator = IndicatorFactory(program=world.program)
    url = reverse(
        "indicators:value",
        kwargs={"scope": "programmes", "parent_pk": world.program.pk, "pk": indicator.pk},
    )
    response = as_persona("coordinator").post(url, {"period": "2024-05-01", "value": ""}, **EN)
    assert response.status_code == 200
    assert not indicator.values.exists()


def test_latest_values_skips_missing_periods_in_one_query(world, django_assert_num_queries):
    first = IndicatorFactory(program=world.program)
    second = IndicatorFactory(program=world.program)
    _fetched(first, 2022, D(1))
    _fetched(first, 2023, D(2))
    _fetched(first, 2024, None, ValueStatus.MISSING)
    with django_assert_num_queries(1):
        latest = latest_values([first.pk, second.pk])
    assert list(latest) == [first.pk]
    assert latest[first.pk].value == D(2)


# --- the form ----------------------------------------------------------------------------------

FORM = {
    "name": "Women living in Oslo",
    "unit": "",
    "description": "",
    "frequency": "yearly",
    "direction": "higher_is_better",
    "baseline_value": "10",
    "baseline_period": "2024",
    "target_value": "40",
    "target_period": "2027",
}


def _create(world, as_persona, scope, pk, persona, **data):
    url = reverse("indicators:create", kwargs={"scope": scope, "parent_pk": pk})
    return as_persona(persona).post(url, {**FORM, **data}, **EN)


def test_the_form_ties_a_cluster_indicator_to_an_ssb_table(world, as_persona):
    response = _create(
        world,
        as_persona,
        "clusters",
        world.cluster_a.pk,
        "manager",
        source="ssb",
        ssb_table="07459",
        ssb_contents_code="Personer1",
        ssb_region_variable="",
        ssb_filters_text="Kjonn=2\nAlder = 999D",
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Women living in Oslo")
    assert (indicator.source, indicator.ssb_table, indicator.ssb_region_variable) == (
        "ssb",
        "07459",
        "Region",
    )
    assert indicator.ssb_filters == {"Kjonn": "2", "Alder": "999D"}
    assert indicator.statistics_key == "07459/Personer1/Alder=999D,Kjonn=2"


def test_the_form_shows_the_filters_back_when_editing(world, as_persona):
    indicator = IndicatorFactory(
        program=None,
        cluster=world.cluster_a,
        source=Source.SSB,
        ssb_table="07459",
        ssb_contents_code="Personer1",
        ssb_filters={"Kjonn": "2"},
    )
    url = reverse(
        "indicators:edit",
        kwargs={"scope": "clusters", "parent_pk": world.cluster_a.pk, "pk": indicator.pk},
    )
    html = as_persona("manager").get(url, **EN).content.decode()
    assert "Kjonn=2" in html
    assert "Where the values come from" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"source": "kolada"}, "kolada_kpi", "Give the Kolada KPI id"),
        ({"source": "ssb"}, "ssb_table", "Give the SSB table"),
        (
            {
                "source": "ssb",
                "ssb_table": "07459",
                "ssb_contents_code": "Personer1",
                "ssb_filters_text": "Kjonn",
            },
            "ssb_filters_text",
            "variable=value",
        ),
        (
            {"source": "ssb", "ssb_table": "7459", "ssb_contents_code": "Personer1"},
            "ssb_table",
            "five digits",
        ),
        (
            {"source": "ssb", "ssb_table": "07459", "ssb_contents_code": "Per soner"},
            "ssb_contents_code",
            "contents code",
        ),
    ],
    ids=["kolada-without-kpi", "ssb-without-table", "bad-filter", "bad-table", "bad-code"],
)
def test_the_form_says_what_a_source_needs(world, as_persona, data, field, message):
    response = _create(world, as_persona, "clusters", world.cluster_a.pk, "manager", **data)
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert not Indicator.objects.filter(name=FORM["name"]).exists()


def test_a_swedish_programme_cannot_take_its_values_from_ssb(world, as_persona):
    response = _create(
        world,
        as_persona,
        "programmes",
        world.program.pk,
        "coordinator",
        source="ssb",
        ssb_table="07459",
        ssb_contents_code="Personer1",
    )
    assert response.status_code == 200
    assert "use Kolada" in " ".join(
        str(e) for e in response.context["form"].errors.get("source", [])
    )


def test_a_swedish_programme_takes_its_values_from_kolada(world, as_persona):
    response = _create(
        world,
        as_persona,
        "programmes",
        world.program.pk,
        "coordinator",
        source="kolada",
        kolada_kpi="N00945",
    )
    assert response.status_code == 302
    assert Indicator.objects.get(name=FORM["name"]).source == Source.KOLADA


# --- the cluster's comparison ------------------------------------------------------------------


@pytest.fixture
def comparison_world(world):
    """Cluster A with four members: Ale (the coordinator's), Alingsås (not sharing), Borås
    and Mölndal (sharing); a Kolada indicator with figures for all and for the country."""
    borås = f.MunicipalityFactory(name="Borås", code="1490", share_benchmarks=True)
    mölndal = f.MunicipalityFactory(name="Mölndal", code="1481", share_benchmarks=True)
    for municipality in (borås, mölndal):
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
    indicator = IndicatorFactory(
        program=None,
        cluster=world.cluster_a,
        name="Renewable share",
        source=Source.KOLADA,
        kolada_kpi="N00945",
    )
    _reference("1440", D("34.9"), status=ValueStatus.PRELIMINARY)
    _reference("1489", D("36.2"))
    _reference("1490", D("20.5"))
    _reference("1481", D("41"))
    _reference("0000", D("40.4"))
    _reference("1440", D("30"), year=2022)  # an older year is not the comparison's
    return indicator


def _compare(world, indicator, *, roles: Roles, full_view: bool):
    (comparison,) = cluster_comparison(
        Cluster.objects.get(pk=world.cluster_a.pk), [indicator], roles=roles, full_view=full_view
    )
    return comparison


def test_managers_see_every_member_by_name_and_the_range(world, comparison_world):
    comparison = _compare(world, comparison_world, roles=Roles(), full_view=True)
    names = [m.municipality.name for m in comparison.members]
    assert names == ["Ale", "Alingsås", "Borås", "Mölndal"]
    assert (comparison.minimum, comparison.maximum) == (D("20.5"), D("41"))
    assert comparison.national.value == D("40.4")
    assert comparison.source_period == "2023"


def test_a_coordinator_sees_their_own_and_the_sharing_members(world, comparison_world):
    roles = Roles(coordinator_municipality_ids=frozenset({world.ale.pk}))
    comparison = _compare(world, comparison_world, roles=roles, full_view=False)
    assert [(m.municipality.name, m.is_own) for m in comparison.members] == [
        ("Ale", True),
        ("Borås", False),
        ("Mölndal", False),
    ]
    assert comparison.unseen_members == 1
    # Alingsås's figure never leaves the selector; with one unseen member, the range would
    # give it away (it is the maximum here), so it is withheld.
    assert comparison.range_hidden
    assert comparison.minimum is None and comparison.maximum is None
    assert comparison.members[0].figure.status == ValueStatus.PRELIMINARY


def test_the_range_shows_when_no_single_member_is_given_away(world, comparison_world):
    stranger = f.MunicipalityFactory(name="Kungälv", code="1482")
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=stranger)
    _reference("1482", D("25"))
    roles = Roles(coordinator_municipality_ids=frozenset({world.ale.pk}))
    comparison = _compare(world, comparison_world, roles=roles, full_view=False)
    assert comparison.unseen_members == 2
    assert not comparison.range_hidden
    assert (comparison.minimum, comparison.maximum) == (D("20.5"), D("41"))


def test_a_partner_sees_only_the_sharing_members(world, comparison_world):
    comparison = _compare(world, comparison_world, roles=Roles(), full_view=False)
    assert [m.municipality.name for m in comparison.members] == ["Borås", "Mölndal"]


def test_too_few_members_hide_the_range_from_others(world):
    indicator = IndicatorFactory(
        program=None, cluster=world.cluster_a, source=Source.KOLADA, kolada_kpi="N00945"
    )
    _reference("1440", D(1))
    _reference("1489", D(2))
    roles = Roles(coordinator_municipality_ids=frozenset({world.ale.pk}))
    assert _compare(world, indicator, roles=roles, full_view=False).range_hidden
    assert not _compare(world, indicator, roles=roles, full_view=True).range_hidden


def test_the_cluster_page_shows_the_comparison_to_a_coordinator(
    world, as_persona, comparison_world
):
    html = as_persona("coordinator").get(_list("clusters", world.cluster_a.pk), **EN).content
    text = html.decode()
    assert f'id="comparison-{comparison_world.pk}"' in text
    assert "Borås" in text and "Ale" in text
    assert "Alingsås" not in text.split('id="comparison-')[1]
    assert "36.2" not in text
    assert "Withheld" in text
    assert "National figure" in text and "40.4" in text


def test_the_cluster_page_shows_every_member_to_the_manager(world, as_persona, comparison_world):
    text = as_persona("manager").get(_list("clusters", world.cluster_a.pk), **EN).content.decode()
    assert "Alingsås" in text and "36.2" in text
    assert "20.5–41" in text


def _grow_cluster(world, n: int, start: int) -> None:
    """``n`` more sharing members of cluster A and ``n`` more Kolada indicators, with figures."""
    codes = []
    for i in range(n):
        municipality = f.MunicipalityFactory(code=f"{start + i}", share_benchmarks=True)
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
        codes.append(municipality.code)
    for i in range(n):
        kpi = f"N{start + i:05d}"
        indicator = IndicatorFactory(
            program=None, cluster=world.cluster_a, source=Source.KOLADA, kolada_kpi=kpi
        )
        _fetched(indicator, 2023, D(i))
        for code in [*codes, "1440", "0000"]:
            _reference(code, D(i), key=kpi)


def test_the_cluster_page_costs_the_same_queries_at_ten_times_the_data(
    world, as_persona, django_assert_max_num_queries
):
    client = as_persona("coordinator")
    url = _list("clusters", world.cluster_a.pk)
    _grow_cluster(world, 2, 9100)
    client.get(url)  # warm the session and the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow_cluster(world, 20, 9200)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["comparisons"]) == 22


def test_the_programme_page_costs_the_same_queries_at_ten_times_the_data(
    world, as_persona, django_assert_max_num_queries
):
    client = as_persona("coordinator")
    url = _list("programmes", world.program.pk)

    def grow(n: int) -> None:
        for _ in range(n):
            indicator = IndicatorFactory(
                program=world.program, source=Source.KOLADA, kolada_kpi="N00945"
            )
            _fetched(indicator, 2023, D(3))
            _fetched(indicator, 2024, None, ValueStatus.MISSING)

    grow(2)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    grow(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
