"""Tailored programmes: modules in the chosen order, dates off holidays, reasons kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from programs.models import ActivityKind, ProgramStatus
from programs.tailoring.services import (
    ModuleChoice,
    plan_modules,
    program_create_tailored,
    program_extend,
)
from tests import factories as f

MONDAY_WEEK_25 = dt.date(2027, 6, 21)


@pytest.fixture
def modules(db):
    culture = f.ModuleTemplateFactory(code="culture", name="Culture", duration_days=20)
    # Four days in is Midsummer Eve (Friday 25 June 2027).
    f.ActivityTemplateFactory(
        module=culture, kind=ActivityKind.TASK, title="Kick-off", offset_days=4, duration_days=14
    )
    f.ActivityTemplateFactory(
        module=culture,
        kind=ActivityKind.MILESTONE,
        title="Baseline",
        offset_days=0,
        duration_days=0,
    )
    helix = f.ModuleTemplateFactory(code="helix", name="Helix", duration_days=10)
    data = f.ModuleTemplateFactory(code="data", name="Data", duration_days=5)
    # Fourteen days in is in week 28, a holiday week by default.
    f.ActivityTemplateFactory(
        module=data, kind=ActivityKind.MILESTONE, title="Data plan", offset_days=14, duration_days=0
    )
    return {"culture": culture, "helix": helix, "data": data}


def _choices(modules, *codes, **starts):
    return [
        ModuleChoice(module=modules[code], reason=f"Because of {code}.", starts_on=starts.get(code))
        for code in codes
    ]


def test_the_plan_runs_two_modules_at_a_time_on_working_days(modules):
    planned = plan_modules(
        choices=_choices(modules, "culture", "helix", "data"),
        starts_on=MONDAY_WEEK_25,
        country="SE",
    )
    culture, helix, data = planned
    assert (culture.starts_on, culture.ends_on) == (MONDAY_WEEK_25, dt.date(2027, 8, 9))
    # 10 July is a Saturday, the Monday after is in week 28: the end moves to week 32.
    assert (helix.starts_on, helix.ends_on) == (MONDAY_WEEK_25, dt.date(2027, 6, 30))
    # The third starts when the first track is free: the day after Helix ends.
    assert (data.starts_on, data.position) == (dt.date(2027, 7, 1), 3)
    assert not data.moved


def test_an_own_start_date_is_kept_and_moved_off_a_holiday(modules):
    (culture,) = plan_modules(
        choices=_choices(modules, "culture", culture=dt.date(2027, 6, 25)),
        starts_on=MONDAY_WEEK_25,
        country="SE",
    )
    assert culture.planned_on == dt.date(2027, 6, 25)
    assert culture.starts_on == dt.date(2027, 6, 28)
    assert culture.moved


def test_a_tailored_programme_gets_dated_modules_activities_and_reasons(world, modules):
    program = program_create_tailored(
        municipality=world.alingsas,
        cluster=world.cluster_a,
        starts_on=MONDAY_WEEK_25,
        choices=_choices(modules, "culture", "helix", "data"),
        actor=world.manager,
        coordinators=[],
        duration_months=12,
    )
    # Stored, so in the municipality's language (Swedish) whoever creates it.
    with translation.override("sv"):
        assert program.title == gettext("%(municipality)s: tailored programme") % {
            "municipality": "Alingsås"
        }
    assert program.title != "Alingsås: tailored programme"
    assert program.status == ProgramStatus.DRAFT
    assert program.ends_on == dt.date(2028, 6, 20)
    rows = list(program.modules.order_by("position"))
    assert [(m.position, m.title, m.reason) for m in rows] == [
        (1, "Culture", "Because of culture."),
        (2, "Helix", "Because of helix."),
        (3, "Data", "Because of data."),
    ]
    kick_off = program.tasks.get(title="Kick-off")
    # Midsummer Eve moves the start to Monday; the due date (9 July, a Friday) stands.
    assert (kick_off.starts_on, kick_off.due_on) == (dt.date(2027, 6, 28), dt.date(2027, 7, 9))
    assert program.milestones.get(title="Baseline").due_on == MONDAY_WEEK_25
    # 15 July is in week 28: the milestone falls due on the first Monday after the July weeks.
    assert program.milestones.get(title="Data plan").due_on == dt.date(2027, 8, 9)
    assert program.history.first().history_user == world.manager


def test_in_norway_midsummer_eve_is_a_working_day(world, modules):
    world.alingsas.country = "NO"
    kick_off_start = plan_modules(
        choices=_choices(modules, "culture"), starts_on=MONDAY_WEEK_25, country="NO"
    )
    assert kick_off_start[0].starts_on == MONDAY_WEEK_25
    program = program_create_tailored(
        municipality=world.alingsas,
        cluster=world.cluster_a,
        starts_on=MONDAY_WEEK_25,
        choices=_choices(modules, "culture"),
        actor=world.manager,
    )
    assert program.tasks.get(title="Kick-off").starts_on == dt.date(2027, 6, 25)


def test_a_programme_lasts_as_long_as_its_last_module(world, modules):
    long = f.ModuleTemplateFactory(code="long", name="Long", duration_days=400)
    program = program_create_tailored(
        municipality=world.alingsas,
        cluster=world.cluster_a,
        starts_on=dt.date(2027, 3, 1),
        choices=[ModuleChoice(module=long, reason="Long.")],
        actor=world.manager,
        duration_months=6,
    )
    assert program.ends_on == program.modules.get().ends_on == dt.date(2028, 4, 3)


@pytest.mark.parametrize(
    ("codes", "message"),
    [((), "Choose at least one module"), (("culture", "culture"), "Culture is chosen twice")],
)
def test_a_programme_without_modules_or_with_one_twice_is_refused(world, modules, codes, message):
    with pytest.raises(ValidationError, match=message):
        program_create_tailored(
            municipality=world.alingsas,
            cluster=world.cluster_a,
            starts_on=MONDAY_WEEK_25,
            choices=_choices(modules, *codes),
            actor=world.manager,
        )
    assert not world.alingsas.programs.exists()


def test_a_programme_needs_a_cluster_its_municipality_is_a_member_of(world, modules):
    with pytest.raises(ValidationError, match="Lerum is not a member"):
        program_create_tailored(
            municipality=world.lerum,
            cluster=world.cluster_a,
            starts_on=MONDAY_WEEK_25,
            choices=_choices(modules, "culture"),
            actor=world.manager,
        )


def test_extending_adds_modules_after_the_present_ones_and_moves_the_end(world, modules):
    program = world.program  # one module at position 1
    before_end = program.ends_on
    planned = program_extend(
        program=program,
        starts_on=before_end - dt.timedelta(days=3),
        choices=_choices(modules, "helix", "data"),
        actor=world.manager,
    )
    assert [p.position for p in planned] == [2, 3]
    program.refresh_from_db()
    assert [m.title for m in program.modules.order_by("position")] == [
        "Innovation culture",
        "Helix",
        "Data",
    ]
    assert program.ends_on == max(p.ends_on for p in planned) > before_end
    assert program.modules.get(title="Data").reason == "Because of data."


def test_extending_refuses_a_module_the_programme_has(world, modules):
    program_extend(
        program=world.program,
        starts_on=world.program.starts_on,
        choices=_choices(modules, "helix"),
        actor=world.manager,
    )
    with pytest.raises(ValidationError, match="Already in the programme: Helix"):
        program_extend(
            program=world.program,
            starts_on=world.program.starts_on,
            choices=_choices(modules, "data", "helix"),
            actor=world.manager,
        )
    assert not world.program.modules.filter(title="Data").exists()


@pytest.mark.parametrize("status", [ProgramStatus.COMPLETED, ProgramStatus.CANCELLED])
def test_a_finished_programme_gets_no_new_modules(world, modules, status):
    world.program.status = status
    world.program.save()
    with pytest.raises(ValidationError, match="cannot get new modules"):
        program_extend(
            program=world.program,
            starts_on=world.program.starts_on,
            choices=_choices(modules, "helix"),
            actor=world.manager,
        )


def test_new_modules_cannot_start_before_the_programme(world, modules):
    with pytest.raises(ValidationError, match="cannot start before"):
        program_extend(
            program=world.program,
            starts_on=world.program.starts_on - dt.timedelta(days=1),
            choices=_choices(modules, "helix"),
            actor=world.manager,
        )


@pytest.mark.parametrize(
    ("country", "module", "task", "milestone"),
    [
        ("SE", "Innovationskultur", "Programstart", "Nulägesbild"),
        ("NO", "Innovasjonskultur", "Programoppstart", "Utgangspunkt"),
    ],
)
def test_the_library_is_copied_in_the_municipality_s_language(
    world, country, module, task, milestone
):
    culture = f.ModuleTemplateFactory(
        code="culture",
        name_sv="Innovationskultur",
        name_en="Innovation culture",
        name_nb="Innovasjonskultur",
        duration_days=60,
    )
    f.ActivityTemplateFactory(
        module=culture,
        title_sv="Programstart",
        title_en="Kick-off",
        title_nb="Programoppstart",
        description_sv="Startmöte med kommundirektören.",
        description_en="Start meeting with the chief executive.",
        description_nb="Oppstartsmøte med kommunedirektøren.",
    )
    f.ActivityTemplateFactory(
        module=culture,
        kind=ActivityKind.MILESTONE,
        duration_days=0,
        offset_days=30,
        title_sv="Nulägesbild",
        title_en="Baseline",
        title_nb="Utgangspunkt",
    )
    world.alingsas.country = country
    with translation.override("en"):  # the manager reads English
        program = program_create_tailored(
            municipality=world.alingsas,
            cluster=world.cluster_a,
            starts_on=dt.date(2027, 3, 1),
            choices=[ModuleChoice(module=culture, reason="Why.")],
            actor=world.manager,
        )
    assert program.modules.get().title == module
    created_task = program.tasks.get()
    assert created_task.title == task
    assert (
        created_task.description
        == {
            "SE": "Startmöte med kommundirektören.",
            "NO": "Oppstartsmøte med kommunedirektøren.",
        }[country]
    )
    assert program.milestones.get().title == milestone
