"""Issue 13 in the monthly reports: benefits realised against expected, the follow-ups
recorded in the period, and the lessons shared in it (never one kept to the municipality:
a programme report goes to the cluster's programme managers too)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal

from django.core import mail
from pypdf import PdfReader

from innocities.reports.models import ProgressReport
from innocities.reports.services import report_build, report_send
from programs.lessons.models import Lesson, Visibility
from tests.benefits.factories import BenefitFactory, FollowUpFactory, recorded
from tests.initiatives.factories import InitiativeFactory
from tests.lessons.factories import LessonFactory
from tests.reports.data import END, START, TODAY, at, february_report


def _pdf_text(report: ProgressReport) -> str:
    with report.pdf.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _lesson(world, title: str, visibility: str, day: dt.date) -> Lesson:
    lesson = LessonFactory(municipality=world.ale, title=title, visibility=visibility)
    Lesson.objects.filter(pk=lesson.pk).update(created_at=at(day))
    return lesson


def _results(world) -> None:
    initiative = InitiativeFactory(municipality=world.ale, title="Läckagelarm i VA-nätet")
    benefit = BenefitFactory(
        initiative=initiative, title="Färre vattenläckor", owner=world.viewer
    )  # 40 → 20 leaks a year
    recorded(benefit, dt.date(2026, 2, 10), value=Decimal(30), by=world.viewer)  # half way
    recorded(benefit, dt.date(2026, 1, 10), value=Decimal(35), by=world.viewer)  # before
    FollowUpFactory(benefit=benefit, due_on=dt.date(2026, 6, 1))  # planned, not recorded
    other = BenefitFactory(initiative=initiative, title="Nöjdare abonnenter", owner=world.viewer)
    assert other.followups.count() == 0
    _lesson(world, "Larmen behöver en mottagare dygnet runt", Visibility.CLUSTERS, START)
    _lesson(world, "Budgeten räckte inte", Visibility.MUNICIPALITY, dt.date(2026, 2, 20))
    _lesson(world, "Upphandlingen tog för lång tid", Visibility.PARTNERSHIP, dt.date(2026, 3, 1))


def test_the_programme_report_has_benefits_and_shared_lessons(world):
    _results(world)
    report = report_build(report=february_report(world), today=TODAY)
    benefits = report.figures["initiatives"]["benefits"]
    assert benefits["total"] | {} == {
        "benefits": 2,
        "on_track": 1,
        "behind": 0,
        "not_followed_up": 1,
        "target_reached": 0,
        "mean_share": 50,
        "overdue": 0,
    }
    assert [(r["benefit"], r["on"], r["value"], r["share"]) for r in benefits["recorded"]] == [
        ("Färre vattenläckor", "2026-02-10", "30.000", "50.0")
    ]
    lessons = report.figures["initiatives"]["lessons"]
    assert [lesson["title"] for lesson in lessons] == ["Larmen behöver en mottagare dygnet runt"]

    text = _pdf_text(report)
    assert "Läckagelarm i VA-nätet" in text
    assert "Färre vattenläckor" in text
    assert "Larmen behöver en mottagare dygnet runt" in text
    assert "Budgeten räckte inte" not in text  # kept to the municipality
    assert "Upphandlingen tog för lång tid" not in text  # written after the period

    report_send(report=report)
    manager_mail = next(m for m in mail.outbox if m.to == [world.manager.email])
    assert "Larmen behöver en mottagare dygnet runt" in manager_mail.alternatives[0][0]
    assert "Budgeten räckte inte" not in manager_mail.alternatives[0][0]


def test_the_cluster_report_has_what_members_share(world):
    _results(world)
    report = ProgressReport.objects.create(
        cluster=world.cluster_a, period_start=START, period_end=END
    )
    report = report_build(report=report, today=TODAY)
    figures = report.figures["initiatives"]
    assert [lesson["title"] for lesson in figures["lessons"]] == [
        "Larmen behöver en mottagare dygnet runt"
    ]
    assert figures["benefits"]["total"]["benefits"] == 2
    text = _pdf_text(report)
    assert "Färre vattenläckor" in text
    assert world.ale.name in text
