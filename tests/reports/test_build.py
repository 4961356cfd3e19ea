"""Building a report: the figures, the PDF and the CSV, and a snapshot that never changes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import time
import unicodedata

import pytest
from pypdf import PdfReader

from innocities.reports.models import ProgressReport, ReportKind, ReportStatus
from innocities.reports.services import CSV_COLUMNS, report_build
from programs.models import ItemStatus
from programs.services import task_update
from tests import factories as f
from tests.reports.data import END, START, TODAY, february_report, known_programme


def _bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _pdf_text(report: ProgressReport) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(handle)
        text = " ".join(page.extract_text() for page in reader.pages)
    # Single spaces and composed letters (å), whatever the PDF's line breaks and encoding.
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.fixture
def built(world):
    known = known_programme(world)
    report = report_build(report=february_report(world), today=TODAY)
    return known, report


def test_build_freezes_the_figures_of_the_period(world, built):
    known, report = built
    assert report.status == ReportStatus.READY
    figures = report.figures
    assert figures["municipality"] == "Ale"
    assert figures["period_start"] == START.isoformat()
    assert figures["period_end"] == END.isoformat()
    assert figures["reported_status"] == "at_risk"
    assert [i["title"] for i in figures["changes"]["completed"]] == [known.done_in_period.title]
    # No earlier report: what fell overdue during February is new, January's memo is not.
    assert {i["title"] for i in figures["changes"]["newly_overdue"]} == {
        known.overdue_in_period.title,
        known.missed.title,
    }
    assert {i["title"] for i in figures["overdue"]} == {
        known.overdue_in_period.title,
        known.overdue_before.title,
        known.missed.title,
    }
    assert figures["changes"]["status_changes"] == [
        {
            "type": "task",
            "title": known.done_in_period.title,
            "from": "todo",
            "to": "done",
            "on": "2026-02-10",
        }
    ]
    assert [i["title"] for i in figures["milestones_reached"]] == [known.reached.title]
    assert [i["title"] for i in figures["milestones_missed"]] == [known.missed.title]
    assert [i["title"] for i in figures["next_30_days"]] == [
        known.blocked.title,
        known.coming.title,
    ]
    # Ale's coordinator attended, the viewer accepted; the manager is not of Ale.
    assert figures["attendance"] == [
        {"title": "February network day", "on": "2026-02-12", "invited": 2, "attended": 1}
    ]


def test_pdf_opens_and_names_the_municipality_and_the_changed_items(built):
    known, report = built
    text = _pdf_text(report)
    assert "Ale" in text
    for title in (known.done_in_period.title, known.overdue_in_period.title, known.missed.title):
        assert title in text
    assert "Vad har ändrats sedan förra rapporten" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reads_the_pdf(built):
    known, report = built
    result = subprocess.run(
        ["pdftotext", report.pdf.path, "-"], capture_output=True, text=True, check=True
    )
    assert "Ale innovates" in result.stdout
    assert known.done_in_period.title in result.stdout


def test_csv_lists_every_task_and_milestone_with_the_agreed_columns(built):
    known, report = built
    with report.csv.open("rb") as handle:
        data = handle.read()
    # Ale is Swedish: the file is in the Swedish layout (BOM, semicolons).
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0].keys()) == CSV_COLUMNS
    by_title = {row["title"]: row for row in rows}
    assert len(rows) == 7
    done = by_title[known.done_in_period.title]
    assert done == {
        "type": "task",
        "module": "Innovation culture",
        "title": known.done_in_period.title,
        "owner": "Cora Coordinator",
        "due": "2026-02-20",
        "status": "done",
        "percent": "100",
        "completed_on": "2026-02-10",
    }
    assert by_title[known.reached.title]["type"] == "milestone"
    assert by_title[known.missed.title]["completed_on"] == ""


def test_snapshot_does_not_change_when_the_programme_changes_afterwards(world, built):
    known, report = built
    figures = report.figures
    pdf_bytes = _bytes(report.pdf)
    csv_bytes = _bytes(report.csv)
    task_update(task=known.coming, actor=world.coordinator, status=ItemStatus.DONE)
    f.TaskFactory(program=world.program, title="A new task after the report")

    again = report_build(report=report, today=TODAY)
    stored = ProgressReport.objects.get(pk=report.pk)
    assert again.status == stored.status == ReportStatus.READY
    assert stored.figures == figures
    assert _bytes(stored.pdf) == pdf_bytes
    assert _bytes(stored.csv) == csv_bytes


def test_next_report_lists_only_what_became_overdue_since_the_previous_one(world, built):
    known, _report = built
    march = ProgressReport.objects.create(
        program=world.program, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31)
    )
    report = report_build(report=march, today=dt.date(2026, 3, 26))
    newly = {item["title"] for item in report.figures["changes"]["newly_overdue"]}
    # Overdue in February's snapshot already: not new. Due 20 and 25 March: new.
    assert newly == {known.blocked.title, known.coming.title}
    assert report.figures["previous_report"] == {"start": "2026-02-01", "end": "2026-02-28"}


def test_cluster_report_has_one_row_per_open_member_with_totals(world):
    known_programme(world)
    report = ProgressReport.objects.create(
        cluster=world.cluster_a, period_start=START, period_end=END
    )
    report = report_build(report=report, today=TODAY)
    assert report.status == ReportStatus.READY
    members = report.figures["members"]
    assert [m["municipality"] for m in members] == ["Ale", "Alingsås"]
    assert members[0]["program"] == "Ale innovates"
    assert members[1]["program"] == ""
    assert report.figures["totals"]["members"] == 2
    assert report.figures["totals"]["programs"] == 1
    assert report.figures["totals"]["overdue"] == 3
    text = _pdf_text(report)
    assert "Alingsås" in text and "Ale innovates" in text
    with report.csv.open("rb") as handle:
        data = handle.read()
    # A cluster report is written in the portal's default language's layout (Swedish).
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert {row["municipality"] for row in rows} == {"Ale"}


def test_a_report_that_cannot_be_rendered_is_marked_failed(world, monkeypatch):
    from innocities.reports import services
    from innocities.reports.services import ReportError

    def broken(report, figures):
        raise ValueError("template exploded")

    monkeypatch.setattr(services, "_pdf_bytes", broken)
    with pytest.raises(ReportError):
        report_build(report=february_report(world), today=TODAY)
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.FAILED
    assert "template exploded" in report.error
    assert not report.pdf


def test_a_transient_error_puts_the_report_back_in_the_queue(world, monkeypatch):
    from innocities.reports import services

    def disk_full(report, figures):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "_pdf_bytes", disk_full)
    with pytest.raises(OSError):
        report_build(report=february_report(world), today=TODAY)
    assert ProgressReport.objects.get().status == ReportStatus.QUEUED


def test_build_time_of_one_municipality_report(world, capsys):
    """Not a benchmark: prints the figure for the issue's note and keeps it under a bound."""
    known_programme(world)
    module = world.program.modules.get()
    for n in range(200):
        f.TaskFactory(program=world.program, module=module, title=f"Bulk task {n}")
    report = february_report(world, kind=ReportKind.SCHEDULED)
    began = time.perf_counter()
    report_build(report=report, today=TODAY)
    elapsed = time.perf_counter() - began
    with capsys.disabled():
        print(f"\nbuilt one municipality's report (207 items) in {elapsed:.2f} s")
    assert elapsed < 30
