"""A cluster's roster and its meetings with attendance as XLSX and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clusters.models import Attendance, Reply, RosterRole
from tests import factories as f

pytestmark = pytest.mark.django_db


def _url(world, name: str, fmt: str) -> str:
    return reverse(f"clusters:{name}", kwargs={"pk": world.cluster_a.pk, "fmt": fmt})


def _rows(response) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_roster_lists_members_partners_and_people_with_dates(world, as_persona):
    response = as_persona("manager").get(_url(world, "roster_export", "xlsx"))
    assert response.status_code == 200
    assert 'filename="vastra-gotaland-smart-roster-' in response["Content-Disposition"]
    rows = _rows(response)
    assert rows[0] == [
        "Kind",
        "Name",
        "E-mail",
        "Role or status",
        "Organisation, municipality or code",
        "From",
        "Until",
    ]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Ale"][0] == "Member municipality" and by_name["Ale"][4] == "1440"
    assert isinstance(by_name["Ale"][5], dt.datetime)  # a date cell
    assert by_name["Chalmers Industriteknik"][0] == "Partner organisation"
    partner = by_name["Per Partner"]
    assert partner[2] == "partner@example.se"
    assert partner[3] == "Partner contact"
    assert partner[4] == "Chalmers Industriteknik"


def test_roster_export_shows_no_email_addresses_to_readers_who_are_not_managers(world, as_persona):
    response = as_persona("coordinator").get(_url(world, "roster_export", "csv"))
    text = response.content.decode("utf-8")
    assert "@example.se" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert "E-mail" not in rows[0]
    assert any(row[1] == "Maja Manager" and row[2] == "Programme manager" for row in rows)


def test_meetings_export_has_one_row_per_invitee_with_reply_and_attendance(world, as_persona):
    start = timezone.now() - dt.timedelta(days=3)
    meeting = f.MeetingFactory(
        cluster=world.cluster_a,
        title="+Workshop on pilots",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        location="Stadshuset",
    )
    f.MeetingParticipantFactory(
        meeting=meeting,
        user=world.coordinator,
        reply=Reply.ACCEPTED,
        attendance=Attendance.ATTENDED,
    )
    f.MeetingParticipantFactory(meeting=meeting, user=world.partner, reply=Reply.DECLINED)
    f.MeetingFactory(cluster=world.cluster_a, title="Nobody invited yet")
    world.coordinator.language = "sv"
    world.coordinator.save(update_fields=["language"])

    response = as_persona("coordinator").get(_url(world, "meetings_export", "csv"))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 8
    workshop = [row for row in rows[1:] if row[0] == "'+Workshop on pilots"]
    assert [(row[4], row[5], row[6]) for row in workshop] == [
        ("Cora Coordinator", "Tackat ja", "Närvarande"),
        ("Per Partner", "Tackat nej", "Inte registrerad"),
    ]
    assert workshop[0][3] == "Stadshuset"
    assert workshop[0][1] == timezone.localtime(start).strftime("%Y-%m-%d %H:%M")
    assert any(row[0] == "Nobody invited yet" and row[4] == "" for row in rows[1:])

    sheet_rows = _rows(as_persona("manager").get(_url(world, "meetings_export", "xlsx")))
    workshop_cells = [row for row in sheet_rows if row[0] == "+Workshop on pilots"]
    assert isinstance(workshop_cells[0][1], dt.datetime)


def test_outsiders_get_404_and_post_is_405(world, as_persona):
    assert (
        as_persona("other_coordinator").get(_url(world, "roster_export", "csv")).status_code == 404
    )
    assert as_persona("manager").post(_url(world, "meetings_export", "csv")).status_code == 405
    assert as_persona("manager").get(_url(world, "meetings_export", "pdf")).status_code == 404


def test_cluster_pages_link_the_exports(world, as_persona):
    client = as_persona("partner")
    detail = client.get(
        reverse("portal:cluster_detail", args=[world.cluster_a.pk])
    ).content.decode()
    assert _url(world, "roster_export", "xlsx") in detail
    assert reverse("clusters:roster_import", args=[world.cluster_a.pk]) not in detail
    meetings = client.get(reverse("clusters:meetings", args=[world.cluster_a.pk])).content.decode()
    assert _url(world, "meetings_export", "csv") in meetings
    manager_detail = as_persona("manager").get(
        reverse("portal:cluster_detail", args=[world.cluster_a.pk])
    )
    assert reverse("clusters:roster_import", args=[world.cluster_a.pk]) in (
        manager_detail.content.decode()
    )


def _grow(world, count: int) -> None:
    organisation = f.OrganisationFactory()
    for _ in range(count):
        municipality = f.MunicipalityFactory()
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
        f.ClusterPartnerFactory(cluster=world.cluster_a, organisation=f.OrganisationFactory())
        person = f.UserFactory()
        f.RosterEntryFactory(
            cluster=world.cluster_a,
            user=person,
            role=RosterRole.MUNICIPAL_CONTACT,
            municipality=municipality,
        )
        f.RosterEntryFactory(
            cluster=world.cluster_a,
            user=person,
            role=RosterRole.EXPERT,
            organisation=organisation,
        )
        meeting = f.MeetingFactory(cluster=world.cluster_a)
        f.MeetingParticipantFactory(meeting=meeting, user=person)
        f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator)


@pytest.mark.parametrize("name", ["roster_export", "meetings_export"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_query_count_does_not_grow_with_the_cluster(
    world, as_persona, name, fmt, django_assert_max_num_queries
):
    client = as_persona("manager")
    _grow(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(world, name, fmt)).status_code == 200
    _grow(world, 18)  # ten times the data
    with django_assert_max_num_queries(len(small)):
        response = client.get(_url(world, name, fmt))
    assert response.status_code == 200
    assert len(response.content) > 0
