"""The tailoring pages: what a manager sees, and what saving does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clusters.models import Priority
from clusters.services import shared_need_accept
from programs.models import Program, ProgramModule, ProgramStatus
from tests import factories as f
from tests.assessments.helpers import close, closed_round, make_round, submit_levels
from tests.concurrency import someone_else_inserts_first


@pytest.fixture
def assessed(world, library):
    """Ale's closed round: culture 1.5 and helix 2.0, the rest 4; a high-priority water need."""
    round = make_round(world)
    coordinator, viewer = round.respondents.order_by("pk")
    submit_levels(coordinator, {"culture": 2, "helix": 2}, default=4)
    submit_levels(viewer, {"culture": 1, "helix": 2}, default=4)
    close(round)
    f.NeedFactory(
        municipality=world.ale,
        title="Reliable water supply",
        theme="Water",
        priority=Priority.HIGH,
        sdg_goals=[6],
    )
    return round


def _url(world) -> str:
    return reverse("tailoring:tailor", kwargs={"pk": world.ale.pk})


def _post_data(library, **extra):
    data = {
        "target": "new",
        "starts_on": "2027-03-01",
        "cluster": "",
        "title": "",
        "goals": "",
        "duration_months": "36",
        "status": ProgramStatus.DRAFT,
    }
    data.update(extra)
    return data


def test_the_manager_sees_the_recommendations_ticked_with_their_reasons(
    world, assessed, as_persona
):
    page = as_persona("manager").get(_url(world)).content.decode()
    assert "Innovation culture and leadership scored 1.5 of 5, below 2.5." in page
    assert "Quadruple-helix collaboration scored 2 of 5, below 2.5." in page
    assert "Need: “Reliable water supply” (theme Water, SDG 6, high priority)." in page
    culture = assessed.framework.dimensions.get(code="culture")
    assert culture.name_en in page


def test_index_lists_the_managed_municipalities(world, assessed, as_persona):
    page = as_persona("manager").get(reverse("tailoring:index")).content.decode()
    assert "Ale" in page and "Alingsås" in page
    assert "Lerum" not in page  # cluster B
    assert reverse("tailoring:tailor", kwargs={"pk": world.ale.pk}) in page


def test_preview_shows_the_schedule_without_saving(world, assessed, library, as_persona):
    culture = library["innovation-culture"]
    data = _post_data(
        library,
        cluster=str(world.cluster_a.pk),
        starts_on="2027-06-25",  # Midsummer Eve
        preview="1",
        **{f"include_{culture.pk}": "on", f"order_{culture.pk}": "1"},
    )
    response = as_persona("manager").post(_url(world), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="schedule"' in page
    assert "Midsummer Eve" in page
    assert not world.ale.programs.exclude(pk=world.program.pk).exists()


def test_saving_creates_the_programme_in_the_chosen_order_with_reasons(
    world, assessed, library, as_persona
):
    culture, helix, pilots = (
        library["innovation-culture"],
        library["quadruple-helix"],
        library["pilots-idea-to-operation"],
    )
    data = _post_data(
        library,
        cluster=str(world.cluster_a.pk),
        title="Ale tailored",
        coordinators=[str(world.coordinator.pk)],
        save="1",
        **{
            f"include_{helix.pk}": "on",
            f"order_{helix.pk}": "1",
            f"reason_{helix.pk}": "Partners first, as the council asked.",
            f"include_{culture.pk}": "on",
            f"order_{culture.pk}": "2",
            f"reason_{culture.pk}": "Innovation culture and leadership scored 1.5 of 5.",
            f"include_{pilots.pk}": "on",
            f"order_{pilots.pk}": "3",
        },
    )
    response = as_persona("manager").post(_url(world), data)
    program = Program.objects.get(title="Ale tailored")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", kwargs={"pk": program.pk})
    assert [(m.module_template.code, m.reason) for m in program.modules.order_by("position")] == [
        ("quadruple-helix", "Partners first, as the council asked."),
        ("innovation-culture", "Innovation culture and leadership scored 1.5 of 5."),
        ("pilots-idea-to-operation", "Added by Maja Manager when tailoring the programme."),
    ]
    assert program.cluster == world.cluster_a
    assert list(program.coordinators.all()) == [world.coordinator]
    assert program.tasks.count() > 10
    # Nothing falls due on a weekend.
    assert all(day.weekday() < 5 for day in program.tasks.values_list("due_on", flat=True))


def test_extending_adds_modules_to_the_chosen_programme(world, assessed, library, as_persona):
    helix = library["quadruple-helix"]
    data = _post_data(
        library,
        target=f"program-{world.program.pk}",
        starts_on=world.program.starts_on.isoformat(),
        save="1",
        **{f"include_{helix.pk}": "on", f"order_{helix.pk}": "1"},
    )
    response = as_persona("manager").post(_url(world), data)
    assert response.status_code == 302
    assert world.program.modules.filter(module_template=helix, position=2).exists()


def test_bad_input_keeps_what_was_written(world, assessed, library, as_persona):
    helix = library["quadruple-helix"]
    data = _post_data(
        library,
        cluster=str(world.cluster_a.pk),
        starts_on="not a date",
        goals="Goals we wrote carefully.",
        save="1",
        **{f"include_{helix.pk}": "on", f"order_{helix.pk}": "0"},
    )
    response = as_persona("manager").post(_url(world), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Goals we wrote carefully." in page
    assert "Enter a valid date." in page
    assert "Ensure this value is greater than or equal to 1." in page
    assert not Program.objects.filter(modules__module_template=helix).exists()


def test_a_reason_written_for_a_module_left_out_is_not_dropped(
    world, assessed, library, as_persona
):
    culture, data_module = library["innovation-culture"], library["data-and-digital-infrastructure"]
    data = _post_data(
        library,
        cluster=str(world.cluster_a.pk),
        save="1",
        **{
            f"include_{culture.pk}": "on",
            f"reason_{data_module.pk}": "We also want data work.",
        },
    )
    response = as_persona("manager").post(_url(world), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "We also want data work." in page
    assert "Tick “Include” to add this module" in page


def test_nothing_chosen_is_a_message_not_a_programme(world, assessed, library, as_persona):
    data = _post_data(library, cluster=str(world.cluster_a.pk), save="1")
    data.update({key: "" for key in list(data) if key.startswith("include_")})
    response = as_persona("manager").post(_url(world), data)
    assert response.status_code == 200
    assert "Choose at least one module." in response.content.decode()


def test_the_page_answers_in_a_fixed_number_of_queries(
    world, assessed, library, as_persona, django_assert_max_num_queries
):
    client = as_persona("manager")
    client.get(_url(world))  # warm the session and the framework's caches
    with django_assert_max_num_queries(30) as small:
        client.get(_url(world))
    for index in range(10):
        f.NeedFactory(municipality=world.ale, theme="Energy", sdg_goals=[7], title=f"Need {index}")
        program = f.ProgramFactory(municipality=world.ale, cluster=world.cluster_a)
        f.ProgramModuleFactory(program=program, position=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url(world))


def test_index_answers_in_a_fixed_number_of_queries(
    world, as_persona, django_assert_max_num_queries
):
    client = as_persona("manager")
    client.get(reverse("tailoring:index"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("tailoring:index"))
    for index in range(10):
        municipality = f.MunicipalityFactory(name=f"Extra {index}", code=f"9{index:03}")
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
        f.ProgramFactory(municipality=municipality, cluster=world.cluster_a)
        f.NeedFactory(municipality=municipality)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("tailoring:index"))


@pytest.mark.parametrize("persona", ["coordinator", "viewer"])
def test_the_municipality_s_own_people_may_not_tailor(world, persona, as_persona):
    assert as_persona(persona).get(_url(world)).status_code == 403


def test_another_cluster_s_manager_does_not_find_the_municipality(world, as_persona):
    assert as_persona("other_manager").get(_url(world)).status_code == 404


def test_wrong_method_on_the_index_is_405(world, as_persona):
    assert as_persona("manager").post(reverse("tailoring:index")).status_code == 405


def test_a_preview_with_a_date_in_july_says_why_it_moved(world, assessed, library, as_persona):
    helix = library["quadruple-helix"]
    data = _post_data(
        library,
        cluster=str(world.cluster_a.pk),
        starts_on=dt.date(2027, 7, 14).isoformat(),
        preview="1",
        **{f"include_{helix.pk}": "on"},
    )
    page = as_persona("manager").post(_url(world), data).content.decode()
    assert "holiday week" in page


def test_a_module_the_cluster_meets_jointly_is_shown_but_not_ticked(
    world, assessed, library, as_persona
):
    closed_round(world, world.alingsas, {"helix": 1})
    shared_need_accept(
        cluster=world.cluster_a,
        key="dimension:helix",
        title="Working with partners",
        description="",
        priority=Priority.HIGH,
        actor=world.manager,
    )
    response = as_persona("manager").get(_url(world))
    form = response.context["form"]
    helix, culture = library["quadruple-helix"], library["innovation-culture"]
    assert form[f"include_{helix.pk}"].value() is False
    assert form[f"include_{culture.pk}"].value() is True
    page = response.content.decode()
    assert "Met jointly in the cluster through the shared need “Working with partners”." in page


def test_the_admin_s_index_lists_cluster_members_only(world, as_persona):
    f.MunicipalityFactory(name="Nowhere in particular", code="9999")
    page = as_persona("admin").get(reverse("tailoring:index")).content.decode()
    assert "Lerum" in page and "Ale" in page
    assert "Nowhere in particular" not in page


# --- two people at once -------------------------------------------------------------------


def test_a_module_added_by_someone_else_at_the_same_moment_is_a_form_error(
    world, assessed, library, as_persona
):
    helix, culture = library["quadruple-helix"], library["innovation-culture"]
    data = _post_data(
        library,
        target=f"program-{world.program.pk}",
        starts_on=world.program.starts_on.isoformat(),
        save="1",
        **{f"include_{helix.pk}": "on", f"order_{helix.pk}": "1"},
    )

    def other_manager_extends() -> ProgramModule:
        # Another manager's module takes the position this one is about to take.
        return ProgramModule.objects.create(
            program=world.program,
            module_template=culture,
            title="Innovation culture",
            position=2,
            starts_on=world.program.starts_on,
            ends_on=world.program.ends_on,
        )

    with someone_else_inserts_first("programs_programmodule", other_manager_extends) as race:
        response = as_persona("manager").post(_url(world), data)
    assert race, "the other module was not added: the test proves nothing"
    assert response.status_code == 200
    form = response.context["form"]
    assert "Someone else changed this at the same moment" in " ".join(form.non_field_errors())
    assert form["target"].value() == f"program-{world.program.pk}"
    assert list(world.program.modules.values_list("position", flat=True)) == [1]
