"""A municipality's people and settings, and inviting people to the portal.

The municipality's own page and the list are the portal's (``innocities.portal``): they show
its clusters and programmes too.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from innocities.accounts.services import user_invite
from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.languages import language_for_country
from innocities.core.permissions import Level, admin_or_manager_required, roles_for
from innocities.core.ratelimits import rate_limited
from municipalities.forms import BenchmarkSharingForm, InviteForm, MembershipGrantForm
from municipalities.models import BENCHMARK_MIN_GROUP
from municipalities.permissions import (
    get_municipality_for_user,
    get_reference_municipality,
    manageable_municipalities,
)
from municipalities.selectors import municipality_people, share_benchmarks_history
from municipalities.services import (
    municipality_membership_grant_by_email,
    municipality_membership_revoke,
    municipality_share_benchmarks,
)


@require_http_methods(["GET", "POST"])
@rate_limited("invite", per_user=True)
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """Appoint coordinators and viewers: managers of its clusters and administrators only
    (everyone else 403: the municipality itself is reference data)."""
    municipality = get_reference_municipality(request, pk, level=Level.MANAGE).obj
    language = language_for_country(municipality.country)  # the inviter may choose another
    form = MembershipGrantForm(posted(request), initial={"language": language})
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form,
            municipality_membership_grant_by_email,
            municipality=municipality,
            actor=request.user,
            **form.cleaned_data,
        )
        if result is not None:
            membership, invited = result
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
    municipality = get_reference_municipality(request, pk, level=Level.MANAGE).obj
    membership = get_object_or_404(
        municipality.memberships.select_related("user"), pk=membership_pk
    )
    if call_service_or_message(
        request, municipality_membership_revoke, membership=membership, actor=request.user
    ):
        messages.success(
            request,
            _("%(person)s no longer has a role in %(municipality)s.")
            % {"person": membership.user, "municipality": municipality.name},
        )
    if request.htmx:  # type: ignore[attr-defined]
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
    """Benchmark sharing: on or off, with who changed it and when.

    Its coordinators, its clusters' managers and administrators; its viewers get 403 (they
    belong to it but may not decide for it); anyone with no role there gets 404, as for its
    programmes: a setting is the municipality's own business.
    """
    municipality = get_municipality_for_user(request, pk, level=Level.EDIT).obj
    initial = {"share": "yes" if municipality.share_benchmarks else "no"}
    form = BenchmarkSharingForm(posted(request), initial=initial)
    if form.is_valid():
        changed = call_service(
            form,
            municipality_share_benchmarks,
            municipality=municipality,
            share=form.cleaned_data["share"],
            actor=request.user,
        )
        if changed is not None:
            values = {"municipality": municipality.name}
            if not changed:
                messages.info(request, _("Nothing changed."))
            elif municipality.share_benchmarks:
                messages.success(
                    request,
                    _("%(municipality)s now shares its benchmarks with its clusters.") % values,
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
            "min_group": BENCHMARK_MIN_GROUP,
        },
    )


@require_http_methods(["GET", "POST"])
@admin_or_manager_required
@rate_limited("invite", per_user=True)
def invite(request: HttpRequest) -> HttpResponse:
    """Administrators and programme managers invite people by e-mail (no open sign-up).

    Optionally the person gets a coordinator or viewer role at once, in a municipality the
    inviter may appoint people in (as on the municipality's people page).
    """
    form = InviteForm(posted(request), municipalities=manageable_municipalities(roles_for(request)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        municipality = data.get("municipality")
        if municipality is not None:
            granted = call_service(
                form,
                municipality_membership_grant_by_email,
                municipality=municipality,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                language=data["language"],
                actor=request.user,
            )
            result = (granted[0].user, granted[1], granted[0]) if granted else None
        else:
            invited = call_service(
                form,
                user_invite,
                email=data["email"],
                full_name=data["full_name"],
                language=data["language"],
                invited_by=request.user,
            )
            result = (invited[0], invited[1], None) if invited else None
        if result is not None:
            user, created, membership = result
            values = {"email": user.email}
            if membership is not None:
                values.update(
                    role=membership.get_role_display().lower(),
                    municipality=membership.municipality.name,
                )
            if created and membership is not None:
                message = _(
                    "An invitation was sent to %(email)s, who is now %(role)s of %(municipality)s."
                )
            elif created:
                message = _("An invitation was sent to %(email)s.")
            elif membership is not None:
                message = _(
                    "%(email)s already has an account and is now %(role)s of %(municipality)s."
                )
            else:
                message = _("%(email)s already has an account; give them a role on the roster.")
            (messages.success if created or membership else messages.info)(
                request, message % values
            )
            return redirect("municipalities:invite")
    return render(request, "municipalities/invite.html", {"form": form})
