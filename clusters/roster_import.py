"""Importing people onto a cluster's roster from an XLSX or CSV file.

Reading: a file of at most 1 MB, recognised by its content (an XLSX is a zip with a
workbook; anything else must decode as text and parse as CSV), never by its name alone. An
XLSX is opened with ``data_only``: a formula's cached value is read, nothing is executed, and
macros are ignored. The first row names the columns (English, Swedish or Norwegian words).

Importing: each row goes through the same form (``PersonAddForm``) and the same service
(``roster_add_or_invite_person``) as adding one person on the page, so the rules are theirs.
A dry run is the real import inside a transaction that is rolled back (nothing saved, no
e-mail queued: invitations go out on commit only); applying runs it again and commits only
if every row ends as the dry run showed, else rolls back and returns the new dry run.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusters.forms import PersonAddForm
from clusters.models import Cluster, RosterEntry, RosterRole
from clusters.selectors import open_member_municipalities, open_partner_organisations
from clusters.services import roster_add_or_invite_person
from innocities.accounts.models import User

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
# A 1 MB zip may unpack to far more: refuse a workbook that would unpack past this.
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"

# What people call the columns, folded to lower case, in the portal's three languages.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "email": ("e-mail", "email", "e-mail address", "e-post", "epost", "e-postadress"),
    "full_name": ("full name", "name", "namn", "fullständigt namn", "navn", "fullt navn"),
    "role": ("role", "roster role", "roll", "rolle"),
    "where": (
        "municipality code or organisation name",
        "municipality code or organisation",
        "municipality code",
        "municipality",
        "organisation",
        "organization",
        "kommunkod eller organisation",
        "kommunkod",
        "kommun",
        "kommunenummer eller organisasjon",
        "kommunenummer",
        "kommune",
        "organisasjon",
    ),
    "started_on": ("from", "from date", "start date", "started on", "från", "startdatum", "fra"),
}
REQUIRED_COLUMNS = ("email", "role")


class ImportFileError(Exception):
    """A file that cannot be read as a roster; the message says why, in words."""


@dataclass(frozen=True)
class ImportRow:
    """One row of the file as read: ``line`` is its line (CSV) or row (XLSX) number."""

    line: int
    email: str
    full_name: str
    role: str
    where: str
    started_on: str  # ISO date, or the text as typed when it is not a date cell


# --- reading -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed in a number cell: 1440.0 → "1440"
    return str(value).strip()


def _columns(header: Sequence[Any]) -> dict[str, int]:
    wanted = {name: key for key, names in COLUMN_NAMES.items() for name in names}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = wanted.get(" ".join(_text(cell).casefold().split()))
        if key and key not in found:
            found[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in found]
    if missing:
        raise ImportFileError(
            _(
                "The first row must name the columns: e-mail, full name, role, municipality "
                "code or organisation, from (in English, Swedish or Norwegian)."
            )
        )
    return found


def _rows(records: Iterable[tuple[int, Sequence[Any]]]) -> list[ImportRow]:
    records = iter(records)
    header = None
    for _line, record in records:
        if any(_text(cell) for cell in record):
            header = record
            break
    if header is None:
        raise ImportFileError(_("The file has no rows."))
    columns = _columns(header)

    def cell(record: Sequence[Any], key: str) -> str:
        index = columns.get(key)
        return _text(record[index]) if index is not None and index < len(record) else ""

    rows: list[ImportRow] = []
    for line, record in records:
        if not any(_text(value) for value in record):
            continue
        if len(rows) == MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(count)s people: split it.") % {"count": MAX_ROWS}
            )
        rows.append(
            ImportRow(
                line=line,
                email=cell(record, "email"),
                full_name=cell(record, "full_name"),
                role=cell(record, "role"),
                where=cell(record, "where"),
                started_on=cell(record, "started_on"),
            )
        )
    if not rows:
        raise ImportFileError(_("The file names its columns but lists nobody."))
    return rows


def _xlsx_records(data: bytes) -> Iterable[tuple[int, Sequence[Any]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ImportFileError(_("The workbook is too large once unpacked."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        records = [
            (index, list(values))
            for index, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign zip
        raise ImportFileError(
            _("The file is not an Excel workbook (.xlsx) that can be read.")
        ) from error
    return records


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ImportFileError(_("The file is neither an Excel workbook (.xlsx) nor a CSV file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel's "CSV (semicolon-separated)" on Windows writes Windows-1252.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The CSV file must be UTF-8 text (in Excel: save as “CSV UTF-8”).")
        ) from error
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
        raise ImportFileError(_("The file is neither an Excel workbook (.xlsx) nor a CSV file."))
    return text


def _csv_records(data: bytes) -> Iterable[tuple[int, Sequence[Any]]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    if not first.count(delimiter):
        raise ImportFileError(_("The file is neither an Excel workbook (.xlsx) nor a CSV file."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # The line a record starts on, as a spreadsheet or editor numbers it.
        records = []
        start = 1
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read near line %(line)s.") % {"line": reader.line_num}
        ) from error
    return records


def read_roster_file(upload: UploadedFile) -> list[ImportRow]:
    """The people in an uploaded XLSX or CSV file, or ``ImportFileError`` saying why not."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB."))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(ZIP_SIGNATURE):
        return _rows(_xlsx_records(data))
    return _rows(_csv_records(data))


def rows_to_session(rows: Sequence[ImportRow]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]


def rows_from_session(data: Iterable[dict[str, Any]]) -> list[ImportRow]:
    return [ImportRow(**row) for row in data]


# --- importing -----------------------------------------------------------------------------

INVITE = "invite"
ADD = "add"
UNCHANGED = "unchanged"
REFUSED = "refused"


@dataclass(frozen=True)
class RowOutcome:
    row: ImportRow
    action: str  # INVITE, ADD, UNCHANGED or REFUSED
    role_label: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ImportPlan:
    outcomes: list[RowOutcome] = field(default_factory=list)

    def _with(self, action: str) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    @property
    def invited(self) -> list[RowOutcome]:
        return self._with(INVITE)

    @property
    def added(self) -> list[RowOutcome]:
        """Roster entries added for people who already have an account."""
        return self._with(ADD)

    @property
    def unchanged(self) -> list[RowOutcome]:
        return self._with(UNCHANGED)

    @property
    def refused(self) -> list[RowOutcome]:
        return self._with(REFUSED)

    @property
    def changes(self) -> int:
        return len(self.invited) + len(self.added)

    @property
    def fingerprint(self) -> str:
        """What the import would do, as a short digest: applying compares it with the dry
        run the person saw."""
        digest = hashlib.sha256()
        for outcome in self.outcomes:
            # The reason's words are left out: they follow the reader's language.
            digest.update(f"{outcome.row.line}|{outcome.action}\n".encode())
        return digest.hexdigest()[:32]


def _role(text: str) -> str | None:
    """A role's code, or its name in any of the portal's languages."""
    wanted = " ".join(text.casefold().split())
    for role in RosterRole:
        if wanted in (role.value, role.value.replace("_", " ")):
            return role.value
    for language in ("en", "sv", "nb"):
        with translation.override(language):
            for role in RosterRole:
                if wanted == str(role.label).casefold():
                    return role.value
    return None


def _reasons(error: ValidationError, form: PersonAddForm | None = None) -> str:
    parts = []
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            label = form.fields[name].label if form and name in form.fields else None
            text = " ".join(errors)
            parts.append(f"{label}: {text}" if label else text)
    else:
        parts.extend(error.messages)
    return " ".join(parts)


class _Places:
    """The cluster's open members by code and open partners by name (two queries)."""

    def __init__(self, cluster: Cluster) -> None:
        self.municipalities: dict[str, list[int]] = {}
        for municipality in open_member_municipalities(cluster):
            self.municipalities.setdefault(municipality.code, []).append(municipality.pk)
        self.organisations = {
            " ".join(organisation.name.casefold().split()): organisation.pk
            for organisation in open_partner_organisations(cluster)
        }

    def resolve(self, text: str) -> tuple[dict[str, int], str]:
        """(form data naming the municipality or organisation, the reason it cannot)."""
        if not text:
            return {}, ""
        if text.isdigit():
            matches = self.municipalities.get(text.zfill(4), [])
            if len(matches) == 1:
                return {"municipality": matches[0]}, ""
            if matches:
                return {}, _("More than one member municipality has the code %(code)s.") % {
                    "code": text
                }
            return {}, _("No member municipality of the cluster has the code %(code)s.") % {
                "code": text
            }
        organisation = self.organisations.get(" ".join(text.casefold().split()))
        if organisation is None:
            return {}, _("No partner organisation of the cluster is called “%(name)s”.") % {
                "name": text
            }
        return {"organisation": organisation}, ""


def _one_row(
    cluster: Cluster,
    row: ImportRow,
    *,
    places: _Places,
    open_entries: set[tuple[str, str]],
    seen: dict[tuple[str, str], int],
    actor: User | None,
) -> RowOutcome:
    role = _role(row.role)
    if role is None:
        names = ", ".join(str(label) for label in RosterRole.labels)
        return RowOutcome(
            row,
            REFUSED,
            reason=_("Unknown role “%(role)s”: use one of %(names)s.")
            % {"role": row.role, "names": names},
        )
    role_label = str(RosterRole(role).label)
    place, refused = places.resolve(row.where)
    if refused:
        return RowOutcome(row, REFUSED, role_label, refused)
    form = PersonAddForm(
        {
            "email": row.email,
            "full_name": row.full_name,
            "role": role,
            "started_on": row.started_on or timezone.localdate().isoformat(),
            **place,
        },
        cluster=cluster,
    )
    if not form.is_valid():
        return RowOutcome(row, REFUSED, role_label, _reasons(ValidationError(form.errors), form))
    email = form.cleaned_data["email"].strip().lower()
    key = (email, role)
    if key in seen:
        return RowOutcome(
            row,
            REFUSED,
            role_label,
            _("The same person and role as line %(line)s.") % {"line": seen[key]},
        )
    seen[key] = row.line
    if key in open_entries:
        return RowOutcome(row, UNCHANGED, role_label)
    try:
        with transaction.atomic():  # a refused row leaves nothing behind
            _entry, invited = roster_add_or_invite_person(
                cluster=cluster, actor=actor, **form.cleaned_data
            )
    except ValidationError as error:
        return RowOutcome(row, REFUSED, role_label, _reasons(error, form))
    return RowOutcome(row, INVITE if invited else ADD, role_label)


def _run(cluster: Cluster, rows: Sequence[ImportRow], actor: User | None) -> ImportPlan:
    places = _Places(cluster)
    open_entries = {
        (email.lower(), role)
        for email, role in RosterEntry.objects.current()
        .filter(cluster=cluster)
        .values_list("user__email", "role")
    }
    seen: dict[tuple[str, str], int] = {}
    return ImportPlan(
        [
            _one_row(cluster, row, places=places, open_entries=open_entries, seen=seen, actor=actor)
            for row in rows
        ]
    )


def roster_import_dry_run(
    *, cluster: Cluster, rows: Sequence[ImportRow], actor: User | None
) -> ImportPlan:
    """What importing ``rows`` would do. The import runs and is rolled back: nothing is
    saved and nobody is invited."""
    with transaction.atomic():
        plan = _run(cluster, rows, actor)
        transaction.set_rollback(True)
    return plan


def roster_import_apply(
    *, cluster: Cluster, rows: Sequence[ImportRow], actor: User | None, expected: str
) -> tuple[ImportPlan, bool]:
    """Import ``rows`` in one transaction if the result is the dry run the person saw
    (``expected``, its fingerprint); returns (plan, applied). If anything changed meanwhile
    (a person added by hand, a member left), nothing is saved and the plan is the new dry run.

    The cluster row is locked, so two imports into one cluster run one after the other.
    """
    with transaction.atomic():
        Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
        plan = _run(cluster, rows, actor)
        if plan.fingerprint != expected:
            transaction.set_rollback(True)
            return plan, False
    return plan, True
