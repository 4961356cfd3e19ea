"""CSV files that a spreadsheet program opens as data, never as formulas.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as
a formula by Excel, LibreOffice and Google Sheets ("CSV injection"): a task titled
``=HYPERLINK(…)`` would become a live link in a coordinator's spreadsheet. Such a cell gets a
leading single quote, as OWASP recommends; the program then shows the text as it was typed.
Only text is neutralised: a number (``-3`` from a numeric field) is data and stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.functional import Promise

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
