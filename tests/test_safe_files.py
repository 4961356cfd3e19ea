"""Safe files (issue 10): no CSV cell reaches a spreadsheet as a formula, names and titles
refuse control characters, and a calendar feed cannot be split or broken by a name."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from icalendar import Calendar

from clusters.models import Cluster, Meeting, Reply
from innocities.accounts.models import User
from innocities.core.spreadsheets import SafeDictWriter, safe_cell
from innocities.core.text import plain_text, single_line
from innocities.core.validators import no_control_characters
from innocities.reports.services import report_build
from municipalities.models import Organisation
from programs.initiatives.models import Initiative
from programs.initiatives.services import initiative_create
from programs.models import Task
from tests import factories as f
from tests.clusters.test_meeting_views import form_data as meeting_form_data
from tests.feeds.helpers import cluster_feed_url, events, feed_url
from tests.reports.data import TODAY, february_report, known_programme

REFUSED = "Remove the line breaks and control characters."
FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-1+1", "@SUM(1)", "\tx", "\rx"]


# --- the validator --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "Cora Coordinator",
        "Åsa Ölund-Ärlig",
        "Zoë O'Brien, PhD",
        "Göta älv: mobility & smart (2026)",
        "محمد الأحمد",  # right-to-left letters are writing, not an override
        "Workshop 🚲",
        "",
    ],
)
def test_ordinary_names_and_titles_are_accepted(value):
    no_control_characters(value)


@pytest.mark.parametrize(
    "value",
    [
        "Eve\r\nX-INJECTED:1",
        "Eve\nBcc: someone@example.se",
        "Eve\rEvil",
        "Tab\there",
        "Nul\x00",
        "Bell\x07",
        "Delete\x7f",
        "Next line\x85",
        "Invoice\u202egnp.exe",  # right-to-left override
        "Isolate\u2066x\u2069",
    ],
)
def test_control_characters_and_bidi_overrides_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        no_control_characters(value)
    with translation.override("en"):
        assert refused.value.messages == [REFUSED]
    with translation.override("sv"):
        assert refused.value.messages == ["Ta bort radbrytningarna och kontrolltecknen."]
    assert refused.value.error_list[0].code == "control_characters"


def test_single_line_folds_breaks_into_spaces_and_drops_other_controls():
    assert single_line("Eve\r\nX-INJECTED:1") == "Eve X-INJECTED:1"
    assert single_line("a\rb\nc\td\u2028e") == "a b c d e"
    assert single_line("Nul\x00 and \u202eoverride\x7f") == "Nul and override"
    assert single_line("Åsa Ölund 🚲") == "Åsa Ölund 🚲"


def test_plain_text_keeps_line_breaks_and_tabs_as_newlines_and_tabs():
    assert plain_text("1. One\r\n2.\tTwo\r3. Three\x00\u202e") == "1. One\n2.\tTwo\n3. Three"


# --- CSV cells ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-3, -1.5, Decimal("-3.25"), 0, 100, dt.date(2026, 2, 1), None, True]
)
def test_numbers_dates_and_empties_stay_what_they_are(value):
    assert safe_cell(value) is value


def test_ordinary_text_and_lazy_labels_are_left_alone():
    assert safe_cell("Map the innovation culture") == "Map the innovation culture"
    assert safe_cell("a-b=c") == "a-b=c"  # only the first character matters
    assert safe_cell(gettext_lazy("-lazy")) == "'-lazy"


def test_safe_dict_writer_neutralises_writerow_and_writerows_but_not_numbers():
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=["title", "change"])
    writer.writeheader()
    writer.writerow({"title": "=1+1", "change": -3})
    writer.writerows([{"title": "@SUM(1)", "change": Decimal("-3.5")}])
    writer.writerow({"title": "Old\rtitle\nwith breaks", "change": 0})
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))
    assert rows == [
        {"title": "'=1+1", "change": "-3"},
        {"title": "'@SUM(1)", "change": "-3.5"},
        # Quoted, so a line break inside a cell does not end the row.
        {"title": "Old\rtitle\nwith breaks", "change": "0"},
    ]


def test_safe_dict_writer_keeps_crlf_row_ends():
    with pytest.raises(ValueError):
        SafeDictWriter(io.StringIO(), fieldnames=["title"], lineterminator="\n")


def test_report_csv_holds_hostile_titles_as_text_and_numbers_as_numbers(world):
    known_programme(world)
    program = world.program
    for title in FORMULAS:
        f.TaskFactory(program=program, title=title, due_on=dt.date(2026, 2, 20), percent=40)
    # A name saved before names were validated, as an owner column.
    User.objects.filter(pk=world.coordinator.pk).update(full_name="=cmd|'/C calc'!A0")
    f.TaskFactory(
        program=program, title="Owned", owner=world.coordinator, due_on=dt.date(2026, 2, 21)
    )
    report = report_build(report=february_report(world), today=TODAY)

    with report.csv.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    # A Swedish programme's report is in the Swedish layout (semicolons).
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    titles = {row["title"] for row in rows}
    for title in FORMULAS:
        assert "'" + title in titles, title
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    by_title = {row["title"]: row for row in rows}
    assert by_title["'-1+1"]["percent"] == "40"  # the number in the same row stays a number
    assert by_title["Owned"]["owner"] == "'=cmd|'/C calc'!A0"
    assert by_title["Owned"]["due"] == "2026-02-21"


# --- names and titles on the forms --------------------------------------------------------

BROKEN = "Broken\r\nX-INJECTED:1"


def _admin_form_data(response) -> dict[str, object]:
    """The POST an admin change page would send back unchanged: the main form's and every
    inline's present values, with the formsets' management forms."""
    data: dict[str, object] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def test_profile_refuses_a_full_name_with_a_line_break(world, as_persona):
    response = as_persona("coordinator").post(
        reverse("accounts:profile"),
        {
            "full_name": "Cora\r\nBcc: x@example.se",
            "language": "en",
            "time_zone": "Europe/Stockholm",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == [REFUSED]
    world.coordinator.refresh_from_db()
    assert (world.coordinator.full_name, world.coordinator.language) == ("Cora Coordinator", "en")


@pytest.mark.parametrize("field", ["title", "location"])
def test_meeting_form_refuses_a_title_or_place_with_a_line_break(world, as_persona, field):
    response = as_persona("manager").post(
        reverse("clusters:meeting_create", kwargs={"pk": world.cluster_a.pk}),
        meeting_form_data(world, **{field: BROKEN}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [REFUSED]
    assert not Meeting.objects.filter(cluster=world.cluster_a).exists()


def test_initiative_form_refuses_a_title_with_a_line_break(world, as_persona):
    response = as_persona("coordinator").post(
        reverse("initiatives:create", kwargs={"pk": world.ale.pk}),
        {"title": BROKEN, "stage": "idea", "facet": "enhancement"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [REFUSED]
    assert not Initiative.objects.exists()


def test_new_partner_organisation_with_a_line_break_is_refused_on_the_form(world, as_persona):
    response = as_persona("manager").post(
        reverse("clusters:partner_add", kwargs={"pk": world.cluster_a.pk}),
        {"new_name": BROKEN, "new_helix": "business", "joined_on": "2025-02-01"},
    )
    assert response.status_code == 200
    assert REFUSED in response.context["form"].non_field_errors()
    assert not Organisation.objects.filter(name__startswith="Broken").exists()


def test_admin_refuses_a_cluster_name_with_a_line_break(world, as_persona):
    client = as_persona("admin")
    url = reverse("admin:clusters_cluster_change", args=[world.cluster_a.pk])
    data = _admin_form_data(client.get(url))
    # The page sends back what it shows: unchanged, it saves.
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": BROKEN})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [REFUSED]
    assert Cluster.objects.get(pk=world.cluster_a.pk).name == "Västra Götaland smart"


def test_admin_refuses_a_task_title_with_a_line_break(world, as_persona):
    client = as_persona("admin")
    task = world.program.tasks.get(title="Map the innovation culture")
    url = reverse("admin:programs_task_change", args=[task.pk])
    data = _admin_form_data(client.get(url))
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "title": BROKEN})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"] == [REFUSED]
    assert Task.objects.get(pk=task.pk).title == "Map the innovation culture"


# --- calendar feeds -----------------------------------------------------------------------

INJECTION = "\r\nX-INJECTED:1"


def _content_lines(body: bytes) -> list[str]:
    """The feed's content lines, unfolded (RFC 5545 3.1)."""
    return body.decode().replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def _fetch_safely(url: str) -> Calendar:
    """GET the feed as a calendar program does; no content line of its own was injected."""
    response = Client().get(url)
    assert response.status_code == 200
    lines = _content_lines(response.content)
    assert not [line for line in lines if line.upper().startswith("X-INJECTED")]
    calendar = Calendar.from_ical(response.content)
    assert "X-INJECTED" not in calendar
    for component in calendar.walk():
        assert "X-INJECTED" not in component, component.name
    return calendar


def test_a_full_name_with_a_line_break_cannot_split_the_personal_feed(world):
    # Stored directly, as a row saved before names were validated might hold it.
    User.objects.filter(pk=world.coordinator.pk).update(full_name="Cora" + INJECTION)
    calendar = _fetch_safely(feed_url(world.coordinator))
    name = str(calendar["X-WR-CALNAME"])
    assert "\r" not in name and "\n" not in name
    assert "Cora X-INJECTED:1" in name


def test_a_cluster_name_and_meeting_title_with_line_breaks_cannot_split_the_cluster_feed(world):
    Cluster.objects.filter(pk=world.cluster_a.pk).update(name="Smart" + INJECTION)
    meeting = f.MeetingFactory(
        cluster=world.cluster_a,
        title="Kick-off" + INJECTION,
        location="Hall\r\n\x1bB",
        agenda="1. Welcome\r\n2. Scenarios\x07",
    )
    calendar = _fetch_safely(cluster_feed_url(world.manager, world.cluster_a))
    name = str(calendar["X-WR-CALNAME"])
    assert "\r" not in name and "\n" not in name
    assert "Smart X-INJECTED:1" in name
    event = events(calendar)[f"meeting-{meeting.pk}@innocities"]
    assert str(event["SUMMARY"]) == "Kick-off X-INJECTED:1"
    assert str(event["LOCATION"]) == "Hall B"
    description = str(event["DESCRIPTION"])
    # The agenda keeps its line breaks, escaped by the library; the cluster's name has none.
    assert description.startswith("Smart X-INJECTED:1\n\n1. Welcome\n2. Scenarios\n\n")


def test_titles_with_line_breaks_cannot_split_due_dates_and_decision_points(world):
    today = timezone.localdate()
    task = world.program.tasks.get(title="Map the innovation culture")
    Task.objects.filter(pk=task.pk).update(
        title="Map" + INJECTION, owner=world.coordinator, due_on=today + dt.timedelta(days=5)
    )
    initiative = initiative_create(
        actor=world.admin,
        municipality=world.ale,
        title="Meters",
        next_gate_due_on=today + dt.timedelta(days=10),
    )
    Initiative.objects.filter(pk=initiative.pk).update(title="Meters" + INJECTION)
    meeting = f.MeetingFactory(cluster=world.cluster_a, title="Day; one, two" + INJECTION)
    f.MeetingParticipantFactory(meeting=meeting, user=world.coordinator, reply=Reply.ACCEPTED)

    found = events(_fetch_safely(feed_url(world.coordinator)))
    assert str(found[f"task-{task.pk}@innocities"]["SUMMARY"]).endswith("Map X-INJECTED:1")
    gate = found[f"gate-{initiative.pk}@innocities"]
    assert str(gate["SUMMARY"]).endswith("Meters X-INJECTED:1")
    # Semicolons and commas are escaped by the library and read back as written.
    assert str(found[f"meeting-{meeting.pk}@innocities"]["SUMMARY"]) == (
        "Day; one, two X-INJECTED:1"
    )
