"""The admin for programmes: every model is there, history shows, updates are read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from programs import models
from programs.admin import MilestoneInline, ProgramModuleInline
from programs.services import task_update
from tests import factories as f

MODELS = [
    models.ModuleTemplate,
    models.ActivityTemplate,
    models.ProgramTemplate,
    models.ProgramTemplateModule,
    models.Program,
    models.ProgramModule,
    models.Milestone,
    models.Task,
    models.ProgressUpdate,
]


def test_every_programme_model_is_registered():
    assert all(admin.site.is_registered(model) for model in MODELS)


def test_programmes_tasks_and_milestones_show_their_history():
    for model in (models.Program, models.Task, models.Milestone):
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)


def test_programme_admin_has_module_and_milestone_inlines():
    assert {ProgramModuleInline, MilestoneInline} <= set(
        admin.site._registry[models.Program].inlines
    )


@pytest.fixture
def library(db):
    module = f.ModuleTemplateFactory()
    f.ActivityTemplateFactory(module=module)
    template = f.ProgramTemplateModuleFactory(module=module).template
    return module, template


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_admin_changelist_and_search_work(world, as_persona, library, model):
    f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    url = reverse(f"admin:programs_{model._meta.model_name}_changelist")
    client = as_persona("admin")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Ale"}).status_code == 200


def test_programme_change_page_links_to_its_tasks(world, as_persona):
    client = as_persona("admin")
    response = client.get(reverse("admin:programs_program_change", args=[world.program.pk]))
    assert response.status_code == 200
    tasks_url = (
        reverse("admin:programs_task_changelist") + f"?program__id__exact={world.program.pk}"
    )
    assert tasks_url.replace("&", "&amp;") in response.content.decode()
    tasks = client.get(tasks_url)
    assert tasks.status_code == 200
    assert list(tasks.context["cl"].result_list) == list(world.program.tasks.all())


def test_milestone_inline_offers_only_the_programmes_own_modules(world, as_persona):
    f.ProgramModuleFactory(program=world.other_program, title="Mobility pilots module")
    response = as_persona("admin").get(
        reverse("admin:programs_program_change", args=[world.program.pk])
    )
    content = response.content.decode()
    assert "Innovation culture" in content
    assert "Mobility pilots module" not in content


def test_task_history_page_shows_who_changed_it(world, as_persona):
    task = world.program.tasks.get()
    task_update(task=task, actor=world.coordinator, percent=40)
    response = as_persona("admin").get(reverse("admin:programs_task_history", args=[task.pk]))
    assert response.status_code == 200
    assert "Cora Coordinator" in response.content.decode()


def test_progress_updates_are_read_only_in_the_admin(world, as_persona):
    update = f.ProgressUpdateFactory(program=world.program, author=world.coordinator)
    client = as_persona("admin")
    assert client.get(reverse("admin:programs_progressupdate_add")).status_code == 403
    change = client.get(reverse("admin:programs_progressupdate_change", args=[update.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    delete = client.post(
        reverse("admin:programs_progressupdate_delete", args=[update.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert models.ProgressUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.parametrize("persona", ["coordinator", "manager"])
def test_non_staff_cannot_open_the_programme_admin(world, as_persona, persona):
    response = as_persona(persona).get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 302
