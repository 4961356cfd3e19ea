"""The Swedish catalogue: complete, consistent with its compiled .mo, and used by Django.

The portal speaks Swedish by default, so an untranslated or fuzzy entry is an English string on a
Swedish page. The .po is read with a small parser (no msgfmt, no polib); the .mo is read with
the standard library's ``gettext`` so that a .po edited without recompiling is caught here, on a
machine without gettext, too.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields["msgid"]

    @property
    def context(self) -> str | None:
        return self.fields.get("msgctxt")

    @property
    def plural(self) -> str | None:
        return self.fields.get("msgid_plural")

    @property
    def msgstrs(self) -> list[str]:
        return [value for key, value in sorted(self.fields.items()) if key.startswith("msgstr")]

    def __str__(self) -> str:
        where = f"{PO.name}:{self.line}"
        return f"{where} {self.context + ' | ' if self.context else ''}{self.msgid!r}"


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the entries of a .po file (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    keyword = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and current is not None and current.fields:
                entries.append(current)
                current = None
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword = match[1]
            current.fields[keyword] = ast.literal_eval(match[2])
        else:
            assert line.startswith('"'), f"{path.name}:{number}: cannot parse {raw!r}"
            current.fields[keyword] += ast.literal_eval(line)
    if current is not None and current.fields:
        entries.append(current)
    header, *rest = entries
    assert header.msgid == "", "the .po must start with its header"
    return header, rest


@pytest.fixture(scope="module")
def catalogue() -> tuple[Entry, list[Entry]]:
    return parse_po(PO)


def test_the_catalogue_and_its_compiled_form_are_in_the_repository():
    assert PO.is_file(), f"{PO} is missing: run makemessages -l sv"
    assert MO.is_file(), f"{MO} is missing: run compilemessages (the .mo is committed)"


def test_the_header_is_swedish_and_not_fuzzy(catalogue):
    header, _ = catalogue
    text = header.msgstrs[0]
    assert "fuzzy" not in header.flags
    assert "Language: sv\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    assert len(entries) > 500, "the catalogue looks truncated"
    fuzzy = [str(entry) for entry in entries if "fuzzy" in entry.flags]
    untranslated = [str(entry) for entry in entries if not all(entry.msgstrs)]
    assert not fuzzy, "fuzzy entries (check them and remove the flag):\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_plural_entries_have_both_swedish_forms(catalogue):
    _, entries = catalogue
    for entry in entries:
        if entry.plural is not None:
            assert set(entry.fields) >= {"msgstr[0]", "msgstr[1]"}, str(entry)
            assert "msgstr" not in entry.fields, str(entry)


_NAMED = re.compile(r"%\((\w+)\)[sdif]")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def test_placeholders_html_and_outer_whitespace_are_kept(catalogue):
    _, entries = catalogue
    problems = []
    for entry in entries:
        sources = [entry.msgid] if entry.plural is None else [entry.msgid, entry.plural]
        expected_names = set().union(*(_NAMED.findall(source) for source in sources))
        for msgstr in entry.msgstrs:
            if "python-format" in entry.flags:
                names = set(_NAMED.findall(msgstr))
                # A singular form may leave out the count ("en kommun"), never add a name.
                if names - expected_names or (entry.plural is None and names != expected_names):
                    problems.append(f"{entry}: placeholders {sorted(names)}")
                if msgstr.count("%%") != entry.msgid.count("%%"):
                    problems.append(f"{entry}: %% escapes differ")
            if sorted(_TAG.findall(msgstr)) != sorted(_TAG.findall(entry.msgid)):
                problems.append(f"{entry}: HTML differs")
            for edge in (str.startswith, str.endswith):
                for blank in (" ", "\n"):
                    if edge(entry.msgid, blank) != edge(msgstr, blank):
                        problems.append(f"{entry}: leading/trailing whitespace differs")
    assert not problems, "\n".join(problems)


def test_the_compiled_mo_matches_the_po(catalogue):
    """Catches a .po edited (or re-merged) without compilemessages."""
    _, entries = catalogue
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        if entry.plural is not None:
            got = [compiled.ngettext(entry.msgid, entry.plural, n) for n in (1, 2)]
        elif entry.context is not None:
            got = [compiled.pgettext(entry.context, entry.msgid)]
        else:
            got = [compiled.gettext(entry.msgid)]
        if got != entry.msgstrs:
            stale.append(str(entry))
    assert not stale, "django.mo is out of date, run compilemessages:\n" + "\n".join(stale)


@pytest.mark.parametrize(
    ("english", "swedish"),
    [
        ("Dashboard", "Översikt"),
        ("Collaboration programmes", "Samverkansprogram"),
        ("collaboration programme", "samverkansprogram"),
        ("Programme manager", "Programansvarig"),
        ("Coordinator", "Samordnare"),
        ("Progress update", "Lägesrapport"),
        ("Milestone", "Milstolpe"),
        ("Task", "Uppgift"),
        ("Cluster", "Kluster"),
        ("Municipality", "Kommun"),
        ("County", "Län"),
        ("Shared needs", "Gemensamma behov"),
        ("Partner organisations", "Partnerorganisationer"),
        ("On track", "Enligt plan"),
        ("At risk", "Risk"),
        ("Off track", "Avvikelse"),
        ("Public sector", "Offentlig sektor"),
        ("Business", "Näringsliv"),
        ("Academia", "Akademi"),
        ("Civil society", "Civilsamhälle"),
        ("C8 Rural municipality", "C8 Landsbygdskommun"),
    ],
)
def test_django_serves_the_swedish_vocabulary(english, swedish):
    with translation.override("sv"):
        assert translation.gettext(english) == swedish
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_django_serves_context_and_plural_forms():
    with translation.override("sv"):
        assert translation.pgettext("mark as done", "Done") == "Klar"
        one = translation.ngettext("%(counter)s municipality", "%(counter)s municipalities", 1)
        many = translation.ngettext("%(counter)s municipality", "%(counter)s municipalities", 5)
        assert one % {"counter": 1} == "1 kommun"
        assert many % {"counter": 5} == "5 kommuner"


def test_an_anonymous_visitor_gets_the_swedish_login_page(db, client):
    page = client.get(reverse("account_login")).content.decode()
    assert '<html lang="sv">' in page
    assert "Logga in i Innocities" in page
