from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusters.benchmarks import MIN_GROUP
from innocities.core.permissions import roles_for
from municipalities.filters import MunicipalityFilter
from municipalities.forms import BenchmarkSharingForm, MembershipGrantForm
from municipalities.models import Municipality
from municipalities.selectors import (
    can_manage_people,
    may_change_settings,
    municipality_access,
    municipality_list,
    municipality_page,
    municipality_people,
    share_benchmarks_history,
)
from municipalities.services import (
    municipality_membership_grant_by_email,
    municipality_membership_revoke,
    municipality_share_benchmarks,
)
from programs.selectors import program_summaries

PAGE_SIZE = 50


def _get_municipality(pk: int) -> Municipality:
    # Reference data: every signed-in person may read every municipality's facts.
    return get_object_or_404(Municipality.objects.select_related("county"), pk=pk)


def _get_municipality_to_manage(request: HttpRequest, pk: int) -> Municipality:
    """The municipality, if the person may appoint its people: 404 if none, else 403."""
    municipality = _get_municipality(pk)
    if not can_manage_people(roles_for(request), municipality):
        raise PermissionDenied
    return municipality


def _get_municipality_for_settings(request: HttpRequest, pk: int) -> Municipality:
    """The municipality, if the person may change its settings.

    Its viewers get 403 (they belong to it but may not decide for it); anyone with no role
    there gets 404, as for its programmes: a setting is the municipality's own business.
    """
    municipality = _get_municipality(pk)
    roles = roles_for(request)
    if may_change_settings(roles, municipality):
        return municipality
    if municipality.pk in roles.viewer_municipality_ids:
        raise PermissionDenied
    raise Http404


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    queryset = municipality_list(roles=roles).order_by("name", "country", "code")
    filterset = MunicipalityFilter(request.GET or None, queryset=queryset, roles=roles)
    # An invalid filter (e.g. a cluster outside the person's scope) shows its error and no rows
    # rather than silently ignoring the filter.
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "municipalities/list.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "query": query.urlencode(),
        },
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = _get_municipality(pk)
    roles = roles_for(request)
    access = municipality_access(roles, municipality)
    content = municipality_page(roles=roles, municipality=municipality, access=access)
    summaries = program_summaries(program.pk for program in content.programs)
    programs = [(program, summaries.get(program.pk)) for program in content.programs]
    return render(
        request,
        "municipalities/detail.html",
        {
            "municipality": municipality,
            "access": access,
            "memberships": content.memberships,
            "needs": content.needs,
            "people": content.people,
            "programs": programs,
        },
    )


@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """Appoint coordinators and viewers: managers of its clusters and administrators only."""
    municipality = _get_municipality_to_manage(request, pk)
    form = MembershipGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership, invited = municipality_membership_grant_by_email(
                municipality=municipality, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            values = {
                "person": membership.user,
                "role": membership.get_role_display().lower(),
                "municipality": municipality.name,
            }
            if invited:
                message = _(
                    "%(person)s was invited by e-mail and is now %(role)s of %(municipality)s."
                )
            else:
                message = _("%(person)s is now %(role)s of %(municipality)s.")
            messages.success(request, message % values)
            return redirect("municipalities:members", pk=municipality.pk)
    return render(
        request,
        "municipalities/members.html",
        {
            "municipality": municipality,
            "form": form,
            "people": municipality_people(municipality),
        },
    )


@require_POST
def member_revoke(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    municipality = _get_municipality_to_manage(request, pk)
    membership = get_object_or_404(
        municipality.memberships.select_related("user"), pk=membership_pk
    )
    try:
        municipality_membership_revoke(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s no longer has a role in %(municipality)s.")
            % {"person": membership.user, "municipality": municipality.name},
        )
    if request.htmx:
        return render(
            request,
            "municipalities/_people.html",
            {
                "municipality": municipality,
                "people": municipality_people(municipality),
                "fragment": True,
            },
        )
    return redirect("municipalities:members", pk=municipality.pk)


@require_http_methods(["GET", "POST"])
def municipality_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Benchmark sharing: on or off, with who changed it and when."""
    municipality = _get_municipality_for_settings(request, pk)
    initial = {"share": "yes" if municipality.share_benchmarks else "no"}
    # An empty POST still binds, so it shows its error instead of silently doing nothing.
    data = request.POST if request.method == "POST" else None
    form = BenchmarkSharingForm(data, initial=initial)
    if form.is_valid():
        changed = municipality_share_benchmarks(
            municipality=municipality, share=form.cleaned_data["share"], actor=request.user
        )
        values = {"municipality": municipality.name}
        if not changed:
            messages.info(request, _("Nothing changed."))
        elif municipality.share_benchmarks:
            messages.success(
                request, _("%(municipality)s now shares its benchmarks with its clusters.") % values
            )
        else:
            messages.success(
                request, _("%(municipality)s no longer shares its benchmarks.") % values
            )
        return redirect("municipalities:settings", pk=municipality.pk)
    return render(
        request,
        "municipalities/settings.html",
        {
            "municipality": municipality,
            "form": form,
            "changes": share_benchmarks_history(municipality),
            "min_group": MIN_GROUP,
        },
    )
