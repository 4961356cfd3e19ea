"""Portfolio pages: a municipality's initiatives and a cluster's, with the funnel, the balance
between innovation and operation, the OECD facets, helix coverage and what is overdue.

Who sees what is decided in ``programs.initiatives.portfolio``; these views fetch through the
getters, draw the charts from what they are given, and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters.permissions import get_cluster_for_user
from innocities.accounts.models import User
from innocities.core.permissions import Access, Level, roles_for
from municipalities.models import Municipality
from municipalities.permissions import get_municipality_for_user
from programs.initiatives import portfolio as selectors
from programs.initiatives.charts import (
    CountBar,
    FunnelBar,
    ShareBar,
    count_svg,
    funnel_svg,
    share_svg,
)
from programs.initiatives.portfolio import Portfolio
from programs.initiatives.portfolio_forms import TargetForm
from programs.initiatives.services import portfolio_target_set


@dataclass(frozen=True)
class Charts:
    funnel: SafeString
    balance: SafeString
    facets: SafeString


def _charts(portfolio: Portfolio) -> Charts:
    funnel = portfolio.funnel
    balance = portfolio.balance
    return Charts(
        funnel=funnel_svg(
            _("Initiatives per stage"),
            [
                FunnelBar(name=row.label, active=row.active, parked=row.parked)
                for row in funnel.stages
            ],
            stopped=funnel.stopped,
        ),
        balance=share_svg(
            _("Effort in innovation and in operation, %(first)s–%(last)s")
            % {"first": balance.first_quarter, "last": balance.last_quarter},
            [
                ShareBar(
                    name=_("Hours"),
                    innovation=balance.innovation_hours,
                    operation=balance.operation_hours,
                    percent=balance.hours_percent,
                ),
                ShareBar(
                    name=_("SEK"),
                    innovation=balance.innovation_sek,
                    operation=balance.operation_sek,
                    percent=balance.sek_percent,
                ),
            ],
            target=balance.target,
        ),
        facets=count_svg(
            _("Initiatives per OECD facet"),
            [CountBar(name=row.label, value=row.initiatives) for row in portfolio.facets],
        ),
    )


def _render_municipality(
    request: HttpRequest, access: Access[Municipality], form: TargetForm | None = None
) -> HttpResponse:
    data = selectors.municipality_portfolio(access.obj, today=timezone.localdate())
    if form is None:
        initial = {"innovation_percent": data.target.innovation_percent} if data.target else {}
        form = TargetForm(initial=initial)
    return render(
        request,
        "initiatives/portfolio_municipality.html",
        {
            "municipality": access.obj,
            "data": data,
            "portfolio": data.portfolio,
            "charts": _charts(data.portfolio),
            "can_edit": access.level >= Level.EDIT,
            # A cluster's manager may set the target (MANAGE on the municipality) but does
            # not create the municipality's own initiatives (Roles.initiative_level).
            "can_create": roles_for(request).initiative_level(
                municipality_id=access.obj.pk, cluster_id=None
            )
            >= Level.EDIT,
            "target_form": form,
        },
    )


@require_GET
def municipality_portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    """The municipality's initiatives and how its portfolio stands: everyone who may read the
    municipality (coordinators, viewers, its clusters' managers, administrators). People who
    may edit it also see the links to create an initiative and the target form."""
    access = get_municipality_for_user(request, pk, level=Level.READ)
    return _render_municipality(request, access)


@require_POST
def target(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or remove the target share of innovation (EDIT on the municipality). Bad input
    shows the portfolio again with the message; nothing is saved."""
    access = get_municipality_for_user(request, pk, level=Level.EDIT)
    form = TargetForm(request.POST)
    if form.is_valid():
        percent = form.cleaned_data["innovation_percent"]
        try:
            portfolio_target_set(
                municipality=access.obj,
                # Signed in: LoginRequiredMiddleware, and the getter found a role.
                actor=cast(User, request.user),
                innovation_percent=percent,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if percent is None:
                messages.success(request, _("The target share was removed."))
            else:
                messages.success(
                    request,
                    _("The target share of innovation is now %(percent)s %%.")
                    % {"percent": percent},
                )
            return redirect("initiatives:municipality", pk=access.obj.pk)
    messages.error(request, _("The target share was not saved: see the form below."))
    return _render_municipality(request, access, form)


@require_GET
def cluster_portfolio(request: HttpRequest, pk: int) -> HttpResponse:
    """The cluster's joint initiatives and its open members' own ones: everyone who may read
    the cluster. Aggregates count everything; initiatives are listed only where the person may
    open them, and members are named as on the benchmark page (see the selectors)."""
    cluster, level = get_cluster_for_user(request, pk, level=Level.READ)
    data = selectors.cluster_portfolio(
        cluster,
        roles=roles_for(request),
        full_view=level >= Level.MANAGE,
        today=timezone.localdate(),
    )
    return render(
        request,
        "initiatives/portfolio_cluster.html",
        {
            "cluster": cluster,
            "data": data,
            "portfolio": data.portfolio,
            "charts": _charts(data.portfolio),
            "can_manage": level >= Level.MANAGE,
        },
    )
