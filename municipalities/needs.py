"""A municipality's own needs: the list, and the forms to record and change them.

Reading: whoever may see the municipality's programmes (its coordinators and viewers,
managers of its clusters, administrators); anyone else gets 404. Writing: its coordinators,
its clusters' managers and administrators; viewers get 403. Needs are fetched through the
municipality.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusters.models import Need
from clusters.services import need_create, need_update
from innocities.core.permissions import Roles, roles_for
from municipalities.models import Municipality
from municipalities.needs_forms import NeedForm
from municipalities.selectors import can_manage_people
from programs.forms import add_service_error


def can_edit_needs(roles: Roles, municipality: Municipality) -> bool:
    return municipality.pk in roles.coordinator_municipality_ids or can_manage_people(
        roles, municipality
    )


def _get_municipality(request: HttpRequest, pk: int, *, write: bool) -> Municipality:
    """The municipality if the person may read its needs (else 404), and write them if asked
    (else 403)."""
    municipality = Municipality.objects.select_related("county").filter(pk=pk).first()
    if municipality is None:
        raise Http404
    roles = roles_for(request)
    may_edit = can_edit_needs(roles, municipality)
    if not (may_edit or municipality.pk in roles.municipality_ids):
        raise Http404
    if write and not may_edit:
        raise PermissionDenied
    request.can_edit_needs = may_edit  # type: ignore[attr-defined]
    return municipality


def _list_url(municipality: Municipality) -> str:
    return reverse("needs:list", kwargs={"pk": municipality.pk})


@require_GET
def list_view(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = _get_municipality(request, pk, write=False)
    needs = list(municipality.needs.order_by("-created_at", "-pk"))
    return render(
        request,
        "needs/list.html",
        {
            "municipality": municipality,
            "needs": needs,
            "can_edit": request.can_edit_needs,  # type: ignore[attr-defined]
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = _get_municipality(request, pk, write=True)
    form = NeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            need = need_create(municipality=municipality, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The need “%(title)s” was saved.") % {"title": need.title})
            return redirect(_list_url(municipality))
    return render(
        request, "needs/form.html", {"municipality": municipality, "form": form, "need": None}
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, need_pk: int) -> HttpResponse:
    municipality = _get_municipality(request, pk, write=True)
    need: Need | None = municipality.needs.filter(pk=need_pk).first()
    if need is None:
        raise Http404
    initial = {
        "title": need.title,
        "description": need.description,
        "theme": need.theme,
        "priority": need.priority,
        "sdg_goals": need.sdg_goals,
    }
    form = NeedForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            need_update(need=need, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The need “%(title)s” was saved.") % {"title": need.title})
            return redirect(_list_url(municipality))
    return render(
        request, "needs/form.html", {"municipality": municipality, "form": form, "need": need}
    )
