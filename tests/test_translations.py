"""The Swedish and Norwegian (bokmål) catalogues: complete, consistent with their compiled .mo,
and used by Django; and the Norwegian bokmål interface end to end (settings, pages, formats).

The portal speaks Swedish by default, so an untranslated or fuzzy entry is an English string on a
Swedish (or Norwegian) page. The .po is read with a small parser (no msgfmt, no polib); the .mo
is read with the standard library's ``gettext`` so that a .po edited without recompiling is
caught here, on a machine without gettext, too.
"""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from innocities.notifications.models import Notification, ReminderRule
from programs.models import Task

# The catalogues the portal ships, beside English (the source language).
CATALOGUE_LANGUAGES = ("sv", "nb")


def lc_messages(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    line: int
    path: Path
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
        where = f"{self.path.parent.parent.name}/{self.path.name}:{self.line}"
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
            current = Entry(line=number, path=path)
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


@pytest.fixture(scope="module", params=CATALOGUE_LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def catalogue(language: str) -> tuple[Entry, list[Entry]]:
    po = lc_messages(language) / "django.po"
    assert po.is_file(), f"{po} is missing: run makemessages -l {language}"
    return parse_po(po)


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_the_catalogue_and_its_compiled_form_are_in_the_repository(language):
    po, mo = lc_messages(language) / "django.po", lc_messages(language) / "django.mo"
    assert po.is_file(), f"{po} is missing: run makemessages -l {language}"
    assert mo.is_file(), f"{mo} is missing: run compilemessages (the .mo is committed)"


def test_the_header_names_its_language_and_is_not_fuzzy(catalogue, language):
    header, _ = catalogue
    text = header.msgstrs[0]
    assert "fuzzy" not in header.flags
    assert f"Language: {language}\n" in text
    assert "charset=UTF-8" in text
    # Swedish and Norwegian count alike: one, and everything else.
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _, entries = catalogue
    assert len(entries) > 500, "the catalogue looks truncated"
    fuzzy = [str(entry) for entry in entries if "fuzzy" in entry.flags]
    untranslated = [str(entry) for entry in entries if not all(entry.msgstrs)]
    assert not fuzzy, "fuzzy entries (check them and remove the flag):\n" + "\n".join(fuzzy)
    assert not untranslated, "untranslated entries:\n" + "\n".join(untranslated)


def test_plural_entries_have_both_forms(catalogue):
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


def test_the_compiled_mo_matches_the_po(catalogue, language):
    """Catches a .po edited (or re-merged) without compilemessages."""
    _, entries = catalogue
    with (lc_messages(language) / "django.mo").open("rb") as handle:
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
        assert translation.pgettext("history", "created") == "skapades"
        one = translation.ngettext("%(counter)s municipality", "%(counter)s municipalities", 1)
        many = translation.ngettext("%(counter)s municipality", "%(counter)s municipalities", 5)
        assert one % {"counter": 1} == "1 kommun"
        assert many % {"counter": 5} == "5 kommuner"


def test_an_anonymous_visitor_gets_the_swedish_login_page(db, client):
    page = client.get(reverse("account_login")).content.decode()
    assert '<html lang="sv">' in page
    assert "Logga in i Innocities" in page


def test_the_norwegian_catalogue_has_the_same_entries_as_the_swedish_one():
    """Both come from the same source (makemessages -l sv -l nb): an entry in one only is a
    string the other language shows in English."""

    def keys(language: str) -> set[tuple[str | None, str]]:
        po = lc_messages(language) / "django.po"
        assert po.is_file(), f"{po} is missing: run makemessages -l {language}"
        _, entries = parse_po(po)
        return {(entry.context, entry.msgid) for entry in entries}

    swedish, norwegian = keys("sv"), keys("nb")
    assert not swedish - norwegian, f"missing in nb: {sorted(swedish - norwegian, key=str)}"
    assert not norwegian - swedish, f"missing in sv: {sorted(norwegian - swedish, key=str)}"


@pytest.mark.parametrize(
    "english", ["Dashboard", "Collaboration programmes", "Municipality", "Progress update"]
)
def test_django_serves_the_norwegian_catalogue(english):
    # Without an nb entry Django falls back to the default language's: Swedish, not English.
    with translation.override("sv"):
        swedish = translation.gettext(english)
    with translation.override("nb"):
        norwegian = translation.gettext(english)
    assert norwegian not in ("", english, swedish)


# --- Norwegian bokmål, the third interface language ----------------------------------------


def test_norwegian_bokmal_is_the_third_language_and_swedish_the_default():
    assert [code for code, _ in settings.LANGUAGES] == ["sv", "en", "nb"]
    assert settings.LANGUAGE_CODE == "sv"
    # Django's own formats for each language: nothing of the project's overrides them.
    assert not getattr(settings, "FORMAT_MODULE_PATH", None)
    assert translation.check_for_language("nb")


def test_a_norwegian_browser_gets_norwegian_bokmal(db, client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9").content
    assert '<html lang="nb">' in page.decode()


def test_dates_and_numbers_are_formatted_for_norway():
    template = Template(
        '{{ day|date:"SHORT_DATE_FORMAT" }}|{{ day|date:"DATE_FORMAT" }}|{{ share }}'
    )
    context = Context({"day": dt.date(2026, 3, 4), "share": 3.5})
    with translation.override("nb"):
        assert template.render(context) == "04.03.2026|4. mars 2026|3,5"
    with translation.override("sv"):
        assert template.render(context) == "2026-03-04|4 mars 2026|3,5"


def test_a_page_in_norwegian_has_lang_nb_norwegian_dates_and_a_named_switch(world, client):
    person = world.coordinator
    person.language = "nb"
    person.save(update_fields=["language"])
    rule, _ = ReminderRule.objects.get_or_create(
        code="task-1",
        defaults={"name": "Task due tomorrow", "category": "task", "offset_days": -1},
    )
    task = Task.objects.filter(program=world.program).first()
    Notification.objects.create(
        rule=rule,
        content_type=ContentType.objects.get_for_model(Task),
        object_id=task.pk,
        recipient=person,
        occurrence="2099-03-04",
        category="task",
        program=world.program,
        send_after=dt.datetime(2099, 3, 4, 8, 0, tzinfo=dt.UTC),
        subject="Oppgave i morgen",
        url="/",
    )
    client.force_login(person)

    page = client.get(reverse("notifications:list")).content.decode()

    assert '<html lang="nb">' in page
    # 08:00 UTC is 09:00 in Stockholm, the person's time zone; day.month.year as in Norway.
    assert "04.03.2099 09:00" in page
    # The switch names each language in that language; the current one is marked.
    buttons = re.findall(r'<button type="submit" name="language".*?</button>', page)
    assert len(buttons) == 3
    for button, (code, name) in zip(
        buttons, [("sv", "Svenska"), ("en", "English"), ("nb", "Norsk (bokmål)")], strict=True
    ):
        assert f'value="{code}"' in button and f'lang="{code}"' in button, button
        # The accessible name: the visible code, then the language's own name for itself.
        assert f'>{code.upper()}<span class="visually-hidden"> {name}</span>' in button, button
        assert ('aria-current="true"' in button) == (code == "nb"), button


def test_a_person_picks_norwegian_on_the_profile_page(world, client):
    client.force_login(world.viewer)
    form = client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="nb"' in form

    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Vera Viewer", "language": "nb", "time_zone": "Europe/Oslo"},
    )

    assert response.status_code == 302
    world.viewer.refresh_from_db()
    assert world.viewer.language == "nb"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nb"
    assert '<html lang="nb">' in client.get(reverse("accounts:profile")).content.decode()


def test_the_language_switch_saves_norwegian_to_the_profile(world, client):
    client.force_login(world.viewer)
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    world.viewer.refresh_from_db()
    assert world.viewer.language == "nb"


# --- shipped content in every language --------------------------------------------------------


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_every_shipped_reminder_rule_has_an_english_swedish_and_norwegian_name():
    default = _migration("innocities.notifications", "0002_default_rules")
    initiatives = _migration("innocities.notifications", "0004_initiative_rules")
    rules = {code: name for code, name, *_ in default.DEFAULT_RULES + initiatives.INITIATIVE_RULES}
    assert set(initiatives.NAMES) == set(rules), "every shipped rule needs sv and nb names"
    for code, (swedish, norwegian) in initiatives.NAMES.items():
        english = rules[code]
        assert english.strip() and swedish.strip() and norwegian.strip(), code
        assert len({english, swedish, norwegian}) == 3, f"{code}: a name is not translated"


def test_a_rule_reads_in_the_readers_language():
    rule = ReminderRule(
        code="x", name="Task due tomorrow", name_sv="Uppgift i morgon", name_nb="Oppgave i morgen"
    )
    for language, label in (
        ("sv", "Uppgift i morgon"),
        ("nb", "Oppgave i morgen"),
        ("en", "Task due tomorrow"),
    ):
        with translation.override(language):
            assert rule.label == label


def test_every_shipped_gate_criterion_is_written_in_swedish_english_and_norwegian():
    criteria = _migration("programs.initiatives", "0002_default_gate_criteria").CRITERIA
    assert criteria
    for stage, _judged_by, swedish, english, norwegian in criteria:
        assert swedish.strip() and english.strip() and norwegian.strip(), stage
        assert len({swedish, english, norwegian}) == 3, f"{stage}: {english!r} not translated"
