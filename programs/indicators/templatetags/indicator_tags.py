from __future__ import annotations

from decimal import Decimal

from django import template

from programs.indicators.svg import format_number

register = template.Library()


@register.filter
def number(value: Decimal | None) -> str:
    """A stored value without trailing zeros, in the page's number format (1,5 in Swedish)."""
    if value is None:
        return ""
    return format_number(value)
