"""Editing tasks and milestones, and the quick "done" button."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from programs.models import ItemStatus
from tests import factories as f
from tests.programs.data import partner_organisation


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


def test_mark_done_with_htmx_answers_the_new_table_row(world, as_persona, task):
    response = as_persona("coordinator").post(
        task_done_url(world.program, task), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "programs/_task_row.html"
    content = response.content.decode()
    assert content.lstrip().startswith("<tr")
    assert f'id="task-{task.pk}"' in content
    assert task_done_url(world.program, task) not in content  # no button on a done task
    task.refresh_from_db()
    assert task.status == ItemStatus.DONE


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
    assert "The task cannot be closed." in htmx.content.decode()


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
