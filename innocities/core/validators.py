"""Field validators shared by the apps' models."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innocities.core.text import has_unsafe_characters


def no_control_characters(value: str) -> None:
    """Refuse line breaks, tabs, other control characters and bidirectional overrides.

    For single-line names and titles: they end up in mail subjects, calendar feeds, CSV and
    PDF files, where such a character splits a line or disguises the text.
    """
    if has_unsafe_characters(value):
        raise ValidationError(
            _("Remove the line breaks and control characters."), code="control_characters"
        )
