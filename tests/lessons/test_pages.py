"""Writing a lesson (any time, from an initiative, at a gate decision, at an invalidated
assumption), editing it, its page, and the lessons on the initiative page and the portfolio."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.initiatives.models import Assumption, GateDecision, Initiative, Outcome
from programs.lessons.models import Lesson, Visibility
from programs.lessons.services import lesson_create
from tests import factories as f
from tests.conftest import PERSONAS
from tests.initiatives.factories import AssumptionFactory, InitiativeFactory
from tests.lessons.factories import LessonFactory

pytestmark = pytest.mark.django_db

NEW = reverse("lessons:create")


def _gate(initiative: Initiative, **fields) -> GateDecision:
    defaults = {
        "from_stage": "idea",
        "to_stage": "concept",
        "decision": "go",
        "decided_by": "Anna Kommunchef",
        "body": "management_group",
        "decided_on": timezone.localdate(),
        "rationale": "The need is clear.",
    }
    return GateDecision.objects.create(initiative=initiative, **{**defaults, **fields})


def _invalidated(initiative: Initiative, statement: str = "Parents will drive less") -> Assumption:
    return AssumptionFactory(
        initiative=initiative,
        statement=statement,
        outcome=Outcome.INVALIDATED,
        learning="They drove anyway when it rained.",
        resolved_on=timezone.localdate(),
    )


def _data(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Parents are needed from the start",
        "body": "What happened: few walked.\nWhat we learned: ask the parents first.",
        "theme": "Mobility",
        "stage": "pilot",
        "sdg_goals": ["3", "11"],
        "visibility": "clusters",
        "language": "en",
    }
    data.update(overrides)
    return data


@pytest.fixture
def initiative(world) -> Initiative:
    need = f.NeedFactory(municipality=world.ale, theme="Hållbar mobilitet", sdg_goals=[11, 3])
    return InitiativeFactory(
        municipality=world.ale, title="Walking school bus", need=need, stage="concept"
    )


# --- writing -------------------------------------------------------------------------------


def test_writing_from_a_gate_decision_prefills_and_links_it(world, as_persona, initiative):
    gate = _gate(initiative)
    client = as_persona("coordinator")
    url = f"{NEW}?initiative={initiative.pk}&gate={gate.pk}"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["stage"] == "idea"  # the stage the decision was taken in
    assert form.initial["theme"] == "Hållbar mobilitet"
    assert form.initial["sdg_goals"] == [11, 3]
    assert "Walking school bus" in form.initial["title"]
    assert "owner" not in form.fields
    response = client.post(url, _data())
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lessons:detail", kwargs={"pk": lesson.pk})
    assert (lesson.initiative, lesson.gate_decision, lesson.assumption) == (initiative, gate, None)
    assert (lesson.municipality, lesson.cluster, lesson.author) == (
        world.ale,
        None,
        world.coordinator,
    )
    assert lesson.sdg_goals == [3, 11]
    assert lesson.theme_key == "mobility"
    assert lesson.history.get().history_user == world.coordinator


def test_writing_at_an_invalidated_assumption_starts_from_what_was_learned(
    world, as_persona, initiative
):
    assumption = _invalidated(initiative)
    client = as_persona("coordinator")
    url = f"{NEW}?initiative={initiative.pk}&assumption={assumption.pk}"
    form = client.get(url).context["form"]
    assert form.initial["body"] == "They drove anyway when it rained."
    assert "Parents will drive less" in form.initial["title"]
    assert client.post(url, _data()).status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.assumption, lesson.gate_decision) == (assumption, None)


def test_an_assumption_still_open_takes_no_lesson(world, as_persona, initiative):
    open_one = AssumptionFactory(initiative=initiative)
    url = f"{NEW}?initiative={initiative.pk}&assumption={open_one.pk}"
    response = as_persona("coordinator").post(url, _data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Lesson.objects.exists()


def test_a_decision_or_assumption_of_another_initiative_is_not_found(world, as_persona, initiative):
    other = InitiativeFactory(municipality=world.ale)
    client = as_persona("coordinator")
    gate = _gate(other)
    assumption = _invalidated(other)
    assert client.get(f"{NEW}?initiative={initiative.pk}&gate={gate.pk}").status_code == 404
    url = f"{NEW}?initiative={initiative.pk}&assumption={assumption.pk}"
    assert client.post(url, _data()).status_code == 404
    assert client.get(f"{NEW}?initiative=abc").status_code == 404
    assert client.get(f"{NEW}?gate={gate.pk}").status_code == 404
    assert not Lesson.objects.exists()


WRITE_FROM_INITIATIVE = {
    "outsider": 404,
    "coordinator": 200,
    "other_coordinator": 404,
    "viewer": 403,
    "partner": 404,
    "manager": 403,  # reads Ale's initiative, but writes no lesson for Ale
    "other_manager": 404,
    "admin": 200,
}


@pytest.mark.parametrize("persona", sorted(WRITE_FROM_INITIATIVE))
def test_who_writes_a_lesson_from_an_initiative(world, as_persona, initiative, persona):
    url = f"{NEW}?initiative={initiative.pk}"
    client = as_persona(persona)
    assert client.get(url).status_code == WRITE_FROM_INITIATIVE[persona]
    expected_post = 302 if WRITE_FROM_INITIATIVE[persona] == 200 else WRITE_FROM_INITIATIVE[persona]
    assert client.post(url, _data()).status_code == expected_post
    assert Lesson.objects.exists() is (expected_post == 302)


def test_a_joint_initiative_gives_the_cluster_a_lesson_never_municipality_only(world, as_persona):
    joint = InitiativeFactory(cluster=world.cluster_a, title="Joint mobility lab")
    client = as_persona("manager")
    url = f"{NEW}?initiative={joint.pk}"
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["visibility"].choices] == [
        "clusters",
        "partnership",
    ]
    refused = client.post(url, _data(visibility="municipality"))
    assert "visibility" in refused.context["form"].errors
    assert client.post(url, _data()).status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.cluster, lesson.municipality) == (world.cluster_a, None)


def test_writing_any_time_for_ones_own_municipality(world, as_persona):
    client = as_persona("coordinator")
    page = client.get(NEW)
    assert page.context["form"].fields["owner"].choices[1:] == [(f"m-{world.ale.pk}", "Ale")]
    assert page.context["form"].initial["owner"] == f"m-{world.ale.pk}"
    # An owner one may not write for is not a choice.
    refused = client.post(NEW, _data(owner=f"m-{world.lerum.pk}"))
    assert "owner" in refused.context["form"].errors
    assert client.post(NEW, _data(owner=f"m-{world.ale.pk}")).status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.municipality, lesson.initiative) == (world.ale, None)


def test_a_manager_writes_any_time_lessons_for_their_cluster(world, as_persona):
    client = as_persona("manager")
    owners = client.get(NEW).context["form"].fields["owner"].choices[1:]
    assert [value for value, _label in owners] == [f"c-{world.cluster_a.pk}"]
    refused = client.post(NEW, _data(owner=f"c-{world.cluster_a.pk}", visibility="municipality"))
    assert "visibility" in refused.context["form"].errors
    assert client.post(NEW, _data(owner=f"c-{world.cluster_a.pk}")).status_code == 302
    assert Lesson.objects.get().cluster == world.cluster_a


@pytest.mark.parametrize("persona", ["viewer", "partner", "outsider"])
def test_people_who_write_for_no_one_may_not_open_the_form(world, as_persona, persona):
    assert as_persona(persona).get(NEW).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n  "}, "body"),
        ({"title": ""}, "title"),
        ({"sdg_goals": ["18"]}, "sdg_goals"),
        ({"sdg_goals": ["eleven"]}, "sdg_goals"),
        ({"visibility": "everyone"}, "visibility"),
        ({"language": "de"}, "language"),
        ({"stage": "orbit"}, "stage"),
        ({"title": "Two\nlines"}, "title"),
        ({"body": "x" * 10_001}, "body"),
    ],
    ids=[
        "empty-body",
        "blank-body",
        "empty-title",
        "unknown-goal",
        "goal-not-a-number",
        "unknown-visibility",
        "unknown-language",
        "unknown-stage",
        "control-characters",
        "too-long",
    ],
)
def test_bad_input_shows_an_error_and_keeps_what_was_written(
    world, as_persona, initiative, overrides, field
):
    url = f"{NEW}?initiative={initiative.pk}"
    data = _data(**overrides)
    response = as_persona("coordinator").post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    if field != "body":
        assert "ask the parents first" in page  # the text is still there to correct
    if field != "title":
        assert data["title"] in page
    assert 'aria-invalid="true"' in page or "is-invalid" in page
    assert not Lesson.objects.exists()


# --- editing and the page ------------------------------------------------------------------


def test_editing_keeps_the_origin_and_records_history(world, as_persona, initiative):
    gate = _gate(initiative)
    lesson = lesson_create(
        actor=world.coordinator,
        initiative=initiative,
        gate_decision=gate,
        title="First",
        body="Body",
        visibility=Visibility.MUNICIPALITY,
    )
    client = as_persona("admin")
    url = reverse("lessons:edit", kwargs={"pk": lesson.pk})
    assert client.get(url).status_code == 200
    bad = client.post(url, _data(body=""))
    assert "body" in bad.context["form"].errors
    response = client.post(url, _data(title="Second", visibility="partnership"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.visibility, lesson.gate_decision) == (
        "Second",
        "partnership",
        gate,
    )
    assert lesson.author == world.coordinator
    assert [h.history_user for h in lesson.history.all()] == [world.admin, world.coordinator]
    page = client.get(reverse("lessons:detail", kwargs={"pk": lesson.pk}))
    assert page.status_code == 200
    assert len(page.context["history"]) == 2


def test_the_lesson_page_shows_where_it_came_from(world, as_persona, initiative):
    assumption = _invalidated(initiative)
    lesson = lesson_create(
        actor=world.coordinator,
        initiative=initiative,
        assumption=assumption,
        title="Rain changes everything",
        body="Line one.\nLine two.",
        sdg_goals=[11],
        theme="Mobility",
        visibility=Visibility.PARTNERSHIP,
    )
    url = reverse("lessons:detail", kwargs={"pk": lesson.pk})
    own = as_persona("coordinator").get(url, HTTP_ACCEPT_LANGUAGE="en")
    page = own.content.decode()
    assert own.context["can_edit"] is True
    assert "Parents will drive less" in page
    assert reverse("initiatives:detail", kwargs={"pk": initiative.pk}) in page
    assert reverse("lessons:edit", kwargs={"pk": lesson.pk}) in page
    # Lerum's coordinator reads it (the whole partnership), without edit or initiative links.
    other = as_persona("other_coordinator").get(url)
    assert other.status_code == 200
    assert other.context["can_edit"] is False
    other_page = other.content.decode()
    assert reverse("initiatives:detail", kwargs={"pk": initiative.pk}) not in other_page
    assert reverse("lessons:edit", kwargs={"pk": lesson.pk}) not in other_page
    assert "Walking school bus" in other_page


# --- the initiative page -------------------------------------------------------------------


def _detail(client, initiative: Initiative):
    return client.get(reverse("initiatives:detail", kwargs={"pk": initiative.pk}))


def test_the_initiative_page_offers_a_lesson_at_each_moment_that_has_none(
    world, as_persona, initiative
):
    done_gate, open_gate = _gate(initiative), _gate(initiative, decision="pivot")
    done_assumption = _invalidated(initiative, "Done one")
    open_assumption = _invalidated(initiative, "Open one")
    AssumptionFactory(initiative=initiative, statement="Not tested yet")
    for origin in ({"gate_decision": done_gate}, {"assumption": done_assumption}):
        lesson_create(
            actor=world.coordinator,
            initiative=initiative,
            title=f"Lesson {len(origin)}",
            body="Body",
            visibility=Visibility.MUNICIPALITY,
            **origin,
        )
    response = _detail(as_persona("coordinator"), initiative)
    page = response.content.decode()
    assert page.count('id="lesson-') >= 2
    assert f"{NEW}?initiative={initiative.pk}&amp;gate={open_gate.pk}" in page
    assert f"{NEW}?initiative={initiative.pk}&amp;gate={done_gate.pk}" not in page
    assert f"{NEW}?initiative={initiative.pk}&amp;assumption={open_assumption.pk}" in page
    assert f"{NEW}?initiative={initiative.pk}&amp;assumption={done_assumption.pk}" not in page
    assert 'id="write-lesson"' in page
    assert "Not tested yet" not in page.split('id="lessons"')[1].split("</section>")[0]


def test_readers_of_the_initiative_see_the_lessons_they_may_read_and_no_links(
    world, as_persona, initiative
):
    _gate(initiative)
    for visibility in ("municipality", "clusters"):
        lesson_create(
            actor=world.coordinator,
            initiative=initiative,
            title=f"Only {visibility}",
            body="Body",
            visibility=visibility,
        )
    viewer = _detail(as_persona("viewer"), initiative).content.decode()
    assert "Only municipality" in viewer and "Only clusters" in viewer
    assert NEW not in viewer
    manager = _detail(as_persona("manager"), initiative).content.decode()
    assert "Only clusters" in manager and "Only municipality" not in manager
    assert NEW not in manager


def _grow(world, initiative: Initiative, times: int) -> None:
    for n in range(times):
        gate = _gate(initiative, decision="pivot")
        _gate(initiative, decision="pivot")
        assumption = _invalidated(initiative, f"Assumption {n}")
        _invalidated(initiative, f"Other assumption {n}")
        for origin in ({"gate_decision": gate}, {"assumption": assumption}, {}):
            lesson_create(
                actor=world.coordinator,
                initiative=initiative,
                title=f"Lesson {n}",
                body="Body",
                **origin,
            )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_initiative_page_costs_the_same_queries_with_ten_times_the_lessons(world, as_persona):
    small = InitiativeFactory(municipality=world.ale)
    large = InitiativeFactory(municipality=world.ale)
    _grow(world, small, 2)
    _grow(world, large, 20)
    client = as_persona("coordinator")
    url = lambda initiative: reverse("initiatives:detail", kwargs={"pk": initiative.pk})  # noqa: E731
    _queries(client, url(small))  # warm the session
    assert _queries(client, url(large)) == _queries(client, url(small))
    assert len(_detail(client, large).context["lessons"]) == 60


# --- the portfolio -------------------------------------------------------------------------


def test_the_portfolio_shows_the_latest_lessons_one_may_read_and_links_the_search(
    world, as_persona
):
    for n in range(7):
        LessonFactory(municipality=world.ale, title=f"Shared {n}", visibility="clusters")
    LessonFactory(municipality=world.ale, title="Ale only", visibility="municipality")
    url = reverse("initiatives:municipality", kwargs={"pk": world.ale.pk})
    coordinator = as_persona("coordinator").get(url).content.decode()
    assert "Ale only" in coordinator
    assert coordinator.count("Shared ") == 4  # five latest in all
    assert f"{reverse('lessons:search')}?municipality={world.ale.pk}" in coordinator
    manager = as_persona("manager").get(url).content.decode()
    assert "Ale only" not in manager
    assert manager.count("Shared ") == 5
    with CaptureQueriesContext(connection) as few:
        as_persona("manager").get(url)
    for n in range(50):
        LessonFactory(municipality=world.ale, title=f"More {n}", visibility="clusters")
    with CaptureQueriesContext(connection) as many:
        as_persona("manager").get(url)
    assert len(many) == len(few)


def test_the_portfolio_link_filters_the_search_to_the_municipality(world, as_persona):
    LessonFactory(municipality=world.ale, title="From Ale", visibility="partnership")
    LessonFactory(municipality=world.lerum, title="From Lerum", visibility="partnership")
    response = as_persona("coordinator").get(
        reverse("lessons:search"), {"municipality": world.ale.pk}
    )
    titles = [row.lesson.title for row in response.context["rows"]]
    assert titles == ["From Ale"]


def test_every_persona_sees_the_initiative_page_with_the_hook(world, as_persona, initiative):
    # The hook never breaks the page it sits in, whoever reads it.
    expected = {"coordinator": 200, "viewer": 200, "manager": 200, "admin": 200}
    for persona in PERSONAS:
        if persona == "anonymous":
            continue
        status = _detail(as_persona(persona), initiative).status_code
        assert status == expected.get(persona, 404), persona
