"""CSV and XLSX files that a spreadsheet program opens as data, never as formulas.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as
a formula by Excel, LibreOffice and Google Sheets ("CSV injection"): a task titled
``=HYPERLINK(…)`` would become a live link in a coordinator's spreadsheet. Such a cell gets a
leading single quote, as OWASP recommends; the program then shows the text as it was typed.
Only text is neutralised: a number (``-3`` from a numeric field) is data and stays a number.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` ready for a CSV cell: text that a spreadsheet would run is prefixed with
    ``'``; numbers, dates and everything else are returned unchanged."""
    if isinstance(value, Promise):  # a lazy translation, e.g. a status label
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


# RFC 4180's record end. The csv module quotes a cell holding any character of the line
# terminator, so with CRLF a CR or LF inside a title is quoted too; with a bare "\n" a CR in
# a cell is written unquoted and a spreadsheet program ends the row there.
LINE_TERMINATOR = "\r\n"


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every cell goes through ``safe_cell``, with CRLF line ends."""

    def __init__(self, f: Any, fieldnames: Sequence[str], **kwargs: Any) -> None:
        if kwargs.setdefault("lineterminator", LINE_TERMINATOR) != LINE_TERMINATOR:
            raise ValueError("A CSV the portal writes ends its rows with CRLF.")
        super().__init__(f, fieldnames, **kwargs)

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow(safe_row(rowdict))

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


# --- exports people open: XLSX, and CSV in the reader's layout ------------------------------

# Swedish and Norwegian spreadsheet programs expect ";" between cells and "," in decimals
# (their list separator is the comma's job as the decimal mark); a UTF-8 file needs a BOM
# before Excel reads "å" as one letter. English readers get the RFC 4180 comma and plain UTF-8.
NORDIC_LANGUAGES = ("sv", "nb", "nn", "no", "da")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MIN_WIDTH = 8
MAX_WIDTH = 60


@dataclass(frozen=True)
class CsvLayout:
    delimiter: str
    encoding: str
    decimal: str


def csv_layout(language: str | None = None) -> CsvLayout:
    """The layout a reader's spreadsheet program opens as columns (the active language by
    default)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()[:2]
    if code in NORDIC_LANGUAGES:
        return CsvLayout(delimiter=";", encoding="utf-8-sig", decimal=",")
    return CsvLayout(delimiter=",", encoding="utf-8", decimal=".")


@dataclass
class Table:
    """One sheet: a title (the sheet's name), its column headers and its rows of values.

    Values are kept as their Python types: ``date``/``datetime`` become date cells, ``int``,
    ``float`` and ``Decimal`` numbers, everything else text (lazy translations included).
    """

    title: str
    headers: Sequence[Any]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)


def _local(value: dt.datetime) -> dt.datetime:
    # A spreadsheet has no time zones: the reader's local time, as the pages show it.
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _plain(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _text_width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = "" if value is None else str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """An XLSX workbook, one sheet per table: a bold, filled, frozen header row with an auto
    filter, columns as wide as their content (within limits), dates as date cells, numbers as
    numbers and text as text — never a formula, whatever the text starts with."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_font = Font(bold=True)
    header_fill = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
    for table in tables:
        # A sheet name has at most 31 characters and none of []:*?/\ .
        name = "".join(c for c in str(table.title) if c not in "[]:*?/\\")[:31] or "Sheet"
        sheet = workbook.create_sheet(title=name)
        widths = [_text_width(_plain(header)) for header in table.headers]
        for index, header in enumerate(table.headers, start=1):
            cell = sheet.cell(row=1, column=index)
            _set_text(cell, str(_plain(header)))
            cell.font = header_font
            cell.fill = header_fill
        for row_index, row in enumerate(table.rows, start=2):
            for column_index, raw in enumerate(row, start=1):
                value = _plain(raw)
                cell = sheet.cell(row=row_index, column=column_index)
                if value is None or value == "":
                    pass
                elif isinstance(value, dt.datetime):
                    cell.value = _local(value)
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, dt.date):
                    cell.value = value
                    cell.number_format = DATE_FORMAT
                elif _is_number(value):
                    cell.value = value
                else:
                    _set_text(cell, str(value))
                if column_index <= len(widths):
                    widths[column_index - 1] = max(widths[column_index - 1], _text_width(value))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                MAX_WIDTH, max(MIN_WIDTH, width + 2)
            )
        sheet.freeze_panes = "A2"
        if table.headers:
            last = get_column_letter(len(table.headers))
            sheet.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
    if not tables:
        workbook.create_sheet(title="Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_text(cell: Any, text: str) -> None:
    """Text as a text cell. openpyxl reads a string starting with "=" as a formula, so the
    type is set after the value; a text a spreadsheet would run when edited (the triggers of
    ``safe_cell``) also gets the quote prefix, the XLSX form of ``safe_cell``'s quote."""
    # An XLSX cannot hold most control characters; they are never data people meant.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def _csv_value(value: Any, layout: CsvLayout) -> Any:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (float, Decimal)):
        return str(value).replace(".", layout.decimal)
    if _is_number(value):
        return str(value)
    return safe_cell(str(value))


def csv_bytes(table: Table, *, language: str | None = None) -> bytes:
    """One table as CSV in the reader's layout (``csv_layout``), CRLF line ends, every text
    cell through ``safe_cell``."""
    layout = csv_layout(language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator=LINE_TERMINATOR)
    writer.writerow([_csv_value(header, layout) for header in table.headers])
    for row in table.rows:
        writer.writerow([_csv_value(value, layout) for value in row])
    return buffer.getvalue().encode(layout.encoding)


def csv_relayout(data: bytes, *, language: str | None = None) -> bytes:
    """A CSV the portal wrote earlier (a report's frozen file, in either layout: a BOM marks
    the Nordic one) in the reader's layout. Cells keep their text; a decimal number's mark is
    swapped. A file already in the reader's layout is returned as it is."""
    target = csv_layout(language)
    source = csv_layout("sv" if data.startswith(codecs.BOM_UTF8) else "en")
    if source == target:
        return data
    decimal = re.compile(rf"-?\d+{re.escape(source.decimal)}\d+")
    reader = csv.reader(
        io.StringIO(data.decode(source.encoding), newline=""), delimiter=source.delimiter
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=target.delimiter, lineterminator=LINE_TERMINATOR)
    for row in reader:
        writer.writerow(
            [
                cell.replace(source.decimal, target.decimal) if decimal.fullmatch(cell) else cell
                for cell in row
            ]
        )
    return buffer.getvalue().encode(target.encoding)


def export_filename(name: str, what: str, extension: str, *, day: dt.date | None = None) -> str:
    """``<name-slug>-<what>-<YYYY-MM-DD>.<extension>``, ASCII only (``Västra`` → ``vastra``)."""
    day = day or timezone.localdate()
    stem = "-".join(part for part in (slugify(name), slugify(what)) if part) or "export"
    return f"{stem}-{day.isoformat()}.{extension}"


def spreadsheet_response(
    tables: Sequence[Table], fmt: str, *, name: str, what: str
) -> HttpResponse:
    """The tables as a download: ``fmt`` "xlsx" (a sheet per table) or "csv" (the first table,
    in the active language's layout). Any other format is 404."""
    if fmt == "xlsx":
        content, content_type = xlsx_bytes(tables), XLSX_CONTENT_TYPE
    elif fmt == "csv":
        content, content_type = csv_bytes(tables[0]), CSV_CONTENT_TYPE
    else:
        raise Http404("Unknown export format.")
    response = HttpResponse(content, content_type=content_type)
    filename = export_filename(name, what, fmt)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
