"""The tailoring pages: what a manager sees, and what saving does."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clusters.models import Priority
from clusters.services import shared_need_accept
from municipalities.models import MunicipalityRole
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


def _preview_url(municipality) -> str:
    return reverse("tailoring:preview", kwargs={"pk": municipality.pk})


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
    assert 'id="schedule-region" aria-live="polite"' in page
    assert "1 module, from" in page
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
    # What the manager wrote is kept as written; the default is in Ale's language, Swedish.
    with translation.override("sv"):
        added = gettext("Added by %(person)s when tailoring the programme.") % {
            "person": "Maja Manager"
        }
    assert added != "Added by Maja Manager when tailoring the programme."
    assert [(m.module_template.code, m.reason) for m in program.modules.order_by("position")] == [
        ("quadruple-helix", "Partners first, as the council asked."),
        ("innovation-culture", "Innovation culture and leadership scored 1.5 of 5."),
        ("pilots-idea-to-operation", added),
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


# --- the preview in place -----------------------------------------------------------------


def _culture_preview(world, library, **extra):
    culture = library["innovation-culture"]
    fields = {
        "cluster": str(world.cluster_a.pk),
        "starts_on": "2027-06-25",  # Midsummer Eve
        f"include_{culture.pk}": "on",
        f"order_{culture.pk}": "1",
    }
    return _post_data(library, **{**fields, **extra})


def _inputs(page: str, kind: str, name: str) -> list[str]:
    return re.findall(rf'<input type="{kind}"[^>]*name="{name}"[^>]*>', page)


def test_the_page_has_a_live_region_beside_the_controls_for_the_preview(
    world, assessed, as_persona
):
    page = as_persona("manager").get(_url(world)).content.decode()
    preview = _preview_url(world.ale)
    # htmx posts the form on every change and puts the answer in the live region.
    assert f'hx-post="{preview}" hx-trigger="change delay:400ms"' in page
    assert 'hx-target="#schedule-region"' in page
    assert '<div id="schedule-region" aria-live="polite">' in page
    # Without JavaScript the preview button posts the form to the same place.
    assert f'formaction="{preview}#schedule"' in page
    assert "appears here as you change them" in page
    # The region comes after the controls, before the buttons.
    assert page.index('id="programme-heading"') < page.index('id="schedule-region"')
    assert page.index('id="schedule-region"') < page.index('name="save"')


def test_the_htmx_preview_answers_with_the_schedule_fragment_only(
    world, assessed, library, as_persona
):
    response = as_persona("manager").post(
        _preview_url(world.ale), _culture_preview(world, library), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["tailoring/_schedule.html"]
    fragment = response.content.decode()
    assert "<html" not in fragment and "<form" not in fragment
    assert "1 module, from" in fragment
    assert "Innovation culture" in fragment
    assert "Midsummer Eve" in fragment
    # The reader's language in the preview; what will be saved in Ale's is said.
    assert "Added by Maja Manager when tailoring the programme." in fragment
    assert "saved in Swedish, the language of Ale" in fragment
    assert not world.ale.programs.exclude(pk=world.program.pk).exists()


def test_the_preview_shows_the_suggested_reason_in_the_reader_s_language(
    world, assessed, library, as_persona
):
    culture = library["innovation-culture"]
    client = as_persona("manager")
    suggested = client.get(_url(world)).context["form"][f"reason_{culture.pk}"].value()
    assert suggested == "Innovation culture and leadership scored 1.5 of 5, below 2.5."
    data = _culture_preview(world, library, **{f"reason_{culture.pk}": suggested})
    fragment = client.post(
        _preview_url(world.ale), data, headers={"HX-Request": "true"}
    ).content.decode()
    assert suggested in fragment


def test_the_htmx_preview_of_a_form_with_errors_lists_them_in_the_region(
    world, assessed, library, as_persona
):
    data = _culture_preview(world, library, starts_on="not a date")
    response = as_persona("manager").post(
        _preview_url(world.ale), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "No schedule yet" in fragment
    assert "Enter a valid date." in fragment


def test_the_preview_without_javascript_answers_with_the_whole_page(
    world, assessed, library, as_persona
):
    response = as_persona("manager").post(
        _preview_url(world.ale), _culture_preview(world, library, preview="1")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<form" in page and 'name="save"' in page
    assert "1 module, from" in page
    assert "Midsummer Eve" in page
    assert not world.ale.programs.exclude(pk=world.program.pk).exists()


def test_the_preview_is_post_only_and_for_the_tailors_only(world, as_persona):
    assert as_persona("manager").get(_preview_url(world.ale)).status_code == 405
    assert as_persona("coordinator").post(_preview_url(world.ale)).status_code == 403
    assert as_persona("other_manager").post(_preview_url(world.ale)).status_code == 404


# --- defaults and choices with one option -------------------------------------------------


def test_one_option_choices_are_shown_as_text_with_a_hidden_input(world, library, as_persona):
    """Alingsås has no programme and cluster A is its only cluster; give it one coordinator."""
    alma = f.UserFactory(full_name="Alma Alingsås")
    f.MunicipalityMembershipFactory(
        user=alma, municipality=world.alingsas, role=MunicipalityRole.COORDINATOR
    )
    page = (
        as_persona("manager")
        .get(reverse("tailoring:tailor", kwargs={"pk": world.alingsas.pk}))
        .content.decode()
    )
    assert '<input type="hidden" name="target" value="new"' in page
    assert not _inputs(page, "radio", "target")
    assert f'<input type="hidden" name="cluster" value="{world.cluster_a.pk}"' in page
    assert '<select name="cluster"' not in page
    assert f'<input type="hidden" name="coordinators" value="{alma.pk}"' in page
    assert not _inputs(page, "checkbox", "coordinators")
    assert "Alma Alingsås" in page and "Västra Götaland smart" in page
    assert "A new programme" in page


def test_the_only_programme_and_the_coordinator_are_preselected(world, library, as_persona):
    response = as_persona("manager").get(_url(world))
    form = response.context["form"]
    # Ale's one programme: modules are added to it unless the manager picks a new one.
    assert form["target"].value() == f"program-{world.program.pk}"
    assert form["coordinators"].value() == [world.coordinator.pk]
    page = response.content.decode()
    assert len(_inputs(page, "radio", "target")) == 2  # two options: a real choice
    assert f'<input type="hidden" name="coordinators" value="{world.coordinator.pk}"' in page


def test_with_several_coordinators_all_are_ticked_and_each_can_be_left_out(
    world, library, as_persona
):
    second = f.UserFactory(full_name="Bo Ale")
    f.MunicipalityMembershipFactory(
        user=second, municipality=world.ale, role=MunicipalityRole.COORDINATOR
    )
    response = as_persona("manager").get(_url(world))
    assert sorted(response.context["form"]["coordinators"].value()) == sorted(
        [world.coordinator.pk, second.pk]
    )
    page = response.content.decode()
    boxes = _inputs(page, "checkbox", "coordinators")
    assert len(boxes) == 2 and all("checked" in box for box in boxes)


def test_saving_with_the_preselected_choices_creates_the_programme(world, library, as_persona):
    f.NeedFactory(municipality=world.alingsas, title="Heat", theme="Energy", sdg_goals=[7])
    client = as_persona("manager")
    url = reverse("tailoring:tailor", kwargs={"pk": world.alingsas.pk})
    form = client.get(url).context["form"]
    data = {
        name: value
        for name in form.fields
        if (value := form[name].value()) not in (None, False, "")
    }
    data["starts_on"] = "2027-03-01"
    data["save"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302
    program = world.alingsas.programs.get()
    assert program.cluster == world.cluster_a
    assert program.modules.get().module_template.code == "sustainability-agenda-2030"


# --- languages ----------------------------------------------------------------------------


def test_the_page_shows_the_library_in_the_reader_s_language(world, library, as_persona):
    client = as_persona("manager")
    world.manager.language = "sv"
    world.manager.save(update_fields=["language"])
    page = client.get(_url(world)).content.decode()
    assert "Innovationskultur" in page
    assert "Data och digital infrastruktur" in page


def test_a_suggested_reason_is_stored_in_the_municipality_s_language(
    world, assessed, library, as_persona
):
    helix = library["quadruple-helix"]
    client = as_persona("manager")  # reads English
    form = client.get(_url(world)).context["form"]
    suggested = form[f"reason_{helix.pk}"].value()
    assert suggested == "Quadruple-helix collaboration scored 2 of 5, below 2.5."
    data = _post_data(
        library,
        cluster=str(world.cluster_a.pk),
        title="Ale in Swedish",
        save="1",
        **{f"include_{helix.pk}": "on", f"reason_{helix.pk}": suggested},
    )
    assert client.post(_url(world), data).status_code == 302
    module = Program.objects.get(title="Ale in Swedish").modules.get()
    dimension = assessed.framework.dimensions.get(code="helix")
    with translation.override("sv"):
        expected = gettext("%(dimension)s scored %(score)s of 5, below %(threshold)s.") % {
            "dimension": dimension.name_sv,
            "score": "2",
            "threshold": "2,5",
        }
    assert module.reason == expected
    assert module.title == "Samverkan i fyrfaldig helix"  # the library's Swedish name


def test_a_norwegian_municipality_gets_its_programme_in_norwegian(world, library, as_persona):
    county = f.CountyFactory(country="NO", code="46", name="Vestland")
    voss = f.MunicipalityFactory(
        name="Voss", code="4621", country="NO", county=county, skr_group=""
    )
    f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=voss)
    f.NeedFactory(
        municipality=voss, title="Fjernvarme", theme="Energy", priority="high", sdg_goals=[7]
    )
    client = as_persona("manager")  # reads English
    url = reverse("tailoring:tailor", kwargs={"pk": voss.pk})
    form = client.get(url).context["form"]
    sustainability = library["sustainability-agenda-2030"]
    suggested = form[f"reason_{sustainability.pk}"].value()
    assert suggested.startswith("Need: “Fjernvarme”")
    data = _post_data(
        library,
        cluster=str(world.cluster_a.pk),
        save="1",
        **{f"include_{sustainability.pk}": "on", f"reason_{sustainability.pk}": suggested},
    )
    assert client.post(url, data).status_code == 302
    program = voss.programs.get()
    module = program.modules.get()
    assert module.title == "Bærekraft og Agenda 2030"
    assert program.milestones.filter(title="Lokale mål for Agenda 2030 vedtatt").exists()
    assert program.tasks.filter(title="Klima- og energipiloter med energiselskapet").exists()
    recommendation = next(r for r in form.basis.recommendations if r.module.pk == sustainability.pk)
    assert module.reason == recommendation.reason_text_in("nb")
    with translation.override("nb"):
        assert program.title == gettext("%(municipality)s: tailored programme") % {
            "municipality": "Voss"
        }


def test_the_index_comes_in_pages_and_finds_a_municipality_by_name(world, as_persona):
    """An administrator may tailor for every member municipality (650 at national scale)."""
    from programs.tailoring.views import PAGE_SIZE

    for index in range(PAGE_SIZE):
        municipality = f.MunicipalityFactory(name=f"Ödeby {index:02}", code=f"8{index:03}")
        f.ClusterMembershipFactory(cluster=world.cluster_a, municipality=municipality)
    admin = as_persona("admin")
    first = admin.get(reverse("tailoring:index"))
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert 'rel="next"' in first.content.decode()
    last = admin.get(reverse("tailoring:index"), {"page": 2}).content.decode()
    assert "Ödeby 24" in last and "Ale" not in last

    found = admin.get(reverse("tailoring:index"), {"q": "ödeby 0"})
    names = [municipality.name for municipality in found.context["page"].object_list]
    assert names == [f"Ödeby 0{index}" for index in range(10)]
    with translation.override("en"):
        nothing = admin.get(reverse("tailoring:index"), {"q": "Atlantis"}).content.decode()
    assert "has “Atlantis” in its name" in nothing
