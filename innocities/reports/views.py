"""Report pages: the list per programme and per cluster, downloads, and asking for one now.

Programme reports are read by everyone who may read the programme. Cluster reports hold
every member municipality's figures, which the cluster page shows only to its managers, so
they need MANAGE on the cluster (its other readers get 403, outsiders 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters.permissions import get_cluster_for_user
from innocities.core.permissions import Level
from innocities.core.spreadsheets import csv_relayout
from innocities.reports.on_demand import report_request
from innocities.reports.permissions import get_report_for_user
from innocities.reports.selectors import reports_for
from programs.permissions import get_program_for_user

LIST_LIMIT = 60


def _render_list(request: HttpRequest, context: dict[str, object]) -> HttpResponse:
    reports = list(context["reports"][:LIST_LIMIT])  # type: ignore[index]
    context = {
        **context,
        "reports": reports,
        "polling": any(report.is_pending for report in reports),
    }
    # htmx polls the table while a report is being built; it swaps in the fragment only.
    template = "reports/_report_table.html" if request.htmx else "reports/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
def program_list(request: HttpRequest, pk: int) -> HttpResponse:
    program, level = get_program_for_user(request, pk)
    return _render_list(
        request,
        {
            "program": program,
            "reports": reports_for(program=program),
            "can_request": level >= Level.MANAGE,
        },
    )


@require_GET
def cluster_list(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    return _render_list(
        request, {"cluster": cluster, "reports": reports_for(cluster=cluster), "can_request": True}
    )


@require_POST
def request_program(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(request, pk, level=Level.MANAGE).obj
    report_request(actor=request.user, program=program)  # type: ignore[arg-type]
    messages.success(request, _("The report is queued. This page shows when it is ready."))
    return redirect("reports:program_list", pk=program.pk)


@require_POST
def request_cluster(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    report_request(actor=request.user, cluster=cluster)  # type: ignore[arg-type]
    messages.success(request, _("The report is queued. This page shows when it is ready."))
    return redirect("reports:cluster_list", pk=cluster.pk)


@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report's PDF or CSV, for those who may see the report's list (404 otherwise,
    including for a report that is not built yet)."""
    if fmt not in ("pdf", "csv"):
        raise Http404
    # The scope is checked before anything about the report is revealed.
    report = get_report_for_user(request, pk).obj
    file = report.pdf if fmt == "pdf" else report.csv
    if not report.is_done or not file:
        raise Http404
    # Reports are small (a few hundred kB): read whole, so no file handle outlives the request.
    try:
        with file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    if fmt == "csv":
        # Frozen in the report's language's layout; the reader gets theirs.
        content = csv_relayout(content)
    content_type = "application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file.name.rsplit("/", 1)[-1]
    )
    return response
