"""Characters that have no place in a name or a title, and cleaning text for file formats
that give line breaks a meaning of their own (iCalendar, mail headers).

A control character (Unicode category Cc: NUL, BEL, CR, LF, TAB, DEL, C1 codes …) is invisible
on a page but splits a header or a content line in a file; a bidirectional override (U+202A–
U+202E, U+2066–U+2069) makes a name read differently from what it contains ("Trojan Source").
"""

from __future__ import annotations

import re
import unicodedata

BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Line and paragraph breaks, including the Unicode ones (NEL, LS, PS) some programs honour.
LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def is_unsafe_character(char: str) -> bool:
    """A control character or a bidirectional override: refused in names and titles."""
    return unicodedata.category(char) == "Cc" or char in BIDI_OVERRIDES


def has_unsafe_characters(value: str) -> bool:
    return any(is_unsafe_character(char) for char in value)


def _strip_unsafe(value: str, keep: str = "") -> str:
    return "".join(char for char in value if char in keep or not is_unsafe_character(char))


def single_line(value: str) -> str:
    """``value`` as one line: line breaks and tabs become a space, other control characters
    and bidirectional overrides are dropped. For values written before names were validated."""
    value = LINE_BREAKS.sub(" ", value).replace("\t", " ")
    return _strip_unsafe(value)


def plain_text(value: str) -> str:
    """Multi-line text with ``\\n`` as its only line break and tabs kept; every other control
    character and bidirectional override dropped."""
    return _strip_unsafe(LINE_BREAKS.sub("\n", value), keep="\n\t")
