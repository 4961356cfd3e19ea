"""The services' checks (owner, origin, tags) and the selectors other parts call: the
monthly report's lessons of a period, and an initiative's lessons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from clusters.permissions import load_roles
from programs.initiatives.models import GateDecision, Outcome
from programs.lessons.models import Lesson, Visibility
from programs.lessons.selectors import (
    lessons_by_author,
    lessons_for_initiative,
    lessons_written_between,
)
from programs.lessons.services import lesson_create, lesson_update
from tests import factories as f
from tests.initiatives.factories import AssumptionFactory, InitiativeFactory
from tests.lessons.factories import LessonFactory

pytestmark = pytest.mark.django_db


def _gate(initiative) -> GateDecision:
    return GateDecision.objects.create(
        initiative=initiative,
        from_stage="idea",
        to_stage="concept",
        decision="go",
        decided_by="Anna",
        body="management_group",
        decided_on=timezone.localdate(),
        rationale="Clear need.",
    )


def test_a_lesson_from_an_initiative_belongs_to_its_owner(world):
    joint = InitiativeFactory(cluster=world.cluster_a)
    lesson = lesson_create(actor=world.manager, initiative=joint, title="T", body="B")
    assert (lesson.cluster, lesson.municipality) == (world.cluster_a, None)
    with pytest.raises(ValidationError):
        lesson_create(
            actor=world.manager,
            initiative=joint,
            municipality=world.ale,
            title="T",
            body="B",
        )


def test_the_origin_must_be_the_initiatives_and_the_assumption_invalidated(world):
    initiative = InitiativeFactory(municipality=world.ale)
    other = InitiativeFactory(municipality=world.ale)
    write = lambda **kw: lesson_create(actor=world.coordinator, title="T", body="B", **kw)  # noqa: E731
    with pytest.raises(ValidationError):
        write(initiative=initiative, gate_decision=_gate(other))
    with pytest.raises(ValidationError):
        write(initiative=initiative, assumption=AssumptionFactory(initiative=initiative))
    invalidated = AssumptionFactory(
        initiative=initiative,
        outcome=Outcome.INVALIDATED,
        learning="No.",
        resolved_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        write(initiative=initiative, gate_decision=_gate(initiative), assumption=invalidated)
    with pytest.raises(ValidationError):
        write(municipality=world.ale, gate_decision=_gate(initiative))
    assert write(initiative=initiative, assumption=invalidated).assumption == invalidated
    assert Lesson.objects.count() == 1


def test_tags_are_tidied_and_validated(world):
    lesson = lesson_create(
        actor=world.coordinator,
        municipality=world.ale,
        title="  Cykel  ",
        body="B",
        theme="  Hållbar   Mobilitet ",
        sdg_goals=[13, 7],
    )
    assert (lesson.title, lesson.theme, lesson.theme_key) == (
        "Cykel",
        "Hållbar Mobilitet",
        "hållbar mobilitet",
    )
    assert lesson.sdg_goals == [7, 13]
    for goals in ([18], [3, 3], ["3"], [True]):
        with pytest.raises(ValidationError) as refused:
            lesson_update(lesson=lesson, actor=world.coordinator, sdg_goals=goals)
        assert "sdg_goals" in refused.value.error_dict
    with pytest.raises(ValidationError):
        lesson_update(lesson=lesson, actor=world.coordinator, body="  ")
    lesson.refresh_from_db()
    assert lesson.sdg_goals == [7, 13]


def test_the_database_refuses_what_the_services_refuse(world):
    initiative = InitiativeFactory(municipality=world.ale)
    bad = [
        {"municipality": world.ale, "cluster": world.cluster_a},
        {},
        {"cluster": world.cluster_a, "visibility": Visibility.MUNICIPALITY},
        {"municipality": world.ale, "visibility": "world"},
        {"municipality": world.ale, "language": "de"},
        {"municipality": world.ale, "gate_decision": _gate(initiative)},
    ]
    for fields in bad:
        with pytest.raises(IntegrityError), transaction.atomic():
            Lesson.objects.create(title="T", body="B", **fields)


def test_the_search_vector_is_stemmed_in_the_lessons_language(world):
    lesson = lesson_create(
        actor=world.coordinator,
        municipality=world.ale,
        title="Skolorna",
        body="Kommunerna",
        language="sv",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM lessons_lesson WHERE id = %s", [lesson.pk])
        vector = cursor.fetchone()[0]
    assert "'skol':1A" in vector and "'kommun':2C" in vector


# --- selectors for the other parts ---------------------------------------------------------


def _at(lesson: Lesson, day: dt.date) -> None:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
    Lesson.objects.filter(pk=lesson.pk).update(created_at=moment)


def test_lessons_written_between_for_a_municipality_and_a_cluster(world):
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    inside = {
        "ale_own": LessonFactory(municipality=world.ale, visibility=Visibility.MUNICIPALITY),
        "ale_shared": LessonFactory(municipality=world.ale, visibility=Visibility.CLUSTERS),
        "alingsas": LessonFactory(municipality=world.alingsas, visibility=Visibility.PARTNERSHIP),
        "joint_a": LessonFactory(cluster=world.cluster_a),
        "lerum": LessonFactory(municipality=world.lerum, visibility=Visibility.PARTNERSHIP),
    }
    for lesson in inside.values():
        _at(lesson, dt.date(2026, 3, 31))
    before = LessonFactory(municipality=world.ale)
    _at(before, dt.date(2026, 2, 28))
    after = LessonFactory(municipality=world.ale)
    _at(after, dt.date(2026, 4, 1))

    def names(queryset) -> set[str]:
        pks = {lesson.pk for lesson in queryset}
        return {name for name, lesson in inside.items() if lesson.pk in pks} | (
            {"outside"} if {before.pk, after.pk} & pks else set()
        )

    ale = lessons_written_between(municipality=world.ale, start=start, end=end)
    assert names(ale) == {"ale_own", "ale_shared"}
    cluster = lessons_written_between(cluster=world.cluster_a, start=start, end=end)
    assert names(cluster) == {"ale_shared", "alingsas", "joint_a"}
    # With a reader's roles: only what they may read besides.
    as_manager = lessons_written_between(
        municipality=world.ale, start=start, end=end, roles=load_roles(world.manager)
    )
    assert names(as_manager) == {"ale_shared"}
    with pytest.raises(ValueError):
        lessons_written_between(start=start, end=end)


def test_lessons_for_initiative_are_the_ones_the_reader_may_read(world):
    initiative = InitiativeFactory(municipality=world.ale)
    own = LessonFactory(initiative=initiative, municipality=world.ale, visibility="municipality")
    shared = LessonFactory(initiative=initiative, municipality=world.ale, visibility="clusters")
    LessonFactory(municipality=world.ale, visibility="partnership")  # another initiative's
    assert set(lessons_for_initiative(initiative, load_roles(world.viewer))) == {own, shared}
    assert lessons_for_initiative(initiative, load_roles(world.manager)) == [shared]
    outsider = f.UserFactory()
    assert lessons_for_initiative(initiative, load_roles(outsider)) == []


def test_lessons_by_author_are_the_ones_they_wrote_whoever_reads_them(world):
    mine = LessonFactory(
        municipality=world.ale, author=world.coordinator, visibility="municipality"
    )
    LessonFactory(municipality=world.ale, author=world.viewer)
    assert list(lessons_by_author(world.coordinator)) == [mine]
