"""The dashboard: one page, the sections a person's roles call for."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters.models import MeetingStatus
from municipalities.models import MunicipalityRole
from programs.models import ProgressStatus
from tests import factories as f
from tests.programs.data import grow, partner_organisation

URL = reverse("portal:dashboard")


def program_links(content: str) -> set[str]:
    return set(re.findall(r'href="(/programmes/\d+/)[#"]', content))


@pytest.fixture
def meetings(world):
    now = timezone.now()
    return {
        "coming_a": f.MeetingFactory(
            cluster=world.cluster_a, title="Spring workshop", starts_at=now + dt.timedelta(days=3)
        ),
        "past_a": f.MeetingFactory(
            cluster=world.cluster_a, title="Autumn kick-off", starts_at=now - dt.timedelta(days=3)
        ),
        "cancelled_a": f.MeetingFactory(
            cluster=world.cluster_a,
            title="Cancelled visit",
            starts_at=now + dt.timedelta(days=5),
            status=MeetingStatus.CANCELLED,
        ),
        "coming_b": f.MeetingFactory(
            cluster=world.cluster_b,
            title="Lerum mobility day",
            starts_at=now + dt.timedelta(days=4),
        ),
    }


# --- coordinator and viewer ----------------------------------------------------------------


def test_coordinator_sees_their_programme_progress_and_a_button_to_report(world, as_persona):
    f.ProgressUpdateFactory(
        program=world.program, author=world.coordinator, achieved="Mapped the culture."
    )
    response = as_persona("coordinator").get(URL)
    assert response.status_code == 200
    [entry] = response.context["my_programs"]
    assert entry["row"].program == world.program
    assert entry["can_edit"] is True
    content = response.content.decode()
    assert "Ale innovates" in content
    assert 'role="progressbar"' in content
    assert "Mapped the culture." in content
    assert reverse("programs:update_create", args=[world.program.pk]) in content
    assert "Lerum moves" not in content


def test_viewer_sees_the_programme_but_no_report_button(world, as_persona):
    response = as_persona("viewer").get(URL)
    [entry] = response.context["my_programs"]
    assert entry["can_edit"] is False
    assert reverse("programs:update_create", args=[world.program.pk]) not in (
        response.content.decode()
    )


def test_coordinator_sees_overdue_and_coming_items(world, as_persona):
    today = timezone.localdate()
    f.TaskFactory(program=world.program, title="Late task", due_on=today - dt.timedelta(days=4))
    f.MilestoneFactory(
        program=world.program, title="Late milestone", due_on=today - dt.timedelta(days=1)
    )
    f.TaskFactory(program=world.program, title="Next year", due_on=today + dt.timedelta(days=99))
    due = as_persona("coordinator").get(URL).context["due"]
    assert [entry.item.title for entry in due.overdue] == ["Late task", "Late milestone"]
    coming = {entry.item.title for entry in due.coming}
    assert coming == {"Map the innovation culture", "Culture baseline agreed"}


def test_coordinator_sees_coming_meetings_of_their_clusters_only(world, as_persona, meetings):
    response = as_persona("coordinator").get(URL)
    assert response.context["meetings"] == [meetings["coming_a"]]
    content = response.content.decode()
    assert "Spring workshop" in content
    for title in ("Autumn kick-off", "Cancelled visit", "Lerum mobility day"):
        assert title not in content


def test_coordinator_of_a_municipality_that_left_sees_no_cluster_meetings(
    world, as_persona, meetings
):
    world.ale.cluster_memberships.update(left_on=timezone.localdate(), status="left")
    assert as_persona("coordinator").get(URL).context["meetings"] == []


# --- managers and administrators -----------------------------------------------------------


def test_manager_sees_one_row_per_member_of_their_clusters(world, as_persona, meetings):
    f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    response = as_persona("manager").get(URL)
    [overview] = response.context["overviews"]
    assert overview.cluster == world.cluster_a
    rows = {member.municipality.name: member.row for member in overview.members}
    assert set(rows) == {"Ale", "Alingsås"}
    assert rows["Ale"].program == world.program
    assert rows["Ale"].latest_update is not None
    assert rows["Alingsås"] is None
    content = response.content.decode()
    assert "status-on_track" in content
    assert f"?municipality={world.alingsas.pk}&amp;cluster={world.cluster_a.pk}" in content
    assert "Lerum" not in content.split('id="coming-meetings"')[0]
    assert response.context["meetings"] == [meetings["coming_a"]]


def test_manager_rows_take_their_colour_from_the_proposed_status(world, as_persona):
    f.MilestoneFactory(program=world.program, due_on=timezone.localdate() - dt.timedelta(days=1))
    [overview] = as_persona("manager").get(URL).context["overviews"]
    ale = next(m for m in overview.members if m.municipality == world.ale)
    assert ale.row.summary.proposed_status == ProgressStatus.OFF_TRACK


def test_admin_sees_every_cluster(world, as_persona, meetings):
    response = as_persona("admin").get(URL)
    overviews = response.context["overviews"]
    assert {o.cluster for o in overviews} == {world.cluster_a, world.cluster_b}
    assert set(response.context["meetings"]) == {meetings["coming_a"], meetings["coming_b"]}


# --- partner contact -----------------------------------------------------------------------


def test_partner_sees_their_clusters_and_their_organisations_tasks_without_links(
    world, as_persona, meetings
):
    task = world.program.tasks.get()
    task.organisations.add(partner_organisation())
    f.TaskFactory(program=world.program, title="Internal budget work")
    response = as_persona("partner").get(URL)
    assert response.context["rostered_clusters"] == [world.cluster_a]
    assert response.context["partner_tasks"] == [task]
    assert response.context["meetings"] == [meetings["coming_a"]]
    assert response.context["my_programs"] is None
    assert response.context["overviews"] is None
    content = response.content.decode()
    assert "Map the innovation culture" in content
    assert "Internal budget work" not in content
    assert program_links(content) == set()


# --- no role -------------------------------------------------------------------------------


def test_person_without_a_role_is_told_whom_to_ask(world, as_persona, meetings):
    response = as_persona("outsider").get(URL)
    assert response.status_code == 200
    assert response.context["has_role"] is False
    content = response.content.decode()
    assert "no role" in content
    assert "programme manager" in content
    assert "Spring workshop" not in content


def test_person_with_two_roles_sees_both_sections(world, as_persona):
    f.MunicipalityMembershipFactory(
        user=world.manager, municipality=world.alingsas, role=MunicipalityRole.VIEWER
    )
    f.ProgramFactory(municipality=world.alingsas, cluster=world.cluster_a, title="Alingsås plan")
    response = as_persona("manager").get(URL)
    assert [e["row"].program.title for e in response.context["my_programs"]] == ["Alingsås plan"]
    assert response.context["overviews"]


def test_dashboard_refuses_post(world, as_persona):
    assert as_persona("coordinator").post(URL).status_code == 405


def test_anonymous_is_sent_to_log_in(world, client):
    assert client.get(URL).status_code == 302


# --- query counts --------------------------------------------------------------------------

BUDGET = 16


@pytest.mark.parametrize(
    "persona", ["coordinator", "viewer", "manager", "admin", "partner", "outsider"]
)
def test_dashboard_query_count_does_not_grow_with_the_data(
    world, as_persona, persona, django_assert_max_num_queries
):
    client = as_persona(persona)
    grow(world, 1)
    with django_assert_max_num_queries(BUDGET) as small:
        assert client.get(URL).status_code == 200
    grow(world, 9)
    with django_assert_max_num_queries(BUDGET) as large:
        assert client.get(URL).status_code == 200
    assert len(large) == len(small)


def test_rostered_person_without_an_organisation_gets_no_partner_task_list(world, as_persona):
    from clusters.models import RosterRole
    from tests.factories import RosterEntryFactory

    RosterEntryFactory(
        cluster=world.cluster_a, user=world.coordinator, role=RosterRole.MUNICIPAL_CONTACT
    )
    response = as_persona("coordinator").get("/")
    assert response.context["partner_tasks"] is None
    assert "Tasks your organisation takes part in" not in response.content.decode()
