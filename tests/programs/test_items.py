"""Editing tasks and milestones, and the quick "done" button."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programs.models import ItemStatus
from tests import factories as f
from tests.programs.data import fill_program, partner_organisation


@pytest.fixture
def task(world):
    return world.program.tasks.get()


@pytest.fixture
def milestone(world):
    return world.program.milestones.get()


def task_edit_url(program, task) -> str:
    return reverse("programs:task_edit", kwargs={"program_pk": program.pk, "pk": task.pk})


def task_done_url(program, task) -> str:
    return reverse("programs:task_done", kwargs={"program_pk": program.pk, "pk": task.pk})


def milestone_edit_url(program, milestone) -> str:
    return reverse("programs:milestone_edit", kwargs={"program_pk": program.pk, "pk": milestone.pk})


def task_data(task, **changes) -> dict[str, object]:
    data = {
        "status": task.status,
        "percent": task.percent,
        "owner": task.owner_id or "",
        "due_on": task.due_on.isoformat(),
        "organisations": [],
    }
    data.update(changes)
    return data


# --- task edit -----------------------------------------------------------------------------


def test_coordinator_updates_a_task(world, as_persona, task):
    organisation = partner_organisation()
    due = timezone.localdate() + dt.timedelta(days=40)
    response = as_persona("coordinator").post(
        task_edit_url(world.program, task),
        task_data(
            task,
            status=ItemStatus.IN_PROGRESS,
            percent=50,
            owner=world.viewer.pk,
            due_on=due.isoformat(),
            organisations=[organisation.pk],
        ),
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("programs:detail", args=[world.program.pk]))
    task.refresh_from_db()
    assert (task.status, task.percent, task.owner, task.due_on) == (
        ItemStatus.IN_PROGRESS,
        50,
        world.viewer,
        due,
    )
    assert list(task.organisations.all()) == [organisation]
    assert task.history.latest().history_user == world.coordinator


def test_task_form_offers_only_the_programmes_people_and_the_clusters_partners(
    world, as_persona, task
):
    f.UserFactory(full_name="Stina Stranger")
    f.ClusterPartnerFactory(cluster=world.cluster_b, organisation__name="Lerum Energi")
    response = as_persona("coordinator").get(task_edit_url(world.program, task))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["owner"].queryset) == {world.coordinator, world.viewer, world.manager}
    assert list(form.fields["organisations"].queryset) == [partner_organisation()]
    assert "Stina Stranger" not in response.content.decode()


def test_manager_and_admin_may_edit_tasks(world, as_persona, task):
    for persona in ("manager", "admin"):
        response = as_persona(persona).post(
            task_edit_url(world.program, task), task_data(task, percent=20)
        )
        assert response.status_code == 302


def test_setting_100_percent_marks_the_task_done(world, as_persona, task):
    as_persona("coordinator").post(task_edit_url(world.program, task), task_data(task, percent=100))
    task.refresh_from_db()
    assert task.status == ItemStatus.DONE
    assert task.completed_on == timezone.localdate()


def test_clearing_the_owner(world, as_persona, task):
    as_persona("coordinator").post(task_edit_url(world.program, task), task_data(task, owner=""))
    task.refresh_from_db()
    assert task.owner is None


def test_viewer_may_not_edit_a_task(world, as_persona, task):
    client = as_persona("viewer")
    assert client.get(task_edit_url(world.program, task)).status_code == 403
    response = client.post(task_edit_url(world.program, task), task_data(task, percent=50))
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.percent == 0


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "partner", "other_manager"])
def test_task_edit_outside_the_programme_is_404(world, as_persona, task, persona):
    assert as_persona(persona).get(task_edit_url(world.program, task)).status_code == 404


def test_coordinator_cannot_edit_other_municipality_task_through_own_programme(world, as_persona):
    lerum_task = world.other_program.tasks.get()
    client = as_persona("coordinator")
    assert client.get(task_edit_url(world.program, lerum_task)).status_code == 404
    assert client.get(task_edit_url(world.other_program, lerum_task)).status_code == 404


def test_task_edit_refuses_other_methods(world, as_persona, task):
    assert as_persona("coordinator").delete(task_edit_url(world.program, task)).status_code == 405


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent": 150}, "percent"),
        ({"percent": -1}, "percent"),
        ({"status": "finished"}, "status"),
        ({"due_on": "31.02.2026"}, "due_on"),
        ({"due_on": ""}, "due_on"),
    ],
)
def test_task_edit_with_bad_input_re_renders_and_saves_nothing(
    world, as_persona, task, changes, field
):
    response = as_persona("coordinator").post(
        task_edit_url(world.program, task), task_data(task, **changes)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    task.refresh_from_db()
    assert (task.status, task.percent) == (ItemStatus.TODO, 0)


def test_task_owner_outside_the_programme_is_refused(world, as_persona, task):
    stranger = f.UserFactory()
    response = as_persona("coordinator").post(
        task_edit_url(world.program, task), task_data(task, owner=stranger.pk, percent=10)
    )
    assert response.context["form"].errors["owner"]
    task.refresh_from_db()
    assert (task.owner, task.percent) == (world.coordinator, 0)


def test_organisation_outside_the_cluster_is_refused(world, as_persona, task):
    outside = f.ClusterPartnerFactory(cluster=world.cluster_b).organisation
    response = as_persona("coordinator").post(
        task_edit_url(world.program, task), task_data(task, organisations=[outside.pk])
    )
    assert response.context["form"].errors["organisations"]
    assert not task.organisations.exists()


def test_due_date_before_the_start_is_refused(world, as_persona, task):
    task.starts_on = timezone.localdate()
    task.save()
    response = as_persona("coordinator").post(
        task_edit_url(world.program, task),
        task_data(task, due_on=(task.starts_on - dt.timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"]


def test_lowering_percent_of_a_done_task_without_reopening_is_refused(world, as_persona, task):
    task.status, task.percent, task.completed_on = ItemStatus.DONE, 100, timezone.localdate()
    task.save()
    response = as_persona("coordinator").post(
        task_edit_url(world.program, task), task_data(task, percent=50)
    )
    assert response.context["form"].errors["percent"]


def test_empty_post_shows_the_required_fields(world, as_persona, task):
    response = as_persona("coordinator").post(task_edit_url(world.program, task), {})
    assert response.status_code == 200
    assert {"status", "percent", "due_on"} <= set(response.context["form"].errors)


def test_a_service_refusal_shows_on_the_form_not_as_an_error_page(
    world, as_persona, task, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError({"completed_on": "Refused by the service."})

    monkeypatch.setattr("programs.views.items.task_update", refuse)
    response = as_persona("coordinator").post(
        task_edit_url(world.program, task), task_data(task, percent=10)
    )
    assert response.status_code == 200
    assert "Refused by the service." in response.context["form"].non_field_errors()


# --- mark done -----------------------------------------------------------------------------


def test_mark_done_without_javascript_redirects_back_with_the_filters(world, as_persona, task):
    back = reverse("programs:detail", args=[world.program.pk]) + "?status=open"
    response = as_persona("coordinator").post(task_done_url(world.program, task), {"next": back})
    assert response.status_code == 302
    assert response["Location"].startswith(back)
    task.refresh_from_db()
    assert (task.status, task.percent) == (ItemStatus.DONE, 100)


def test_mark_done_with_htmx_answers_the_new_card(world, as_persona, task):
    response = as_persona("coordinator").post(
        task_done_url(world.program, task), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "programs/_task_done.html"
    assert "programs/_task_row.html" in {t.name for t in response.templates}
    content = response.content.decode()
    assert content.lstrip().startswith(f'<li class="item" id="task-{task.pk}">')
    assert task_done_url(world.program, task) not in content  # no button on a done task
    # Focus goes to the card's heading once htmx has swapped it in (static/js/portal.js).
    assert f'id="task-{task.pk}-title" tabindex="-1" data-autofocus' in content
    task.refresh_from_db()
    assert task.status == ItemStatus.DONE


def test_mark_done_with_htmx_updates_the_progress_card_and_announces_it(world, as_persona, task):
    f.TaskFactory(program=world.program, title="Second task")
    response = as_persona("coordinator").post(
        task_done_url(world.program, task), HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    # Out of band: the progress card, replaced whole, with the new count ...
    assert '<div class="card h-100" id="programme-progress" hx-swap-oob="true">' in content
    assert "1 of 2 tasks done" in content
    # ... the module's progress in its summary and in the module index ...
    module = world.program.modules.get()
    for element in (f"module-progress-{module.pk}", f"module-index-progress-{module.pk}"):
        assert f'<span id="{element}" hx-swap-oob="innerHTML">1 of 1 task done' in content
    # ... and the sentence for the page's live region.
    assert (
        '<div id="programme-announcer" hx-swap-oob="innerHTML">'
        "“Map the innovation culture” marked as done. 1 of 2 tasks done.</div>"
    ) in content


def test_mark_done_with_htmx_query_count_does_not_grow_with_the_plan(
    world, as_persona, django_assert_max_num_queries
):
    client = as_persona("coordinator")
    # Tasks alike (in a module, with an owner): saving validates each foreign key it has.
    alike = world.program.tasks.filter(
        status=ItemStatus.TODO, module__isnull=False, owner__isnull=False
    ).order_by("-pk")
    fill_program(world.program, n=1, owner=world.coordinator)
    first = alike.first()
    with django_assert_max_num_queries(DONE_BUDGET) as small:
        assert (
            client.post(task_done_url(world.program, first), HTTP_HX_REQUEST="true").status_code
            == 200
        )
    fill_program(world.program, n=9, owner=world.coordinator)
    second = alike.first()
    with django_assert_max_num_queries(DONE_BUDGET) as large:
        assert (
            client.post(task_done_url(world.program, second), HTTP_HX_REQUEST="true").status_code
            == 200
        )
    assert len(large) == len(small)


# The write (lock, validation, save, history) and the answer: the card, two for the progress.
DONE_BUDGET = 30


def test_mark_done_never_redirects_off_the_site(world, as_persona, task):
    response = as_persona("coordinator").post(
        task_done_url(world.program, task), {"next": "https://evil.example/"}
    )
    assert response["Location"].startswith(reverse("programs:detail", args=[world.program.pk]))


def test_mark_done_is_post_only(world, as_persona, task):
    assert as_persona("coordinator").get(task_done_url(world.program, task)).status_code == 405


def test_viewer_may_not_mark_done(world, as_persona, task):
    assert as_persona("viewer").post(task_done_url(world.program, task)).status_code == 403
    task.refresh_from_db()
    assert task.status == ItemStatus.TODO


def test_mark_done_outside_the_programme_is_404(world, as_persona, task):
    assert (
        as_persona("other_coordinator").post(task_done_url(world.program, task)).status_code == 404
    )
    lerum_task = world.other_program.tasks.get()
    response = as_persona("coordinator").post(task_done_url(world.program, lerum_task))
    assert response.status_code == 404
    lerum_task.refresh_from_db()
    assert lerum_task.status == ItemStatus.TODO


def test_mark_done_refused_by_the_service_shows_a_message(world, as_persona, task, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("The task cannot be closed.")

    monkeypatch.setattr("programs.views.items.task_update", refuse)
    client = as_persona("coordinator")
    response = client.post(task_done_url(world.program, task), follow=True)
    assert response.status_code == 200
    assert "The task cannot be closed." in response.content.decode()
    htmx = client.post(task_done_url(world.program, task), HTTP_HX_REQUEST="true")
    content = htmx.content.decode()
    # Shown in the card and announced in the live region; the button stays for a retry.
    assert '<p class="small text-danger mb-1">The task cannot be closed.</p>' in content
    assert (
        '<div id="programme-announcer" hx-swap-oob="innerHTML">The task cannot be closed.</div>'
        in content
    )
    assert task_done_url(world.program, task) in content


# --- milestone edit ------------------------------------------------------------------------


def test_coordinator_completes_a_milestone(world, as_persona, milestone):
    response = as_persona("coordinator").post(
        milestone_edit_url(world.program, milestone),
        {"status": "done", "owner": world.coordinator.pk, "due_on": milestone.due_on.isoformat()},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.status, milestone.owner, milestone.completed_on) == (
        ItemStatus.DONE,
        world.coordinator,
        timezone.localdate(),
    )


def test_milestone_form_shows_the_current_values(world, as_persona, milestone):
    response = as_persona("manager").get(milestone_edit_url(world.program, milestone))
    assert response.status_code == 200
    assert response.context["form"].initial["due_on"] == milestone.due_on


def test_viewer_may_not_edit_a_milestone(world, as_persona, milestone):
    client = as_persona("viewer")
    assert client.get(milestone_edit_url(world.program, milestone)).status_code == 403
    assert client.post(milestone_edit_url(world.program, milestone), {}).status_code == 403


def test_milestone_edit_outside_the_programme_is_404(world, as_persona, milestone):
    assert (
        as_persona("outsider").get(milestone_edit_url(world.program, milestone)).status_code == 404
    )


def test_milestone_edit_refuses_other_methods(world, as_persona, milestone):
    assert (
        as_persona("coordinator").put(milestone_edit_url(world.program, milestone)).status_code
        == 405
    )


@pytest.mark.parametrize(
    "data",
    [
        {"status": "done", "due_on": ""},
        {"status": "someday", "due_on": "2026-05-01"},
        {"status": "todo", "due_on": "2026-05-01", "owner": "999999"},
    ],
)
def test_milestone_edit_with_bad_input_re_renders_and_saves_nothing(
    world, as_persona, milestone, data
):
    response = as_persona("coordinator").post(milestone_edit_url(world.program, milestone), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    milestone.refresh_from_db()
    assert milestone.status == ItemStatus.TODO


def test_task_edit_ignores_a_next_that_leaves_the_site(world, as_persona, task):
    response = as_persona("coordinator").get(
        task_edit_url(world.program, task), {"next": "javascript:alert(1)"}
    )
    assert response.status_code == 200
    assert "javascript:" not in response.content.decode()
    back = as_persona("coordinator").post(
        task_edit_url(world.program, task),
        {**task_data(task, percent=10), "next": "//evil.example/"},
    )
    assert back["Location"].startswith(reverse("programs:detail", args=[world.program.pk]))
