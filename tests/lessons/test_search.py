"""The search: PostgreSQL full-text search with Swedish and Norwegian stemming, across the
reader's language and the lesson's; the plain fallback for other databases; the filters; and
the search page, whose query count does not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.permissions import load_roles
from programs.lessons.models import Lesson, Visibility
from programs.lessons.selectors import (
    LessonFilters,
    plain_text_filter,
    search_lessons,
    search_words,
)
from programs.lessons.services import lesson_create
from tests.initiatives.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def _write(world, title: str, body: str, *, language: str = "sv", **fields) -> Lesson:
    fields.setdefault("municipality", world.ale)
    fields.setdefault("visibility", Visibility.PARTNERSHIP)
    return lesson_create(
        actor=world.coordinator, title=title, body=body, language=language, **fields
    )


def _found(world, text: str, *, persona: str = "coordinator", language: str = "sv", **filters):
    roles = load_roles(getattr(world, persona))
    found = search_lessons(roles, LessonFilters(text=text, **filters), language=language)
    return [lesson.title for lesson in found]


@pytest.fixture
def nordic(world) -> dict[str, Lesson]:
    return {
        "sv": _write(
            world,
            "Skolskjuts med cykel",
            "Skolan ville att eleverna cyklade. Vi lärde oss att föräldrarna måste vara med.",
        ),
        "sv_plural": _write(
            world,
            "Kommunerna delade data",
            "Flera kommuner i klustret öppnade sina data om skolorna.",
        ),
        "nb": _write(
            world,
            "Sykkel til skolen",
            "Skolene i kommunen prøvde sykkelbuss. Elevene likte det.",
            language="nb",
        ),
        "en": _write(
            world,
            "Smart water meters",
            "The households wanted their data; the meters were delivered late.",
            language="en",
        ),
    }


def test_the_database_is_postgresql():
    # The stemming tests mean nothing on another database: CI runs them on PostgreSQL.
    assert connection.vendor == "postgresql"


def test_swedish_stemming_finds_other_forms_of_a_word(world, nordic):
    # "skolor" stems to "skol": it finds "skolorna" and, as a stem prefix, "skolan", which
    # Swedish Snowball leaves unstemmed.
    assert set(_found(world, "skolor")) >= {"Skolskjuts med cykel", "Kommunerna delade data"}
    assert "Skolskjuts med cykel" in _found(world, "skolorna")
    assert _found(world, "kommunen")[0] == "Kommunerna delade data"
    assert "Skolskjuts med cykel" in _found(world, "elever")


def test_norwegian_stemming_finds_other_forms_and_swedish_readers_find_it(world, nordic):
    # A Norwegian reader: "skole" finds "skolene" and "skolen".
    assert "Sykkel til skolen" in _found(world, "skole", language="nb")
    assert "Sykkel til skolen" in _found(world, "skolene", language="nb")
    assert "Sykkel til skolen" in _found(world, "elev", language="nb")
    # A Swedish reader typing the Norwegian form finds it through the lesson's own language.
    assert "Sykkel til skolen" in _found(world, "skolene", language="sv")


def test_short_words_match_whole_not_as_prefixes(world):
    _write(world, "Elbilar i hemtjänsten", "Bilarna laddas med el på natten.")
    _write(world, "Elevernas cyklar", "Skolan lånade ut cyklar.")
    assert _found(world, "el") == ["Elbilar i hemtjänsten"]
    assert set(_found(world, "ele")) == {"Elevernas cyklar"}


def test_every_word_must_match(world, nordic):
    assert _found(world, "skolor föräldrarna") == ["Skolskjuts med cykel"]
    assert _found(world, "skolor vattenmätare") == []


def test_english_lessons_are_stemmed_in_english(world, nordic):
    assert _found(world, "meter household", language="en") == ["Smart water meters"]


def test_the_title_ranks_above_the_text(world):
    _write(world, "Om cykelbussar", "En lång text om något helt annat än parkering.")
    _write(world, "Parkering vid stationen", "Cykelbussar nämns här bara i förbigående.")
    assert _found(world, "parkering") == ["Parkering vid stationen", "Om cykelbussar"]


def test_words_with_operators_or_only_stop_words_do_not_break_the_search(world, nordic):
    assert _found(world, "och att") == []
    assert _found(world, "skol:* | !! & ' \" (") != []  # only the word survives
    assert _found(world, "   ") == [title for title in _found(world, "")]
    assert search_words("a:*b|c 'd' e_f") == ["a", "b", "c", "d", "e", "f"]


def test_the_search_finds_only_lessons_the_reader_may_read(world):
    _write(world, "Hemlig lärdom om skolor", "Skolorna.", visibility=Visibility.MUNICIPALITY)
    _write(world, "Delad lärdom om skolor", "Skolorna.", visibility=Visibility.PARTNERSHIP)
    assert set(_found(world, "skolor", persona="coordinator")) == {
        "Delad lärdom om skolor",
        "Hemlig lärdom om skolor",
    }
    assert _found(world, "skolor", persona="other_coordinator") == ["Delad lärdom om skolor"]
    assert _found(world, "skolor", persona="outsider") == []


def test_editing_a_lesson_updates_what_the_search_finds(world):
    from programs.lessons.services import lesson_update

    lesson = _write(world, "Cykelbuss", "Om cyklar.")
    assert _found(world, "vattenmätare") == []
    lesson_update(lesson=lesson, actor=world.coordinator, body="Om vattenmätare i hushållen.")
    assert _found(world, "vattenmätare") == ["Cykelbuss"]
    assert _found(world, "cyklar") == []


# --- the fallback on other databases -------------------------------------------------------


def test_the_fallback_matches_words_as_typed_without_stemming(world, nordic):
    every = Lesson.objects.all()

    def titles(queryset) -> set[str]:
        return {lesson.title for lesson in queryset}

    assert titles(plain_text_filter(every, "skol")) == {
        "Skolskjuts med cykel",
        "Kommunerna delade data",
        "Sykkel til skolen",
    }
    # No stemming: "skolor" is not in "skolan".
    assert titles(plain_text_filter(every, "SKOLAN")) == {"Skolskjuts med cykel"}
    assert titles(plain_text_filter(every, "skolor")) == {"Kommunerna delade data"}
    assert titles(plain_text_filter(every, "skolan föräldrarna")) == {"Skolskjuts med cykel"}
    assert titles(plain_text_filter(every, "skolan vattenmätare")) == set()
    assert titles(plain_text_filter(every, "   ")) == set()


def test_other_databases_take_the_plain_branch(world, nordic):
    roles = load_roles(world.coordinator)
    filters = LessonFilters(text="skolor")
    plain = search_lessons(roles, filters, vendor="sqlite")
    assert [lesson.title for lesson in plain] == ["Kommunerna delade data"]
    assert "@@" not in str(plain.query)
    stemmed = search_lessons(roles, filters, vendor="postgresql")
    assert "@@" in str(stemmed.query)
    assert {lesson.title for lesson in stemmed} >= {
        "Kommunerna delade data",
        "Skolskjuts med cykel",
    }


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_the_goal_filter_works_on_both_branches(world, vendor):
    _write(world, "Mål elva", "Text.", sdg_goals=[11])
    _write(world, "Mål ett och tretton", "Text.", sdg_goals=[1, 13])
    _write(world, "Mål tre", "Text.", sdg_goals=[3])
    roles = load_roles(world.coordinator)

    def titles(goal: int) -> set[str]:
        found = search_lessons(roles, LessonFilters(sdg_goal=goal), vendor=vendor)
        return {lesson.title for lesson in found}

    assert titles(1) == {"Mål ett och tretton"}
    assert titles(11) == {"Mål elva"}
    assert titles(3) == {"Mål tre"}
    assert titles(17) == set()


# --- filters --------------------------------------------------------------------------------


def test_filters_theme_stage_goal_and_municipality(world):
    ale_initiative = InitiativeFactory(municipality=world.ale)
    _write(
        world,
        "Cykel i Ale",
        "Om cyklar.",
        theme="Hållbar  Mobilitet",
        stage="pilot",
        sdg_goals=[11, 3],
        initiative=ale_initiative,
    )
    _write(world, "Skola i Ale", "Om skolor.", theme="Skola", stage="idea", sdg_goals=[4])
    lesson_create(
        actor=world.other_coordinator,
        municipality=world.lerum,
        title="Cykel i Lerum",
        body="Om cyklar.",
        theme="hållbar mobilitet",
        stage="pilot",
        visibility=Visibility.PARTNERSHIP,
    )
    # The theme as normalise_theme compares it: case and spacing aside.
    assert set(_found(world, "", theme="HÅLLBAR mobilitet")) == {"Cykel i Ale", "Cykel i Lerum"}
    assert set(_found(world, "", stage="pilot")) == {"Cykel i Ale", "Cykel i Lerum"}
    assert _found(world, "", sdg_goal=11) == ["Cykel i Ale"]
    assert set(_found(world, "", municipality_id=world.lerum.pk)) == {"Cykel i Lerum"}
    assert _found(world, "cyklar", municipality_id=world.ale.pk, stage="pilot") == ["Cykel i Ale"]
    assert _found(world, "cyklar", theme="skola") == []


# --- the page -------------------------------------------------------------------------------


def test_the_page_shows_the_lesson_with_its_initiative_and_municipality(world, as_persona):
    initiative = InitiativeFactory(municipality=world.ale, title="Cykelbussen")
    _write(world, "Föräldrar behövs", "Skolan och föräldrarna.", initiative=initiative)
    lesson_create(
        actor=world.other_coordinator,
        municipality=world.lerum,
        title="Lerums lärdom",
        body="Skolorna i Lerum.",
        visibility=Visibility.PARTNERSHIP,
    )
    # Lerum's coordinator reads Ale's lesson (shared with the partnership) and sees where it
    # came from, without a link to an initiative they may not open.
    response = as_persona("other_coordinator").get(reverse("lessons:search"), {"q": "skolor"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Föräldrar behövs" in page and "Lerums lärdom" in page
    assert "Cykelbussen" in page and "Ale" in page
    assert reverse("initiatives:detail", kwargs={"pk": initiative.pk}) not in page
    # Ale's coordinator gets the link.
    own = as_persona("coordinator").get(reverse("lessons:search"), {"q": "skolor"})
    assert reverse("initiatives:detail", kwargs={"pk": initiative.pk}) in own.content.decode()


def test_a_bad_filter_shows_its_error_and_no_rows(world, as_persona):
    _write(world, "Något", "Text.")
    client = as_persona("coordinator")
    for query in ({"sdg": "18"}, {"sdg": "x"}, {"municipality": "999999"}, {"stage": "nope"}):
        response = client.get(reverse("lessons:search"), query)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert list(response.context["rows"]) == []


def test_the_page_is_paginated(world, as_persona):
    for n in range(25):
        _write(world, f"Lärdom {n}", "Skolorna.")
    client = as_persona("coordinator")
    first = client.get(reverse("lessons:search"), {"q": "skolor"})
    assert len(first.context["rows"]) == 20
    second = client.get(reverse("lessons:search"), {"q": "skolor", "page": 2})
    assert len(second.context["rows"]) == 5
    assert "q=skolor&amp;page=2" in first.content.decode()


def _grow(world, times: int) -> None:
    for n in range(times):
        initiative = InitiativeFactory(municipality=world.ale, title=f"Initiativ {n}")
        _write(
            world,
            f"Skolor {n}",
            "Skolorna och cyklarna.",
            initiative=initiative,
            theme=f"Tema {n}",
            sdg_goals=[4, 11],
        )
        lesson_create(
            actor=world.other_coordinator,
            municipality=world.lerum,
            title=f"Lerum {n}",
            body="Skolorna i Lerum.",
            theme=f"Lerumtema {n}",
            visibility=Visibility.PARTNERSHIP,
        )


def _queries(client, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("lessons:search"), query).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query",
    [{}, {"q": "skolor"}, {"q": "skolor", "sdg": "4", "municipality": "ale", "stage": "idea"}],
    ids=["no-search", "words", "words-and-filters"],
)
def test_the_search_page_costs_the_same_queries_at_ten_times_the_data(world, as_persona, query):
    if query.get("municipality") == "ale":
        query = {**query, "municipality": str(world.ale.pk)}
    client = as_persona("coordinator")
    _grow(world, 2)
    small = _queries(client, query)
    _grow(world, 18)
    assert Lesson.objects.count() == 40
    assert _queries(client, query) == small
