"""Importing people onto a cluster's roster from a file: upload, dry run, import.

For the cluster's programme managers and administrators (Level.MANAGE). The rows read from
the file wait in the person's session between the dry run and the import, so what is
imported is exactly what was checked; the import is refused (and the new dry run shown) if
its result would differ from the dry run the person saw.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clusters.models import Cluster
from clusters.permissions import get_cluster_for_user
from clusters.roster_import import (
    ImportFileError,
    ImportPlan,
    read_roster_file,
    roster_import_apply,
    roster_import_dry_run,
    rows_from_session,
    rows_to_session,
)
from innocities.core.permissions import Level


class RosterFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) or a CSV file of at most 1 MB. The first row names the "
            "columns: e-mail, full name, role, municipality code or organisation, from."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-"
                "officedocument.spreadsheetml.sheet"
            }
        ),
    )


def _session_key(cluster: Cluster) -> str:
    return f"roster_import:{cluster.pk}"


def _page(
    request: HttpRequest,
    cluster: Cluster,
    *,
    form: RosterFileForm | None = None,
    plan: ImportPlan | None = None,
    filename: str = "",
) -> HttpResponse:
    context: dict[str, Any] = {
        "cluster": cluster,
        "form": form or RosterFileForm(),
        "plan": plan,
        "filename": filename,
        "title": _("Import people onto the roster"),
    }
    return render(request, "clusters/roster_import.html", context)


@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the upload form. POST with a file: read it and show the dry run. POST
    ``action=import``: import the rows of the dry run, if nothing changed since."""
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    key = _session_key(cluster)
    if request.method == "GET":
        request.session.pop(key, None)
        return _page(request, cluster)
    if request.POST.get("action") == "import":
        return _apply(request, cluster, key)
    form = RosterFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, cluster, form=form)
    upload = form.cleaned_data["file"]
    try:
        rows = read_roster_file(upload)
    except ImportFileError as error:
        form.add_error("file", str(error))
        return _page(request, cluster, form=form)
    request.session[key] = {"rows": rows_to_session(rows), "filename": upload.name[:200]}
    plan = roster_import_dry_run(cluster=cluster, rows=rows, actor=request.user)  # type: ignore[arg-type]
    return _page(request, cluster, plan=plan, filename=upload.name)


def _apply(request: HttpRequest, cluster: Cluster, key: str) -> HttpResponse:
    stored = request.session.get(key)
    if not stored:
        messages.error(request, _("The uploaded file is no longer here: upload it again."))
        return redirect("clusters:roster_import", pk=cluster.pk)
    rows = rows_from_session(stored["rows"])
    plan, applied = roster_import_apply(
        cluster=cluster,
        rows=rows,
        actor=request.user,  # type: ignore[arg-type]
        expected=request.POST.get("fingerprint", ""),
    )
    if not applied:
        messages.warning(
            request,
            _(
                "The roster changed since the dry run, so nothing was imported. This is what "
                "the import would do now: check it and import again."
            ),
        )
        return _page(request, cluster, plan=plan, filename=stored.get("filename", ""))
    del request.session[key]
    messages.success(
        request,
        _(
            "Imported: %(invited)s people invited, %(added)s roster entries added, "
            "%(unchanged)s unchanged, %(refused)s rows refused."
        )
        % {
            "invited": len(plan.invited),
            "added": len(plan.added),
            "unchanged": len(plan.unchanged),
            "refused": len(plan.refused),
        },
    )
    return redirect(reverse("portal:cluster_detail", args=[cluster.pk]) + "#people")
