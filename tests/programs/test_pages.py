"""The programme list and the programme page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import ItemStatus, ProgramStatus, ProgressStatus
from programs.services import task_update
from tests import factories as f
from tests.programs.data import fill_program, grow

LIST_URL = reverse("programs:list")


def detail_url(program) -> str:
    return reverse("programs:detail", kwargs={"pk": program.pk})


# --- list ----------------------------------------------------------------------------------


def test_coordinator_lists_their_municipalitys_programmes_only(world, as_persona):
    response = as_persona("coordinator").get(LIST_URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.program for row in rows] == [world.program]
    content = response.content.decode()
    assert "Ale innovates" in content
    assert "Västra Götaland smart" in content
    assert "Lerum moves" not in content


def test_list_shows_percent_done_and_overdue_count(world, as_persona):
    today = timezone.localdate()
    task = f.TaskFactory(program=world.program, due_on=today - dt.timedelta(days=1))
    task_update(task=world.program.tasks.exclude(pk=task.pk).get(), actor=None, percent=60)
    [row] = as_persona("viewer").get(LIST_URL).context["rows"]
    # Two tasks (60 % and 0 %) and one open milestone (0 %): 60 / 3 = 20 %.
    assert (row.summary.percent_done, row.summary.overdue) == (20, 1)


def test_admin_lists_every_programme_and_may_create(world, as_persona):
    response = as_persona("admin").get(LIST_URL)
    assert {row.program for row in response.context["rows"]} == {
        world.program,
        world.other_program,
    }
    assert reverse("programs:create") in response.content.decode()


def test_manager_sees_the_create_button_and_coordinator_does_not(world, as_persona):
    assert reverse("programs:create") in as_persona("manager").get(LIST_URL).content.decode()
    assert (
        reverse("programs:create") not in as_persona("coordinator").get(LIST_URL).content.decode()
    )


def test_list_filters_by_status_and_searches_municipality_name(world, as_persona):
    f.ProgramFactory(
        municipality=world.alingsas, cluster=world.cluster_a, status=ProgramStatus.DRAFT
    )
    client = as_persona("manager")
    drafts = client.get(LIST_URL, {"status": "draft"}).context["rows"]
    assert [row.program.municipality for row in drafts] == [world.alingsas]
    found = client.get(LIST_URL, {"q": "ale"}).context["rows"]
    assert [row.program for row in found] == [world.program]


def test_list_with_an_unknown_status_shows_the_error_and_does_not_filter(world, as_persona):
    response = as_persona("manager").get(LIST_URL, {"status": "bogus"})
    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    assert [row.program for row in response.context["rows"]] == [world.program]


def test_outsider_gets_an_empty_list(world, as_persona):
    response = as_persona("outsider").get(LIST_URL)
    assert response.status_code == 200
    assert response.context["rows"] == []


def test_list_refuses_post(world, as_persona):
    assert as_persona("coordinator").post(LIST_URL).status_code == 405


LIST_BUDGET = 10


@pytest.mark.parametrize("persona", ["coordinator", "manager", "admin"])
def test_list_query_count_does_not_grow_with_the_programmes(
    world, as_persona, persona, django_assert_max_num_queries
):
    client = as_persona(persona)
    grow(world, 1)
    with django_assert_max_num_queries(LIST_BUDGET) as small:
        assert client.get(LIST_URL).status_code == 200
    grow(world, 9)
    with django_assert_max_num_queries(LIST_BUDGET) as large:
        response = client.get(LIST_URL)
    assert len(response.context["rows"]) > 10
    assert len(large) == len(small)


# --- detail --------------------------------------------------------------------------------


def test_coordinator_sees_the_programme_with_its_plan_and_actions(world, as_persona):
    response = as_persona("coordinator").get(detail_url(world.program))
    assert response.status_code == 200
    content = response.content.decode()
    for text in ("Ale innovates", "Innovation culture", "Map the innovation culture"):
        assert text in content
    assert "Culture baseline agreed" in content
    assert "Cora Coordinator" in content  # coordinators in the header
    task = world.program.tasks.get()
    assert reverse("programs:task_done", args=[world.program.pk, task.pk]) in content
    assert reverse("programs:task_edit", args=[world.program.pk, task.pk]) in content
    assert reverse("programs:update_create", args=[world.program.pk]) in content
    assert reverse("programs:edit", args=[world.program.pk]) not in content


def test_viewer_reads_the_programme_without_edit_actions(world, as_persona):
    response = as_persona("viewer").get(detail_url(world.program))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Map the innovation culture" in content
    assert "/tasks/" not in content
    assert "/milestones/" not in content
    assert reverse("programs:update_create", args=[world.program.pk]) not in content


def test_manager_may_edit_the_programme_from_its_page(world, as_persona):
    content = as_persona("manager").get(detail_url(world.program)).content.decode()
    assert reverse("programs:edit", args=[world.program.pk]) in content


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "partner", "other_manager"])
def test_people_outside_the_programme_get_404(world, as_persona, persona):
    assert as_persona(persona).get(detail_url(world.program)).status_code == 404


def test_unknown_programme_is_404(world, as_persona):
    assert as_persona("admin").get(reverse("programs:detail", args=[999999])).status_code == 404


def test_detail_refuses_post(world, as_persona):
    assert as_persona("coordinator").post(detail_url(world.program)).status_code == 405


def test_timeline_is_newest_first_and_shows_an_override_reason(world, as_persona):
    old = f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    new = f.ProgressUpdateFactory(
        program=world.program,
        author=world.coordinator,
        status=ProgressStatus.AT_RISK,
        proposed_status=ProgressStatus.ON_TRACK,
        override_reason="Budget not yet approved.",
    )
    response = as_persona("viewer").get(detail_url(world.program))
    assert response.context["updates"] == [new, old]
    content = response.content.decode()
    assert "Budget not yet approved." in content
    assert "status-at_risk" in content


def test_recent_changes_show_who_changed_what(world, as_persona):
    task_update(task=world.program.tasks.get(), actor=world.coordinator, percent=40)
    response = as_persona("viewer").get(detail_url(world.program))
    [latest, *_] = response.context["changes"]
    assert latest.record.history_user == world.coordinator
    assert "40 %" in response.content.decode()


def _titles(response) -> set[str]:
    return {task.title for section in response.context["sections"] for task in section.tasks}


@pytest.fixture
def assorted_tasks(world):
    today = timezone.localdate()
    f.TaskFactory(program=world.program, title="Late", due_on=today - dt.timedelta(days=2))
    f.TaskFactory(
        program=world.program,
        title="Blocked one",
        status=ItemStatus.BLOCKED,
        owner=world.viewer,
        due_on=today + dt.timedelta(days=3),
    )
    f.TaskFactory(program=world.program, title="Far away", due_on=today + dt.timedelta(days=90))
    f.TaskFactory(
        program=world.program,
        title="Finished",
        status=ItemStatus.DONE,
        percent=100,
        completed_on=today,
        due_on=today - dt.timedelta(days=9),
    )


def test_task_filter_by_status(world, as_persona, assorted_tasks):
    client = as_persona("coordinator")
    assert _titles(client.get(detail_url(world.program), {"status": "blocked"})) == {"Blocked one"}
    assert "Finished" not in _titles(client.get(detail_url(world.program), {"status": "open"}))


def test_task_filter_by_owner_and_nobody(world, as_persona, assorted_tasks):
    client = as_persona("coordinator")
    mine = client.get(detail_url(world.program), {"owner": world.coordinator.pk})
    assert _titles(mine) == {"Map the innovation culture"}
    nobody = client.get(detail_url(world.program), {"owner": "none"})
    assert _titles(nobody) == {"Late", "Far away", "Finished"}


def test_task_filter_by_due(world, as_persona, assorted_tasks):
    client = as_persona("coordinator")
    assert _titles(client.get(detail_url(world.program), {"due": "overdue"})) == {"Late"}
    assert _titles(client.get(detail_url(world.program), {"due": "soon"})) == {
        "Blocked one",
        "Map the innovation culture",
    }


def test_task_filter_with_a_stranger_as_owner_shows_the_error_and_everything(
    world, as_persona, assorted_tasks
):
    stranger = f.UserFactory()
    response = as_persona("coordinator").get(
        detail_url(world.program), {"owner": stranger.pk, "due": "overdue"}
    )
    assert response.status_code == 200
    assert response.context["task_filter"].errors["owner"]
    assert _titles(response) == {"Late"}  # the valid part of the filter still applies


# 18 for the page, and a manager's second-factor check (1, innocities.accounts.middleware).
DETAIL_BUDGET = 19


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "manager"])
def test_detail_query_count_does_not_grow_with_the_plan(
    world, as_persona, persona, django_assert_max_num_queries
):
    client = as_persona(persona)
    fill_program(world.program, n=1, owner=world.coordinator)
    with django_assert_max_num_queries(DETAIL_BUDGET) as small:
        assert client.get(detail_url(world.program)).status_code == 200
    fill_program(world.program, n=9, owner=world.coordinator)
    with django_assert_max_num_queries(DETAIL_BUDGET) as large:
        response = client.get(detail_url(world.program))
    assert len(response.context["sections"]) >= 10
    assert len(large) == len(small)


def test_task_filter_keeps_the_chosen_values_selected(world, as_persona, assorted_tasks):
    response = as_persona("coordinator").get(
        detail_url(world.program), {"owner": world.viewer.pk, "due": "soon"}
    )
    content = response.content.decode()
    assert f'<option value="{world.viewer.pk}" selected>' in content
    assert '<option value="soon" selected>' in content
    assert _titles(response) == {"Blocked one"}
