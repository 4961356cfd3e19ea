"""The two functions the reminder scan calls for statistics that could not be fetched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from municipalities.models import MunicipalityRole
from programs.indicators.models import Source, StatisticsFailure
from programs.indicators.reminders import (
    statistics_failure_reminders,
    statistics_failures_due_on,
)
from tests import factories as f
from tests.indicators.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def _failure(indicator, *, day=DAY, resolved=False) -> StatisticsFailure:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(4, 40)))
    return StatisticsFailure.objects.create(
        indicator=indicator,
        source=indicator.source,
        target="Kolada N00945 (0000,1440)",
        error="HTTP 500 from http://127.0.0.1/kolada",
        failed_on=day,
        first_failed_at=moment,
        last_failed_at=moment,
        resolved_at=moment if resolved else None,
    )


@pytest.fixture
def programme_indicator(world):
    return IndicatorFactory(
        program=world.program, name="Renewable share", source=Source.KOLADA, kolada_kpi="N00945"
    )


def test_a_programme_indicators_failure_goes_to_its_municipalitys_coordinators(
    world, programme_indicator
):
    failure = _failure(programme_indicator)
    # A second coordinator of Ale hears of it too; an inactive one does not.
    second = f.UserFactory()
    f.MunicipalityMembershipFactory(
        user=second, municipality=world.ale, role=MunicipalityRole.COORDINATOR
    )
    gone = f.UserFactory(is_active=False)
    f.MunicipalityMembershipFactory(
        user=gone, municipality=world.ale, role=MunicipalityRole.COORDINATOR
    )

    (due,) = statistics_failure_reminders([DAY], to_managers=False)

    assert due.content_type == ContentType.objects.get_for_model(StatisticsFailure)
    assert due.object_id == failure.pk
    assert due.day == DAY
    assert due.recipient_ids == {world.coordinator.pk, second.pk}
    assert due.program_id == world.program.pk
    assert due.url.endswith(f"#indicator-{programme_indicator.pk}")
    assert due.context["title"] == "Renewable share (Ale)"
    assert "HTTP 500" in due.context["error"]


def test_an_escalated_failure_goes_to_the_programmes_cluster_managers(world, programme_indicator):
    _failure(programme_indicator)
    (due,) = statistics_failure_reminders([DAY], to_managers=True)
    assert due.recipient_ids == {world.manager.pk}


def test_a_cluster_indicators_failure_goes_to_the_clusters_managers(world):
    indicator = IndicatorFactory(
        program=None, cluster=world.cluster_b, source=Source.KOLADA, kolada_kpi="N00945"
    )
    _failure(indicator)
    for to_managers in (False, True):
        (due,) = statistics_failure_reminders([DAY], to_managers=to_managers)
        assert due.recipient_ids == {world.other_manager.pk}
        assert due.program_id is None


def test_only_failures_that_began_on_the_days_asked_are_due(programme_indicator):
    _failure(programme_indicator, day=DAY - dt.timedelta(days=1))
    assert statistics_failure_reminders([DAY], to_managers=False) == []


def test_resolved_failures_and_untied_indicators_remind_nobody(world, programme_indicator):
    resolved = _failure(programme_indicator, resolved=True)
    untied = IndicatorFactory(program=world.program, source=Source.MANUAL)
    stale = _failure(untied)
    assert statistics_failure_reminders([DAY], to_managers=False) == []
    assert statistics_failures_due_on([resolved.pk, stale.pk, 999999]) == {}


def test_due_on_answers_the_day_each_open_failure_began(programme_indicator):
    failure = _failure(programme_indicator)
    assert statistics_failures_due_on([failure.pk]) == {failure.pk: DAY}


def test_the_reminders_cost_the_same_queries_for_many_failures(
    world, django_assert_max_num_queries
):
    for _ in range(10):
        _failure(IndicatorFactory(program=world.program, source=Source.KOLADA, kolada_kpi="N00945"))
    ContentType.objects.get_for_model(StatisticsFailure)  # cached, as in the scan
    with django_assert_max_num_queries(3):
        dues = statistics_failure_reminders([DAY], to_managers=False)
    assert len(dues) == 10
    with django_assert_max_num_queries(1):
        assert len(statistics_failures_due_on(d.object_id for d in dues)) == 10
