"""The default recommendation rules, from ``programs/data/recommendation_rules.json``.

Seeding, not syncing: a rule whose code exists is left as it is, because once seeded the
rules are the administrators' to tune in the admin. A rule whose module is not in the library
(``load_module_library`` has not run) is skipped and reported; the file is read and checked
whole before anything is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from programs.models import ModuleTemplate
from programs.tailoring.models import RecommendationRule, RuleKind

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "recommendation_rules.json"


class RulesFileError(ValueError):
    """The rules file is malformed; nothing has been written."""


@dataclass(frozen=True)
class SeedResult:
    created: list[str]
    kept: list[str]
    skipped: list[str]  # their module is not in the library


def read_rules(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or RULES_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RulesFileError(f"{path.name}: {error}") from error
    rules = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(rules, list):
        raise RulesFileError(f"{path.name}: expected an object with a list of rules")
    codes = [rule.get("code") if isinstance(rule, dict) else None for rule in rules]
    if len(set(codes)) != len(codes):
        raise RulesFileError(f"{path.name}: rule codes must be unique")
    return rules


def _rule(spec: dict[str, Any], module: ModuleTemplate) -> RecommendationRule:
    try:
        below = Decimal(spec["below"]) if "below" in spec else None
    except (InvalidOperation, TypeError) as error:
        raise RulesFileError(f"rule {spec.get('code')!r}: 'below' is not a number") from error
    return RecommendationRule(
        code=spec.get("code", ""),
        kind=spec.get("kind", ""),
        module=module,
        dimension_code=spec.get("dimension", ""),
        below=below,
        need_themes=spec.get("themes", ""),
        sdg_goals=spec.get("sdg_goals", []),
        min_priority=spec.get("min_priority", ""),
        note=spec.get("note", ""),
    )


@transaction.atomic
def seed_default_rules(path: Path | None = None) -> SeedResult:
    """Create the default rules that do not exist yet (by code). Idempotent."""
    specs = read_rules(path)
    modules = {m.code: m for m in ModuleTemplate.objects.all()}
    existing = set(RecommendationRule.objects.values_list("code", flat=True))
    created, kept, skipped = [], [], []
    pending = []
    for spec in specs:
        code = spec.get("code", "")
        if code in existing:
            kept.append(code)
            continue
        module = modules.get(spec.get("module", ""))
        if module is None:
            skipped.append(code)
            continue
        if spec.get("kind") not in RuleKind.values:
            raise RulesFileError(f"rule {code!r}: unknown kind {spec.get('kind')!r}")
        rule = _rule(spec, module)
        try:
            rule.full_clean()
        except ValidationError as error:
            raise RulesFileError(f"rule {code!r}: {'; '.join(error.messages)}") from error
        pending.append(rule)
        created.append(code)
    for rule in pending:
        rule.save()
    return SeedResult(created=created, kept=kept, skipped=skipped)
