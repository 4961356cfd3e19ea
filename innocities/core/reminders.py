"""What an app tells the reminder scan about the things it owns.

The outbox (``innocities.notifications``) knows rules, recipients and rows, not programmes or
meetings: each app that has dated things answers two questions through functions of its own
(``programs.reminders``, ``clusters.reminders``): what is due on these days (a list of
``Due``), and what has become of these items since their reminders went into the outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType


@dataclass(frozen=True)
class Due:
    """One item a reminder may be about, and who should hear of it."""

    content_type: ContentType
    object_id: int
    day: dt.date  # the day it is due, or the meeting's day
    recipient_ids: frozenset[int]
    url: str
    program_id: int | None = None
    # What the e-mail says: the title, and the programme's title or the cluster's name.
    context: dict[str, Any] = field(default_factory=dict)
