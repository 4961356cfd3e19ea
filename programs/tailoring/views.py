"""Tailoring pages, for programme managers and administrators.

Who: the managers of a cluster the municipality is an open member of, and administrators.
Its coordinators and viewers get 403 (they see its programmes, not their set-up); anyone
else 404. The index lists the municipalities a person may tailor for; others get 403.

The schedule preview comes in place: with htmx, a change to the form (or the preview
button) posts it to ``preview``, which answers with the schedule fragment for the live
region beside the controls. Without JavaScript the preview button posts the whole form to
``preview`` as well, which then answers with the whole page, the schedule in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innocities.core.forms import call_service, posted
from innocities.core.languages import municipality_language, reader_language
from innocities.core.permissions import Level, admin_or_manager_required, roles_for
from municipalities.permissions import get_municipality_for_user
from programs.tailoring.forms import NEW, TailoringForm
from programs.tailoring.selectors import (
    tailoring_basis,
    tailoring_candidates,
    with_tailoring_facts,
)
from programs.tailoring.services import plan_modules, program_create_tailored, program_extend
from programs.workdays import closed_reason

# Municipalities on a page of the index: an administrator may tailor for all 650.
PAGE_SIZE = 25


@require_GET
@admin_or_manager_required
def index(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    roles = roles_for(request)
    candidates = tailoring_candidates(roles, search=search)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_tailoring_facts(page.object_list, roles)
    query = QueryDict(mutable=True)
    if search:
        query["q"] = search
    return render(
        request,
        "tailoring/index.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "query": query.urlencode(),
            "search": search,
        },
    )


def _schedule(form: TailoringForm) -> list[dict[str, Any]]:
    """The preview: each chosen module's dates, and why a date moved."""
    program = form.target_program()
    municipality = form.basis.municipality
    first = 1 + max((m.position for m in program.modules.all()), default=0) if program else 1
    planned = plan_modules(
        choices=form.choices,
        starts_on=form.cleaned_data["starts_on"],
        country=municipality.country,
        first_position=first,
    )
    return [
        {
            "item": item,
            "reason": form.shown_reasons[item.module.pk],
            "why_moved": closed_reason(item.planned_on, municipality.country) if item.moved else "",
        }
        for item in planned
    ]


def _schedule_context(
    form: TailoringForm, schedule: list[dict[str, Any]] | None
) -> dict[str, object]:
    """The schedule and its span (first start, last end) for ``_schedule.html``."""
    planned = [entry["item"] for entry in schedule or []]
    span = (min(p.starts_on for p in planned), max(p.ends_on for p in planned)) if planned else None
    language = municipality_language(form.basis.municipality)
    return {
        "form": form,
        "municipality": form.basis.municipality,
        "schedule": schedule,
        "span": span,
        # Suggested reasons are saved in the municipality's language: say so when it is
        # not the reader's.
        "saved_in": get_language_info(language)["name_translated"]
        if language != reader_language()
        else "",
    }


def _page(
    request: HttpRequest, form: TailoringForm, schedule: list[dict[str, Any]] | None
) -> HttpResponse:
    return render(
        request,
        "tailoring/tailor.html",
        {**_schedule_context(form, schedule), "basis": form.basis, "rows": form.rows()},
    )


def _form(request: HttpRequest, pk: int) -> TailoringForm:
    municipality = get_municipality_for_user(request, pk, level=Level.MANAGE).obj
    basis = tailoring_basis(municipality=municipality, roles=roles_for(request))
    return TailoringForm(posted(request), basis=basis, actor=request.user)


@require_POST
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The schedule the form would give, nothing saved: a fragment for htmx, else the page."""
    form = _form(request, pk)
    schedule = _schedule(form) if form.is_valid() else None
    if not request.htmx:  # type: ignore[attr-defined]
        return _page(request, form, schedule)
    return render(request, "tailoring/_schedule.html", _schedule_context(form, schedule))


@require_http_methods(["GET", "POST"])
def tailor(request: HttpRequest, pk: int) -> HttpResponse:
    form = _form(request, pk)
    municipality = form.basis.municipality
    schedule = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            schedule = _schedule(form)
        elif data["target"] == NEW:
            program = call_service(
                form,
                program_create_tailored,
                municipality=municipality,
                cluster=data["cluster"],
                starts_on=data["starts_on"],
                choices=form.choices,
                actor=request.user,
                title=data["title"],
                goals=data["goals"],
                coordinators=list(data["coordinators"]),
                status=data["status"],
                duration_months=data["duration_months"] or 36,
            )
            if program is not None:
                messages.success(
                    request,
                    _("The programme “%(title)s” was created with %(count)s modules.")
                    % {"title": program.title, "count": len(form.choices)},
                )
                return redirect("programs:detail", pk=program.pk)
        else:
            program = form.target_program()
            assert program is not None  # the choice field allows nothing else
            planned = call_service(
                form,
                program_extend,
                program=program,
                starts_on=data["starts_on"],
                choices=form.choices,
                actor=request.user,
            )
            if planned is not None:
                messages.success(
                    request,
                    _("%(count)s modules were added to “%(title)s”.")
                    % {"title": program.title, "count": len(form.choices)},
                )
                return redirect("programs:detail", pk=program.pk)
    return _page(request, form, schedule)
