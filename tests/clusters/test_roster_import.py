"""Importing people onto a cluster's roster from XLSX or CSV: dry run, import, refusals."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from clusters.models import RosterEntry, RosterRole
from clusters.roster_import import MAX_BYTES
from innocities.accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "e-mail;full name;role;municipality code or organisation;from"


def _url(world) -> str:
    return reverse("clusters:roster_import", kwargs={"pk": world.cluster_a.pk})


def _csv(*lines: str, name: str = "people.csv") -> SimpleUploadedFile:
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def _counts() -> tuple[int, int]:
    return User.objects.count(), RosterEntry.objects.count()


def _upload(client, world, upload):
    return client.post(_url(world), {"file": upload})


def _fingerprint(response) -> str:
    match = re.search(r'name="fingerprint" value="([0-9a-f]+)"', response.content.decode())
    assert match, "the dry run offers no import"
    return match.group(1)


GOOD_AND_BAD = (
    "new.person@example.se;Nina Ny;Municipal contact;1440;2026-03-01",  # line 2: invite
    "viewer@example.se;;expert;Chalmers Industriteknik;2026-03-02",  # line 3: add
    "partner@example.se;Per Partner;partner_contact;Chalmers Industriteknik;",  # 4: unchanged
    "not-an-address;Nobody;Expert;;2026-03-01",  # line 5: bad e-mail
    "x@example.se;X;Mayor;;2026-03-01",  # line 6: unknown role
    "y@example.se;Y;Expert;1441;2026-03-01",  # line 7: Lerum is not a member
    "z@example.se;;Expert;;2026-03-01",  # line 8: new person without a name
    "new.person@example.se;Nina Ny;Municipal contact;1440;2026-03-01",  # line 9: repeats 2
)


def test_dry_run_changes_nothing_and_says_what_would_change(world, as_persona, mailoutbox):
    client = as_persona("manager")
    before = _counts()
    response = _upload(client, world, _csv(*GOOD_AND_BAD))
    assert response.status_code == 200
    assert _counts() == before
    assert mailoutbox == []
    plan = response.context["plan"]
    assert [o.row.line for o in plan.invited] == [2]
    assert [o.row.line for o in plan.added] == [3]
    assert [o.row.line for o in plan.unchanged] == [4]
    refused = {o.row.line: o.reason for o in plan.refused}
    assert set(refused) == {5, 6, 7, 8, 9}
    assert "valid email" in refused[5].lower() or "e-mail" in refused[5].lower()
    assert "Unknown role “Mayor”" in refused[6]
    assert "code 1441" in refused[7]
    assert "give a name" in refused[8]
    assert "line 2" in refused[9]
    body = response.content.decode()
    assert "Unknown role" in body and ">Import<" in body


def test_import_applies_exactly_the_dry_run_in_one_go(world, as_persona):
    client = as_persona("manager")
    dry = _upload(client, world, _csv(*GOOD_AND_BAD))
    users, entries = _counts()
    response = client.post(_url(world), {"action": "import", "fingerprint": _fingerprint(dry)})
    assert response.status_code == 302
    assert response["Location"].endswith("#people")
    assert _counts() == (users + 1, entries + 2)
    nina = User.objects.get(email="new.person@example.se")
    entry = RosterEntry.objects.get(cluster=world.cluster_a, user=nina)
    assert entry.role == RosterRole.MUNICIPAL_CONTACT
    assert entry.municipality == world.ale
    assert entry.started_on == dt.date(2026, 3, 1)
    expert = RosterEntry.objects.get(cluster=world.cluster_a, user=world.viewer)
    assert (
        expert.role == RosterRole.EXPERT and expert.organisation.name == "Chalmers Industriteknik"
    )
    # The rows waited in the session: they are gone once imported.
    again = client.post(_url(world), {"action": "import", "fingerprint": _fingerprint(dry)})
    assert again.status_code == 302 and again["Location"] == _url(world)
    assert _counts() == (users + 1, entries + 2)


def test_import_refuses_and_shows_the_new_dry_run_when_the_roster_changed(world, as_persona):
    client = as_persona("manager")
    dry = _upload(client, world, _csv(*GOOD_AND_BAD[:2]))
    # Meanwhile someone puts the viewer on the roster as an expert by hand.
    f.RosterEntryFactory(
        cluster=world.cluster_a, user=world.viewer, role=RosterRole.EXPERT, organisation=None
    )
    before = _counts()
    response = client.post(_url(world), {"action": "import", "fingerprint": _fingerprint(dry)})
    assert response.status_code == 200
    assert _counts() == before  # nothing half-saved: not even Nina's invitation
    assert "changed since the dry run" in response.content.decode()
    plan = response.context["plan"]
    assert [o.row.line for o in plan.unchanged] == [3]
    confirm = client.post(_url(world), {"action": "import", "fingerprint": _fingerprint(response)})
    assert confirm.status_code == 302
    assert _counts() == (before[0] + 1, before[1] + 1)


def test_xlsx_with_date_cells_and_number_codes_is_read(world, as_persona):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["E-post", "Namn", "Roll", "Kommunkod", "Från"])
    sheet.append(
        ["kim@example.se", "Kim Kod", "Kommunens kontaktperson", 1489, dt.date(2026, 4, 1)]
    )
    sheet.append(["lo@example.se", "Lo Lik", "=1+2", "", dt.date(2026, 4, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue())
    response = _upload(as_persona("manager"), world, upload)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [o.row.line for o in plan.invited] == [2]
    assert plan.invited[0].row.started_on == "2026-04-01"
    assert plan.invited[0].row.where == "1489"
    assert [o.row.line for o in plan.refused] == [3]  # a formula is text, and no role


def test_a_file_that_is_neither_xlsx_nor_csv_is_refused(world, as_persona):
    client = as_persona("manager")
    png = SimpleUploadedFile("people.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    response = _upload(client, world, png)
    assert response.status_code == 200
    assert "neither an Excel workbook (.xlsx) nor a CSV file" in response.content.decode()
    assert response.context["plan"] is None
    fake_zip = SimpleUploadedFile("people.xlsx", b"PK\x03\x04" + b"garbage" * 20)
    response = _upload(client, world, fake_zip)
    assert "not an Excel workbook (.xlsx) that can be read" in response.content.decode()
    no_header = SimpleUploadedFile("people.csv", b"just some words\nand more\n")
    response = _upload(client, world, no_header)
    assert response.context["plan"] is None


def test_an_oversize_file_is_refused(world, as_persona):
    before = _counts()
    big = SimpleUploadedFile("people.csv", (HEADER + "\r\n").encode() + b"x" * MAX_BYTES)
    response = _upload(as_persona("manager"), world, big)
    assert response.status_code == 200
    assert "larger than 1 MB" in response.content.decode()
    assert _counts() == before


def test_readers_who_do_not_manage_the_cluster_cannot_import(world, as_persona):
    before = _counts()
    response = _upload(as_persona("partner"), world, _csv(GOOD_AND_BAD[0]))
    assert response.status_code == 403
    assert _counts() == before


def test_an_english_comma_separated_file_with_windows_letters_is_read(world, as_persona):
    text = "email,name,role,organisation,from\r\nasa@example.se,Åsa Åberg,Expert,,2026-05-01\r\n"
    upload = SimpleUploadedFile("people.csv", text.encode("cp1252"))
    plan = _upload(as_persona("manager"), world, upload).context["plan"]
    assert [o.row.full_name for o in plan.invited] == ["Åsa Åberg"]
