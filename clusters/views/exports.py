"""Downloads of a cluster's roster and meetings: whoever may read the cluster page may export
what it shows (e-mail addresses only for its managers, as on the page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusters.exports import meetings_table, roster_table
from clusters.permissions import get_cluster_for_user
from innocities.core.spreadsheets import spreadsheet_response


@require_GET
def roster_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    access = get_cluster_for_user(request, pk)
    table = roster_table(access.obj, with_email=access.can_manage)
    return spreadsheet_response([table], fmt, name=access.obj.name, what=_("roster"))


@require_GET
def meetings_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk).obj
    return spreadsheet_response(
        [meetings_table(cluster)], fmt, name=cluster.name, what=_("meetings")
    )
