from __future__ import annotations

from django import template

from municipalities.assessments.models import localized as _localized

register = template.Library()


@register.filter
def localized(obj: object, name: str) -> str:
    """``{{ dimension|localized:"name" }}`` → the Swedish or English text."""
    return _localized(obj, name)


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key) if mapping else None
