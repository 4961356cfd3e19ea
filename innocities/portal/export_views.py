"""Download of the municipality list, with the filters (and order) of the list page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from innocities.core.permissions import roles_for
from innocities.core.spreadsheets import FORMATS, spreadsheet_response
from innocities.portal.exports import municipality_table
from innocities.portal.filters import MunicipalityFilter
from innocities.portal.selectors import municipalities_with_clusters


@require_GET
def municipality_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every municipality the list's filters match (not only one page); an invalid filter
    exports no rows, as the list shows none. Reference data: every signed-in person."""
    if fmt not in FORMATS:
        raise Http404("Unknown export format.")
    roles = roles_for(request)
    queryset = municipalities_with_clusters(roles=roles).order_by("name", "country", "code")
    filterset = MunicipalityFilter(request.GET or None, queryset=queryset, roles=roles)
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    return spreadsheet_response([municipality_table(rows)], fmt, name=_("municipalities"), what="")
