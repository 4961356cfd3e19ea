"""Delivery: who gets the report, in which language, and never twice."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command

from innocities.reports.models import ProgressReport, ReportKind, ReportStatus
from innocities.reports.services import CSV_COLUMNS, report_build, report_scan, report_send
from programs.models import ProgramStatus
from tests import factories as f
from tests.reports.data import END, START, TODAY, february_report, known_programme

MARCH_2 = "2026-03-02"


@pytest.fixture
def languages(world):
    world.coordinator.language = "sv"
    world.coordinator.save(update_fields=["language"])
    world.viewer.language = "en"
    world.viewer.save(update_fields=["language"])
    world.manager.language = "en"
    world.manager.save(update_fields=["language"])


def test_programme_report_goes_to_coordinators_viewers_and_the_cluster_managers(world, languages):
    known_programme(world)
    report = report_build(report=february_report(world), today=TODAY)
    assert report_send(report=report) == 3

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {
        "coordinator@example.se",
        "viewer@example.se",
        "manager@example.se",
    }
    assert by_recipient["coordinator@example.se"].subject.startswith("Lägesrapport")
    assert by_recipient["viewer@example.se"].subject.startswith("Progress report")
    message = by_recipient["viewer@example.se"]
    assert "Ale" in message.subject
    assert [name.rsplit(".", 1)[-1] for name, _content, _type in message.attachments] == [
        "pdf",
        "csv",
    ]
    assert message.attachments[0][1].startswith(b"%PDF")
    # Each reader gets the CSV in their layout: the viewer reads English (commas), the
    # coordinator Swedish (semicolons, a BOM).
    # (Django keeps a text/* attachment as text.)
    english = message.attachments[1][1]
    assert english.splitlines()[0] == ",".join(CSV_COLUMNS)
    swedish = by_recipient["coordinator@example.se"].attachments[1][1]
    assert swedish.splitlines()[0] == "\ufeff" + ";".join(CSV_COLUMNS)
    html = message.alternatives[0][0]
    assert "Hold the kick-off workshop" in html
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    assert report.recipients == sorted(by_recipient)
    assert report.sent_at is not None


def test_other_municipalities_and_ended_managers_get_nothing(world):
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=f.UserFactory(email="former@example.se"),
        ended_on=dt.date(2026, 1, 1),
        started_on=dt.date(2025, 1, 1),
    )
    report = report_build(report=february_report(world), today=TODAY)
    report_send(report=report)
    recipients = {message.to[0] for message in mail.outbox}
    assert "former@example.se" not in recipients
    assert "coordinator2@example.se" not in recipients
    assert "manager2@example.se" not in recipients
    assert "partner@example.se" not in recipients


def test_cluster_report_goes_to_the_cluster_managers_only(world):
    report = ProgressReport.objects.create(
        cluster=world.cluster_a, period_start=START, period_end=END
    )
    report_send(report=report_build(report=report, today=TODAY))
    assert [message.to for message in mail.outbox] == [["manager@example.se"]]
    assert "Västra Götaland smart" in mail.outbox[0].subject


def test_a_report_is_sent_once_even_when_send_is_called_again(world):
    report = report_build(report=february_report(world), today=TODAY)
    assert report_send(report=report) == 3
    assert report_send(report=report) == 0
    assert report_send(report=ProgressReport.objects.get(pk=report.pk)) == 0
    assert len(mail.outbox) == 3


def test_smtp_failure_puts_the_report_back_to_ready_for_a_retry(world, monkeypatch):
    report = report_build(report=february_report(world), today=TODAY)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(smtplib.SMTPException):
        report_send(report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert "gone" in report.error
    monkeypatch.undo()
    assert report_send(report=report) == 3


def test_scan_makes_one_scheduled_report_per_active_programme_and_cluster(world):
    f.ProgramFactory(
        municipality=world.alingsas, cluster=world.cluster_a, status=ProgramStatus.PAUSED
    )
    ids = report_scan(today=TODAY)
    assert report_scan(today=TODAY) == ids
    reports = ProgressReport.objects.filter(pk__in=ids)
    assert {(r.program_id, r.cluster_id) for r in reports} == {
        (world.program.pk, None),
        (world.other_program.pk, None),
        (None, world.cluster_a.pk),
        (None, world.cluster_b.pk),
    }
    assert {(r.period_start, r.period_end, r.kind) for r in reports} == {
        (START, END, ReportKind.SCHEDULED)
    }


def test_scan_query_count_does_not_grow_with_the_programmes(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        report_scan(today=TODAY)
    for _ in range(10):
        f.ProgramFactory(cluster=world.cluster_a)
    with django_assert_max_num_queries(4):
        ids = report_scan(today=TODAY)
    assert len(ids) == 14


def test_command_sends_each_report_once_however_often_it_runs(world):
    call_command("send_progress_reports", f"--today={MARCH_2}")
    first = len(mail.outbox)
    # Ale: coordinator, viewer, manager. Lerum: its coordinator, other manager. Clusters:
    # one manager each.
    assert first == 7
    call_command("send_progress_reports", f"--today={MARCH_2}")
    assert len(mail.outbox) == first
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.SENT}


def test_build_and_send_task_does_the_work_when_called(world):
    from innocities.reports.tasks import build_and_send_report

    report = february_report(world)
    assert build_and_send_report(report.pk) == 3
    assert build_and_send_report(report.pk) == 0
    assert build_and_send_report(987654) == 0
    assert len(mail.outbox) == 3


def test_scan_task_enqueues_each_report_after_the_commit(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from innocities.reports import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.build_and_send_report, "delay", queued.append)
    monkeypatch.setattr(
        tasks,
        "report_scan",
        lambda: __import__("innocities.reports.services", fromlist=["report_scan"]).report_scan(
            today=TODAY
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_progress_reports() == 4
    assert sorted(queued) == sorted(ProgressReport.objects.values_list("pk", flat=True))


def test_on_demand_report_is_built_but_not_mailed(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from innocities.reports import tasks
    from innocities.reports.on_demand import report_request

    queued: list[int] = []
    monkeypatch.setattr(tasks.build_and_send_report, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=world.manager, program=world.program, today=TODAY)
        again = report_request(actor=world.manager, program=world.program, today=TODAY)
    assert again.pk == report.pk
    assert queued == [report.pk]
    assert (report.kind, report.period_start, report.period_end) == (
        ReportKind.ON_DEMAND,
        dt.date(2026, 3, 1),
        TODAY,
    )
    tasks.build_and_send_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert mail.outbox == []
