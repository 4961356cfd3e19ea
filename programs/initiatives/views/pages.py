"""One initiative: creating and editing it, its page, gate decisions, assumptions, partners
and effort.

Reading needs READ on the initiative (``Roles.initiative_level``); writing needs EDIT (its
municipality's coordinators; for a joint one the cluster's managers; administrators). A
programme manager of the municipality's cluster reads, and may record a decision taken in a
cluster meeting. Children are fetched through the initiative, so an id from another one
answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusters.permissions import get_cluster_for_user
from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.permissions import Access, Level, roles_for
from municipalities.permissions import get_municipality_for_user
from programs.initiatives import services
from programs.initiatives.forms import (
    AssumptionForm,
    EffortForm,
    GateForm,
    InitiativeForm,
    OutcomeForm,
    PartnerForm,
)
from programs.initiatives.models import Initiative
from programs.initiatives.permissions import get_initiative_for_user
from programs.initiatives.selectors import (
    Owner,
    eligible_needs,
    gate_criteria,
    initiative_page,
)


def _detail_url(initiative: Initiative, anchor: str = "") -> str:
    url = reverse("initiatives:detail", kwargs={"pk": initiative.pk})
    return f"{url}#{anchor}" if anchor else url


def _editable(request: HttpRequest, pk: int) -> Initiative:
    return get_initiative_for_user(request, pk, level=Level.EDIT).obj


def _may_decide(request: HttpRequest, access: Access[Initiative]) -> tuple[bool, bool]:
    """(may record a gate decision, only as the cluster)."""
    if access.can_edit:
        return True, False
    if roles_for(request).may_record_cluster_decision(access.obj.municipality_id):
        return True, True
    return False, False


def _page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Render an initiative page with what its breadcrumbs need: the owner, and the
    initiative once it exists."""
    initiative = context.get("initiative")
    crumbs = {
        "owner_municipality": initiative.municipality
        if initiative
        else context.get("municipality"),
        "owner_cluster": initiative.cluster if initiative else context.get("cluster"),
        "initiative_pk": initiative.pk if initiative else None,
        "initiative_title": initiative.title if initiative else "",
    }
    return render(request, f"initiatives/{template}", {**crumbs, **context})


# --- creating and editing ------------------------------------------------------------------


def _create(
    request: HttpRequest, owner: Owner, context: dict[str, Any], initial: dict[str, Any]
) -> HttpResponse:
    form = InitiativeForm(posted(request), owner=owner, initial=initial)
    if request.method == "POST" and form.is_valid():
        initiative = call_service(
            form,
            services.initiative_create,
            actor=request.user,
            municipality=context.get("municipality"),
            cluster=context.get("cluster"),
            **form.service_kwargs(),
        )
        if initiative is not None:
            messages.success(
                request,
                _("The initiative “%(title)s” was created.") % {"title": initiative.title},
            )
            return redirect(_detail_url(initiative))
    return _page(request, "form.html", {**context, "form": form})


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    """A municipality's own initiative: its coordinators (and administrators) create it."""
    municipality = get_municipality_for_user(request, pk, level=Level.READ).obj
    roles = roles_for(request)
    if roles.initiative_level(municipality_id=municipality.pk, cluster_id=None) < Level.EDIT:
        raise PermissionDenied
    owner = Owner(municipality_id=municipality.pk)
    initial: dict[str, Any] = {}
    need_pk = request.GET.get("need", "")
    if need_pk.isdigit():
        initial["need"] = eligible_needs(owner).filter(pk=need_pk).first()
    return _create(request, owner, {"municipality": municipality}, initial)


@require_http_methods(["GET", "POST"])
def create_joint(request: HttpRequest, pk: int) -> HttpResponse:
    """A cluster's joint initiative, often started from an accepted shared need (``?need=``)."""
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    owner = Owner(cluster_id=cluster.pk)
    initial: dict[str, Any] = {}
    need_pk = request.GET.get("need", "")
    if need_pk.isdigit():
        need = eligible_needs(owner).filter(pk=need_pk).first()
        if need is not None:
            initial.update(need=need, title=need.title, description=need.description)
    return _create(request, owner, {"cluster": cluster}, initial)


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    form = InitiativeForm(posted(request), owner=Owner.of(initiative), instance=initiative)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.initiative_update,
            initiative=initiative,
            actor=request.user,
            **form.service_kwargs(),
        )
        if saved is not None:
            messages.success(request, _("The initiative was saved."))
            return redirect(_detail_url(initiative))
        initiative.refresh_from_db()
    return _page(request, "form.html", {"initiative": initiative, "form": form})


# --- the initiative's page -----------------------------------------------------------------


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_initiative_for_user(request, pk)
    may_decide, _cluster_only = _may_decide(request, access)
    return _page(
        request,
        "detail.html",
        {
            "initiative": access.obj,
            "can_edit": access.can_edit,
            "may_decide": may_decide and access.obj.next_stage is not None,
            "page": initiative_page(access.obj, today=timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


# --- gate decisions ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def gate(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_initiative_for_user(request, pk)
    may_decide, cluster_only = _may_decide(request, access)
    if not may_decide:
        raise PermissionDenied
    initiative = access.obj
    if initiative.next_stage is None:
        messages.info(request, _("This initiative takes no further decisions."))
        return redirect(_detail_url(initiative))
    criteria = gate_criteria(initiative, initiative.next_stage)
    form = GateForm(
        posted(request), initiative=initiative, criteria=criteria, cluster_only=cluster_only
    )
    if request.method == "POST" and form.is_valid():
        decision = call_service(
            form,
            services.gate_decide,
            initiative=initiative,
            actor=request.user,
            **form.service_kwargs(),
        )
        if decision is not None:
            messages.success(
                request,
                _("The decision “%(decision)s” was recorded.")
                % {"decision": decision.get_decision_display()},
            )
            return redirect(_detail_url(initiative, "decisions"))
        # It may have moved meanwhile: show the page as it is now, with what they wrote.
        initiative.refresh_from_db()
        criteria = gate_criteria(initiative, initiative.next_stage or initiative.stage)
    open_critical = [a for a in initiative.assumptions.all() if a.is_open and a.is_critical]
    return _page(
        request,
        "gate.html",
        {
            "initiative": initiative,
            "form": form,
            "criteria": criteria,
            "open_critical": open_critical,
            "cluster_only": cluster_only,
        },
    )


# --- assumptions ---------------------------------------------------------------------------


def _assumption_form_page(
    request: HttpRequest, initiative: Initiative, assumption: Any = None
) -> HttpResponse:
    form = AssumptionForm(posted(request), instance=assumption)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.assumption_save,
            initiative=initiative,
            actor=request.user,
            assumption=assumption,
            **form.service_kwargs(),
        )
        if saved is not None:
            messages.success(request, _("The assumption was saved."))
            return redirect(_detail_url(initiative, f"assumption-{saved.pk}"))
    return _page(
        request,
        "assumption_form.html",
        {"initiative": initiative, "assumption": assumption, "form": form},
    )


@require_http_methods(["GET", "POST"])
def assumption_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _assumption_form_page(request, _editable(request, pk))


@require_http_methods(["GET", "POST"])
def assumption_edit(request: HttpRequest, pk: int, assumption_pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    assumption = get_object_or_404(initiative.assumptions, pk=assumption_pk)
    return _assumption_form_page(request, initiative, assumption)


@require_http_methods(["GET", "POST"])
def assumption_resolve(request: HttpRequest, pk: int, assumption_pk: int) -> HttpResponse:
    """Record how a test came out, and what was learned."""
    initiative = _editable(request, pk)
    assumption = get_object_or_404(initiative.assumptions, pk=assumption_pk)
    form = OutcomeForm(
        posted(request),
        initial={
            "outcome": assumption.outcome,
            "learning": assumption.learning,
            "resolved_on": assumption.resolved_on or timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.assumption_resolve,
            assumption=assumption,
            actor=request.user,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(
                request,
                _("The assumption is now “%(outcome)s”.")
                % {"outcome": saved.get_outcome_display()},
            )
            return redirect(_detail_url(initiative, f"assumption-{saved.pk}"))
        assumption.refresh_from_db()
    return _page(
        request,
        "outcome_form.html",
        {"initiative": initiative, "assumption": assumption, "form": form},
    )


# --- partners and effort -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def partners(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    form = PartnerForm(posted(request), initiative=initiative)
    if request.method == "POST" and form.is_valid():
        partner = call_service(
            form,
            services.partner_add,
            initiative=initiative,
            actor=request.user,
            **form.cleaned_data,
        )
        if partner is not None:
            messages.success(
                request,
                _("%(organisation)s takes part.") % {"organisation": partner.organisation.name},
            )
            return redirect("initiatives:partners", pk=initiative.pk)
    return _page(
        request,
        "partners.html",
        {
            "initiative": initiative,
            "form": form,
            "partners": initiative.partners.select_related("organisation"),
        },
    )


@require_POST
def partner_remove(request: HttpRequest, pk: int, partner_pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    partner = get_object_or_404(initiative.partners.select_related("organisation"), pk=partner_pk)
    if call_service_or_message(
        request, services.partner_remove, partner=partner, actor=request.user
    ):
        messages.success(
            request,
            _("%(organisation)s no longer takes part.")
            % {"organisation": partner.organisation.name},
        )
    return redirect("initiatives:partners", pk=initiative.pk)


@require_http_methods(["GET", "POST"])
def effort(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _editable(request, pk)
    form = EffortForm(posted(request))
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        call_service(
            form, services.effort_record, initiative=initiative, actor=request.user, **kwargs
        )
        if not form.errors:  # a refusal from the service lands on the form
            messages.success(
                request,
                _("The effort for %(year)s Q%(quarter)s was saved.")
                % {"year": kwargs["year"], "quarter": kwargs["quarter"]},
            )
            return redirect(_detail_url(initiative, "effort"))
    return _page(
        request,
        "effort.html",
        {"initiative": initiative, "form": form, "efforts": initiative.efforts.all()},
    )
