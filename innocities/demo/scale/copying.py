"""The largest tables' rows as tuples, and the values in PostgreSQL's COPY text format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

# Rows of the largest tables, built as tuples rather than model instances (whose __init__
# costs more than the database's work for them) and written by ``SeederBase._copy``
# (base.py). The names are the models' column names; ``_copy`` checks that they are all of
# them.


class TaskRow(NamedTuple):
    id: int | None
    program_id: int
    module_id: int
    title: str
    description: str
    owner_id: int | None
    starts_on: dt.date
    due_on: dt.date
    status: str
    percent: int
    completed_on: dt.date | None


class MilestoneRow(NamedTuple):
    id: int | None
    program_id: int
    module_id: int
    title: str
    description: str
    due_on: dt.date
    status: str
    owner_id: int | None
    completed_on: dt.date | None


class TaskOrganisationRow(NamedTuple):
    task_id: int
    organisation_id: int


class ProgressUpdateRow(NamedTuple):
    program_id: int
    author_id: int
    created_at: dt.datetime
    status: str
    proposed_status: str
    override_reason: str
    achieved: str
    next_steps: str
    blockers: str
    percent_done: int


class NotificationRow(NamedTuple):
    rule_id: int
    content_type_id: int
    object_id: int
    recipient_id: int
    occurrence: str
    category: str
    program_id: int | None
    delivery: str
    status: str
    send_after: dt.datetime
    claimed_at: dt.datetime | None
    attempts: int
    last_error: str
    sent_at: dt.datetime | None
    created_at: dt.datetime
    subject: str
    url: str


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_escaped(value: str) -> str:
    # Most text has none of these: looking is cheaper than translating.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_ESCAPES)
    return value


def _copy_other(value: Any) -> str:
    if isinstance(value, str):  # a str subclass: a model's choices, say
        return _copy_escaped(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# COPY's text format by the value's type; the common types looked up, the rest checked.
_COPY_TEXT: dict[type, Any] = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    Decimal: str,
    str: _copy_escaped,
    dt.date: dt.date.isoformat,
    dt.datetime: dt.datetime.isoformat,  # with the offset
}


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    return _COPY_TEXT.get(type(value), _copy_other)(value)
