"""The pilot agreement of one initiative: its page, the terms, and the parties.

Reading needs READ on the initiative (its municipality's people, the managers of its cluster,
the partner contacts of organisations taking part, administrators); writing needs EDIT. The
terms and parties change only in the concept and pilot stages (``terms_are_writable``); at
other times a form page sends the person back to the agreement with the reason. Parties are
fetched through the agreement, the agreement through the initiative, so an id from elsewhere
answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.permissions import Level
from programs.agreements import services
from programs.agreements.forms import AgreementForm, PartyForm
from programs.agreements.models import PilotAgreement, agreement_is_shown, terms_are_writable
from programs.agreements.selectors import agreement_of, agreement_page
from programs.initiatives.models import Initiative
from programs.initiatives.permissions import get_initiative_for_user


def agreement_url(initiative: Initiative, anchor: str = "") -> str:
    url = reverse("agreements:initiative", kwargs={"pk": initiative.pk})
    return f"{url}#{anchor}" if anchor else url


def render_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render an agreement page with the initiative's breadcrumbs."""
    initiative: Initiative = context["initiative"]
    crumbs = {
        "owner_municipality": initiative.municipality,
        "owner_cluster": initiative.cluster,
        "initiative_pk": initiative.pk,
        "initiative_title": initiative.title,
    }
    return render(request, f"agreements/{template}", {**crumbs, **context})


def _refuse_read_only(request: HttpRequest, initiative: Initiative) -> HttpResponse:
    messages.info(
        request,
        _(
            "The pilot agreement is written in the concept and pilot stages; the initiative "
            "is at “%(stage)s” (%(state)s), so its terms and parties cannot change now."
        )
        % {"stage": initiative.get_stage_display(), "state": initiative.get_state_display()},
    )
    return redirect(agreement_url(initiative))


def _writable_agreement(request: HttpRequest, pk: int) -> tuple[Initiative, PilotAgreement | None]:
    initiative = get_initiative_for_user(request, pk, level=Level.EDIT).obj
    return initiative, agreement_of(initiative)


@require_GET
def initiative_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement with its parties, signed copy and history; or an invitation to write one."""
    access = get_initiative_for_user(request, pk)
    initiative = access.obj
    agreement = agreement_of(initiative)
    return render_page(
        request,
        "agreement.html",
        {
            "initiative": initiative,
            "agreement": agreement,
            "page": agreement_page(agreement) if agreement else None,
            "can_edit": access.can_edit,
            "writable": terms_are_writable(initiative),
            "shown": agreement_is_shown(initiative),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write the terms: a new agreement, or changes to one."""
    initiative, agreement = _writable_agreement(request, pk)
    if not terms_are_writable(initiative):
        return _refuse_read_only(request, initiative)
    form = AgreementForm(posted(request), instance=agreement)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.agreement_save,
            initiative=initiative,
            actor=request.user,
            **form.service_kwargs(),
        )
        if saved is not None:
            if agreement is None:
                messages.success(
                    request, _("The pilot agreement was written. Now add the parties.")
                )
                return redirect("agreements:parties", pk=initiative.pk)
            messages.success(request, _("The pilot agreement was saved."))
            return redirect(agreement_url(initiative))
    return render_page(
        request, "form.html", {"initiative": initiative, "agreement": agreement, "form": form}
    )


def _agreement_or_404(agreement: PilotAgreement | None) -> PilotAgreement:
    if agreement is None:
        raise Http404("The initiative has no pilot agreement.")
    return agreement


@require_http_methods(["GET", "POST"])
def parties(request: HttpRequest, pk: int) -> HttpResponse:
    """The parties, and a form to add one with what it contributes."""
    initiative, agreement = _writable_agreement(request, pk)
    if agreement is None:
        messages.info(request, _("Write the agreement's terms first; then add the parties."))
        return redirect("agreements:edit", pk=initiative.pk)
    if not terms_are_writable(initiative):
        return _refuse_read_only(request, initiative)
    form = PartyForm(posted(request), initiative=initiative)
    if request.method == "POST" and form.is_valid():
        party = call_service(
            form,
            services.agreement_party_add,
            agreement=agreement,
            actor=request.user,
            **form.service_kwargs(),
        )
        if party is not None:
            messages.success(
                request,
                _("%(organisation)s is a party to the agreement.")
                % {"organisation": party.organisation.name},
            )
            return redirect("agreements:parties", pk=initiative.pk)
    return render_page(
        request,
        "parties.html",
        {
            "initiative": initiative,
            "agreement": agreement,
            "form": form,
            "parties": agreement.parties.select_related("organisation"),
        },
    )


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """Change what a party contributes and answers for."""
    initiative, agreement = _writable_agreement(request, pk)
    party = get_object_or_404(
        _agreement_or_404(agreement).parties.select_related("organisation"), pk=party_pk
    )
    if not terms_are_writable(initiative):
        return _refuse_read_only(request, initiative)
    form = PartyForm(posted(request), instance=party)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.agreement_party_update,
            party=party,
            actor=request.user,
            **form.service_kwargs(),
        )
        if saved is not None:
            messages.success(
                request,
                _("What %(organisation)s contributes was saved.")
                % {"organisation": party.organisation.name},
            )
            return redirect("agreements:parties", pk=initiative.pk)
    return render_page(
        request,
        "party_form.html",
        {"initiative": initiative, "agreement": agreement, "party": party, "form": form},
    )


@require_POST
def party_remove(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    initiative, agreement = _writable_agreement(request, pk)
    party = get_object_or_404(
        _agreement_or_404(agreement).parties.select_related("organisation"), pk=party_pk
    )
    if not terms_are_writable(initiative):
        return _refuse_read_only(request, initiative)
    if call_service_or_message(
        request, services.agreement_party_remove, party=party, actor=request.user
    ):
        messages.success(
            request,
            _("%(organisation)s is no longer a party to the agreement.")
            % {"organisation": party.organisation.name},
        )
    return redirect("agreements:parties", pk=initiative.pk)
