"""The module library: the method's eight modules and the programme templates in Swedish,
English and Norwegian, and the loader that puts them in the database (idempotent, updates in
place, never deletes)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from innocities.core.languages import TEXT_LANGUAGES
from programs.library import LIBRARY_FILE, LibraryError, load_module_library, read_library
from programs.models import (
    ActivityKind,
    ActivityTemplate,
    ModuleTemplate,
    ProgramTemplate,
    ProgramTemplateModule,
    Theme,
)
from programs.services import program_create_from_template
from tests import factories as f

THE_EIGHT_MODULES = {
    "innovation-culture": "Innovation culture",
    "strategy-and-roadmap": "Strategy and roadmap",
    "uncertainty-and-foresight": "Navigating uncertainty and foresight",
    "operations-and-innovation": "Balancing operations and innovation",
    "quadruple-helix": "Quadruple-helix collaboration",
    "pilots-idea-to-operation": "Pilots from idea to operation",
    "sustainability-agenda-2030": "Sustainability and Agenda 2030",
    "data-and-digital-infrastructure": "Data and digital infrastructure",
}
THREE_YEARS = "Innocities three-year programme"
STARTER_YEAR = "Innocities starter year"


def _raw() -> dict:
    return json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "module_library.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _database_state() -> list[object]:
    return [
        list(ModuleTemplate.objects.order_by("pk").values_list()),
        list(ActivityTemplate.objects.order_by("pk").values_list()),
        list(ProgramTemplate.objects.order_by("pk").values_list()),
        list(ProgramTemplateModule.objects.order_by("pk").values_list()),
        ModuleTemplate.history.count(),
        ProgramTemplate.history.count(),
    ]


# --- the content ---------------------------------------------------------------------------


def test_library_holds_the_eight_modules_of_the_method():
    library = read_library()
    assert {module.code: module.name.en for module in library.modules} == THE_EIGHT_MODULES
    for module in library.modules:
        assert module.description.en
        assert module.theme in ("", *Theme.values)
        assert 4 <= len(module.activities) <= 8, module.code
        assert any(a.kind == ActivityKind.MILESTONE for a in module.activities), module.code
        assert all(a.description.en for a in module.activities), module.code


def test_every_text_of_the_library_is_in_swedish_english_and_norwegian():
    library = read_library()
    texts = [
        *(t for m in library.modules for t in (m.name, m.description)),
        *(t for m in library.modules for a in m.activities for t in (a.title, a.description)),
        *(t for template in library.templates for t in (template.name, template.description)),
    ]
    for text in texts:
        assert all(getattr(text, code) for code in TEXT_LANGUAGES), text
        # Translated, not copied: the Swedish and Norwegian differ from the English.
        assert text.sv != text.en and text.nb != text.en, text
    names = {m.code: m.name for m in library.modules}
    assert names["innovation-culture"].sv == "Innovationskultur"
    assert names["innovation-culture"].nb == "Innovasjonskultur"


def test_the_translations_use_each_country_s_municipal_words():
    raw = LIBRARY_FILE.read_text(encoding="utf-8")
    library = read_library()
    swedish = " ".join(
        a.title.sv + " " + a.description.sv for m in library.modules for a in m.activities
    ).lower()
    norwegian = " ".join(
        a.title.nb + " " + a.description.nb for m in library.modules for a in m.activities
    ).lower()
    for word in ("kommundirektör", "kommunstyrelsens ordförande", "kommunstyrelsen"):
        assert word in swedish
    for word in ("kommunedirektør", "ordfører", "formannskapet", "kommunestyret"):
        assert word in norwegian
    assert "kommunstyrelsen" not in norwegian and "kommunedirektør" not in swedish
    assert "(sv. " not in raw  # the English no longer carries Swedish hints


def test_activities_have_unique_stable_keys():
    for module in read_library().modules:
        keys = [a.key for a in module.activities]
        assert len(set(keys)) == len(keys), module.code


def test_the_four_themes_of_the_method_each_have_a_module():
    themes = {module.theme for module in read_library().modules}
    assert set(Theme.values) <= themes


def test_pilot_module_sets_the_six_pilots_in_six_months_target():
    pilots = next(m for m in read_library().modules if m.code == "pilots-idea-to-operation")
    target = next(a for a in pilots.activities if "six pilots" in a.title.en)
    assert target.kind == ActivityKind.MILESTONE
    assert target.offset_days <= 183


def test_three_year_template_has_all_eight_modules_and_starter_year_four():
    templates = {t.name.en: t for t in read_library().templates}
    three_years, starter = templates[THREE_YEARS], templates[STARTER_YEAR]
    assert three_years.duration_months == 36
    assert {m.code for m in three_years.modules} == set(THE_EIGHT_MODULES)
    assert starter.duration_months == 12
    assert len(starter.modules) == 4


# --- loading -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_loading_creates_eight_modules_each_with_a_milestone():
    counts = load_module_library()
    assert counts["modules_created"] == 8
    assert ModuleTemplate.objects.count() == 8
    for module in ModuleTemplate.objects.all():
        assert module.activities.filter(kind=ActivityKind.MILESTONE).exists(), module.code
        assert module.is_active
    assert ProgramTemplate.objects.get(name_en=THREE_YEARS).template_modules.count() == 8


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "module", "activity", "template"),
    [
        ("sv", "Innovationskultur", "Programstart med ledningsgruppen", "Innocities startår"),
        (
            "en",
            "Innovation culture",
            "Programme kick-off with the management team",
            "Innocities starter year",
        ),
        ("nb", "Innovasjonskultur", "Programoppstart med ledergruppen", "Innocities startår"),
        ("nn", "Innovasjonskultur", "Programoppstart med ledergruppen", "Innocities startår"),
        ("de", "Innovationskultur", "Programstart med ledningsgruppen", "Innocities startår"),
    ],
)
def test_library_texts_are_read_in_the_active_language(language, module, activity, template):
    load_module_library()
    culture = ModuleTemplate.objects.get(code="innovation-culture")
    kick_off = culture.activities.get(key="kick-off")
    starter = ProgramTemplate.objects.get(name_en=STARTER_YEAR)
    with translation.override(language):
        assert (culture.name, str(culture)) == (module, module)
        assert (kick_off.title, str(kick_off)) == (activity, activity)
        assert starter.name == template
        assert culture.description == culture.text("description")


@pytest.mark.django_db
def test_a_missing_translation_falls_back_to_swedish_then_english():
    module = f.ModuleTemplateFactory(name_sv="", name_en="Only English", name_nb="")
    with translation.override("nb"):
        assert module.name == "Only English"
    module.name_sv = "Svenska"
    with translation.override("nb"):
        assert module.name == "Svenska"
    with translation.override("en"):
        assert module.name == "Only English"


@pytest.mark.django_db
def test_a_library_text_needs_at_least_one_language():
    module = f.ModuleTemplateFactory.build(name_sv="", name_en="", name_nb="")
    with translation.override("en"), pytest.raises(ValidationError, match="at least one language"):
        module.full_clean()


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time():
    load_module_library()
    before = _database_state()
    counts = load_module_library()
    assert _database_state() == before
    assert counts["modules_unchanged"] == 8
    assert counts["modules_created"] == counts["modules_updated"] == 0
    assert counts["activities_created"] == counts["activities_updated"] == 0
    assert counts["template_modules_created"] == counts["template_modules_updated"] == 0


@pytest.mark.django_db
def test_loading_updates_an_edited_module_in_place_and_records_history():
    load_module_library()
    module = ModuleTemplate.objects.get(code="innovation-culture")
    module.name_en = "Old name"
    module.name_nb = "Gammelt navn"
    module.duration_days = 10
    module.save()
    history_before = module.history.count()

    counts = load_module_library()

    module.refresh_from_db()
    assert (module.name_sv, module.name_en, module.name_nb) == (
        "Innovationskultur",
        "Innovation culture",
        "Innovasjonskultur",
    )
    assert module.duration_days == 180
    assert counts["modules_updated"] == 1
    assert module.history.count() == history_before + 1
    assert ModuleTemplate.objects.filter(code="innovation-culture").count() == 1


@pytest.mark.django_db
def test_changed_file_updates_activities_and_templates_in_place(tmp_path):
    load_module_library()
    culture = ModuleTemplate.objects.get(code="innovation-culture")
    kick_off = culture.activities.get(title_en="Programme kick-off with the management team")
    template = ProgramTemplate.objects.get(name_en=STARTER_YEAR)
    rows_before = {row.module.code: row.pk for row in template.template_modules.all()}

    raw = _raw()
    module = next(m for m in raw["modules"] if m["code"] == "innovation-culture")
    module["activities"][0]["offset_days"] = 7
    module["activities"][0]["description"]["nb"] = "En ny beskrivelse."
    module["activities"][0]["title"]["en"] = "Kick-off with the management team"
    starter = next(t for t in raw["program_templates"] if t["name"]["en"] == STARTER_YEAR)
    starter["modules"].reverse()  # every position changes
    starter["description"]["sv"] = "Kortare."
    counts = load_module_library(path=_write(tmp_path, raw))

    kick_off.refresh_from_db()  # found by its key, though its English title changed
    assert (kick_off.offset_days, kick_off.description_nb, kick_off.title_en) == (
        7,
        "En ny beskrivelse.",
        "Kick-off with the management team",
    )
    assert counts["activities_updated"] == 1
    assert counts["activities_created"] == 0
    template.refresh_from_db()
    assert template.description_sv == "Kortare."
    rows_after = {
        row.module.code: (row.pk, row.position) for row in template.template_modules.all()
    }
    assert {code: pk for code, (pk, _position) in rows_after.items()} == rows_before
    assert [code for code, _ in sorted(rows_after.items(), key=lambda i: i[1][1])] == [
        item["code"] for item in starter["modules"]
    ]
    assert counts["template_modules_updated"] == 4


@pytest.mark.django_db
def test_loader_keeps_what_is_no_longer_in_the_file(tmp_path):
    load_module_library()
    raw = _raw()
    culture = next(m for m in raw["modules"] if m["code"] == "innovation-culture")
    dropped_activity = culture["activities"].pop(3)["title"]["en"]
    starter = next(t for t in raw["program_templates"] if t["name"]["en"] == STARTER_YEAR)
    dropped_module = starter["modules"].pop(0)["code"]
    out = io.StringIO()

    counts = load_module_library(path=_write(tmp_path, raw), stdout=out)

    assert ActivityTemplate.objects.filter(title_en=dropped_activity).exists()
    template = ProgramTemplate.objects.get(name_en=STARTER_YEAR)
    kept = template.template_modules.get(module__code=dropped_module)
    assert kept.position == 4  # moved behind the three modules still in the template
    assert list(template.template_modules.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert (counts["activities_kept"], counts["template_modules_kept"]) == (1, 1)
    assert dropped_activity in out.getvalue()


@pytest.mark.django_db
def test_loader_leaves_a_module_taken_out_of_the_library_out():
    load_module_library()
    ModuleTemplate.objects.filter(code="data-and-digital-infrastructure").update(is_active=False)
    load_module_library()
    assert not ModuleTemplate.objects.get(code="data-and-digital-infrastructure").is_active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda raw: raw["modules"][0]["activities"][1].update(duration_days=3), "no duration"),
        (lambda raw: raw["modules"][0]["activities"][0].update(offset_days=500), "ends after"),
        (
            lambda raw: raw["modules"][2].update(
                activities=[a for a in raw["modules"][2]["activities"] if a["kind"] == "task"]
            ),
            "no milestone",
        ),
        (lambda raw: raw["modules"][1].update(code=raw["modules"][0]["code"]), "duplicate"),
        (lambda raw: raw["modules"][0].update(theme="weather"), "unknown theme"),
        (lambda raw: raw["modules"][0].update(name="Innovation culture"), "each of sv, en, nb"),
        (lambda raw: raw["modules"][0]["name"].pop("nb"), "each of sv, en, nb"),
        (lambda raw: raw["modules"][0]["activities"][0]["title"].update(sv=" "), "empty"),
        (
            lambda raw: raw["modules"][0]["activities"][1].update(
                key=raw["modules"][0]["activities"][0]["key"]
            ),
            "duplicate activity key",
        ),
        (
            lambda raw: raw["program_templates"][0]["modules"].append(
                {"code": "no-such-module", "offset_days": 0}
            ),
            "unknown module",
        ),
        (
            lambda raw: raw["program_templates"][1]["modules"][3].update(offset_days=300),
            "ends after the programme",
        ),
    ],
    ids=[
        "milestone-with-duration",
        "activity-beyond-module",
        "module-without-milestone",
        "duplicate-code",
        "unknown-theme",
        "name-in-one-language",
        "name-without-norwegian",
        "empty-swedish-title",
        "duplicate-activity-key",
        "unknown-template-module",
        "module-beyond-programme",
    ],
)
def test_malformed_file_is_refused_and_writes_nothing(tmp_path, edit, message):
    raw = _raw()
    edit(raw)
    with pytest.raises(LibraryError, match=message):
        load_module_library(path=_write(tmp_path, raw))
    assert not ModuleTemplate.objects.exists()
    assert not ProgramTemplate.objects.exists()


@pytest.mark.django_db
def test_command_loads_the_library_and_reports_counts():
    out = io.StringIO()
    call_command("load_module_library", stdout=out)
    assert "Modules: 8 created" in out.getvalue()
    out = io.StringIO()
    call_command("load_module_library", stdout=out)
    assert "Modules: 0 created, 0 updated, 8 unchanged" in out.getvalue()


@pytest.mark.django_db
def test_command_turns_a_broken_file_into_a_clear_error(monkeypatch, tmp_path):
    broken = tmp_path / "module_library.json"
    broken.write_text("{not json", encoding="utf-8")
    monkeypatch.setattr("programs.library.LIBRARY_FILE", broken)
    with pytest.raises(CommandError, match="not loaded"):
        call_command("load_module_library", stdout=io.StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize("name", [THREE_YEARS, STARTER_YEAR])
def test_templates_lay_out_every_activity_inside_the_programme(name):
    load_module_library()
    template = ProgramTemplate.objects.get(name_en=name)
    program = program_create_from_template(
        municipality=f.MunicipalityFactory(),
        template=template,
        starts_on=dt.date(2027, 2, 1),  # February: the shortest months test the fit hardest
        actor=None,
    )
    assert program.milestones.count() >= template.template_modules.count()
    last_due = max(
        *program.tasks.values_list("due_on", flat=True),
        *program.milestones.values_list("due_on", flat=True),
    )
    assert last_due <= program.ends_on
    assert all(module.ends_on <= program.ends_on for module in program.modules.all())


@pytest.mark.django_db
def test_loading_twice_in_the_new_format_records_no_history_the_second_time():
    load_module_library()
    histories = (ModuleTemplate.history.count(), ProgramTemplate.history.count())
    texts = list(ActivityTemplate.objects.values_list("title_sv", "title_en", "title_nb"))
    load_module_library()
    assert (ModuleTemplate.history.count(), ProgramTemplate.history.count()) == histories
    assert list(ActivityTemplate.objects.values_list("title_sv", "title_en", "title_nb")) == texts


@pytest.mark.django_db
def test_a_library_loaded_before_keys_and_translations_is_completed_in_place():
    """What the earlier English-only loader left: activities without keys, found by their
    English title, and given their key and the Swedish and Norwegian texts."""
    load_module_library()
    ActivityTemplate.objects.update(key="", title_sv="", title_nb="", description_sv="")
    ModuleTemplate.objects.update(name_sv="", name_nb="")
    ids = set(ActivityTemplate.objects.values_list("pk", flat=True))

    counts = load_module_library()

    assert counts["activities_created"] == 0
    assert counts["activities_kept"] == 0
    assert set(ActivityTemplate.objects.values_list("pk", flat=True)) == ids
    assert not ActivityTemplate.objects.filter(key="").exists()
    assert not ActivityTemplate.objects.filter(title_sv="").exists()
    assert not ModuleTemplate.objects.filter(name_nb="").exists()
    assert load_module_library()["activities_unchanged"] == len(ids)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("country", "module", "task", "reason"),
    [
        ("SE", "Innovationskultur", "Programstart med ledningsgruppen", "Innocities startår"),
        ("NO", "Innovasjonskultur", "Programoppstart med ledergruppen", "Innocities startår"),
    ],
)
def test_a_programme_from_a_template_is_written_in_the_municipality_s_language(
    country, module, task, reason
):
    load_module_library()
    municipality = (
        f.MunicipalityFactory()
        if country == "SE"
        else f.MunicipalityFactory(
            country=country, county__country=country, county__code="46", skr_group=""
        )
    )
    with translation.override("en"):  # the person creating it reads English
        program = program_create_from_template(
            municipality=municipality,
            template=ProgramTemplate.objects.get(name_en=STARTER_YEAR),
            starts_on=dt.date(2027, 2, 1),
            actor=None,
        )
    first = program.modules.get(position=1)
    assert first.title == module
    assert program.tasks.filter(module=first, title=task).exists()
    assert reason in first.reason
    assert program.title == f"{municipality.name}: {reason}"
    # From then on it is the municipality's own text, shown as written in any language.
    with translation.override("en"):
        first.refresh_from_db()
        assert first.title == module


@pytest.mark.django_db
def test_the_admin_edits_each_language(world, as_persona):
    load_module_library()
    culture = ModuleTemplate.objects.get(code="innovation-culture")
    client = as_persona("admin")
    page = client.get(
        reverse("admin:programs_moduletemplate_change", args=[culture.pk])
    ).content.decode()
    for field in ("name_sv", "name_en", "name_nb", "description_nb"):
        assert f'name="{field}"' in page
    for field in ("title_sv", "title_en", "title_nb", "description_sv", "key"):
        assert f'name="activities-0-{field}"' in page
    assert "Innovasjonskultur" in page
    found = client.get(reverse("admin:programs_moduletemplate_changelist") + "?q=innovasjon")
    assert "innovation-culture" in found.content.decode()
