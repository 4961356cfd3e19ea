from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.indicators.models import Direction, Frequency, Indicator, IndicatorValue
from programs.indicators.selectors import indicator_series, indicator_status
from programs.indicators.services import (
    indicator_create,
    indicator_update,
    indicator_value_record,
)
from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

BASE = {
    "name": "Renewable energy share",
    "frequency": Frequency.YEARLY,
    "direction": Direction.HIGHER_IS_BETTER,
    "baseline_value": Decimal(10),
    "target_value": Decimal(40),
}


def test_indicator_for_a_programme_is_created_with_its_author(world):
    indicator = indicator_create(actor=world.coordinator, program=world.program, **BASE)
    assert indicator.program == world.program
    assert indicator.history.get().history_user == world.coordinator


def test_indicator_for_a_cluster_is_created(world):
    indicator = indicator_create(actor=world.manager, cluster=world.cluster_a, **BASE)
    assert indicator.cluster == world.cluster_a
    assert indicator.program is None


def test_indicator_with_both_programme_and_cluster_is_refused(world):
    with pytest.raises(ValidationError):
        indicator_create(actor=world.admin, program=world.program, cluster=world.cluster_a, **BASE)
    assert not Indicator.objects.exists()


def test_indicator_with_neither_programme_nor_cluster_is_refused(world):
    with pytest.raises(ValidationError):
        indicator_create(actor=world.admin, **BASE)


def test_database_refuses_an_indicator_with_both_scopes(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            program=world.program,
            cluster=world.cluster_a,
            name="Both",
            baseline_value=1,
            target_value=2,
        )


def test_database_refuses_an_indicator_without_scope(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(name="None", baseline_value=1, target_value=2)


@pytest.mark.parametrize("kpi", ["N00945", "U01234"])
def test_kolada_kpi_in_the_right_format_is_accepted(world, kpi):
    indicator = indicator_create(actor=world.admin, program=world.program, kolada_kpi=kpi, **BASE)
    assert indicator.kolada_kpi == kpi


@pytest.mark.parametrize("kpi", ["X00945", "N0945", "n00945", "N009456", "N 0945"])
def test_kolada_kpi_in_a_wrong_format_is_refused(world, kpi):
    with pytest.raises(ValidationError) as error:
        indicator_create(actor=world.admin, program=world.program, kolada_kpi=kpi, **BASE)
    assert "kolada_kpi" in error.value.error_dict


def test_target_below_baseline_is_refused_when_higher_is_better(world):
    with pytest.raises(ValidationError) as error:
        indicator_create(
            actor=world.admin,
            program=world.program,
            **{**BASE, "baseline_value": Decimal(50), "target_value": Decimal(10)},
        )
    assert "target_value" in error.value.error_dict


def test_indicator_update_changes_fields_but_not_the_scope(world):
    indicator = IndicatorFactory(program=world.program)
    indicator_update(indicator=indicator, actor=world.coordinator, name="New name", unit="kWh")
    indicator.refresh_from_db()
    assert (indicator.name, indicator.unit, indicator.program) == (
        "New name",
        "kWh",
        world.program,
    )
    with pytest.raises(TypeError):
        indicator_update(indicator=indicator, actor=world.admin, program=world.other_program)


def test_value_record_replaces_the_value_for_the_same_period(world):
    indicator = IndicatorFactory(program=world.program, frequency=Frequency.YEARLY)
    indicator_value_record(
        indicator=indicator, actor=world.coordinator, period=dt.date(2025, 1, 1), value=Decimal(12)
    )
    indicator_value_record(
        indicator=indicator,
        actor=world.coordinator,
        period=dt.date(2025, 6, 30),
        value=Decimal(15),
        note="corrected",
    )
    row = IndicatorValue.objects.get(indicator=indicator)
    assert (row.period, row.value, row.note) == (dt.date(2025, 1, 1), Decimal(15), "corrected")


@pytest.mark.parametrize(
    ("frequency", "day", "period"),
    [
        (Frequency.MONTHLY, dt.date(2025, 5, 17), dt.date(2025, 5, 1)),
        (Frequency.QUARTERLY, dt.date(2025, 5, 17), dt.date(2025, 4, 1)),
        (Frequency.QUARTERLY, dt.date(2025, 12, 31), dt.date(2025, 10, 1)),
        (Frequency.YEARLY, dt.date(2025, 5, 17), dt.date(2025, 1, 1)),
    ],
)
def test_value_is_stored_on_the_first_day_of_its_period(world, frequency, day, period):
    indicator = IndicatorFactory(program=world.program, frequency=frequency)
    row = indicator_value_record(
        indicator=indicator, actor=world.admin, period=day, value=Decimal(1)
    )
    assert row.period == period


def test_database_refuses_two_values_for_one_period(world):
    value = IndicatorValueFactory(indicator=IndicatorFactory(program=world.program))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(indicator=value.indicator, period=value.period, value=1)


def test_status_without_values_has_no_progress(world):
    status = indicator_status(IndicatorFactory(program=world.program))
    assert (status.latest_value, status.progress, status.target_reached) == (None, None, False)


def test_status_progress_when_higher_is_better(world):
    indicator = IndicatorFactory(
        program=world.program, baseline_value=Decimal(10), target_value=Decimal(50)
    )
    IndicatorValueFactory(indicator=indicator, period=dt.date(2024, 1, 1), value=Decimal(5))
    IndicatorValueFactory(indicator=indicator, period=dt.date(2025, 1, 1), value=Decimal(20))
    status = indicator_status(indicator)
    assert status.latest_value == Decimal(20)
    assert status.latest_period == dt.date(2025, 1, 1)
    assert status.progress == Decimal("25.0")
    assert not status.target_reached


def test_status_progress_when_lower_is_better(world):
    indicator = IndicatorFactory(
        program=world.program,
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=Decimal(100),
        target_value=Decimal(60),
    )
    IndicatorValueFactory(indicator=indicator, period=dt.date(2025, 1, 1), value=Decimal(90))
    status = indicator_status(indicator)
    assert status.progress == Decimal("25.0")
    assert not status.target_reached


def test_status_moving_the_wrong_way_is_negative_and_clamped_for_bars(world):
    indicator = IndicatorFactory(
        program=world.program,
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=Decimal(100),
        target_value=Decimal(60),
    )
    IndicatorValueFactory(indicator=indicator, period=dt.date(2025, 1, 1), value=Decimal(110))
    status = indicator_status(indicator)
    assert status.progress == Decimal("-25.0")
    assert status.progress_clamped == 0


def test_status_past_the_target_is_reached_in_both_directions(world):
    up = IndicatorFactory(program=world.program, baseline_value=0, target_value=10)
    IndicatorValueFactory(indicator=up, value=Decimal(12))
    down = IndicatorFactory(
        program=world.program,
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=10,
        target_value=5,
    )
    IndicatorValueFactory(indicator=down, value=Decimal(4))
    assert indicator_status(up).target_reached
    assert indicator_status(up).progress_clamped == 100
    assert indicator_status(down).target_reached


def test_status_when_baseline_equals_target_has_no_progress(world):
    indicator = IndicatorFactory(program=world.program, baseline_value=5, target_value=5)
    IndicatorValueFactory(indicator=indicator, value=Decimal(5))
    status = indicator_status(indicator)
    assert status.progress is None
    assert status.target_reached


def _make_indicators(program, count: int) -> list[Indicator]:
    indicators = IndicatorFactory.create_batch(count, program=program)
    for indicator in indicators:
        for year in (2023, 2024, 2025):
            IndicatorValueFactory(indicator=indicator, period=dt.date(year, 1, 1))
    return indicators


@pytest.mark.parametrize("count", [3, 30])
def test_series_for_many_indicators_is_one_query(world, django_assert_max_num_queries, count):
    indicators = _make_indicators(world.program, count)
    indicators.append(IndicatorFactory(program=world.program))  # no values yet
    with django_assert_max_num_queries(1):
        series = indicator_series(indicators)
    assert len(series) == count + 1
    assert series[indicators[-1].pk] == []
    first = series[indicators[0].pk]
    assert [period.year for period, _value in first] == [2023, 2024, 2025]


def test_series_of_nothing_makes_no_query(django_assert_max_num_queries, db):
    with django_assert_max_num_queries(0):
        assert indicator_series([]) == {}


def test_indicator_history_records_the_value_author(world):
    indicator = IndicatorFactory(program=world.program)
    row = indicator_value_record(
        indicator=indicator, actor=world.manager, period=dt.date(2025, 1, 1), value=Decimal(3)
    )
    assert row.history.get().history_user == world.manager
