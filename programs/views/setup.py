"""Setting programmes up: create from a template, edit the frame. Managers and admins only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from innocities.core.forms import call_service, posted
from innocities.core.permissions import Level, admin_or_manager_required, roles_for
from programs.forms import ProgramCreateForm, ProgramEditForm
from programs.permissions import get_program_for_user
from programs.services import program_create_from_template, program_edit


def _prefill(request: HttpRequest) -> dict[str, int]:
    """Municipality and cluster from the query string (the dashboard's "create" links)."""
    return {
        name: int(value)
        for name in ("municipality", "cluster")
        if (value := request.GET.get(name, "")).isdigit()
    }


@require_http_methods(["GET", "POST"])
@admin_or_manager_required
def create(request: HttpRequest) -> HttpResponse:
    form = ProgramCreateForm(posted(request), roles=roles_for(request), initial=_prefill(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        program = call_service(
            form,
            program_create_from_template,
            municipality=data["municipality"],
            cluster=data["cluster"],
            template=data["template"],
            starts_on=data["starts_on"],
            title=data["title"].strip(),
            goals=data["goals"],
            coordinators=list(data["coordinators"]),
            status=data["status"],
            actor=request.user,
        )
        if program is not None:
            messages.success(
                request, _("The programme “%(title)s” was created.") % {"title": program.title}
            )
            return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(request, pk, level=Level.MANAGE).obj
    form = ProgramEditForm(posted(request), program=program)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        coordinators = list(data.pop("coordinators"))
        saved = call_service(
            form,
            program_edit,
            program=program,
            actor=request.user,
            coordinators=coordinators,
            **data,
        )
        if saved is not None:
            messages.success(request, _("The programme was saved."))
            return redirect("programs:detail", pk=program.pk)
        # The service set the refused values on the object; the page header shows the saved ones.
        program.refresh_from_db()
    return render(request, "programs/program_form.html", {"form": form, "program": program})
