"""The programme list and the programme page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import ItemStatus, ProgramStatus, ProgressStatus
from programs.services import task_update
from tests import factories as f
from tests.programs.data import fill_program, grow, partner_organisation

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
    # A programme far larger than any real one: 40 modules, 160 tasks, 80 milestones, 40
    # updates, with every module's tasks in the page while filtering.
    fill_program(world.program, n=30, owner=world.coordinator)
    with django_assert_max_num_queries(DETAIL_BUDGET) as huge:
        response = client.get(detail_url(world.program))
    assert len(response.context["sections"]) >= 40
    assert len(huge) == len(small)
    with django_assert_max_num_queries(DETAIL_BUDGET) as filtered:
        response = client.get(detail_url(world.program), {"status": "open"})
    assert sum(len(section.tasks) for section in response.context["sections"]) > 100
    assert len(filtered) == len(small)


# 13 for the fragment, and a manager's second-factor check.
MODULE_BUDGET = 14


@pytest.mark.parametrize("persona", ["coordinator", "manager"])
def test_module_tasks_query_count_does_not_grow_with_the_module(
    world, as_persona, persona, django_assert_max_num_queries
):
    client = as_persona(persona)
    module = world.program.modules.get()
    url = module_url(world.program, module)
    with django_assert_max_num_queries(MODULE_BUDGET) as small:
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    for _ in range(20):
        f.TaskFactory(program=world.program, module=module, owner=world.viewer)
        f.MilestoneFactory(program=world.program, module=module, owner=world.viewer)
    fill_program(world.program, n=5, owner=world.coordinator)
    with django_assert_max_num_queries(MODULE_BUDGET) as large:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert len(response.context["section"].tasks) == 21
    assert len(large) == len(small)


def test_task_filter_keeps_the_chosen_values_selected(world, as_persona, assorted_tasks):
    response = as_persona("coordinator").get(
        detail_url(world.program), {"owner": world.viewer.pk, "due": "soon"}
    )
    content = response.content.decode()
    assert f'<option value="{world.viewer.pk}" selected>' in content
    assert '<option value="soon" selected>' in content
    assert _titles(response) == {"Blocked one"}


# --- modules as disclosures ----------------------------------------------------------------


def module_url(program, module) -> str:
    return reverse("programs:module_tasks", kwargs={"program_pk": program.pk, "pk": module.pk})


@pytest.fixture
def three_modules(world):
    """Ale's plan: a finished module, the current one (the world's) and a later one."""
    today = timezone.localdate()
    current = world.program.modules.get()
    finished = f.ProgramModuleFactory(program=world.program, title="Finished module", position=2)
    f.TaskFactory(
        program=world.program,
        module=finished,
        title="Old work",
        status=ItemStatus.DONE,
        percent=100,
        completed_on=today,
        due_on=today - dt.timedelta(days=40),
    )
    later = f.ProgramModuleFactory(program=world.program, title="Later module", position=3)
    f.TaskFactory(
        program=world.program, module=later, title="Far work", due_on=today + dt.timedelta(days=200)
    )
    return {"finished": finished, "current": current, "later": later}


def _details(content: str, module) -> str:
    """The <details> element of ``module`` on the programme page."""
    start = content.index(f'<details class="module card mb-3" id="module-{module.pk}"')
    return content[start : content.index("</details>", start)]


def test_the_current_module_is_open_with_its_tasks_and_the_others_load_on_demand(
    world, as_persona, three_modules
):
    response = as_persona("coordinator").get(detail_url(world.program))
    content = response.content.decode()
    current = _details(content, three_modules["current"])
    assert current.startswith(
        f'<details class="module card mb-3" id="module-{three_modules["current"].pk}" open>'
    )
    assert "Map the innovation culture" in current
    assert "hx-get" not in current
    for key in ("finished", "later"):
        module = three_modules[key]
        collapsed = _details(content, module)
        assert " open" not in collapsed.split(">", 1)[0]
        url = module_url(world.program, module)
        # htmx loads the tasks the first time the disclosure opens; without JavaScript the
        # link leads to the module's own page.
        assert f'hx-get="{url}" hx-trigger="toggle once"' in collapsed
        assert f'<a href="{url}">' in collapsed
    plan = content[content.index('id="plan-heading"') : content.index('id="updates"')]
    assert "Old work" not in plan
    assert "Far work" not in plan
    assert [s.is_current for s in response.context["sections"]] == [True, False, False]


def test_the_module_index_links_every_module_with_its_progress_in_words(
    world, as_persona, three_modules
):
    content = as_persona("viewer").get(detail_url(world.program)).content.decode()
    index = content[
        content.index('<nav class="module-index') : content.index(
            "</nav>", content.index('<nav class="module-index')
        )
    ]
    for module, progress in (
        (three_modules["current"], "0 of 1 task done · 0 of 1 milestone reached"),
        (three_modules["finished"], "Finished · 1 of 1 task done"),
        (three_modules["later"], "0 of 1 task done"),
    ):
        assert f'<a href="#module-{module.pk}">{module.position}. {module.title}</a>' in index
        assert f'id="module-index-progress-{module.pk}">{progress}' in index
    assert index.count("current") == 1


def test_while_filtering_every_module_with_a_match_is_open_and_in_the_page(
    world, as_persona, three_modules
):
    response = as_persona("coordinator").get(detail_url(world.program), {"status": "done"})
    content = response.content.decode()
    assert "Old work" in content
    assert _details(content, three_modules["finished"]).split(">", 1)[0].endswith(" open")
    assert "hx-get" not in content


def test_module_tasks_with_htmx_is_the_fragment_for_the_disclosure(
    world, as_persona, three_modules
):
    module = three_modules["finished"]
    response = as_persona("coordinator").get(
        module_url(world.program, module), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "programs/_module_body.html"
    content = response.content.decode()
    assert "<html" not in content
    assert "Old work" in content
    assert "Map the innovation culture" not in content
    task = world.program.tasks.get(title="Old work")
    # Actions in the fragment come back to the programme page, at the module.
    edit = reverse("programs:task_edit", args=[world.program.pk, task.pk])
    assert f'{edit}?next=/programmes/{world.program.pk}/%23module-{module.pk}"' in content


def test_module_tasks_without_javascript_is_a_page_of_its_own(world, as_persona, three_modules):
    module = three_modules["later"]
    response = as_persona("coordinator").get(module_url(world.program, module))
    assert response.status_code == 200
    assert response.templates[0].name == "programs/module.html"
    content = response.content.decode()
    assert "<h1" in content and "Far work" in content
    task = world.program.tasks.get(title="Far work")
    assert reverse("programs:task_done", args=[world.program.pk, task.pk]) in content
    assert f"{detail_url(world.program)}#module-{module.pk}" in content


def test_module_tasks_for_a_viewer_has_no_actions(world, as_persona):
    module = world.program.modules.get()
    content = as_persona("viewer").get(module_url(world.program, module)).content.decode()
    assert "Map the innovation culture" in content
    assert "/tasks/" not in content
    assert "/milestones/" not in content


def test_module_of_another_programme_is_404(world, as_persona):
    lerum_module = f.ProgramModuleFactory(program=world.other_program)
    client = as_persona("coordinator")
    assert client.get(module_url(world.program, lerum_module)).status_code == 404
    assert client.get(module_url(world.other_program, lerum_module)).status_code == 404


def test_module_tasks_refuses_post(world, as_persona):
    module = world.program.modules.get()
    assert as_persona("coordinator").post(module_url(world.program, module)).status_code == 405


# --- tasks as cards, actions named after their task -----------------------------------------


def test_every_action_names_its_task_and_reads_mark_as_done(world, as_persona):
    f.TaskFactory(program=world.program, module=world.program.modules.get(), title="Second task")
    content = as_persona("coordinator").get(detail_url(world.program)).content.decode()
    for title in ("Map the innovation culture", "Second task"):
        assert (
            f'{"Mark as done"}<span class="visually-hidden"> “{title}”</span></button>' in content
        )
        assert f'<span class="visually-hidden">Edit “{title}”</span></a>' in content
    assert '<span class="visually-hidden">Edit “Culture baseline agreed”</span>' in content
    # "Done" is a status, never an action's name.
    assert ">Done</button>" not in content
    assert "<table" not in content.split('id="plan-heading"')[1].split('id="updates"')[0]


def test_a_task_card_has_title_actions_then_its_facts(world, as_persona):
    task = world.program.tasks.get()
    content = as_persona("coordinator").get(detail_url(world.program)).content.decode()
    card = content[content.index(f'<li class="item" id="task-{task.pk}">') :]
    card = card[: card.index("</li>")]
    assert card.index("Map the innovation culture") < card.index("Mark as done")
    assert card.index("Mark as done") < card.index("<dl")
    for term in ("Status", "Due", "Owner", "% done"):
        assert f"<dt>{term}</dt>" in card
    assert "<dd>Cora Coordinator</dd>" in card


def test_the_progress_card_counts_the_tasks_done(world, as_persona):
    f.TaskFactory(
        program=world.program,
        status=ItemStatus.DONE,
        percent=100,
        completed_on=timezone.localdate(),
    )
    f.TaskFactory(program=world.program, status=ItemStatus.CANCELLED)  # does not count
    content = as_persona("viewer").get(detail_url(world.program)).content.decode()
    assert '<div class="card h-100" id="programme-progress">' in content
    assert "1 of 2 tasks done" in content
    assert (
        '<div id="programme-announcer" class="visually-hidden" role="status" aria-live="polite"></div>'
        in content
    )


# --- one status per programme -----------------------------------------------------------------


def _status_card(content: str) -> str:
    start = content.index('<span class="programme-status')
    return content[start : content.index("</span></span>", start)]


def test_a_programme_without_a_report_says_so_and_never_shows_on_track(world, as_persona):
    draft = f.ProgramFactory(
        municipality=world.ale, cluster=world.cluster_a, status=ProgramStatus.DRAFT
    )
    for program in (draft, world.program):
        content = as_persona("manager").get(detail_url(program)).content.decode()
        status = _status_card(content)
        assert "status-none" in status
        assert "<strong>No report yet</strong>" in status
        assert "Proposed from the tasks: On track" in status
        assert "status-on_track" not in content
        assert "Programme: " in content  # the lifecycle, in words, apart from the status
    listed = as_persona("manager").get(LIST_URL, {"status": "draft"}).content.decode()
    assert "No report yet" in listed
    assert "status-on_track" not in listed


def test_the_reported_status_is_shown_with_the_proposal_as_a_hint(world, as_persona):
    f.MilestoneFactory(program=world.program, due_on=timezone.localdate() - dt.timedelta(days=1))
    f.ProgressUpdateFactory(
        program=world.program,
        author=world.coordinator,
        status=ProgressStatus.AT_RISK,
        proposed_status=ProgressStatus.OFF_TRACK,
        override_reason="The milestone is a formality.",
    )
    content = as_persona("viewer").get(detail_url(world.program)).content.decode()
    status = _status_card(content)
    assert status.startswith('<span class="programme-status status-at_risk">')
    assert "<strong>At risk</strong>" in status
    assert "Proposed from the tasks: Off track" in status
    assert "status-off_track" not in status  # the proposal is words, not a second colour
    listed = as_persona("viewer").get(LIST_URL).content.decode()
    assert "<strong>At risk</strong>" in listed
    assert "Proposed from the tasks: Off track" in listed


def test_the_programme_lifecycle_is_a_labelled_field_not_a_badge(world, as_persona):
    content = as_persona("viewer").get(detail_url(world.program)).content.decode()
    assert f"Programme: {world.program.get_status_display()}</span>" in content
    assert 'class="badge text-bg-primary">Active' not in content


# --- history, limited -------------------------------------------------------------------------


def test_recent_changes_show_each_change_once(world, as_persona):
    task = world.program.tasks.get()
    # One save and one change of the partners: two history records, one change.
    task_update(
        task=task, actor=world.coordinator, percent=40, organisations=[partner_organisation()]
    )
    assert task.history.filter(history_user=world.coordinator).count() == 2
    response = as_persona("viewer").get(detail_url(world.program))
    changes = [c for c in response.context["changes"] if c.record.history_user == world.coordinator]
    assert len(changes) == 1
    assert response.content.decode().count("“Map the innovation culture”: changed") == 1


def test_long_histories_are_limited_with_a_link_to_more(world, as_persona):
    for _ in range(5):
        f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    for index in range(15):
        f.TaskFactory(program=world.program, title=f"Extra {index}")
    client = as_persona("viewer")
    response = client.get(detail_url(world.program))
    assert len(response.context["updates"]) == 3
    assert len(response.context["changes"]) == 10
    content = response.content.decode()
    assert "?updates=all#updates" in content
    assert "?changes=more#changes" in content
    assert len(client.get(detail_url(world.program), {"updates": "all"}).context["updates"]) == 5
    more = client.get(detail_url(world.program), {"changes": "more"}).context["changes"]
    assert len(more) == 17  # 15 tasks, and the world's task and milestone
