"""Labels for the raw values a report's frozen figures hold (rendered in the reader's language)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from innocities.core.languages import localized
from programs.benefits.models import Judgement
from programs.indicators.models import Direction
from programs.indicators.svg import format_number, trend_svg
from programs.initiatives.models import AssumptionKind, Body, Decision, Outcome, Stage
from programs.models import ItemStatus, ProgramStatus, ProgressStatus

register = template.Library()

_LABELS = {
    **dict(ItemStatus.choices),
    **dict(ProgressStatus.choices),
    **dict(ProgramStatus.choices),
}
_DIRECTIONS = dict(Direction.choices)
# The innovation process's values (kept apart: "need" is both a stage and a kind of assumption).
_INITIATIVE_LABELS = {
    "stage": dict(Stage.choices),
    "decision": dict(Decision.choices),
    "body": dict(Body.choices),
    "outcome": dict(Outcome.choices),
    "assumption_kind": dict(AssumptionKind.choices),
    "judgement": dict(Judgement.choices),
}


@register.filter
def status_label(value: str | None) -> str:
    if not value:
        return "–"
    return str(_LABELS.get(value, value))


@register.filter
def kind_label(value: str) -> str:
    return _("Milestone") if value == "milestone" else _("Task")


@register.filter
def initiative_label(value: str | None, kind: str) -> str:
    """A frozen stage, decision, body, outcome or assumption kind in the reader's language:
    ``{{ gate.decision|initiative_label:"decision" }}``."""
    if not value:
        return "–"
    return str(_INITIATIVE_LABELS[kind].get(value, value))


@register.filter
def iso_date(value: str | None) -> dt.date | None:
    """A stored ISO date back to a date, so templates format it for the reader's locale."""
    return dt.date.fromisoformat(value) if value else None


@register.filter
def direction_label(value: str | None) -> str:
    return str(_DIRECTIONS.get(value, value)) if value else ""


def _decimal(value: str | float | None) -> Decimal | None:
    # Through str() so a float such as 0.1 becomes Decimal("0.1"), not its binary expansion.
    return Decimal(str(value)) if value is not None and value != "" else None


@register.filter
def figure_number(value: str | float | None) -> str:
    """A frozen number (a Decimal kept as a string, or a float) in the reader's number
    format without trailing zeros (1,5 in Swedish); "–" when there is none."""
    number = _decimal(value)
    return "–" if number is None else format_number(number)


@register.filter
def score(value: float | None, digits: int = 1) -> str:
    """A self-assessment figure with a fixed number of decimals (3,0 beside 2,5, so the
    column reads evenly); "–" when nobody answered."""
    if value is None:
        return "–"
    return number_format(Decimal(str(value)), decimal_pos=int(digits))


@register.filter
def signed_change(value: float | None) -> str:
    """A change between rounds with its sign and one decimal (+0,3 / -0,3 / 0,0); "–" when
    there is no previous round to compare with."""
    if value is None:
        return "–"
    text = number_format(Decimal(str(value)), decimal_pos=1)
    return f"+{text}" if value > 0 else text


@register.filter
def dimension_name(dimension: dict[str, Any]) -> str:
    """A frozen dimension's name in the active language, by the self-assessment's own rule."""
    return localized(
        SimpleNamespace(
            name_sv=dimension.get("name_sv", ""),
            name_en=dimension.get("name_en", ""),
            name_nb=dimension.get("name_nb", ""),
        ),
        "name",
    )


@register.simple_tag
def indicator_trend(indicator: dict[str, Any], width: int = 240, height: int = 64) -> SafeString:
    """The indicator's trend drawn from the snapshot's own series, never from today's values."""
    series = [
        (dt.date.fromisoformat(period), Decimal(value)) for period, value in indicator["series"]
    ]
    return trend_svg(
        series,
        baseline=_decimal(indicator.get("baseline_value")),
        target=_decimal(indicator.get("target_value")),
        label=indicator["name"],
        unit=indicator.get("unit", ""),
        width=width,
        height=height,
    )
