from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clusters.forms import NeedForm
from clusters.selectors import (
    cluster_list,
    cluster_meetings,
    cluster_roster,
    progress_overview,
    roster_history,
)
from innocities.core.permissions import Level, get_cluster_for_user, roles_for

DETAIL_MEETINGS = 5


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    return render(
        request,
        "clusters/list.html",
        {"clusters": cluster_list(roles), "managed_ids": roles.managed_cluster_ids},
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who may read the cluster sees its roster, meetings and shared needs; managers
    and administrators also the progress overview, the roster history and the edit buttons."""
    cluster = get_cluster_for_user(request, pk)
    can_manage = request.cluster_level >= Level.MANAGE  # type: ignore[attr-defined]
    roster = cluster_roster(cluster)
    coming, past = cluster_meetings(cluster, limit=DETAIL_MEETINGS)
    context = {
        "cluster": cluster,
        "can_manage": can_manage,
        "roster": roster,
        "coming_meetings": coming,
        "past_meetings": past,
        # A count, not the meetings: the page keeps its query budget.
        "needs": list(
            cluster.needs.select_related("created_by").annotate(
                activity_count=Count("meetings", filter=~Q(meetings__status="cancelled"))
            )
        ),
    }
    if can_manage:
        context["overview"] = progress_overview(cluster, roster.memberships)
        context["history"] = roster_history(cluster)
        context["need_form"] = NeedForm()
    return render(request, "clusters/detail.html", context)
