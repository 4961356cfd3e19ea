"""Indicators and the self-assessment in the reports: the frozen figures, the PDF, the e-mails,
snapshots built before they existed, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from innocities.reports.models import ProgressReport, ReportStatus
from innocities.reports.selectors import cluster_figures, program_figures
from innocities.reports.services import report_build, report_send
from municipalities.assessments.models import AssessmentRound
from programs.indicators.models import IndicatorValue
from tests import factories as f
from tests.assessments.helpers import close, make_round, submit_levels
from tests.indicators.factories import IndicatorFactory, IndicatorValueFactory
from tests.reports.data import (
    END,
    START,
    TODAY,
    at,
    february_report,
    known_assessment,
    known_indicators,
    known_maturity,
    known_programme,
)
from tests.reports.test_build import _pdf_text

CULTURE_SV, CULTURE_EN = "Innovationskultur och ledarskap", "Innovation culture and leadership"
STRATEGY_SV = "Strategi och styrning för innovation"
INDICATOR_NAMES = (
    "Citizen dialogues held",
    "Energy use in municipal buildings",
    "Renewable energy share",
)
# What a report stored before indicators and the self-assessment were added (the keys as
# they were): such snapshots exist in the database and must keep rendering as they did.
LEGACY_PROGRAM_KEYS = {
    "scope",
    "program_id",
    "title",
    "municipality",
    "cluster",
    "program_status",
    "period_start",
    "period_end",
    "as_of",
    "previous_report",
    "proposed_status",
    "reported_status",
    "percent_done",
    "items",
    "open_items",
    "overdue_count",
    "blocked",
    "milestones_reached",
    "milestones_missed",
    "overdue",
    "overdue_keys",
    "latest_update",
    "changes",
    "next_30_days",
    "attendance",
}
LEGACY_CLUSTER_KEYS = {
    "scope",
    "cluster_id",
    "title",
    "period_start",
    "period_end",
    "as_of",
    "members",
    "totals",
    "attendance",
}


def _sv(message: str) -> str:
    """The Swedish text of a msgid, whether or not the catalogue has it yet."""
    with translation.override("sv"):
        return translation.gettext(message)


def _cluster_report(world) -> ProgressReport:
    return ProgressReport.objects.create(
        cluster=world.cluster_a, period_start=START, period_end=END
    )


@pytest.fixture
def languages(world):
    for user, language in ((world.coordinator, "sv"), (world.viewer, "en"), (world.manager, "en")):
        user.language = language
        user.save(update_fields=["language"])


@pytest.fixture
def programme_report(world):
    known_programme(world)
    known_indicators(world)
    known_assessment(world)
    return report_build(report=february_report(world), today=TODAY)


@pytest.fixture
def cluster_report(world):
    known_programme(world)
    known_indicators(world)
    known_assessment(world)
    known_maturity(world)
    return report_build(report=_cluster_report(world), today=TODAY)


# --- figures ------------------------------------------------------------------------------


def test_programme_figures_freeze_each_indicator_with_its_progress_and_series(programme_report):
    indicators = programme_report.figures["indicators"]
    # Ordered by name; Lerum's indicator and the cluster's are not the programme's.
    assert [i["name"] for i in indicators] == list(INDICATOR_NAMES)
    dialogues, energy, renewable = indicators
    assert renewable == {
        "name": "Renewable energy share",
        "unit": "%",
        "kolada_kpi": "N45926",
        "direction": "higher_is_better",
        "frequency": "yearly",
        "baseline_value": "20.000",
        "baseline_period": "2024",
        "target_value": "50.000",
        "target_period": "2027",
        "latest_period": "2026-01-01",
        "latest_label": "2026",
        "latest_value": "32.000",
        "progress": "40.0",  # (32 − 20) / (50 − 20)
        "target_reached": False,
        "series": [
            ["2024-01-01", "20.000"],
            ["2025-01-01", "26.500"],
            ["2026-01-01", "32.000"],
        ],
    }
    # Lower is better: 145 is past the target of 150, (145 − 180) / (150 − 180) = 116.7 %.
    assert (energy["latest_label"], energy["latest_value"], energy["progress"]) == (
        "2026 Q1",
        "145.000",
        "116.7",
    )
    assert energy["direction"] == "lower_is_better"
    assert energy["target_reached"] is True
    assert energy["series"] == [["2025-10-01", "170.000"], ["2026-01-01", "145.000"]]
    # No values yet: nothing to measure.
    assert (dialogues["latest_period"], dialogues["latest_value"], dialogues["progress"]) == (
        None,
        None,
        None,
    )
    assert dialogues["series"] == []
    assert dialogues["target_reached"] is False


def test_programme_figures_hold_the_latest_closed_round_and_its_change(programme_report):
    assessment = programme_report.figures["assessment"]
    # The open autumn 2026 round answered 5 everywhere: it does not count.
    assert assessment["title"] == "Våren 2026"
    assert assessment["closed_on"] == "2026-02-10"
    assert assessment["respondents"] == 2  # the draft respondent does not count
    assert assessment["previous"] == {"title": "Hösten 2025", "closed_on": "2025-11-20"}
    by_code = {d["code"]: d for d in assessment["dimensions"]}
    assert list(by_code)[:2] == ["strategy", "culture"]  # the framework's order
    assert len(by_code) == 8
    assert by_code["culture"] == {
        "code": "culture",
        "name_sv": CULTURE_SV,
        "name_en": CULTURE_EN,
        "name_nb": "Innovasjonskultur og ledelse",
        "mean": 3.5,  # 4 and 3
        "spread": 0.5,
        "change": 1.5,  # 3.5 against 2.0 (3 and 1) in Hösten 2025
    }
    assert (by_code["strategy"]["mean"], by_code["strategy"]["change"]) == (2.5, 0.5)
    assert (by_code["data"]["mean"], by_code["data"]["spread"], by_code["data"]["change"]) == (
        3.0,
        0.0,
        0.0,
    )


def test_a_first_closed_round_has_no_previous_round_and_no_change(world):
    round = make_round(world, title="Våren 2026", opened_at=at(dt.date(2026, 1, 15)))
    for respondent in round.respondents.all():
        submit_levels(respondent, {"culture": 4})
    close(round, at(dt.date(2026, 2, 10)))
    figures, _rows = program_figures(february_report(world), today=TODAY)
    assessment = figures["assessment"]
    assert assessment["previous"] is None
    assert assessment["respondents"] == 2
    assert {d["code"]: d["mean"] for d in assessment["dimensions"]}["culture"] == 4.0
    assert all(d["change"] is None for d in assessment["dimensions"])


def test_a_municipality_without_a_closed_round_has_no_assessment(world):
    make_round(world, title="Still open")
    figures, _rows = program_figures(february_report(world), today=TODAY)
    assert figures["assessment"] is None
    assert figures["indicators"] == []


def test_cluster_figures_hold_its_indicators_and_each_members_latest_means(cluster_report):
    figures = cluster_report.figures
    assert [i["name"] for i in figures["indicators"]] == ["Shared pilots started"]
    assert figures["indicators"][0]["progress"] == "50.0"  # 3 of the way from 0 to 6
    assert figures["indicators"][0]["series"] == [["2025-01-01", "2.000"], ["2026-01-01", "3.000"]]

    maturity = figures["maturity"]
    # Ale, Alingsås, Kungälv and Lilla Edet are members; Stenungsund left. Kungälv has
    # only an open round.
    assert maturity["members"] == 4
    assert maturity["members_with_round"] == 3
    assert maturity["rounds"] == [
        {"municipality": "Ale", "title": "Våren 2026", "closed_on": "2026-02-10"},
        {"municipality": "Alingsås", "title": "Alingsås 2026", "closed_on": "2026-01-30"},
        {"municipality": "Lilla Edet", "title": "Lilla Edet 2026", "closed_on": "2026-01-30"},
    ]
    by_code = {d["code"]: d for d in maturity["dimensions"]}
    assert list(by_code)[:2] == ["strategy", "culture"]
    assert len(by_code) == 8
    assert by_code["culture"] == {
        "code": "culture",
        "name_sv": CULTURE_SV,
        "name_en": CULTURE_EN,
        "name_nb": "Innovasjonskultur og ledelse",
        "mean": 2.2,  # (3.5 + 2.0 + 1.0) / 3
        "median": 2.0,
        "members": [
            {"municipality": "Ale", "mean": 3.5},
            {"municipality": "Alingsås", "mean": 2.0},
            {"municipality": "Lilla Edet", "mean": 1.0},
        ],
    }
    assert (by_code["strategy"]["mean"], by_code["strategy"]["median"]) == (4.0, 4.5)
    assert [m["mean"] for m in by_code["strategy"]["members"]] == [2.5, 4.5, 5.0]
    assert (by_code["helix"]["mean"], by_code["helix"]["median"]) == (3.0, 3.0)


def test_cluster_mean_and_median_round_half_up_from_the_shown_member_means(world):
    """Ale 3.5 and Alingsås 2.8 average 3.15, which as floats rounds to 3.1: the report
    says 3.2, as a reader adding up the two figures would."""
    ale = make_round(world, title="Ale")
    coordinator, viewer = ale.respondents.order_by("pk")
    submit_levels(coordinator, {"culture": 4})
    submit_levels(viewer, {"culture": 3})
    close(ale)
    alingsas = make_round(world, municipality=world.alingsas, title="Alingsås")
    for level in (3, 3, 3, 3, 2):
        respondent = alingsas.respondents.create(user=f.UserFactory(), role="staff")
        submit_levels(respondent, {"culture": level})
    close(alingsas)
    maturity = cluster_figures(_cluster_report(world), today=TODAY)[0]["maturity"]
    culture = {d["code"]: d for d in maturity["dimensions"]}["culture"]
    assert [m["mean"] for m in culture["members"]] == [3.5, 2.8]
    assert round((3.5 + 2.8) / 2, 1) == 3.1  # the float trap
    assert (culture["mean"], culture["median"]) == (3.2, 3.2)


def test_a_cluster_without_any_closed_round_says_so(world):
    make_round(world, title="Open only")
    figures = report_build(report=_cluster_report(world), today=TODAY).figures
    assert figures["maturity"] == {
        "members": 2,
        "members_with_round": 0,
        "rounds": [],
        "dimensions": [],
    }
    assert figures["indicators"] == []


def test_the_new_figures_are_plain_json_and_stay_frozen(world, programme_report):
    figures = programme_report.figures
    assert json.loads(json.dumps(figures)) == figures
    # Later values, a later round and a renamed indicator change nothing in the snapshot.
    IndicatorValue.objects.all().delete()
    world.program.indicators.update(name="Renamed")
    later = make_round(world, title="Hösten 2026 b", opened_at=at(dt.date(2026, 3, 1)))
    for respondent in later.respondents.all():
        submit_levels(respondent, {}, default=1)
    close(later)
    again = report_build(report=programme_report, today=TODAY)
    assert ProgressReport.objects.get(pk=again.pk).figures == figures


# --- the PDF ------------------------------------------------------------------------------


def test_programme_pdf_shows_the_indicators_and_the_dimensions_in_swedish(programme_report):
    text = _pdf_text(programme_report)
    for heading in ("Indicators", "Self-assessment"):
        assert _sv(heading) in text
    for name in INDICATOR_NAMES:
        assert name in text
    assert "116,7 %" in text and "40 %" in text  # progress, in Swedish number format
    assert "Kolada N45926" in text
    assert "2026 Q1" in text
    assert CULTURE_SV in text and STRATEGY_SV in text
    assert CULTURE_EN not in text
    assert "«Våren 2026»" in text and "Hösten 2025" in text
    assert "+1,5" in text and "+0,5" in text  # the change since the previous round
    assert "3,5" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reads_the_indicators_and_the_dimensions(programme_report):
    result = subprocess.run(
        ["pdftotext", programme_report.pdf.path, "-"], capture_output=True, text=True, check=True
    )
    text = " ".join(result.stdout.split())  # a long name wraps inside its cell
    assert "Renewable energy share" in text
    assert CULTURE_SV in text


def test_pdf_draws_each_trend_from_the_frozen_series(programme_report):
    # The values are gone from the database: the trend comes from the snapshot alone.
    IndicatorValue.objects.all().delete()
    with translation.override("sv"):
        html = render_to_string(
            "reports/report_pdf.html",
            {"report": programme_report, "figures": programme_report.figures},
        )
    assert html.count("<svg") == 3
    renewable = html[html.index('aria-label="Renewable energy share') :]
    renewable = renewable[: renewable.index("</svg>")]
    assert "2024-01-01: 20 %, 2025-01-01: 26,5 %, 2026-01-01: 32 %" in renewable
    assert renewable.count("<circle") == 3
    assert 'class="target"' in renewable and 'class="baseline"' in renewable


def test_pdf_says_when_there_is_no_closed_round_or_no_previous_one(world):
    known_programme(world)
    report = report_build(report=february_report(world), today=TODAY)
    text = _pdf_text(report)
    assert _sv("The municipality has no closed self-assessment round yet.") in text
    assert _sv("No indicators yet.") in text

    round = make_round(world, title="Första omgången")
    close(round, at(dt.date(2026, 2, 1)))
    march = ProgressReport.objects.create(
        program=world.program, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31)
    )
    text = _pdf_text(report_build(report=march, today=dt.date(2026, 3, 31)))
    assert "«Första omgången»" in text
    assert _sv("There is no earlier closed round to compare with.") in text


def test_cluster_pdf_shows_its_indicators_and_the_members_maturity(cluster_report):
    text = _pdf_text(cluster_report)
    assert "Shared pilots started" in text
    assert _sv("Median") in text
    assert CULTURE_SV in text and CULTURE_EN not in text
    assert "Lilla Edet 1,0" in text and "Alingsås 4,5" in text
    assert "Stenungsund" not in text  # left the cluster
    assert "Lilla Edet 2026" in text  # its latest closed round


# --- the e-mails --------------------------------------------------------------------------


def test_programme_e_mails_sum_up_indicators_and_dimensions_in_each_readers_language(
    world, languages, programme_report
):
    report_send(report=programme_report)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    swedish = by_recipient["coordinator@example.se"]
    english = by_recipient["viewer@example.se"]
    for message in (swedish, english):
        html = message.alternatives[0][0]
        for body in (message.body, html):
            for name in INDICATOR_NAMES:
                assert name in body
            assert "Våren 2026" in body and "Hösten 2025" in body
    assert CULTURE_SV in swedish.body and CULTURE_EN not in swedish.body
    assert CULTURE_EN in english.body and CULTURE_SV not in english.body
    assert CULTURE_EN in english.alternatives[0][0]
    assert CULTURE_SV in swedish.alternatives[0][0]
    # Numbers in the reader's format; plain text is not HTML-escaped.
    assert "145 kWh/m² (2026 Q1) · Progress 116.7 % · Target reached" in english.body
    assert "Innovation culture and leadership: Mean 3.5 · Change +1.5" in english.body
    assert f"{CULTURE_SV}: {_sv('Mean')} 3,5 · {_sv('Change')} +1,5" in swedish.body
    assert "Citizen dialogues held: No values yet" in english.body


def test_cluster_e_mail_sums_up_its_indicators_and_the_members_maturity(
    world, languages, cluster_report
):
    report_send(report=cluster_report)
    [message] = mail.outbox
    assert message.to == ["manager@example.se"]
    assert "Shared pilots started: 3 (2026) · Progress 50 %" in message.body
    assert "3 of 4 member municipalities have a closed self-assessment round." in message.body
    assert "Innovation culture and leadership: Mean 2.2 · Median 2.0" in message.body
    html = message.alternatives[0][0]
    assert "Shared pilots started" in html
    assert "Innovation culture and leadership" in html and "2.2" in html


def test_indicator_names_are_escaped_in_html_and_plain_in_text(world, languages):
    IndicatorFactory(program=world.program, name="Waste <sorted> & reused", unit="")
    report = report_build(report=february_report(world), today=TODAY)
    report_send(report=report)
    message = next(m for m in mail.outbox if m.to == ["viewer@example.se"])
    assert "Waste <sorted> & reused: No values yet" in message.body
    assert "Waste &lt;sorted&gt; &amp; reused" in message.alternatives[0][0]
    assert "<sorted>" not in message.alternatives[0][0]


# --- snapshots from before ----------------------------------------------------------------


def _legacy(report: ProgressReport, keys: set[str]) -> ProgressReport:
    """The report as it was stored before this change: the same figures without the keys
    added since, still waiting to be sent."""
    legacy = {key: value for key, value in report.figures.items() if key in keys}
    assert set(legacy) == keys
    ProgressReport.objects.filter(pk=report.pk).update(figures=legacy, status=ReportStatus.READY)
    report.refresh_from_db()
    return report


NEW_HEADINGS = ("Indicators", "Self-assessment", "Median", "Trend")


def test_a_programme_snapshot_from_before_renders_as_it_did(
    world, languages, programme_report, settings
):
    report = _legacy(programme_report, LEGACY_PROGRAM_KEYS)
    with translation.override("sv"):
        html = render_to_string(
            "reports/report_pdf.html", {"report": report, "figures": report.figures}
        )
    for heading in NEW_HEADINGS:
        assert _sv(heading) not in html and heading not in html
    assert "<svg" not in html and "None" not in html
    assert "Hold the kick-off workshop" in html and "February network day" in html

    report_send(report=report)
    english = next(m for m in mail.outbox if m.to == ["viewer@example.se"])
    assert english.body == (
        "Hello Vera,\n"
        "\n"
        "Here is the progress report for Ale's programme «Ale innovates», 02/01/2026–02/28/2026. "
        "The full report is attached as a PDF, and the tasks and milestones as a CSV file.\n"
        "\n"
        "Done: 29 %\n"
        "Proposed status: Off track\n"
        "Latest reported status: At risk\n"
        "Overdue: 3\n"
        "\n"
        "What changed since the previous report\n"
        "Tasks completed: 1\n"
        "Newly overdue: 2\n"
        "Status changes: 1\n"
        "\n"
        "All reports of the programme:\n"
        f"{settings.SITE_URL}/reports/programmes/{world.program.pk}/\n"
    )
    for message in mail.outbox:
        body_html = message.alternatives[0][0]
        for heading in NEW_HEADINGS:
            assert _sv(heading) not in body_html and heading not in body_html
        assert "None" not in message.body and "None" not in body_html


def test_a_cluster_snapshot_from_before_renders_as_it_did(
    world, languages, cluster_report, settings
):
    report = _legacy(cluster_report, LEGACY_CLUSTER_KEYS)
    with translation.override("sv"):
        html = render_to_string(
            "reports/report_pdf.html", {"report": report, "figures": report.figures}
        )
    for heading in NEW_HEADINGS:
        assert _sv(heading) not in html and heading not in html
    assert "<svg" not in html and "None" not in html
    assert "Lilla Edet" in html

    report_send(report=report)
    [message] = mail.outbox
    assert message.body == (
        "Hello Maja,\n"
        "\n"
        "Here is the report for the cluster Västra Götaland smart, 02/01/2026–02/28/2026. The "
        "full report is attached as a PDF, and the member municipalities' tasks and milestones "
        "as a CSV file.\n"
        "\n"
        "Ale: 29 % · Overdue 3 · Off track\n"
        "Alingsås: 0 % · Overdue 0 · –\n"
        "Kungälv: 0 % · Overdue 0 · –\n"
        "Lilla Edet: 0 % · Overdue 0 · –\n"
        "\n"
        "All reports of the cluster:\n"
        f"{settings.SITE_URL}/reports/clusters/{world.cluster_a.pk}/\n"
    )
    body_html = message.alternatives[0][0]
    for heading in NEW_HEADINGS:
        assert heading not in body_html
    assert "None" not in body_html


# --- query counts -------------------------------------------------------------------------

# Each + 2 for the innovation process's section (tests/reports/test_initiatives_section.py),
# + 2 for its benefits and + 1 for its lessons (tests/reports/test_benefits_and_lessons.py).
PROGRAM_FIGURES_BUDGET = 25
CLUSTER_FIGURES_BUDGET = 19


def _grow_programme(world, n: int) -> None:
    """More tasks, indicators with values, respondents and closed rounds for Ale."""
    module = world.program.modules.get()
    latest = AssessmentRound.objects.get(municipality=world.ale, title="Våren 2026")
    for i in range(n):
        f.TaskFactory(program=world.program, module=module, title=f"Extra task {n}-{i}")
        indicator = IndicatorFactory(program=world.program, name=f"Extra indicator {n}-{i}")
        for year in range(2016, 2026):
            IndicatorValueFactory(
                indicator=indicator, period=dt.date(year, 1, 1), value=Decimal(year - 2000)
            )
        respondent = latest.respondents.create(user=f.UserFactory(), role="staff")
        submit_levels(respondent, {"culture": 1 + i % 5})
        older = make_round(
            world, title=f"Old {n}-{i}", opened_at=at(dt.date(2020, 1, 1) + dt.timedelta(days=i))
        )
        close(older, at(dt.date(2020, 6, 1) + dt.timedelta(days=i)))


def _grow_cluster(world, n: int) -> None:
    """More member municipalities with closed rounds, and cluster indicators with values."""
    for i in range(n):
        municipality = f.MunicipalityFactory(name=f"Member {n}-{i}")
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
        round = make_round(world, municipality=municipality, title=f"Round {n}-{i}")
        respondent = round.respondents.create(user=f.UserFactory(), role="staff")
        submit_levels(respondent, {"culture": 1 + i % 5})
        close(round)
        indicator = IndicatorFactory(program=None, cluster=world.cluster_a, name=f"Shared {n}-{i}")
        for year in range(2016, 2026):
            IndicatorValueFactory(
                indicator=indicator, period=dt.date(year, 1, 1), value=Decimal(year - 2000)
            )


def test_programme_figures_query_count_does_not_grow_with_the_data(
    world, django_assert_max_num_queries
):
    known_programme(world)
    known_indicators(world)
    known_assessment(world)
    report = february_report(world)
    _grow_programme(world, 1)
    with django_assert_max_num_queries(PROGRAM_FIGURES_BUDGET) as small:
        figures, _rows = program_figures(report, today=TODAY)
    assert len(figures["indicators"]) == 4
    _grow_programme(world, 12)
    with django_assert_max_num_queries(PROGRAM_FIGURES_BUDGET) as large:
        figures, _rows = program_figures(report, today=TODAY)
    assert len(figures["indicators"]) == 16
    assert figures["assessment"]["respondents"] == 15
    assert len(large) == len(small)


def test_cluster_figures_query_count_does_not_grow_with_the_data(
    world, django_assert_max_num_queries
):
    known_programme(world)
    known_indicators(world)
    known_assessment(world)
    known_maturity(world)
    report = _cluster_report(world)
    _grow_cluster(world, 1)
    with django_assert_max_num_queries(CLUSTER_FIGURES_BUDGET) as small:
        figures, _rows = cluster_figures(report, today=TODAY)
    assert figures["maturity"]["members_with_round"] == 4
    _grow_cluster(world, 12)
    with django_assert_max_num_queries(CLUSTER_FIGURES_BUDGET) as large:
        figures, _rows = cluster_figures(report, today=TODAY)
    assert figures["maturity"]["members_with_round"] == 16
    assert len(figures["indicators"]) == 14
    assert len(large) == len(small)
