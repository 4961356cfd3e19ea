"""The statistics sync against recorded Kolada and SSB answers, served by a local HTTP server
and read through the real clients."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from municipalities.models import Country
from programs.indicators.models import (
    IndicatorValue,
    ReferenceValue,
    Source,
    StatisticsFailure,
    StatisticsSyncRun,
    ValueStatus,
)
from programs.indicators.reminders import (
    statistics_failure_reminders,
    statistics_failures_due_on,
)
from programs.indicators.selectors import COUNTRY_CODES
from programs.indicators.services import indicator_value_record, statistics_sync
from programs.indicators.statistics import KOLADA_COUNTRY, SSB_COUNTRY
from tests import factories as f
from tests.indicators.factories import IndicatorFactory
from tests.statistics.conftest import RECORDED

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def kolada_indicator(world):
    return IndicatorFactory(
        program=world.program, name="Renewable share", source=Source.KOLADA, kolada_kpi="N00945"
    )


@pytest.fixture
def oslo_program(world):
    county = f.CountyFactory(country=Country.NORWAY, code="03", name="Oslo")
    oslo = f.MunicipalityFactory(
        country=Country.NORWAY, code="0301", name="Oslo", county=county, skr_group=""
    )
    return f.ProgramFactory(municipality=oslo, title="Oslo smart")


@pytest.fixture
def ssb_indicator(oslo_program):
    return IndicatorFactory(
        program=oslo_program,
        name="Women living in Oslo",
        source=Source.SSB,
        ssb_table="07459",
        ssb_contents_code="Personer1",
        ssb_filters={"Kjonn": "2"},
    )


def _values(indicator) -> dict[str, IndicatorValue]:
    return {row.source_period or str(row.period): row for row in indicator.values.all()}


# --- Kolada ------------------------------------------------------------------------------------


def test_kolada_sync_writes_values_with_source_status_and_period(stats_server, kolada_indicator):
    result = statistics_sync()

    assert result.failed == 0
    values = _values(kolada_indicator)
    assert set(values) == {"2021", "2022", "2023", "2024"}
    first = values["2021"]
    assert (first.value, first.status, first.source) == (D("32.4"), "final", "kolada")
    assert first.period == dt.date(2021, 1, 1)
    assert first.fetched_at is not None
    assert values["2022"].value == D("33.75")
    # The national figure and the municipality's own are kept as references.
    assert ReferenceValue.objects.get(area_code="0000", source_period="2023").value == D("40.4")
    assert ReferenceValue.objects.filter(area_code="1440").count() == 4
    # A programme's indicator does not need the other members' figures.
    assert not ReferenceValue.objects.filter(area_code="1489").exists()


def test_kolada_preliminary_value_is_flagged(stats_server, kolada_indicator):
    statistics_sync()
    row = kolada_indicator.values.get(source_period="2023")
    assert (row.value, row.status) == (D("34.9"), ValueStatus.PRELIMINARY)


def test_kolada_missing_value_is_stored_as_missing_never_zero(stats_server, kolada_indicator):
    statistics_sync()
    row = kolada_indicator.values.get(source_period="2024")
    assert row.value is None
    assert row.status == ValueStatus.MISSING


def test_the_database_refuses_a_missing_value_with_a_number(kolada_indicator):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=kolada_indicator,
            period=dt.date(2020, 1, 1),
            value=D(0),
            status=ValueStatus.MISSING,
        )


def test_kolada_pages_are_all_read(stats_server, kolada_indicator):
    statistics_sync()
    pages = [r.query.get("page") for r in stats_server.requests]
    assert pages == [["1"], ["2"]]
    assert stats_server.requests[0].path == "/kolada/v3/data/kpi/N00945/municipality/0000,1440"


def test_a_value_typed_in_by_a_person_survives_a_sync(stats_server, world, kolada_indicator):
    indicator_value_record(
        indicator=kolada_indicator,
        actor=world.coordinator,
        period=dt.date(2022, 6, 1),
        value=D(50),
        note="From our own count",
    )

    result = statistics_sync()

    row = kolada_indicator.values.get(period=dt.date(2022, 1, 1))
    assert (row.value, row.source, row.note) == (D(50), Source.MANUAL, "From our own count")
    assert row.recorded_by == world.coordinator
    assert result.kept == 1
    assert result.created == 3


def test_a_person_can_replace_a_fetched_value_and_theirs_then_wins(
    stats_server, world, kolada_indicator
):
    statistics_sync()
    indicator_value_record(
        indicator=kolada_indicator, actor=world.coordinator, period=dt.date(2023, 1, 1), value=D(7)
    )
    row = kolada_indicator.values.get(period=dt.date(2023, 1, 1))
    assert (row.value, row.source, row.status, row.source_period) == (D(7), "manual", "final", "")

    statistics_sync()

    row.refresh_from_db()
    assert (row.value, row.source) == (D(7), "manual")


def test_a_second_sync_changes_nothing(stats_server, kolada_indicator):
    statistics_sync()
    history = IndicatorValue.history.count()
    fetched = sorted(ReferenceValue.objects.values_list("pk", "fetched_at"))
    stamps = sorted(kolada_indicator.values.values_list("pk", "fetched_at"))

    again = statistics_sync()

    assert again.changed == 0
    assert again.unchanged == 4
    assert IndicatorValue.history.count() == history
    assert sorted(ReferenceValue.objects.values_list("pk", "fetched_at")) == fetched
    assert sorted(kolada_indicator.values.values_list("pk", "fetched_at")) == stamps


def test_a_revised_figure_is_updated(stats_server, kolada_indicator):
    statistics_sync()
    page = json.loads((RECORDED / "kolada_N00945_page1.json").read_text())
    page["values"][5]["values"][0].update(status="", value=35.1)  # 2023 final now
    page["next_url"] = None
    stats_server.answers["/kolada/v3/data/kpi/N00945/municipality/0000,1440"] = (
        200,
        json.dumps(page).encode(),
    )

    result = statistics_sync()

    row = kolada_indicator.values.get(source_period="2023")
    assert (row.value, row.status) == (D("35.1"), ValueStatus.FINAL)
    assert result.updated == 1


def test_a_dry_run_writes_nothing(stats_server, kolada_indicator):
    result = statistics_sync(dry_run=True)

    assert result.created == 4
    assert not IndicatorValue.objects.exists()
    assert not ReferenceValue.objects.exists()
    assert not StatisticsSyncRun.objects.exists()


def test_the_run_is_recorded(stats_server, kolada_indicator):
    result = statistics_sync()
    run = StatisticsSyncRun.objects.get(pk=result.run_id)
    assert (run.indicators, run.created, run.failed) == (1, 4, 0)
    assert run.finished_at is not None


def test_indicators_typed_in_by_hand_are_not_fetched(stats_server, world):
    IndicatorFactory(program=world.program, kolada_kpi="N00945")  # named, but typed in by hand
    result = statistics_sync()
    assert result.reports == []
    assert stats_server.requests == []


def test_a_cluster_indicator_fetches_every_member_and_the_country(stats_server, world):
    indicator = IndicatorFactory(
        program=None, cluster=world.cluster_a, source=Source.KOLADA, kolada_kpi="N00945"
    )

    statistics_sync()

    assert stats_server.requests[0].path.endswith("/municipality/0000,1440,1489")
    assert set(ReferenceValue.objects.values_list("area_code", flat=True)) == {
        "0000",
        "1440",
        "1489",
    }
    # A cluster has no figures of its own: only the comparison reads them.
    assert not indicator.values.exists()


# --- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("error", "HTTP 500"),
        ("garbage", "not JSON"),
        ("shape", "unexpected answer"),
    ],
)
def test_a_failing_source_is_recorded_and_reminded(
    stats_server, world, kolada_indicator, mode, message
):
    stats_server.mode = mode

    result = statistics_sync()

    assert result.failed == 1
    assert message in result.reports[0].error
    failure = StatisticsFailure.objects.get(indicator=kolada_indicator)
    assert message in failure.error
    assert failure.resolved_at is None
    assert failure.failed_on == timezone.localdate()
    assert not kolada_indicator.values.exists()
    (due,) = statistics_failure_reminders([failure.failed_on], to_managers=False)
    assert due.object_id == failure.pk
    assert due.recipient_ids == {world.coordinator.pk}
    assert statistics_failures_due_on([failure.pk]) == {failure.pk: failure.failed_on}


def test_a_timeout_is_recorded_as_a_failure(stats_server, settings, kolada_indicator):
    settings.STATISTICS_TIMEOUT_SECONDS = 0.3
    stats_server.mode = "slow"
    stats_server.slow_seconds = 1.5

    result = statistics_sync()

    assert "no answer within 0.3 s" in result.reports[0].error
    assert StatisticsFailure.objects.filter(indicator=kolada_indicator).exists()


def test_an_unreachable_source_is_recorded_as_a_failure(settings, kolada_indicator):
    settings.KOLADA_BASE_URL = "http://127.0.0.1:9/v3"  # the discard port: nothing listens
    result = statistics_sync()
    assert "could not reach" in result.reports[0].error


def test_a_lasting_failure_is_one_failure_and_ends_when_fetched_again(
    stats_server, kolada_indicator
):
    stats_server.mode = "error"
    statistics_sync()
    statistics_sync()
    failure = StatisticsFailure.objects.get(indicator=kolada_indicator)
    assert failure.failure_count == 2

    stats_server.mode = "recorded"
    statistics_sync()

    failure.refresh_from_db()
    assert failure.resolved_at is not None
    assert statistics_failures_due_on([failure.pk]) == {}
    assert statistics_failure_reminders([failure.failed_on], to_managers=False) == []
    assert kolada_indicator.values.count() == 4


# --- SSB ---------------------------------------------------------------------------------------


def test_ssb_sync_writes_values_with_source_status_and_period(stats_server, ssb_indicator):
    result = statistics_sync()

    assert result.failed == 0
    values = _values(ssb_indicator)
    assert (values["2023"].value, values["2023"].status) == (D(350421), ValueStatus.FINAL)
    assert values["2024"].source == Source.SSB
    assert (values["2025"].value, values["2025"].status) == (None, ValueStatus.MISSING)
    national = ReferenceValue.objects.get(source="ssb", area_code="0", source_period="2025")
    assert (national.value, national.status) == (D(2798121), ValueStatus.PRELIMINARY)
    assert national.key == "07459/Personer1/Kjonn=2"


def test_ssb_is_asked_for_the_selection_as_pxwebapi_v2_wants_it(stats_server, ssb_indicator):
    statistics_sync()

    (asked,) = stats_server.requests
    assert (asked.method, asked.path) == ("POST", "/ssb/api/pxwebapi/v2/tables/07459/data")
    assert asked.query == {"lang": ["en"], "outputFormat": ["json-stat2"]}
    assert asked.body == {
        "selection": [
            {"variableCode": "Region", "valueCodes": ["0", "0301"]},
            {"variableCode": "ContentsCode", "valueCodes": ["Personer1"]},
            {"variableCode": "Tid", "valueCodes": ["top(20)"]},
            {"variableCode": "Kjonn", "valueCodes": ["2"]},
        ]
    }


def test_ssb_second_sync_changes_nothing(stats_server, ssb_indicator):
    statistics_sync()
    assert statistics_sync().changed == 0


def test_an_ambiguous_ssb_selection_is_a_failure(stats_server, ssb_indicator):
    dataset = json.loads((RECORDED / "ssb_07459.json").read_text())
    dataset["size"][1] = 2
    dataset["dimension"]["Kjonn"]["category"]["index"] = {"1": 0, "2": 1}
    stats_server.answers["/ssb/api/pxwebapi/v2/tables/07459/data"] = (
        200,
        json.dumps(dataset).encode(),
    )

    result = statistics_sync()

    assert "Kjonn has 2 values" in result.reports[0].error
    assert not ssb_indicator.values.exists()


def test_the_country_codes_of_clients_and_pages_agree():
    assert COUNTRY_CODES == {Source.KOLADA: KOLADA_COUNTRY, Source.SSB: SSB_COUNTRY}


# --- the command -------------------------------------------------------------------------------


def test_the_command_prints_what_it_fetched_kept_and_failed(stats_server, world, kolada_indicator):
    indicator_value_record(
        indicator=kolada_indicator, actor=world.coordinator, period=dt.date(2021, 1, 1), value=D(1)
    )
    out = StringIO()

    call_command("sync_statistics", "--indicator", str(kolada_indicator.pk), stdout=out)

    text = out.getvalue()
    assert f"#{kolada_indicator.pk} Renewable share (kolada N00945)" in text
    assert "fetched 4, created 3" in text
    assert "kept 1 typed in by hand" in text
    assert "failed 0" in text


def test_the_command_dry_run_writes_nothing(stats_server, kolada_indicator):
    out = StringIO()
    call_command("sync_statistics", "--dry-run", stdout=out)
    assert "Dry run, nothing written." in out.getvalue()
    assert not IndicatorValue.objects.exists()


def test_the_command_prints_a_failure(stats_server, kolada_indicator):
    stats_server.mode = "error"
    out = StringIO()
    call_command("sync_statistics", stdout=out)
    assert "failed: HTTP 500" in out.getvalue()
    assert "failed 1" in out.getvalue()


def test_the_command_refuses_an_unknown_or_untied_indicator(world):
    with pytest.raises(CommandError, match="No indicator"):
        call_command("sync_statistics", "--indicator", "999999")
    typed = IndicatorFactory(program=world.program)
    with pytest.raises(CommandError, match="typed in by hand"):
        call_command("sync_statistics", "--indicator", str(typed.pk))


def test_the_task_calls_the_sync(stats_server, kolada_indicator):
    from programs.indicators.tasks import sync_statistics

    assert sync_statistics.run()["created"] == 4


def test_recorded_answers_can_be_stored_without_asking_anyone(kolada_indicator):
    from programs.indicators.services import statistics_store
    from programs.indicators.statistics.kolada import parse_answer

    observations = []
    for page in ("kolada_N00945_page1.json", "kolada_N00945_page2.json"):
        observations += parse_answer(json.loads((RECORDED / page).read_text()))

    report = statistics_store(
        indicator=kolada_indicator,
        observations=[o for o in observations if o.area_code in {"1440", "0000"}],
    )

    assert (report.created, report.references) == (4, 7)
    assert kolada_indicator.values.get(source_period="2023").status == ValueStatus.PRELIMINARY
