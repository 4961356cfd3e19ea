"""Downloads of a programme's plan: whoever may read the programme page may export it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from innocities.core.spreadsheets import spreadsheet_response
from programs.exports import program_items_table
from programs.permissions import get_program_for_user


@require_GET
def program_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The tasks and milestones as XLSX or CSV (``fmt``); another format is 404."""
    program = get_program_for_user(request, pk).obj
    return spreadsheet_response(
        [program_items_table(program)], fmt, name=program.title, what=_("tasks")
    )
