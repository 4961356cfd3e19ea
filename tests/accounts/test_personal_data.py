"""Personal data: history on the account (never the password), a person's own data, an
administrator's export and erasure, and the record of processing."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusters.models import MeetingParticipant, RosterEntry, RosterRole
from innocities.accounts.models import User
from innocities.feeds.models import CalendarToken
from innocities.notifications.models import NotificationPreference
from innocities.portal.personal_data import person_erase
from innocities.reports.services import report_build, report_send
from municipalities.models import MunicipalityMembership
from programs.models import ProgressUpdate, Task
from tests import factories as f
from tests.conftest import client_for
from tests.reports.data import TODAY, february_report, known_programme

SECRET = "calendar-secret-that-must-not-leak"


def _security_events(caplog) -> list[dict]:
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "innocities.security"
    ]


def _history_columns() -> set[str]:
    table = User.history.model._meta.db_table
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return {column.name for column in description}


def test_admin_making_someone_staff_is_recorded_with_who_did_it(world):
    viewer = world.viewer
    url = reverse("admin:accounts_user_change", args=[viewer.pk])
    page = client_for(world, "admin").get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"password", "groups", "user_permissions", "last_login", "date_joined"}
        and value is not None
    }
    data.pop("is_superuser", None)  # an unticked box is not sent
    data |= {
        "is_staff": "on",
        "is_active": "on",
        "date_joined_0": viewer.date_joined.date().isoformat(),
        "date_joined_1": "00:00:00",
    }
    # The inline of municipality roles comes with its management form.
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{prefix}-{name}"] = management.initial.get(name, field.initial)
        for index, inline_form in enumerate(formset.formset.initial_forms):
            membership = inline_form.instance
            data |= {
                f"{prefix}-{index}-id": membership.pk,
                f"{prefix}-{index}-user": viewer.pk,
                f"{prefix}-{index}-municipality": membership.municipality_id,
                f"{prefix}-{index}-role": membership.role,
            }

    response = client_for(world, "admin").post(url, data)

    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
        data,
    )
    viewer.refresh_from_db()
    assert viewer.is_staff
    latest = viewer.history.latest()
    assert latest.is_staff and latest.history_type == "~"
    assert latest.history_user == world.admin
    assert latest.prev_record is None or not latest.prev_record.is_staff
    # The history page in the admin lists it.
    history_page = client_for(world, "admin").get(
        reverse("admin:accounts_user_history", args=[viewer.pk])
    )
    assert history_page.status_code == 200
    assert "Ada Admin" in history_page.content.decode()
    # A record, not an undo: an account is not reverted to an earlier version.
    record_url = reverse("admin:accounts_user_simple_history", args=[viewer.pk, latest.pk])
    record_page = client_for(world, "admin").get(record_url)
    assert record_page.status_code == 200
    assert 'value="Revert"' not in record_page.content.decode()
    assert client_for(world, "admin").post(record_url, data).status_code == 403
    # The change page links to the person's data.
    change_page = client_for(world, "admin").get(url).content.decode()
    assert reverse("portal:person_data", args=[viewer.pk]) in change_page


def test_user_history_never_holds_the_password(world):
    columns = _history_columns()
    assert "password" not in columns
    assert "last_login" not in columns
    assert {"is_staff", "is_superuser", "is_active", "history_user_id"} <= columns


# --- a person's own data ---------------------------------------------------------------------


def _give_coordinator_data(world) -> None:
    coordinator = world.coordinator
    CalendarToken.objects.create(user=coordinator, secret=SECRET, created_at=timezone.now())
    NotificationPreference.objects.create(user=coordinator, hour=7)
    EmailAddress.objects.create(user=coordinator, email=coordinator.email, verified=True)
    f.RosterEntryFactory(
        cluster=world.cluster_a,
        user=coordinator,
        role=RosterRole.MUNICIPAL_CONTACT,
        municipality=world.ale,
    )


def test_my_data_page_shows_the_persons_own_data(world):
    _give_coordinator_data(world)
    known_programme(world)

    response = client_for(world, "coordinator").get(reverse("portal:my_data"))

    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Cora Coordinator",
        "coordinator@example.se",
        "Ale innovates",  # the programme she coordinates
        "Hold the kick-off workshop",  # a task she owns
        "Kick-off held with 40 people.",  # her progress update
        "February network day",  # a meeting she was invited to
        "Municipal contact",  # her roster entry
        "Västra Götaland smart",
    ):
        assert text in page, text
    assert SECRET not in page
    # Nobody else's.
    assert "Lerum mobility pilot" not in page
    assert "Vera Viewer" not in page


def test_my_data_page_shows_times_in_the_readers_zone_and_text_escaped(world):
    """Times to the minute in the reader's zone and format (not 2026-03-04 07:15:00.123456+00:00),
    dates as dates, yes and no in words, and what a person wrote escaped with its line breaks."""
    coordinator = world.coordinator
    coordinator.language = "sv"
    coordinator.time_zone = "Europe/Stockholm"
    coordinator.date_joined = dt.datetime(2026, 3, 4, 7, 15, 30, 123456, tzinfo=dt.UTC)
    coordinator.save()
    f.TaskFactory(
        program=world.program,
        owner=coordinator,
        title="Bjud in <b>alla</b>",
        due_on=dt.date(2026, 5, 17),
    )
    f.ProgressUpdateFactory(program=world.program, author=coordinator, achieved="Rad ett\nRad två")

    page = client_for(world, "coordinator").get(reverse("portal:my_data")).content.decode()

    assert "<td>2026-03-04 08:15</td>" in page  # UTC+1 in March, sv's format
    assert "07:15:30" not in page and "+00:00" not in page
    assert "<td>2026-05-17</td>" in page
    assert "<td>ja</td>" in page
    assert "Bjud in &lt;b&gt;alla&lt;/b&gt;" in page
    assert "Rad ett<br>Rad två" in page


def test_my_data_json_is_a_download_of_the_same_data_without_secrets(world, caplog):
    caplog.set_level(logging.INFO, logger="innocities.security")
    _give_coordinator_data(world)
    known_programme(world)

    response = client_for(world, "coordinator").get(reverse("portal:my_data_json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert SECRET not in response.content.decode()
    data = response.json()
    assert data["user_id"] == world.coordinator.pk
    assert data["account"]["email"] == "coordinator@example.se"
    assert data["account"]["calendar_link"] is True
    assert [m["municipality"] for m in data["municipality_roles"]] == ["Ale"]
    assert [p["programme"] for p in data["coordinated_programmes"]] == ["Ale innovates"]
    assert "Hold the kick-off workshop" in [t["title"] for t in data["tasks"]]
    assert [u["achieved"] for u in data["progress_updates"]] == ["Kick-off held with 40 people."]
    assert [i["meeting"] for i in data["meeting_invitations"]] == ["February network day"]
    assert data["notification_preferences"][0]["hour"] == 7
    assert data["email_addresses"] == [{"email": "coordinator@example.se", "verified": True}]
    assert {"kind", "created_at", "last_used_at"} == set(
        json.loads(client_for(world, "manager").get(reverse("portal:my_data_json")).content)[
            "second_factors"
        ][0]
    )
    exported = [e for e in _security_events(caplog) if e["event"] == "personal_data.exported"]
    assert exported[0]["actor"] == exported[0]["subject"] == world.coordinator.pk


def test_my_data_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = client_for(world, "coordinator")
    url = reverse("portal:my_data")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _give_coordinator_data(world)
    known_programme(world)
    for index in range(5):
        f.TaskFactory(program=world.program, title=f"More work {index}", owner=world.coordinator)
        f.MeetingParticipantFactory(user=world.coordinator, meeting__cluster=world.cluster_a)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_admin_exports_any_persons_data_and_it_is_logged(world, caplog):
    caplog.set_level(logging.INFO, logger="innocities.security")
    known_programme(world)
    admin = client_for(world, "admin")
    url = reverse("portal:person_data", args=[world.coordinator.pk])

    page = admin.get(url)
    download = admin.get(url + "?format=json")

    assert page.status_code == 200
    assert "Hold the kick-off workshop" in page.content.decode()
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.json()["account"]["full_name"] == "Cora Coordinator"
    exported = [e for e in _security_events(caplog) if e["event"] == "personal_data.exported"]
    assert [(e["actor"], e["subject"]) for e in exported] == [
        (world.admin.pk, world.coordinator.pk)
    ] * 2
    assert admin.get(reverse("portal:person_data", args=[0])).status_code == 404


def test_profile_links_to_the_persons_data(world):
    page = client_for(world, "viewer").get(reverse("accounts:profile")).content.decode()
    assert reverse("portal:my_data") in page
    assert reverse("portal:my_data_json") in page


# --- erasure ---------------------------------------------------------------------------------


def test_erased_person_appears_nowhere_and_the_partnerships_records_stay(world, caplog):
    caplog.set_level(logging.INFO, logger="innocities.security")
    _give_coordinator_data(world)
    known_programme(world)
    coordinator = world.coordinator
    old_name, old_email = "Cora Coordinator", "coordinator@example.se"
    their_client = client_for(world, "coordinator")
    assert their_client.get(reverse("portal:dashboard")).status_code == 200
    admin = client_for(world, "admin")
    erase_url = reverse("portal:person_erase", args=[coordinator.pk])

    assert old_email in admin.get(erase_url).content.decode()  # the form names them
    wrong = admin.post(erase_url, {"email": "someone@example.se"})
    assert wrong.status_code == 200 and not wrong.context["form"].is_valid()
    response = admin.post(erase_url, {"email": old_email.upper()})

    assert response.status_code == 302
    erased = User.objects.get(pk=coordinator.pk)
    assert erased.full_name == f"Raderad person #{coordinator.pk}"
    assert erased.email == f"erased-{coordinator.pk}@erased.invalid"
    assert not erased.is_active and not erased.is_staff and not erased.is_superuser
    assert not erased.has_usable_password()
    # What was only theirs is gone.
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert not CalendarToken.objects.filter(user=erased).exists()
    assert not NotificationPreference.objects.filter(user=erased).exists()
    assert not MunicipalityMembership.objects.filter(user=erased).exists()
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(erased.pk)
    ]
    # The partnership's records stay, now by "Erased person #N".
    update = ProgressUpdate.objects.get(achieved="Kick-off held with 40 people.")
    assert update.author == erased
    assert Task.objects.filter(owner=erased, title="Hold the kick-off workshop").exists()
    assert MeetingParticipant.objects.filter(user=erased).exists()
    roster = RosterEntry.objects.get(user=erased, role=RosterRole.MUNICIPAL_CONTACT)
    assert roster.ended_on == timezone.localdate()
    assert world.program.coordinators.filter(pk=erased.pk).exists()
    # Their history keeps who changed what, not who they were.
    assert not erased.history.filter(full_name=old_name).exists()
    assert not erased.history.filter(email=old_email).exists()
    assert erased.history.latest().history_user == world.admin

    # Nowhere on the pages, in the admin's list, or in a report built afterwards.
    pages = [
        admin.get(reverse("programs:detail", args=[world.program.pk])),
        admin.get(reverse("portal:cluster_detail", args=[world.cluster_a.pk])),
        client_for(world, "manager").get(
            reverse("portal:cluster_detail", args=[world.cluster_a.pk])
        ),
        admin.get(reverse("admin:accounts_user_changelist")),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert old_name not in text and old_email not in text
    program_page = pages[0].content.decode()
    assert f"Raderad person #{erased.pk}" in program_page
    report = report_build(report=february_report(world), today=TODAY)
    with report.csv.open("rb") as handle:
        csv_text = handle.read().decode()
    assert old_name not in csv_text and old_email not in csv_text
    assert f"Raderad person #{erased.pk}" in csv_text  # the task she owned
    assert old_name not in json.dumps(report.figures, ensure_ascii=False)
    mail.outbox.clear()
    assert report_send(report=report) > 0
    for message in mail.outbox:
        assert old_email not in message.to
        bodies = [message.body, *(content for content, _type in message.alternatives)]
        for body in bodies:
            assert old_name not in body and old_email not in body

    # They cannot log in, and their old session no longer works.
    assert not their_client.login(email=old_email, password=f.PASSWORD)
    assert not their_client.login(email=erased.email, password=f.PASSWORD)
    assert (
        client_for(world, "anonymous")
        .post(reverse("account_login"), {"login": old_email, "password": f.PASSWORD})
        .status_code
        == 200
    )
    assert their_client.get(reverse("portal:dashboard")).status_code == 302

    erasures = [e for e in _security_events(caplog) if e["event"] == "person.erased"]
    assert erasures == [{"event": "person.erased", "actor": world.admin.pk, "subject": erased.pk}]


def test_erasure_removes_second_factors(world):
    assert Authenticator.objects.filter(user=world.manager).exists()
    person_erase(user=world.manager, actor=world.admin)
    assert not Authenticator.objects.filter(user=world.manager).exists()


def test_an_administrator_cannot_erase_themselves(world):
    with pytest.raises(ValidationError):
        person_erase(user=world.admin, actor=world.admin)
    response = client_for(world, "admin").post(
        reverse("portal:person_erase", args=[world.admin.pk]), {"email": world.admin.email}
    )
    assert response.status_code == 200
    assert "You cannot erase yourself." in response.content.decode()
    assert User.objects.get(pk=world.admin.pk).is_active


def test_the_last_active_superuser_cannot_be_erased(world):
    with pytest.raises(ValidationError):
        person_erase(user=world.admin, actor=world.manager)
    assert User.objects.get(pk=world.admin.pk).full_name == "Ada Admin"
    second = f.UserFactory(is_staff=True, is_superuser=True)
    person_erase(user=world.admin, actor=second)
    assert not User.objects.get(pk=world.admin.pk).is_superuser


# --- the record of processing ----------------------------------------------------------------


def test_record_of_processing_lists_data_purpose_and_legal_basis(world):
    response = client_for(world, "admin").get(reverse("portal:personal_data_record"))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Data", "Purpose", "Legal basis", "Kept how long", "Who sees it"):
        assert f">{heading}<" in page
    assert "allmänt intresse" in page
    assert "avtal" in page


def test_my_data_has_the_benefits_i_own_and_the_lessons_i_wrote(world):
    from tests.benefits.factories import BenefitFactory
    from tests.initiatives.factories import InitiativeFactory
    from tests.lessons.factories import LessonFactory

    initiative = InitiativeFactory(municipality=world.ale, title="Läckagelarm")
    BenefitFactory(initiative=initiative, title="Färre vattenläckor", owner=world.coordinator)
    BenefitFactory(initiative=initiative, title="Someone else's", owner=world.viewer)
    LessonFactory(
        municipality=world.ale, title="Larmen behöver en mottagare", author=world.coordinator
    )
    LessonFactory(municipality=world.ale, title="Not mine", author=world.viewer)

    data = client_for(world, "coordinator").get(reverse("portal:my_data_json")).json()

    assert [(b["title"], b["initiative"]) for b in data["benefits"]] == [
        ("Färre vattenläckor", "Läckagelarm")
    ]
    assert [lesson["title"] for lesson in data["lessons"]] == ["Larmen behöver en mottagare"]
