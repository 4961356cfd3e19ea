"""Peers' scaled pilots: the list, one pilot's read-only peer view, and adopting it.

Who reads a peer view and who adopts is decided in ``programs.adoption.permissions``: outside
the pilot's peers (or for an initiative that is no scaled pilot) 404, a reader who may not
adopt 403 on the adopt button.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from innocities.accounts.models import User
from innocities.core.forms import call_service
from innocities.core.permissions import Access, Level, roles_for
from programs.adoption import services
from programs.adoption.forms import AdoptForm
from programs.adoption.permissions import adopters_for, get_pilot_for_user
from programs.adoption.selectors import (
    SHOWN_SUGGESTIONS,
    peer_view,
    pilot_suggestions,
    pilots_for,
    suggestion_rows,
)
from programs.initiatives.models import Initiative

PAGE_SIZE = 50


@require_GET
def pilot_list(request: HttpRequest) -> HttpResponse:
    """The scaled pilots of the person's peers (and their own), newest first. Someone with no
    peers sees an empty list."""
    page = Paginator(pilots_for(roles_for(request)), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "adoption/pilot_list.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)},
    )


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """Peers' scaled pilots for the needs of the person's municipalities. The dashboard loads
    the first few with htmx, as a section (nothing when there is none); without JavaScript its
    link opens them all as a page. Someone with no municipality gets none."""
    roles = roles_for(request)
    htmx = bool(getattr(request, "htmx", False))
    rows = suggestion_rows(
        pilot_suggestions(roles.municipality_ids, limit=SHOWN_SUGGESTIONS if htmx else None),
        roles,
    )
    return render(
        request,
        "adoption/_suggestions.html" if htmx else "adoption/suggestions.html",
        {"rows": rows, "show_municipality": True, "heading_id": "pilot-suggestions"},
    )


def _render_pilot(
    request: HttpRequest, access: Access[Initiative], form: AdoptForm | None = None
) -> HttpResponse:
    roles = roles_for(request)
    pilot = access.obj
    view = peer_view(pilot, roles)
    choices = (
        [m for m in adopters_for(roles, pilot) if m.pk not in view.adopter_ids]
        if access.can_edit
        else []
    )
    return render(
        request,
        "adoption/pilot.html",
        {
            "pilot": pilot,
            "view": view,
            "choices": choices,
            "form": form,
            "can_adopt": access.can_edit,
            "is_own": pilot.municipality_id in roles.municipality_ids,
        },
    )


@require_GET
def pilot(request: HttpRequest, pk: int) -> HttpResponse:
    """The peer view: what a peer may read of a scaled pilot, and the adopt button."""
    return _render_pilot(request, get_pilot_for_user(request, pk))


@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """Adopt the pilot for one of the person's municipalities (coordinators; administrators
    choose). Then on to the new initiative's page, from which its concept gate is next. A
    refusal (adopted already, no longer scaled) shows the peer view with the reason."""
    access = get_pilot_for_user(request, pk, level=Level.EDIT)
    form = AdoptForm(request.POST, municipalities=adopters_for(roles_for(request), access.obj))
    if form.is_valid():
        copy = call_service(
            form,
            services.pilot_adopt,
            source=access.obj,
            municipality=form.cleaned_data["municipality"],
            # Signed in: LoginRequiredMiddleware, and the getter found a role.
            actor=cast(User, request.user),
        )
        if copy is not None:
            messages.success(
                request,
                _(
                    "%(municipality)s adopted “%(title)s”. It starts at the concept stage: "
                    "check the challenge and the assumptions, then record the decision on the "
                    "pilot."
                )
                % {"municipality": copy.owner_name, "title": copy.title},
            )
            return redirect("initiatives:detail", pk=copy.pk)
    messages.error(request, _("The pilot was not adopted: see the reason below."))
    return _render_pilot(request, access, form)
