"""A programme's tasks and milestones as XLSX and CSV, and the shared writer's promises."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from innocities.core.spreadsheets import Table, csv_bytes, export_filename, xlsx_bytes
from programs.models import ItemStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADERS = [
    "Module",
    "Kind",
    "Title",
    "Status",
    "Owner",
    "Starts",
    "Due",
    "Completed",
    "% done",
    "Partner organisations",
]


def _url(world, fmt: str) -> str:
    return reverse("programs:export", kwargs={"pk": world.program.pk, "fmt": fmt})


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def _reader_in(world, language: str):
    world.coordinator.language = language
    world.coordinator.save(update_fields=["language"])


def test_xlsx_has_a_bold_frozen_filtered_header_and_typed_cells(world, as_persona):
    task = world.program.tasks.get()
    task.title = '=HYPERLINK("http://evil.example","click")'
    task.starts_on = dt.date(2026, 1, 5)
    task.due_on = dt.date(2026, 2, 20)
    task.percent = 40
    task.save()
    task.organisations.add(f.OrganisationFactory(name="Chalmers"))
    response = as_persona("coordinator").get(_url(world, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="ale-innovates-tasks-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = _sheet(response)
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b for cell in sheet[1])
    assert sheet[1][0].fill.fill_type == "solid"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:J")
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    row = rows['=HYPERLINK("http://evil.example","click")']
    title = row[2]
    assert title.data_type == "s"  # text, not a formula
    assert title.quotePrefix
    assert row[5].is_date and row[5].value.date() == dt.date(2026, 1, 5)
    assert row[6].is_date and row[6].value.date() == dt.date(2026, 2, 20)
    assert row[8].value == 40 and row[8].data_type == "n"
    assert row[9].value == "Chalmers"
    milestone = rows["Culture baseline agreed"]
    assert milestone[1].value == "Milestone"
    assert milestone[8].value is None


def test_csv_for_a_swedish_reader_has_bom_semicolons_and_decimal_commas(world, as_persona):
    _reader_in(world, "sv")
    task = world.program.tasks.get()
    task.title = "=1+1; räkna"
    task.save()
    response = as_persona("coordinator").get(_url(world, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "Modul"
    assert all(len(row) == 10 for row in rows)
    titles = {row[2] for row in rows[1:]}
    assert "'=1+1; räkna" in titles  # a formula-looking text stays text
    table = Table(title="t", headers=["x"], rows=[[1.5]])
    assert csv_bytes(table, language="nb").decode("utf-8-sig").splitlines()[1] == "1,5"


def test_csv_for_an_english_reader_has_commas_and_no_bom(world, as_persona):
    response = as_persona("coordinator").get(_url(world, "csv"))
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == HEADERS
    row = next(row for row in rows if row[2] == "Map the innovation culture")
    assert row[4] == "Cora Coordinator"
    assert row[6] == world.program.tasks.get().due_on.isoformat()
    assert csv_bytes(Table("t", ["x"], [[1.5]]), language="en").decode() == "x\r\n1.5\r\n"


def test_unknown_format_is_404_and_post_405(world, as_persona):
    client = as_persona("coordinator")
    assert client.get(_url(world, "docx")).status_code == 404
    assert client.post(_url(world, "csv")).status_code == 405


def test_outsider_gets_404(world, as_persona):
    assert as_persona("other_coordinator").get(_url(world, "xlsx")).status_code == 404


def test_programme_page_links_the_exports(world, as_persona):
    body = as_persona("viewer").get(reverse("programs:detail", args=[world.program.pk]))
    html = body.content.decode()
    assert _url(world, "xlsx") in html and _url(world, "csv") in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_query_count_does_not_grow_with_the_plan(
    world, as_persona, fmt, django_assert_max_num_queries
):
    client = as_persona("coordinator")
    organisation = f.OrganisationFactory()
    module = world.program.modules.get()

    def grow(count: int) -> None:
        for _ in range(count):
            task = f.TaskFactory(program=world.program, module=module, owner=world.viewer)
            task.organisations.add(organisation)
            f.MilestoneFactory(program=world.program, module=module, owner=world.coordinator)

    grow(2)
    small = _queries(client, _url(world, fmt))
    grow(18)  # ten times the data
    with django_assert_max_num_queries(small):
        response = client.get(_url(world, fmt))
    assert response.status_code == 200


def test_writer_keeps_dates_numbers_and_text_apart():
    table = Table(
        title="A/very:long*sheet?name[that]is over 31 characters",
        headers=["date", "when", "number", "text"],
        rows=[[dt.date(2026, 3, 1), None, 2.5, "@SUM(A1)"], ["", "", "", "plain"]],
    )
    sheet = load_workbook(io.BytesIO(xlsx_bytes([table]))).worksheets[0]
    assert len(sheet.title) <= 31
    assert sheet["A2"].is_date and sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == 2.5
    assert sheet["D2"].data_type == "s" and sheet["D2"].value == "@SUM(A1)"
    assert sheet["D3"].quotePrefix is False
    assert export_filename("Västra Götaland smart", "roster", "csv", day=dt.date(2026, 5, 1)) == (
        "vastra-gotaland-smart-roster-2026-05-01.csv"
    )


def test_done_status_label_is_translated_for_the_reader(world, as_persona):
    task = world.program.tasks.get()
    task.status = ItemStatus.DONE
    task.percent = 100
    task.completed_on = dt.date(2026, 1, 10)
    task.save()
    _reader_in(world, "sv")
    sheet = _sheet(as_persona("coordinator").get(_url(world, "xlsx")))
    row = next(row for row in sheet.iter_rows(min_row=2) if row[2].value.startswith("Map"))
    assert row[3].value == "Klar"
    assert row[7].is_date
