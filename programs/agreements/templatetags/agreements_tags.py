"""The pilot agreement's card on the initiative page (one query, whatever the data)."""

from __future__ import annotations

from typing import Any

from django import template

from programs.agreements.models import agreement_is_shown, terms_are_writable
from programs.agreements.selectors import agreement_card as card_of
from programs.initiatives.models import Initiative

register = template.Library()


@register.inclusion_tag("agreements/_initiative_card.html")
def agreement_card(initiative: Initiative, can_edit: bool = False) -> dict[str, Any]:
    """Status (none, draft, signed on a date), test period and a link, from the concept stage
    on; before that, nothing (and no query)."""
    if not agreement_is_shown(initiative):
        return {"shown": False}
    card = card_of(initiative)
    return {
        "shown": True,
        "initiative": initiative,
        "agreement": card.agreement,
        "party_count": card.party_count,
        "can_edit": can_edit,
        "writable": terms_are_writable(initiative),
    }
