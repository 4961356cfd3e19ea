from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clusters.forms import NeedAdminForm
from clusters.models import SDG_GOALS, Need
from clusters.services import need_create, need_update
from tests import factories as f

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Safer school routes",
    "description": "Children walk along a busy road.",
    "theme": "Mobility",
    "priority": "high",
    "sdg_goals": ["3", "11"],
}


def _list(world) -> str:
    return reverse("needs:list", kwargs={"pk": world.ale.pk})


def _create(world) -> str:
    return reverse("needs:create", kwargs={"pk": world.ale.pk})


def _edit(world, need: Need) -> str:
    return reverse("needs:edit", kwargs={"pk": world.ale.pk, "need_pk": need.pk})


# --- model and services -----------------------------------------------------------------


def test_there_are_seventeen_sdg_goals_with_swedish_names():
    assert sorted(SDG_GOALS) == list(range(1, 18))
    with translation.override("en"):
        assert str(SDG_GOALS[11]) == "Sustainable cities and communities"
    with translation.override("sv"):
        assert str(SDG_GOALS[11]) == "Hållbara städer och samhällen"


def test_need_create_stores_sorted_goals_and_its_author(world):
    need = need_create(
        municipality=world.ale,
        actor=world.coordinator,
        title="Heat waves",
        description="",
        theme="Climate",
        priority="high",
        sdg_goals=[13, 3],
    )
    need.refresh_from_db()
    assert need.sdg_goals == [3, 13]
    assert need.history.get().history_user == world.coordinator
    assert [number for number, _name in need.sdg_goal_names] == [3, 13]


@pytest.mark.parametrize("goals", [[18], [0], [-1], ["11"], [1.5], [True], [11, 11]])
def test_need_with_an_invalid_goal_is_refused(world, goals):
    with pytest.raises(ValidationError) as error:
        need_create(
            municipality=world.ale,
            actor=world.coordinator,
            title="x",
            priority="low",
            sdg_goals=goals,
        )
    assert "sdg_goals" in error.value.error_dict
    assert not Need.objects.exists()


def test_need_update_changes_goals(world):
    need = f.NeedFactory(municipality=world.ale, sdg_goals=[1])
    need_update(
        need=need,
        actor=world.manager,
        title="New title",
        description="d",
        theme="t",
        priority="low",
        sdg_goals=[17, 9],
    )
    need.refresh_from_db()
    assert (need.title, need.sdg_goals, need.municipality) == ("New title", [9, 17], world.ale)


# --- list -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "manager", "admin"])
def test_people_who_see_the_programmes_read_the_needs(world, as_persona, persona):
    f.NeedFactory(municipality=world.ale, title="Ale's need", sdg_goals=[11])
    f.NeedFactory(municipality=world.lerum, title="Lerum's need")
    response = as_persona(persona).get(_list(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ale&#x27;s need" in html or "Ale's need" in html
    assert "Lerum" not in html


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "other_manager", "partner"])
def test_others_get_404_for_the_needs(world, as_persona, persona):
    assert as_persona(persona).get(_list(world)).status_code == 404


def test_viewer_sees_no_edit_links(world, as_persona):
    need = f.NeedFactory(municipality=world.ale)
    html = as_persona("viewer").get(_list(world)).content.decode()
    assert _edit(world, need) not in html
    assert _create(world) not in html


def test_list_shows_goal_names_in_swedish(world, as_persona):
    f.NeedFactory(municipality=world.ale, sdg_goals=[11])
    world.coordinator.language = "sv"
    world.coordinator.save()
    html = as_persona("coordinator").get(_list(world)).content.decode()
    assert "Hållbara städer och samhällen" in html


def test_list_refuses_post(world, as_persona):
    assert as_persona("coordinator").post(_list(world)).status_code == 405


def test_unknown_municipality_is_404(world, as_persona):
    response = as_persona("admin").get(reverse("needs:list", kwargs={"pk": 999999}))
    assert response.status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_list_query_count_does_not_grow(world, as_persona, django_assert_max_num_queries, count):
    f.NeedFactory.create_batch(count, municipality=world.ale, sdg_goals=[1, 2])
    client = as_persona("manager")
    with django_assert_max_num_queries(10):
        response = client.get(_list(world))
    assert response.content.decode().count('id="need-') == count


# --- create and edit --------------------------------------------------------------------


def test_create_form_shows_goal_checkboxes(world, as_persona):
    with translation.override("en"):
        html = (
            as_persona("coordinator")
            .get(_create(world), HTTP_ACCEPT_LANGUAGE="en")
            .content.decode()
        )
    assert html.count('name="sdg_goals" value=') == 17


@pytest.mark.parametrize("persona", ["coordinator", "manager", "admin"])
def test_editors_record_a_need_with_sdg_goals(world, as_persona, persona):
    response = as_persona(persona).post(_create(world), VALID)
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.municipality, need.sdg_goals, need.priority) == (world.ale, [3, 11], "high")
    assert need.created_by == getattr(world, persona)


def test_need_without_goals_is_fine(world, as_persona):
    response = as_persona("coordinator").post(_create(world), {**VALID, "sdg_goals": []})
    assert response.status_code == 302
    assert Need.objects.get().sdg_goals == []


def test_viewer_cannot_record_a_need(world, as_persona):
    response = as_persona("viewer").post(_create(world), VALID)
    assert response.status_code == 403
    assert not Need.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "other_manager", "partner"])
def test_others_cannot_record_a_need(world, as_persona, persona):
    assert as_persona(persona).post(_create(world), VALID).status_code == 404
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"priority": "urgent"}, "priority"),
        ({"sdg_goals": ["18"]}, "sdg_goals"),
        ({"sdg_goals": ["eleven"]}, "sdg_goals"),
    ],
)
def test_bad_need_input_re_renders_and_saves_nothing(world, as_persona, change, field):
    response = as_persona("coordinator").post(_create(world), {**VALID, **change})
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not Need.objects.exists()


def test_create_refuses_put(world, as_persona):
    assert as_persona("coordinator").put(_create(world)).status_code == 405


def test_coordinator_edits_a_need(world, as_persona):
    need = f.NeedFactory(municipality=world.ale, sdg_goals=[1])
    client = as_persona("coordinator")
    form_html = client.get(_edit(world, need)).content.decode()
    assert (
        'value="1" checked' in form_html
        or 'checked value="1"' in form_html
        or "checked" in form_html
    )
    response = client.post(_edit(world, need), {**VALID, "sdg_goals": ["7"]})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.title, need.sdg_goals) == ("Safer school routes", [7])


def test_viewer_cannot_edit_a_need(world, as_persona):
    need = f.NeedFactory(municipality=world.ale, title="Keep")
    assert as_persona("viewer").post(_edit(world, need), VALID).status_code == 403
    need.refresh_from_db()
    assert need.title == "Keep"


def test_need_of_another_municipality_is_404_through_this_one(world, as_persona):
    other = f.NeedFactory(municipality=world.alingsas)
    assert as_persona("manager").get(_edit(world, other)).status_code == 404


def test_shared_cluster_need_is_not_editable_here(world, as_persona):
    shared = f.NeedFactory(municipality=None, cluster=world.cluster_a)
    assert as_persona("admin").get(_edit(world, shared)).status_code == 404


def test_edit_with_goal_18_saves_nothing(world, as_persona):
    need = f.NeedFactory(municipality=world.ale, sdg_goals=[1])
    response = as_persona("coordinator").post(_edit(world, need), {**VALID, "sdg_goals": ["18"]})
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.sdg_goals == [1]


def test_edit_refuses_put(world, as_persona):
    need = f.NeedFactory(municipality=world.ale)
    assert as_persona("coordinator").put(_edit(world, need)).status_code == 405


def test_municipality_page_links_to_needs_for_readers_only(world, as_persona):
    url = reverse("portal:municipality_detail", kwargs={"pk": world.ale.pk})
    assert _list(world) in as_persona("viewer").get(url).content.decode()
    assert _list(world) not in as_persona("partner").get(url).content.decode()


def test_admin_form_takes_goals_as_checkboxes(world):
    form = NeedAdminForm(
        data={
            "title": "Admin need",
            "priority": "low",
            "municipality": world.ale.pk,
            "sdg_goals": ["13", "2"],
        }
    )
    assert form.is_valid(), form.errors
    assert form.save().sdg_goals == [2, 13]
    assert not NeedAdminForm(
        data={"title": "x", "priority": "low", "municipality": world.ale.pk, "sdg_goals": ["18"]}
    ).is_valid()
