"""Creating programmes from a template and editing their frame (managers and admins)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from municipalities.models import MunicipalityRole
from programs.models import Program, ProgramStatus
from tests import factories as f

CREATE_URL = reverse("programs:create")


def edit_url(program) -> str:
    return reverse("programs:edit", kwargs={"pk": program.pk})


@pytest.fixture
def template(db):
    return f.starter_year_template()


@pytest.fixture
def alingsas_coordinator(world):
    person = f.UserFactory(full_name="Alma Alingsås")
    f.MunicipalityMembershipFactory(
        user=person, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    return person


def create_data(world, template, /, **changes) -> dict[str, object]:
    data = {
        "municipality": world.alingsas.pk,
        "cluster": world.cluster_a.pk,
        "template": template.pk,
        "starts_on": "2026-09-01",
        "title": "",
        "goals": "Six pilots within six months.",
        "coordinators": [],
        "status": ProgramStatus.ACTIVE,
    }
    data.update(changes)
    return data


# --- create --------------------------------------------------------------------------------


def test_manager_creates_a_programme_from_a_template(
    world, as_persona, template, alingsas_coordinator
):
    response = as_persona("manager").post(
        CREATE_URL, create_data(world, template, coordinators=[alingsas_coordinator.pk])
    )
    program = Program.objects.get(municipality=world.alingsas)
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", args=[program.pk])
    assert (program.cluster, program.status, program.title) == (
        world.cluster_a,
        ProgramStatus.ACTIVE,
        "Alingsås: Starter year",
    )
    assert program.starts_on == dt.date(2026, 9, 1)
    assert list(program.coordinators.all()) == [alingsas_coordinator]
    assert program.tasks.get().title == "Roadmap workshop"
    assert program.milestones.get().title == "Roadmap adopted"
    assert program.history.earliest().history_user == world.manager


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Starter year", "Startår"), ("sv", "Startår", "Starter year")],
)
def test_the_template_choice_reads_in_the_manager_s_language(
    world, as_persona, template, language, shown, hidden
):
    template.name_sv, template.name_nb = "Startår", "Startår (nb)"
    template.save()
    world.manager.language = language
    world.manager.save(update_fields=["language"])
    page = as_persona("manager").get(CREATE_URL).content.decode()
    assert f">{shown}</option>" in page
    assert f">{hidden}</option>" not in page


def test_a_programme_from_a_template_is_written_in_swedish_whoever_creates_it(
    world, as_persona, template
):
    """The manager reads English; Alingsås is Swedish: the copied texts are Swedish."""
    template.name_sv = "Startår"
    template.save()
    module = template.template_modules.get().module
    activity = module.activities.get(title_en="Roadmap workshop")
    activity.title_sv = "Workshop om färdplanen"
    activity.save()
    response = as_persona("manager").post(CREATE_URL, create_data(world, template))
    assert response.status_code == 302
    program = Program.objects.get(municipality=world.alingsas)
    assert program.title == "Alingsås: Startår"
    assert program.tasks.get().title == "Workshop om färdplanen"


def test_manager_chooses_only_members_of_the_clusters_they_manage(world, as_persona, template):
    response = as_persona("manager").get(CREATE_URL)
    form = response.context["form"]
    assert set(form.fields["municipality"].queryset) == {world.ale, world.alingsas}
    assert list(form.fields["cluster"].queryset) == [world.cluster_a]
    # Coordinators are named with their municipality; Lerum's are not offered.
    assert list(form.fields["coordinators"].queryset) == [world.coordinator]
    assert "Cora Coordinator (Ale)" in response.content.decode()


def test_admin_sees_the_chosen_municipalitys_coordinators_only(
    world, as_persona, template, alingsas_coordinator
):
    """An administrator may choose any municipality (650 at national scale): the coordinators
    come with the choice, not all at once."""
    admin = as_persona("admin")
    unchosen = admin.get(CREATE_URL)
    assert list(unchosen.context["form"].fields["coordinators"].queryset) == []
    with translation.override("en"):
        assert "Choose the municipality first" in admin.get(CREATE_URL).content.decode()
    chosen = admin.get(CREATE_URL, {"municipality": world.alingsas.pk})
    assert list(chosen.context["form"].fields["coordinators"].queryset) == [alingsas_coordinator]
    # What htmx swaps in when the municipality changes.
    page = chosen.content.decode()
    assert 'id="div_id_coordinators"' in page
    assert 'hx-select="#div_id_coordinators"' in page
    assert "Alma Alingsås (Alingsås)" in page


def test_a_coordinator_of_another_municipality_is_refused_with_a_message(
    world, as_persona, template
):
    response = as_persona("admin").post(
        CREATE_URL, create_data(world, template, coordinators=[world.coordinator.pk])
    )
    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["form"].errors["coordinators"] == [
            "Only coordinators of the chosen municipality can be chosen."
        ]
    assert Program.objects.count() == 2


def test_create_form_is_prefilled_from_the_dashboard_link(world, as_persona, template):
    response = as_persona("manager").get(
        CREATE_URL, {"municipality": world.alingsas.pk, "cluster": "x"}
    )
    assert response.context["form"].initial == {"municipality": world.alingsas.pk}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"municipality": "lerum"}, "municipality"),
        ({"cluster": "cluster_b"}, "cluster"),
        ({"starts_on": ""}, "starts_on"),
        ({"starts_on": "2026-13-01"}, "starts_on"),
        ({"title": "x" * 201}, "title"),
        ({"status": ProgramStatus.COMPLETED}, "status"),
        ({"template": ""}, "template"),
    ],
)
def test_manager_create_with_bad_input_re_renders_and_saves_nothing(
    world, as_persona, template, changes, field
):
    ids = {"lerum": world.lerum.pk, "cluster_b": world.cluster_b.pk}
    data = create_data(world, template, **{k: ids.get(v, v) for k, v in changes.items()})
    response = as_persona("manager").post(CREATE_URL, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Program.objects.count() == 2


def test_municipality_must_be_an_open_member_of_the_cluster(world, as_persona, template):
    response = as_persona("admin").post(
        CREATE_URL, create_data(world, template, municipality=world.lerum.pk)
    )
    assert response.status_code == 200
    assert "Lerum is not a member of Västra Götaland smart." in str(
        response.context["form"].errors["cluster"]
    )
    assert Program.objects.count() == 2


def test_coordinators_must_coordinate_the_chosen_municipality(world, as_persona, template):
    response = as_persona("manager").post(
        CREATE_URL, create_data(world, template, coordinators=[world.coordinator.pk])
    )
    assert response.status_code == 200
    assert response.context["form"].errors["coordinators"]
    assert Program.objects.count() == 2


def test_admin_may_create_outside_any_cluster(world, as_persona, template):
    response = as_persona("admin").post(
        CREATE_URL, create_data(world, template, municipality=world.lerum.pk, cluster="")
    )
    assert response.status_code == 302
    assert Program.objects.get(municipality=world.lerum, cluster__isnull=True)


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "partner", "outsider"])
def test_people_who_manage_no_cluster_may_not_create(world, as_persona, template, persona):
    client = as_persona(persona)
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, create_data(world, template)).status_code == 403
    assert Program.objects.count() == 2


def test_create_refuses_other_methods(world, as_persona):
    assert as_persona("manager").delete(CREATE_URL).status_code == 405


# --- edit ----------------------------------------------------------------------------------


def edit_data(program, **changes) -> dict[str, object]:
    data = {
        "title": program.title,
        "starts_on": program.starts_on.isoformat(),
        "ends_on": program.ends_on.isoformat(),
        "status": program.status,
        "goals": program.goals,
        "coordinators": list(program.coordinators.values_list("pk", flat=True)),
    }
    data.update(changes)
    return data


def test_manager_edits_the_programme_frame(world, as_persona):
    second = f.UserFactory()
    f.MunicipalityMembershipFactory(
        user=second, municipality=world.ale, role=MunicipalityRole.COORDINATOR
    )
    response = as_persona("manager").post(
        edit_url(world.program),
        edit_data(
            world.program,
            title="Ale innovates 2.0",
            status=ProgramStatus.PAUSED,
            goals="Fewer, better pilots.",
            coordinators=[world.coordinator.pk, second.pk],
        ),
    )
    assert response.status_code == 302
    world.program.refresh_from_db()
    assert (world.program.title, world.program.status, world.program.goals) == (
        "Ale innovates 2.0",
        ProgramStatus.PAUSED,
        "Fewer, better pilots.",
    )
    assert set(world.program.coordinators.all()) == {world.coordinator, second}
    assert world.program.history.latest().history_user == world.manager


def test_edit_form_shows_the_present_values(world, as_persona):
    response = as_persona("admin").get(edit_url(world.program))
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "Ale innovates"
    assert list(response.context["form"].initial["coordinators"]) == [world.coordinator.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2020-01-01"}, "ends_on"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ale\r\ninnovates"}, "title"),
        ({"status": "forgotten"}, "status"),
        ({"coordinators": ["other_coordinator"]}, "coordinators"),
    ],
)
def test_edit_with_bad_input_re_renders_and_saves_nothing(world, as_persona, changes, field):
    if changes.get("coordinators") == ["other_coordinator"]:
        changes = {"coordinators": [world.other_coordinator.pk]}
    response = as_persona("manager").post(
        edit_url(world.program), edit_data(world.program, **changes)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    world.program.refresh_from_db()
    assert world.program.title == "Ale innovates"
    assert list(world.program.coordinators.all()) == [world.coordinator]


def test_coordinator_may_not_edit_the_programme_frame(world, as_persona):
    client = as_persona("coordinator")
    assert client.get(edit_url(world.program)).status_code == 403
    response = client.post(edit_url(world.program), edit_data(world.program, title="Mine"))
    assert response.status_code == 403
    world.program.refresh_from_db()
    assert world.program.title == "Ale innovates"


def test_other_clusters_manager_gets_404(world, as_persona):
    assert as_persona("other_manager").get(edit_url(world.program)).status_code == 404


def test_edit_refuses_other_methods(world, as_persona):
    assert as_persona("manager").patch(edit_url(world.program)).status_code == 405
