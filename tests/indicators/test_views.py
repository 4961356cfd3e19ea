from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.indicators.models import Indicator, IndicatorValue
from tests.concurrency import someone_else_inserts_first
from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Renewable energy share",
    "unit": "%",
    "description": "",
    "frequency": "yearly",
    "direction": "higher_is_better",
    "baseline_value": "10",
    "baseline_period": "2024",
    "target_value": "40",
    "target_period": "2027",
    "kolada_kpi": "N00945",
}


def _create_url(scope: str, pk: int) -> str:
    return reverse("indicators:create", kwargs={"scope": scope, "parent_pk": pk})


def _url(name: str, indicator: Indicator) -> str:
    return reverse(
        f"indicators:{name}",
        kwargs={"scope": indicator.scope, "parent_pk": indicator.parent_pk, "pk": indicator.pk},
    )


# --- lists ------------------------------------------------------------------------------


def test_programme_list_shows_latest_value_target_progress_and_trend(world, as_persona):
    indicator = IndicatorFactory(
        program=world.program, name="Solar panels", baseline_value=10, target_value=50
    )
    IndicatorValueFactory(indicator=indicator, period=dt.date(2025, 1, 1), value=Decimal(30))
    response = as_persona("viewer").get(
        reverse("indicators:program_list", kwargs={"pk": world.program.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Solar panels" in html
    assert "<svg" in html
    assert "50.0 %" in html or "50,0 %" in html
    # The viewer reads but may not write.
    assert _url("value", indicator) not in html


def test_programme_list_offers_writing_to_the_coordinator(world, as_persona):
    indicator = IndicatorFactory(program=world.program)
    html = (
        as_persona("coordinator")
        .get(reverse("indicators:program_list", kwargs={"pk": world.program.pk}))
        .content.decode()
    )
    assert _url("value", indicator) in html
    assert _create_url("programmes", world.program.pk) in html


def test_cluster_list_shows_only_the_clusters_indicators(world, as_persona):
    IndicatorFactory(program=None, cluster=world.cluster_a, name="Shared mobility trips")
    IndicatorFactory(program=None, cluster=world.cluster_b, name="Lerum only")
    IndicatorFactory(program=world.program, name="Programme only")
    html = (
        as_persona("partner")
        .get(reverse("indicators:cluster_list", kwargs={"pk": world.cluster_a.pk}))
        .content.decode()
    )
    assert "Shared mobility trips" in html
    assert "Lerum only" not in html
    assert "Programme only" not in html


def _fill(program, count: int) -> None:
    for indicator in IndicatorFactory.create_batch(count, program=program):
        for year in (2023, 2024, 2025):
            IndicatorValueFactory(indicator=indicator, period=dt.date(year, 1, 1))


@pytest.mark.parametrize("count", [2, 20])
def test_programme_list_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, count
):
    _fill(world.program, count)
    client = as_persona("coordinator")
    url = reverse("indicators:program_list", kwargs={"pk": world.program.pk})
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("<svg") == count


@pytest.mark.parametrize("count", [2, 20])
def test_cluster_list_query_count_does_not_grow(
    world, as_persona, django_assert_max_num_queries, count
):
    for indicator in IndicatorFactory.create_batch(count, program=None, cluster=world.cluster_a):
        IndicatorValueFactory(indicator=indicator)
    client = as_persona("manager")
    url = reverse("indicators:cluster_list", kwargs={"pk": world.cluster_a.pk})
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("<svg") == count


@pytest.mark.parametrize("name", ["indicators:program_list", "indicators:cluster_list"])
def test_lists_refuse_post(world, as_persona, name):
    pk = world.program.pk if "program" in name else world.cluster_a.pk
    assert as_persona("admin").post(reverse(name, kwargs={"pk": pk})).status_code == 405


def test_outsider_gets_404_for_the_programme_list(world, as_persona):
    url = reverse("indicators:program_list", kwargs={"pk": world.program.pk})
    assert as_persona("other_coordinator").get(url).status_code == 404


def test_unknown_scope_is_404(world, as_persona):
    assert (
        as_persona("admin").get(f"/indicators/projects/{world.program.pk}/new/").status_code == 404
    )


# --- create -----------------------------------------------------------------------------


def test_coordinator_creates_an_indicator_for_the_programme(world, as_persona):
    response = as_persona("coordinator").post(_create_url("programmes", world.program.pk), VALID)
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.program, indicator.kolada_kpi, indicator.target_value) == (
        world.program,
        "N00945",
        Decimal(40),
    )
    assert indicator.created_by == world.coordinator


def test_manager_creates_an_indicator_for_the_cluster(world, as_persona):
    response = as_persona("manager").post(_create_url("clusters", world.cluster_a.pk), VALID)
    assert response.status_code == 302
    assert Indicator.objects.get().cluster == world.cluster_a


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 403),
        ("partner", 403),
        ("viewer", 403),
        ("other_manager", 404),
        ("outsider", 404),
    ],
)
def test_only_managers_create_cluster_indicators(world, as_persona, persona, status):
    response = as_persona(persona).post(_create_url("clusters", world.cluster_a.pk), VALID)
    assert response.status_code == status
    assert not Indicator.objects.exists()


def test_viewer_cannot_create_a_programme_indicator(world, as_persona):
    response = as_persona("viewer").post(_create_url("programmes", world.program.pk), VALID)
    assert response.status_code == 403
    assert not Indicator.objects.exists()


def test_outsider_cannot_create_a_programme_indicator(world, as_persona):
    response = as_persona("outsider").post(_create_url("programmes", world.program.pk), VALID)
    assert response.status_code == 404


def test_create_refuses_get_and_post_only_methods(world, as_persona):
    response = as_persona("coordinator").put(_create_url("programmes", world.program.pk))
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"baseline_value": ""}, "baseline_value"),
        ({"target_value": "forty"}, "target_value"),
        ({"kolada_kpi": "X945"}, "kolada_kpi"),
        ({"kolada_kpi": "N009450"}, "kolada_kpi"),
        ({"direction": "sideways"}, "direction"),
        ({"name": "x" * 201}, "name"),
        ({"baseline_value": "50", "target_value": "10"}, "target_value"),
        ({"baseline_value": "1e20"}, "baseline_value"),
    ],
)
def test_bad_input_re_renders_the_form_and_saves_nothing(world, as_persona, change, field):
    response = as_persona("coordinator").post(
        _create_url("programmes", world.program.pk), {**VALID, **change}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Indicator.objects.exists()


# --- edit -------------------------------------------------------------------------------


def test_coordinator_edits_an_indicator(world, as_persona):
    indicator = IndicatorFactory(program=world.program)
    response = as_persona("coordinator").post(_url("edit", indicator), {**VALID, "name": "Renamed"})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Renamed"
    assert indicator.program == world.program


def test_edit_form_shows_current_values(world, as_persona):
    indicator = IndicatorFactory(program=world.program, name="Existing name")
    response = as_persona("manager").get(_url("edit", indicator))
    assert response.status_code == 200
    assert "Existing name" in response.content.decode()


def test_indicator_of_another_programme_is_404_through_this_programme(world, as_persona):
    other = IndicatorFactory(program=world.other_program)
    url = reverse(
        "indicators:edit",
        kwargs={"scope": "programmes", "parent_pk": world.program.pk, "pk": other.pk},
    )
    assert as_persona("coordinator").get(url).status_code == 404


def test_viewer_cannot_edit(world, as_persona):
    indicator = IndicatorFactory(program=world.program, name="Keep")
    response = as_persona("viewer").post(_url("edit", indicator), {**VALID, "name": "Changed"})
    assert response.status_code == 403
    indicator.refresh_from_db()
    assert indicator.name == "Keep"


def test_edit_with_bad_kolada_id_saves_nothing(world, as_persona):
    indicator = IndicatorFactory(program=world.program, name="Keep")
    response = as_persona("coordinator").post(
        _url("edit", indicator), {**VALID, "name": "Changed", "kolada_kpi": "K12345"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kolada_kpi"]
    indicator.refresh_from_db()
    assert indicator.name == "Keep"


def test_edit_refuses_delete(world, as_persona):
    indicator = IndicatorFactory(program=world.program)
    assert as_persona("admin").delete(_url("edit", indicator)).status_code == 405


# --- values -----------------------------------------------------------------------------


def test_coordinator_records_a_value_and_a_second_replaces_it(world, as_persona):
    indicator = IndicatorFactory(program=world.program, frequency="quarterly")
    client = as_persona("coordinator")
    assert (
        client.post(_url("value", indicator), {"period": "2025-05-10", "value": "12.5"}).status_code
        == 302
    )
    assert (
        client.post(
            _url("value", indicator), {"period": "2025-06-01", "value": "13", "note": "fixed"}
        ).status_code
        == 302
    )
    row = IndicatorValue.objects.get()
    assert (row.period, row.value, row.note) == (dt.date(2025, 4, 1), Decimal(13), "fixed")


def test_manager_records_a_cluster_value(world, as_persona):
    indicator = IndicatorFactory(program=None, cluster=world.cluster_a)
    response = as_persona("manager").post(
        _url("value", indicator), {"period": "2025-01-01", "value": "3"}
    )
    assert response.status_code == 302
    assert indicator.values.get().value == Decimal(3)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period": "2025-01-01", "value": ""}, "value"),
        ({"period": "2025-01-01", "value": "twelve"}, "value"),
        ({"period": "", "value": "1"}, "period"),
        ({"period": "2025-13-01", "value": "1"}, "period"),
        ({"period": "2025-01-01", "value": "1", "note": "x" * 501}, "note"),
    ],
)
def test_bad_value_input_re_renders_and_saves_nothing(world, as_persona, data, field):
    indicator = IndicatorFactory(program=world.program)
    response = as_persona("coordinator").post(_url("value", indicator), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not IndicatorValue.objects.exists()


def test_viewer_cannot_record_a_value(world, as_persona):
    indicator = IndicatorFactory(program=world.program)
    response = as_persona("viewer").post(
        _url("value", indicator), {"period": "2025-01-01", "value": "1"}
    )
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_outsider_cannot_record_a_value(world, as_persona):
    indicator = IndicatorFactory(program=world.program)
    response = as_persona("other_manager").post(
        _url("value", indicator), {"period": "2025-01-01", "value": "1"}
    )
    assert response.status_code == 404


def test_value_refuses_put(world, as_persona):
    indicator = IndicatorFactory(program=world.program)
    assert as_persona("coordinator").put(_url("value", indicator)).status_code == 405


def test_programme_and_cluster_pages_link_to_indicators(world, as_persona):
    client = as_persona("coordinator")
    program_html = client.get(
        reverse("programs:detail", kwargs={"pk": world.program.pk})
    ).content.decode()
    assert reverse("indicators:program_list", kwargs={"pk": world.program.pk}) in program_html
    cluster_html = client.get(
        reverse("portal:cluster_detail", kwargs={"pk": world.cluster_a.pk})
    ).content.decode()
    assert reverse("indicators:cluster_list", kwargs={"pk": world.cluster_a.pk}) in cluster_html


# --- two people at once -------------------------------------------------------------------


def test_a_value_recorded_by_someone_else_at_the_same_moment_is_a_form_error(world, as_persona):
    indicator = IndicatorFactory(program=world.program, frequency="yearly")

    def manager_records() -> IndicatorValue:
        return IndicatorValue.objects.create(
            indicator=indicator, period=dt.date(2025, 1, 1), value=Decimal(7)
        )

    with someone_else_inserts_first("indicators_indicatorvalue", manager_records) as race:
        response = as_persona("coordinator").post(
            _url("value", indicator), {"period": "2025-05-10", "value": "12.5"}
        )
    assert race, "the other value was not recorded: the test proves nothing"
    assert response.status_code == 200
    form = response.context["form"]
    assert "Someone else changed this at the same moment" in " ".join(form.non_field_errors())
    assert form["value"].value() == "12.5"
    assert not indicator.values.exists()
