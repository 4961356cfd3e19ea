"""The monthly report's section on the innovation process: stage moves, decision points and
assumptions resolved in the period, for a programme's municipality and for a cluster."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader

from clusters.services import cluster_end_membership
from innocities.reports.models import ProgressReport
from innocities.reports.selectors import cluster_figures, program_figures
from innocities.reports.services import report_build, report_send
from programs.initiatives.models import (
    AssumptionKind,
    Body,
    Decision,
    Initiative,
    Outcome,
    next_stage,
)
from programs.initiatives.services import (
    assumption_resolve,
    assumption_save,
    gate_decide,
    initiative_create,
)
from tests import factories as f
from tests.reports.data import END, START, TODAY, february_report


def make(world, title: str, **owner) -> Initiative:
    return initiative_create(actor=world.admin, title=title, **owner)


def decide(world, initiative: Initiative, decision: str, on: dt.date, **extra) -> None:
    initiative.refresh_from_db()
    gate_decide(
        initiative=initiative,
        actor=world.admin,
        seen_stage=initiative.stage,
        seen_state=initiative.state,
        to_stage=next_stage(initiative.stage),
        decision=decision,
        decided_by="Kerstin Kommundirektör",
        body=Body.MANAGEMENT_GROUP,
        decided_on=on,
        rationale=f"Beslut {on.isoformat()}",
        open_criteria_reason="Prövas under nästa fas.",
        **extra,
    )


def resolve(world, initiative: Initiative, statement: str, outcome: str, on: dt.date) -> None:
    assumption = assumption_save(
        initiative=initiative,
        actor=world.admin,
        statement=statement,
        kind=AssumptionKind.NEED,
        impact=4,
        uncertainty=4,
    )
    if outcome != Outcome.OPEN:
        assumption_resolve(
            assumption=assumption,
            actor=world.admin,
            outcome=outcome,
            learning=f"Lärdom: {statement}",
            resolved_on=on,
        )


FEB = dt.date(2026, 2, 10)


@pytest.fixture
def process(world):
    """Decisions and tests in February (the period) and around it, of Ale, Alingsås (also in
    cluster A), Lerum (cluster B) and the two clusters' joint initiatives."""
    w = world
    w.meters = make(w, "Smarta vattenmätare", municipality=w.ale)
    decide(w, w.meters, Decision.GO, dt.date(2026, 1, 20))  # idea → concept, before the period
    decide(w, w.meters, Decision.GO_WITH_CONDITIONS, FEB, conditions="Två skolor först.")
    decide(w, w.meters, Decision.GO, dt.date(2026, 3, 1))  # pilot → implementation, after it
    w.food = make(w, "Matsvinn i skolkök", municipality=w.ale)
    decide(w, w.food, Decision.PIVOT, dt.date(2026, 2, 20))
    resolve(w, w.meters, "Mätarna klarar kylan", Outcome.INVALIDATED, dt.date(2026, 2, 15))
    resolve(w, w.meters, "Hushållen vill se förbrukningen", Outcome.VALIDATED, START)
    resolve(w, w.meters, "Leverantören finns kvar", Outcome.VALIDATED, dt.date(2026, 1, 31))
    resolve(w, w.food, "Köken väger svinnet", Outcome.OPEN, FEB)
    w.alingsas_ride = make(w, "Samåkning på landsbygden", municipality=w.alingsas)
    decide(w, w.alingsas_ride, Decision.GO, END)
    w.joint = make(w, "Gemensam partnerworkshop", cluster=w.cluster_a)
    decide(w, w.joint, Decision.GO, FEB)
    w.lerum_item = make(w, "Laddning för tung trafik", municipality=w.lerum)
    decide(w, w.lerum_item, Decision.GO, FEB)
    resolve(w, w.lerum_item, "Nätet räcker", Outcome.INVALIDATED, FEB)
    w.joint_b = make(w, "Bussar i Göta älv", cluster=w.cluster_b)
    decide(w, w.joint_b, Decision.STOP, FEB)
    return w


def test_programme_report_lists_its_municipality_s_moves_decisions_and_lessons(process):
    figures, _rows = program_figures(february_report(process), today=TODAY)
    section = figures["initiatives"]
    assert [
        (m["initiative"], m["from_stage"], m["to_stage"], m["decision"], m["on"])
        for m in section["stage_moves"]
    ] == [("Smarta vattenmätare", "concept", "pilot", "go_conditions", "2026-02-10")]
    assert section["stage_moves"][0]["conditions"] == "Två skolor först."
    assert [(g["initiative"], g["decision"], g["on"]) for g in section["gates"]] == [
        ("Smarta vattenmätare", "go_conditions", "2026-02-10"),
        ("Matsvinn i skolkök", "pivot", "2026-02-20"),
    ]
    assert [
        (a["statement"], a["outcome"], a["learning"], a["on"])
        for a in section["assumptions_resolved"]
    ] == [
        (
            "Hushållen vill se förbrukningen",
            "validated",
            "Lärdom: Hushållen vill se förbrukningen",
            "2026-02-01",
        ),
        ("Mätarna klarar kylan", "invalidated", "Lärdom: Mätarna klarar kylan", "2026-02-15"),
    ]


def test_cluster_report_has_its_joint_initiatives_and_its_members_but_no_other_cluster_s(
    process,
):
    report = ProgressReport.objects.create(
        cluster=process.cluster_a, period_start=START, period_end=END
    )
    figures, _rows = cluster_figures(report, today=TODAY)
    section = figures["initiatives"]
    assert [(m["initiative"], m["owner"]) for m in section["stage_moves"]] == [
        ("Gemensam partnerworkshop", "Västra Götaland smart"),
        ("Smarta vattenmätare", "Ale"),
        ("Samåkning på landsbygden", "Alingsås"),
    ]
    assert {g["initiative"] for g in section["gates"]} == {
        "Gemensam partnerworkshop",
        "Smarta vattenmätare",
        "Matsvinn i skolkök",
        "Samåkning på landsbygden",
    }
    assert {a["statement"] for a in section["assumptions_resolved"]} == {
        "Hushållen vill se förbrukningen",
        "Mätarna klarar kylan",
    }


def test_a_municipality_that_left_the_cluster_drops_out_of_the_cluster_report(process):
    membership = process.cluster_a.memberships.get(municipality=process.alingsas)
    # The report names current members only, as its members' table does.
    cluster_end_membership(membership=membership, left_on=membership.joined_on, actor=process.admin)
    report = ProgressReport.objects.create(
        cluster=process.cluster_a, period_start=START, period_end=END
    )
    figures, _rows = cluster_figures(report, today=TODAY)
    assert "Samåkning på landsbygden" not in {
        g["initiative"] for g in figures["initiatives"]["gates"]
    }


def _pdf_text(report: ProgressReport) -> str:
    with report.pdf.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_the_pdf_and_the_e_mail_show_the_section(process):
    for person in (process.coordinator, process.viewer, process.manager):
        person.language = "en"
        person.save(update_fields=["language"])
    report = report_build(report=february_report(process), today=TODAY)
    text = _pdf_text(report)  # the PDF is in the partnership's language, Swedish
    assert "Innovationsinitiativ" in text
    assert "Gå vidare med villkor" in text
    assert "Lärdom: Mätarna klarar kylan" in text
    assert "Matsvinn i skolkök" in text
    assert "Laddning för tung trafik" not in text  # Lerum's

    report_send(report=report)
    message = next(m for m in mail.outbox if m.to == ["viewer@example.se"])
    html = message.alternatives[0][0]
    assert "Innovation initiatives" in html
    assert "Smarta vattenmätare: Concept → Pilot" in html
    assert "Stage moves: 1" in message.body
    assert "Assumptions resolved: 2" in message.body
    assert "Mätarna klarar kylan – Invalidated: Lärdom: Mätarna klarar kylan" in message.body


def test_the_cluster_pdf_names_each_initiative_s_owner(process):
    report = ProgressReport.objects.create(
        cluster=process.cluster_a, period_start=START, period_end=END
    )
    report = report_build(report=report, today=TODAY)
    text = _pdf_text(report)
    assert "Samåkning på landsbygden Alingsås" in text
    assert "Bussar i Göta älv" not in text


def test_a_quiet_period_says_so(world):
    report = report_build(report=february_report(world), today=TODAY)
    assert report.figures["initiatives"] == {
        "stage_moves": [],
        "gates": [],
        "assumptions_resolved": [],
        "benefits": {
            "initiatives": [],
            "total": {
                "benefits": 0,
                "on_track": 0,
                "behind": 0,
                "not_followed_up": 0,
                "target_reached": 0,
                "mean_share": None,
                "overdue": 0,
            },
            "recorded": [],
        },
        "lessons": [],
    }
    text = _pdf_text(report)  # in Swedish, as every PDF report
    assert "Inget initiativ gick vidare till en ny fas under perioden." in text
    assert "Inga antaganden avgjordes under perioden." in text


def test_a_snapshot_from_before_the_section_renders_without_it(world):
    figures, _rows = program_figures(february_report(world), today=TODAY)
    del figures["initiatives"]
    with translation.override("en"):
        html = render_to_string("reports/report_pdf.html", {"figures": figures})
    assert "Innovation initiatives" not in html
    assert "The next 30 days" in html


# At most two queries more than before the section, for any number of initiatives: the gate
# decisions of the period, and the assumptions resolved in it.
SECTION_QUERIES = 2


def _grow(world, n: int) -> None:
    for i in range(n):
        municipality = f.MunicipalityFactory(name=f"Medlem {n}-{i}")
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
        for owner in ({"municipality": world.ale}, {"municipality": municipality}):
            item = make(world, f"Initiativ {n}-{i}", **owner)
            decide(world, item, Decision.GO, FEB)
            decide(world, item, Decision.HOLD, FEB + dt.timedelta(days=1))
            resolve(world, item, f"Antagande {n}-{i}", Outcome.ACCEPTED, FEB)


def test_the_section_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    program_report = february_report(world)
    cluster_report = ProgressReport.objects.create(
        cluster=world.cluster_a, period_start=START, period_end=END
    )
    _grow(world, 1)
    with django_assert_max_num_queries(40) as program_small:
        program_figures(program_report, today=TODAY)
    with django_assert_max_num_queries(40) as cluster_small:
        cluster_figures(cluster_report, today=TODAY)
    _grow(world, 10)
    with django_assert_max_num_queries(40) as program_large:
        figures, _rows = program_figures(program_report, today=TODAY)
    with django_assert_max_num_queries(40) as cluster_large:
        cluster, _rows = cluster_figures(cluster_report, today=TODAY)
    assert len(figures["initiatives"]["gates"]) == 2 * 11
    assert len(cluster["initiatives"]["assumptions_resolved"]) == 2 * 11
    assert len(program_large.captured_queries) == len(program_small.captured_queries)
    assert len(cluster_large.captured_queries) == len(cluster_small.captured_queries)
    for captured in (program_large, cluster_large):
        section = [
            q["sql"]
            for q in captured.captured_queries
            if "initiatives_gatedecision" in q["sql"] or "initiatives_assumption" in q["sql"]
        ]
        assert len(section) == SECTION_QUERIES
