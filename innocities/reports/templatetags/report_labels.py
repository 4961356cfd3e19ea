"""Labels for the raw values a report's frozen figures hold (rendered in the reader's language)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from programs.models import ItemStatus, ProgramStatus, ProgressStatus

register = template.Library()

_LABELS = {
    **dict(ItemStatus.choices),
    **dict(ProgressStatus.choices),
    **dict(ProgramStatus.choices),
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
def iso_date(value: str | None) -> dt.date | None:
    """A stored ISO date back to a date, so templates format it for the reader's locale."""
    return dt.date.fromisoformat(value) if value else None
