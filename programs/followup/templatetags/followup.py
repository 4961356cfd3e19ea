from __future__ import annotations

from django import template

from clusters.models import Meeting
from programs.followup.selectors import meeting_has_started

register = template.Library()


@register.filter
def has_started(meeting: Meeting) -> bool:
    """Whether the meeting's follow-up is open: it has started (the meeting page's link)."""
    return meeting_has_started(meeting)
