"""Languages: which one a reader reads and which one a municipality writes.

The interface speaks Swedish (the default), English and Norwegian bokmål. Content the portal
ships (the module library, the self-assessment framework, gate criteria, reminder rule names)
is kept in each of them as ``<field>_sv``, ``<field>_en`` and ``<field>_nb`` and shown in the
reader's; what a municipality's people write is shown as written, and what the portal copies
into a municipality's own records (a programme's tasks, a round's title) is copied in the
municipality's language.

Country codes are passed as ``Municipality.country`` stores them: this layer knows no apps.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils import translation

# The languages shipped content is kept in.
TEXT_LANGUAGES = ("sv", "en", "nb")

# A country's people read and write in its language until they choose another.
COUNTRY_LANGUAGES = {"NO": "nb", "SE": "sv"}


class InCountry(Protocol):
    country: str


def reader_language(language: str | None = None) -> str:
    """The text language for an interface language code (the active one by default): ``nb``
    for any Norwegian (nb, no, nn), ``en`` for English, otherwise Swedish."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()[:2]
    if code in ("nb", "no", "nn"):
        return "nb"
    return "en" if code == "en" else "sv"


def language_for_country(country: str | None) -> str:
    """Norwegian bokmål in Norway, else the portal's default (Swedish)."""
    return COUNTRY_LANGUAGES.get(country or "", settings.LANGUAGE_CODE)


def municipality_language(municipality: InCountry) -> str:
    """The language a municipality writes in."""
    return language_for_country(municipality.country)


def fallbacks(language: str | None = None) -> tuple[str, ...]:
    """The reader's text language first (the active one unless given), then Swedish, English
    and Norwegian: the order a missing translation falls back in."""
    return tuple(dict.fromkeys((reader_language(language), *TEXT_LANGUAGES)))


def localized(obj: object, name: str, language: str | None = None) -> str:
    """``obj.<name>_<language>`` in the reader's language (the active one unless given); where
    that text is empty, the next of ``fallbacks``."""
    for code in fallbacks(language):
        text = getattr(obj, f"{name}_{code}", "")
        if text:
            return text
    return ""


def in_reader_language(sv: str, en: str, nb: str) -> str:
    """Three texts of one thing, in the reader's language (as ``localized``)."""
    texts = {"sv": sv, "en": en, "nb": nb}
    for code in fallbacks():
        if texts[code]:
            return texts[code]
    return ""
