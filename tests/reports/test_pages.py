"""The report pages: lists, downloads and asking for a report now."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from innocities.reports.models import ProgressReport, ReportKind, ReportStatus
from innocities.reports.services import report_build
from tests.reports.data import END, START, TODAY, february_report, known_programme


def _list_url(world) -> str:
    return reverse("reports:program_list", kwargs={"pk": world.program.pk})


@pytest.fixture
def built(world):
    known_programme(world)
    return report_build(report=february_report(world), today=TODAY)


def test_viewer_sees_the_programme_reports_with_download_links(world, as_persona, built):
    response = as_persona("viewer").get(_list_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("reports:download", kwargs={"pk": built.pk, "fmt": "pdf"}) in body
    assert reverse("reports:download", kwargs={"pk": built.pk, "fmt": "csv"}) in body
    # Only managers may ask for a report now.
    assert reverse("reports:request", kwargs={"pk": world.program.pk}) not in body
    assert 'hx-trigger="every 3s"' not in body


def test_programme_page_links_to_its_reports(world, as_persona):
    response = as_persona("coordinator").get(
        reverse("programs:detail", kwargs={"pk": world.program.pk})
    )
    assert _list_url(world) in response.content.decode()


def test_cluster_page_links_its_managers_to_the_cluster_reports(world, as_persona):
    url = reverse("portal:cluster_detail", kwargs={"pk": world.cluster_a.pk})
    link = reverse("reports:cluster_list", kwargs={"pk": world.cluster_a.pk})
    assert link in as_persona("manager").get(url).content.decode()
    assert link not in as_persona("coordinator").get(url).content.decode()


def test_outsider_gets_404_for_the_list_and_the_files(world, as_persona, built):
    client = as_persona("other_coordinator")
    assert client.get(_list_url(world)).status_code == 404
    for fmt in ("pdf", "csv"):
        url = reverse("reports:download", kwargs={"pk": built.pk, "fmt": fmt})
        assert client.get(url).status_code == 404


def test_list_answers_405_to_post(world, as_persona):
    assert as_persona("manager").post(_list_url(world)).status_code == 405


def test_download_gives_the_stored_files(world, as_persona, built):
    client = as_persona("coordinator")
    pdf = client.get(reverse("reports:download", kwargs={"pk": built.pk, "fmt": "pdf"}))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")
    response = client.get(reverse("reports:download", kwargs={"pk": built.pk, "fmt": "csv"}))
    # The coordinator reads English: commas and no BOM, though the stored file is Swedish.
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert len(rows) == 7


def test_download_gives_a_swedish_reader_semicolons_and_a_bom(world, as_persona, built):
    world.viewer.language = "sv"
    world.viewer.save(update_fields=["language"])
    response = as_persona("viewer").get(
        reverse("reports:download", kwargs={"pk": built.pk, "fmt": "csv"})
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["type", "module", "title"]
    assert len(rows) == 8


def test_download_of_an_unknown_format_or_an_unbuilt_report_is_404(world, as_persona, built):
    client = as_persona("manager")
    assert client.get(f"/reports/{built.pk}/docx/").status_code == 404
    queued = february_report(world, kind=ReportKind.ON_DEMAND)
    assert (
        client.get(reverse("reports:download", kwargs={"pk": queued.pk, "fmt": "pdf"})).status_code
        == 404
    )
    assert (
        client.get(reverse("reports:download", kwargs={"pk": 987654, "fmt": "pdf"})).status_code
        == 404
    )


def test_download_answers_405_to_post(world, as_persona, built):
    url = reverse("reports:download", kwargs={"pk": built.pk, "fmt": "pdf"})
    assert as_persona("coordinator").post(url).status_code == 405


def test_cluster_report_files_are_hidden_from_member_coordinators(world, as_persona):
    report = report_build(
        report=ProgressReport.objects.create(
            cluster=world.cluster_a, period_start=START, period_end=END
        ),
        today=TODAY,
    )
    url = reverse("reports:download", kwargs={"pk": report.pk, "fmt": "pdf"})
    assert as_persona("coordinator").get(url).status_code == 404
    assert as_persona("other_manager").get(url).status_code == 404
    assert as_persona("manager").get(url).status_code == 200
    listing = reverse("reports:cluster_list", kwargs={"pk": world.cluster_a.pk})
    assert as_persona("coordinator").get(listing).status_code == 403
    assert as_persona("outsider").get(listing).status_code == 404


def test_manager_asks_for_a_report_and_the_page_shows_it_queued(
    world, as_persona, django_capture_on_commit_callbacks, monkeypatch
):
    from innocities.reports import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.build_and_send_report, "delay", queued.append)
    client = as_persona("manager")
    url = reverse("reports:request", kwargs={"pk": world.program.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    report = ProgressReport.objects.get()
    assert queued == [report.pk]
    assert (report.kind, report.status, report.requested_by) == (
        ReportKind.ON_DEMAND,
        ReportStatus.QUEUED,
        world.manager,
    )
    body = response.content.decode()
    assert 'hx-trigger="every 3s"' in body
    # The poll gets the table only; once built, the links appear and the polling stops.
    fragment = client.get(_list_url(world), headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="report-table"')
    tasks.build_and_send_report(report.pk)
    fragment = client.get(_list_url(world), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 3s"' not in fragment
    assert reverse("reports:download", kwargs={"pk": report.pk, "fmt": "pdf"}) in fragment


def test_manager_asks_for_a_cluster_report(
    world, as_persona, django_capture_on_commit_callbacks, monkeypatch
):
    from innocities.reports import tasks

    monkeypatch.setattr(tasks.build_and_send_report, "delay", lambda pk: None)
    url = reverse("reports:cluster_request", kwargs={"pk": world.cluster_a.pk})
    response = as_persona("manager").post(url)
    assert response.status_code == 302
    assert ProgressReport.objects.get().cluster == world.cluster_a


def test_coordinator_may_not_ask_for_a_report(world, as_persona):
    url = reverse("reports:request", kwargs={"pk": world.program.pk})
    assert as_persona("coordinator").post(url).status_code == 403
    assert as_persona("other_manager").post(url).status_code == 404
    assert as_persona("manager").get(url).status_code == 405
    assert not ProgressReport.objects.exists()


def _reports(world, count: int) -> None:
    for n in range(count):
        year, month = 2020 + n // 12, n % 12 + 1
        ProgressReport.objects.create(
            program=world.program,
            period_start=START.replace(year=year, month=month),
            period_end=START.replace(year=year, month=month, day=28),
            status=ReportStatus.SENT,
            pdf="reports/x.pdf",
            csv="reports/x.csv",
            requested_by=world.manager,
        )
        ProgressReport.objects.create(
            cluster=world.cluster_a,
            period_start=START.replace(year=year, month=month),
            period_end=START.replace(year=year, month=month, day=28),
            status=ReportStatus.SENT,
        )


@pytest.mark.parametrize("name", ["reports:program_list", "reports:cluster_list"])
def test_list_query_count_does_not_grow_with_the_reports(
    world, as_persona, django_assert_max_num_queries, name
):
    client = as_persona("manager")
    pk = world.program.pk if name == "reports:program_list" else world.cluster_a.pk
    url = reverse(name, kwargs={"pk": pk})
    _reports(world, 3)
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
    ProgressReport.objects.all().delete()
    _reports(world, 30)
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
