"""The module library: the Innocities method's modules and programme templates.

``programs/data/module_library.json`` is the source of truth. It is product content, not demo
data: every deployment loads it (``manage.py load_module_library``) and loads it again when it
changes. Every text (names, titles, descriptions) is given in Swedish, English and Norwegian
bokmål: ``{"sv": …, "en": …, "nb": …}``. Loading is keyed by natural keys and updates in place:

- a module by its ``code``, an activity by (module, ``key``), a programme template by its
  English name, a template's module by (template, module). An activity loaded before
  activities had keys has none: it is found by its English title and given its key;
- what the file says wins for the fields it holds (the texts in all three languages, theme,
  durations, offsets, positions); ``ModuleTemplate.is_active`` is left alone once a module
  exists, because taking a module out of the library is an administrator's decision;
- nothing is deleted: programmes point at modules and templates, and an activity or template
  module that is no longer in the file is kept and reported. Changing an activity's key
  therefore adds a new one and keeps the old; remove the old one in the admin if it must go.

Running the loader twice changes nothing the second time (and records no history).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from innocities.accounts.models import User
from innocities.core.languages import TEXT_LANGUAGES
from innocities.core.services import validated_save
from programs.models import (
    ActivityKind,
    ActivityTemplate,
    ModuleTemplate,
    ProgramTemplate,
    ProgramTemplateModule,
    Theme,
)
from programs.services import add_months

LIBRARY_FILE = Path(__file__).resolve().parent / "data" / "module_library.json"

COUNT_KEYS = tuple(
    f"{kind}_{outcome}"
    for kind, outcomes in (
        ("modules", ("created", "updated", "unchanged")),
        ("activities", ("created", "updated", "unchanged", "kept")),
        ("templates", ("created", "updated", "unchanged")),
        ("template_modules", ("created", "updated", "unchanged", "kept")),
    )
    for outcome in outcomes
)

# Far above any real position, below PositiveSmallIntegerField's limit: where template modules
# wait while positions are reshuffled, so the (template, position) constraint never trips.
_PARKING_POSITION = 20000


class LibraryError(ValueError):
    """The library file is malformed; nothing has been written."""


@dataclass(frozen=True)
class Texts:
    """One text in the three content languages."""

    sv: str
    en: str
    nb: str

    def fields(self, name: str) -> dict[str, str]:
        """``{"<name>_sv": …, "<name>_en": …, "<name>_nb": …}``, the model's fields."""
        return {f"{name}_{code}": getattr(self, code) for code in TEXT_LANGUAGES}


@dataclass(frozen=True)
class ActivitySpec:
    key: str
    kind: str
    title: Texts
    description: Texts
    offset_days: int
    duration_days: int


@dataclass(frozen=True)
class ModuleSpec:
    code: str
    name: Texts
    description: Texts
    theme: str
    duration_days: int
    activities: tuple[ActivitySpec, ...]


@dataclass(frozen=True)
class TemplateModuleSpec:
    code: str
    offset_days: int


@dataclass(frozen=True)
class TemplateSpec:
    name: Texts
    description: Texts
    duration_months: int
    modules: tuple[TemplateModuleSpec, ...]


@dataclass(frozen=True)
class Library:
    modules: tuple[ModuleSpec, ...]
    templates: tuple[TemplateSpec, ...]


# --------------------------------------------------------------------------- reading


def read_library(path: Path | None = None) -> Library:
    """Read and validate the whole file before anything touches the database."""
    path = path or LIBRARY_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise LibraryError(f"{path.name}: {error}") from error
    if not isinstance(raw, dict):
        raise LibraryError(f"{path.name}: expected an object with modules and program_templates")
    modules = tuple(_module_spec(item) for item in _list(raw, "modules", path.name))
    _require_unique("module code", [module.code for module in modules])
    templates = tuple(_template_spec(item) for item in _list(raw, "program_templates", path.name))
    _require_unique("programme template name", [template.name.en for template in templates])
    durations = {module.code: module.duration_days for module in modules}
    for template in templates:
        _validate_template(template, durations)
    return Library(modules=modules, templates=templates)


def _list(raw: dict[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key)
    if not isinstance(value, list):
        raise LibraryError(f"{where}: {key!r} must be a list")
    return value


def _text(raw: Any, key: str, where: str, *, max_length: int = 0, required: bool = True) -> str:
    value = raw.get(key, "") if isinstance(raw, dict) else None
    if not isinstance(value, str):
        raise LibraryError(f"{where}: {key!r} must be text")
    value = value.strip()
    if required and not value:
        raise LibraryError(f"{where}: {key!r} is empty")
    if max_length and len(value) > max_length:
        raise LibraryError(f"{where}: {key!r} is longer than {max_length} characters")
    return value


def _texts(raw: Any, key: str, where: str, *, max_length: int = 0, required: bool = True) -> Texts:
    """A text in every content language; a required one must be there in all three."""
    value = raw.get(key) if isinstance(raw, dict) else None
    if value is None and not required:
        return Texts(sv="", en="", nb="")
    if not isinstance(value, dict) or set(value) != set(TEXT_LANGUAGES):
        raise LibraryError(
            f"{where}: {key!r} must give the text in each of {', '.join(TEXT_LANGUAGES)}"
        )
    return Texts(
        **{
            code: _text(value, code, f"{where}: {key}", max_length=max_length, required=required)
            for code in TEXT_LANGUAGES
        }
    )


def _number(raw: dict[str, Any], key: str, where: str, *, minimum: int = 0) -> int:
    value = raw.get(key)
    # bool is an int in Python; true/false in the file is a mistake, not a number.
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise LibraryError(f"{where}: {key!r} must be a whole number of at least {minimum}")
    return value


def _module_spec(raw: Any) -> ModuleSpec:
    code = _text(raw, "code", "module", max_length=50)
    try:
        validate_slug(code)
    except ValidationError as error:
        raise LibraryError(f"module {code!r}: the code must be a slug") from error
    where = f"module {code}"
    theme = _text(raw, "theme", where, required=False)
    if theme and theme not in Theme.values:
        raise LibraryError(f"{where}: unknown theme {theme!r} (one of {Theme.values} or empty)")
    duration = _number(raw, "duration_days", where, minimum=1)
    activities = tuple(
        _activity_spec(item, where, duration) for item in _list(raw, "activities", where)
    )
    _require_unique(f"activity key in {where}", [activity.key for activity in activities])
    _require_unique(f"activity title in {where}", [activity.title.en for activity in activities])
    if not any(activity.kind == ActivityKind.MILESTONE for activity in activities):
        raise LibraryError(f"{where}: has no milestone")
    return ModuleSpec(
        code=code,
        name=_texts(raw, "name", where, max_length=200),
        description=_texts(raw, "description", where),
        theme=theme,
        duration_days=duration,
        activities=activities,
    )


def _activity_spec(raw: Any, module_where: str, module_days: int) -> ActivitySpec:
    key = _text(raw, "key", f"{module_where}: activity", max_length=60)
    try:
        validate_slug(key)
    except ValidationError as error:
        raise LibraryError(f"{module_where}: activity {key!r}: the key must be a slug") from error
    where = f"{module_where}: activity {key!r}"
    title = _texts(raw, "title", where, max_length=200)
    kind = _text(raw, "kind", where)
    if kind not in ActivityKind.values:
        raise LibraryError(f"{where}: unknown kind {kind!r}")
    offset = _number(raw, "offset_days", where)
    duration = _number(raw, "duration_days", where)
    if kind == ActivityKind.MILESTONE and duration:
        raise LibraryError(f"{where}: a milestone has no duration")
    if offset + duration > module_days:
        raise LibraryError(f"{where}: ends after the module's {module_days} days")
    return ActivitySpec(
        key=key,
        kind=kind,
        title=title,
        description=_texts(raw, "description", where, required=False),
        offset_days=offset,
        duration_days=duration,
    )


def _template_spec(raw: Any) -> TemplateSpec:
    name = _texts(raw, "name", "programme template", max_length=200)
    where = f"programme template {name.en!r}"
    modules = tuple(
        TemplateModuleSpec(
            code=_text(item, "code", where), offset_days=_number(item, "offset_days", where)
        )
        for item in _list(raw, "modules", where)
    )
    if not modules:
        raise LibraryError(f"{where}: has no modules")
    return TemplateSpec(
        name=name,
        description=_texts(raw, "description", where, required=False),
        duration_months=_number(raw, "duration_months", where, minimum=1),
        modules=modules,
    )


def shortest_span_days(months: int) -> int:
    """The fewest days that ``months`` calendar months can have, whatever month they start in
    (leap years included), so a module that fits here fits in every programme."""
    starts = [
        dt.date(year, month, 1) for year in (2021, 2022, 2023, 2024) for month in range(1, 13)
    ]
    return min((add_months(start, months) - start).days for start in starts)


def _validate_template(template: TemplateSpec, durations: dict[str, int]) -> None:
    where = f"programme template {template.name.en!r}"
    _require_unique(f"module in {where}", [module.code for module in template.modules])
    span = shortest_span_days(template.duration_months)
    for module in template.modules:
        if module.code not in durations:
            raise LibraryError(f"{where}: unknown module {module.code!r}")
        if module.offset_days + durations[module.code] > span:
            raise LibraryError(
                f"{where}: module {module.code!r} ends after the programme's "
                f"{template.duration_months} months"
            )


def _require_unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise LibraryError(f"duplicate {what}: {value!r}")
        seen.add(value)


# --------------------------------------------------------------------------- writing


@transaction.atomic
def load_module_library(
    *, actor: User | None = None, path: Path | None = None, stdout: TextIO | None = None
) -> dict[str, int]:
    """Create or update the library from the file in one transaction.

    Returns counts: ``modules_created``/``_updated``/``_unchanged``, the same for
    ``activities_``, ``templates_`` and ``template_modules_``, plus ``activities_kept`` and
    ``template_modules_kept`` for rows no longer in the file (listed on ``stdout`` if given).
    """
    library = read_library(path)
    counts = dict.fromkeys(COUNT_KEYS, 0)
    kept: list[str] = []
    modules = _upsert_modules(library.modules, actor=actor, counts=counts, kept=kept)
    _upsert_templates(library.templates, modules, actor=actor, counts=counts, kept=kept)
    if stdout is not None:
        for line in kept:
            stdout.write(f"Kept {line}: not in the library file\n")
    return counts


def _bump(counts: dict[str, int], key: str) -> None:
    counts[key] += 1


def _apply(obj: object, wanted: dict[str, object]) -> bool:
    """Set the wanted values; return whether anything changed."""
    changed = False
    for name, value in wanted.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _upsert_modules(
    specs: tuple[ModuleSpec, ...],
    *,
    actor: User | None,
    counts: dict[str, int],
    kept: list[str],
) -> dict[str, ModuleTemplate]:
    existing = {
        module.code: module
        for module in ModuleTemplate.objects.filter(
            code__in=[spec.code for spec in specs]
        ).prefetch_related("activities")
    }
    result: dict[str, ModuleTemplate] = {}
    for spec in specs:
        wanted = {
            **spec.name.fields("name"),
            **spec.description.fields("description"),
            "theme": spec.theme,
            "duration_days": spec.duration_days,
        }
        module = existing.get(spec.code)
        if module is None:
            module = validated_save(ModuleTemplate(code=spec.code, **wanted), actor=actor)
            activities: list[ActivityTemplate] = []
            _bump(counts, "modules_created")
        else:
            activities = list(module.activities.all())
            if _apply(module, wanted):
                validated_save(module, actor=actor)
                _bump(counts, "modules_updated")
            else:
                _bump(counts, "modules_unchanged")
        loaded = _upsert_activities(module, spec.activities, activities, actor=actor, counts=counts)
        for title in sorted(a.title_en or a.title for a in activities if a.pk not in loaded):
            kept.append(f"activity {title!r} of module {spec.code}")
            _bump(counts, "activities_kept")
        result[spec.code] = module
    return result


def _upsert_activities(
    module: ModuleTemplate,
    specs: tuple[ActivitySpec, ...],
    existing: list[ActivityTemplate],
    *,
    actor: User | None,
    counts: dict[str, int],
) -> set[int]:
    """Create or update the module's activities; return the ids of those in the file."""
    by_key = {activity.key: activity for activity in existing if activity.key}
    # Loaded before activities had keys: found by their English title, once.
    unkeyed = {activity.title_en: activity for activity in existing if not activity.key}
    loaded: set[int] = set()
    for spec in specs:
        wanted = {
            "key": spec.key,
            "kind": spec.kind,
            **spec.title.fields("title"),
            **spec.description.fields("description"),
            "offset_days": spec.offset_days,
            "duration_days": spec.duration_days,
        }
        activity = by_key.get(spec.key) or unkeyed.pop(spec.title.en, None)
        if activity is None:
            activity = validated_save(ActivityTemplate(module=module, **wanted), actor=actor)
            _bump(counts, "activities_created")
        elif _apply(activity, wanted):
            validated_save(activity, actor=actor)
            _bump(counts, "activities_updated")
        else:
            _bump(counts, "activities_unchanged")
        loaded.add(activity.pk)
    return loaded


def _upsert_templates(
    specs: tuple[TemplateSpec, ...],
    modules: dict[str, ModuleTemplate],
    *,
    actor: User | None,
    counts: dict[str, int],
    kept: list[str],
) -> None:
    existing = {
        template.name_en: template
        for template in ProgramTemplate.objects.filter(
            name_en__in=[spec.name.en for spec in specs]
        ).prefetch_related("template_modules__module")
    }
    for spec in specs:
        wanted = {
            **spec.name.fields("name"),
            **spec.description.fields("description"),
            "duration_months": spec.duration_months,
        }
        template = existing.get(spec.name.en)
        if template is None:
            template = validated_save(ProgramTemplate(**wanted), actor=actor)
            rows: list[ProgramTemplateModule] = []
            _bump(counts, "templates_created")
        else:
            rows = list(template.template_modules.all())
            if _apply(template, wanted):
                validated_save(template, actor=actor)
                _bump(counts, "templates_updated")
            else:
                _bump(counts, "templates_unchanged")
        _upsert_template_modules(template, spec, modules, rows, counts=counts, kept=kept)


def _upsert_template_modules(
    template: ProgramTemplate,
    spec: TemplateSpec,
    modules: dict[str, ModuleTemplate],
    rows: list[ProgramTemplateModule],
    *,
    counts: dict[str, int],
    kept: list[str],
) -> None:
    """Positions follow the file's order (1, 2, …). Rows no longer in the file are kept and
    moved behind the library's modules; rows are parked on free positions while positions
    change, so the unique (template, position) constraint holds after every single save."""
    wanted = {
        modules[item.code].pk: (position, item.offset_days)
        for position, item in enumerate(spec.modules, start=1)
    }
    by_module = {row.module_id: row for row in rows}
    changed = [
        row
        for row in rows
        if row.module_id in wanted and (row.position, row.offset_days) != wanted[row.module_id]
    ]
    stale = sorted(
        (row for row in rows if row.module_id not in wanted), key=lambda row: row.position
    )
    # Stale rows move only when one sits where a library module must go.
    in_the_way = any(row.position <= len(wanted) for row in stale)
    moving = changed + stale if in_the_way else changed
    for index, row in enumerate(moving):
        row.position = _PARKING_POSITION + index
        row.save(update_fields=["position"])
    for row in changed:
        row.position, row.offset_days = wanted[row.module_id]
        row.full_clean()
        row.save(update_fields=["position", "offset_days"])
        _bump(counts, "template_modules_updated")
    for index, row in enumerate(stale, start=len(wanted) + 1):
        if row.position != index:
            row.position = index
            row.save(update_fields=["position"])
        kept.append(f"module {row.module.code} in programme template {template.name_en!r}")
        _bump(counts, "template_modules_kept")
    for module_id, (position, offset) in wanted.items():
        if module_id not in by_module:
            row = ProgramTemplateModule(
                template=template, module_id=module_id, position=position, offset_days=offset
            )
            row.full_clean()
            row.save()
            _bump(counts, "template_modules_created")
        elif by_module[module_id] not in changed:
            _bump(counts, "template_modules_unchanged")
