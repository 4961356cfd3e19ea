"""Shared needs of a cluster: proposals from the members' self-assessments and needs, and the
shared needs with their joint activities.

For the cluster's programme managers and administrators only: the proposals name members and
their scores. Other readers of the cluster get 403 (they see accepted shared needs on the
cluster page); everyone else 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusters import services
from clusters.forms import AcceptProposalForm, ProposalKeyForm, ProposalRulesForm
from clusters.models import Cluster, Priority
from clusters.permissions import get_cluster_for_user
from clusters.shared_needs import Proposal, shared_need_overview
from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.permissions import Level


def _page_url(cluster: Cluster) -> str:
    return reverse("clusters:shared_needs", kwargs={"pk": cluster.pk})


def _accept_form(proposal: Proposal) -> AcceptProposalForm:
    return AcceptProposalForm(
        initial={
            "key": proposal.key,
            "title": proposal.suggested_title,
            "description": proposal.suggested_description,
            "priority": Priority.HIGH if len(proposal.members) > 2 else Priority.MEDIUM,
            "sdg_goals": proposal.sdg_goals,
        }
    )


def _render(
    request: HttpRequest,
    cluster: Cluster,
    *,
    rules_form: ProposalRulesForm | None = None,
    bound_accept: AcceptProposalForm | None = None,
    status: int = 200,
) -> HttpResponse:
    overview = shared_need_overview(cluster)
    # A refused accept comes back bound, with what the manager wrote and why it was refused.
    bound_key = bound_accept.data.get("key") if bound_accept is not None else None
    accept_forms: dict[str, Any] = {
        p.key: bound_accept if p.key == bound_key else _accept_form(p) for p in overview.proposals
    }
    if bound_accept is not None and bound_key not in accept_forms:
        # The proposal is gone (accepted, set aside or no longer true): its form is not shown,
        # so say why here rather than lose the message.
        for error in bound_accept.non_field_errors():
            messages.error(request, error)
    rules_form = rules_form or ProposalRulesForm(
        initial={
            "below": cluster.shared_need_below,
            "min_members": cluster.shared_need_min_members,
        }
    )
    return render(
        request,
        "clusters/shared_needs.html",
        {
            "cluster": cluster,
            "overview": overview,
            "proposals": [(p, accept_forms[p.key]) for p in overview.proposals],
            "dismissed": overview.dismissed,
            "rules_form": rules_form,
            "bound_key": bound_key,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def shared_needs(request: HttpRequest, pk: int) -> HttpResponse:
    """The overview; a POST changes when a dimension counts as low and how many members
    make a proposal."""
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    form = ProposalRulesForm(posted(request)) if request.method == "POST" else None
    if form is not None and form.is_valid():
        saved = call_service(
            form,
            services.cluster_set_proposal_rules,
            cluster=cluster,
            below=form.cleaned_data["below"],
            min_members=form.cleaned_data["min_members"],
            actor=request.user,
        )
        if saved is not None:
            messages.success(request, _("The proposal rules were saved."))
            return redirect(_page_url(cluster))
    return _render(request, cluster, rules_form=form)


@require_POST
def shared_need_accept(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    form = AcceptProposalForm(request.POST)
    if form.is_valid():
        need = call_service(
            form,
            services.shared_need_accept,
            cluster=cluster,
            actor=request.user,
            **form.cleaned_data,
        )
        if need is not None:
            messages.success(
                request,
                _("“%(title)s” is now a shared need of the cluster. Plan joint activities for it.")
                % {"title": need.title},
            )
            return redirect(f"{_page_url(cluster)}#need-{need.pk}")
    # What the manager wrote comes back with the reason it was refused.
    return _render(request, cluster, bound_accept=form)


def _with_key(request: HttpRequest, cluster: Cluster, action: Any, done: str) -> HttpResponse:
    form = ProposalKeyForm(request.POST)
    if form.is_valid():
        if call_service_or_message(
            request, action, cluster=cluster, key=form.cleaned_data["key"], actor=request.user
        ):
            messages.success(request, done)
    else:
        messages.error(request, _("No proposal was named."))
    return redirect(_page_url(cluster))


@require_POST
def shared_need_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    return _with_key(
        request, cluster, services.shared_need_proposal_dismiss, _("The proposal was set aside.")
    )


@require_POST
def shared_need_restore(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    return _with_key(
        request, cluster, services.shared_need_proposal_restore, _("The proposal is back.")
    )
