"""A municipality's own needs: the list, and the forms to record and change them.

Reading: whoever may see the municipality's programmes (its coordinators and viewers,
managers of its clusters, administrators); anyone else gets 404. Writing: its coordinators,
its clusters' managers and administrators (EDIT on the municipality); viewers get 403. Needs
are fetched through the municipality.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusters.forms import MunicipalityNeedForm
from clusters.services import need_create, need_update
from innocities.core.forms import call_service, posted
from innocities.core.permissions import Level
from municipalities.models import Municipality
from municipalities.permissions import get_municipality_for_user


def _list_url(municipality: Municipality) -> str:
    return reverse("needs:list", kwargs={"pk": municipality.pk})


@require_GET
def list_view(request: HttpRequest, pk: int) -> HttpResponse:
    municipality, level = get_municipality_for_user(request, pk)
    needs = list(municipality.needs.order_by("-created_at", "-pk"))
    return render(
        request,
        "needs/list.html",
        {"municipality": municipality, "needs": needs, "can_edit": level >= Level.EDIT},
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request, pk, level=Level.EDIT).obj
    form = MunicipalityNeedForm(posted(request))
    if request.method == "POST" and form.is_valid():
        need = call_service(
            form, need_create, municipality=municipality, actor=request.user, **form.cleaned_data
        )
        if need is not None:
            messages.success(request, _("The need “%(title)s” was saved.") % {"title": need.title})
            return redirect(_list_url(municipality))
    return render(
        request, "needs/form.html", {"municipality": municipality, "form": form, "need": None}
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, need_pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request, pk, level=Level.EDIT).obj
    need = get_object_or_404(municipality.needs, pk=need_pk)
    initial = {
        "title": need.title,
        "description": need.description,
        "theme": need.theme,
        "priority": need.priority,
        "sdg_goals": need.sdg_goals,
    }
    form = MunicipalityNeedForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, need_update, need=need, actor=request.user, **form.cleaned_data)
        if saved is not None:
            messages.success(request, _("The need “%(title)s” was saved.") % {"title": need.title})
            return redirect(_list_url(municipality))
    return render(
        request, "needs/form.html", {"municipality": municipality, "form": form, "need": need}
    )
