"""The portal's cross-app pages: the dashboard, the municipality list and page, and the cluster
page with its benchmarks. Each reads the apps below through their selectors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusters.charts import ProgressBar, ScorePoint, progress_svg, scale_svg
from clusters.forms import NeedForm
from clusters.models import Cluster
from clusters.permissions import get_cluster_for_user
from clusters.selectors import (
    cluster_meetings,
    cluster_needs,
    cluster_roster,
    coming_meetings,
    managed_clusters,
    read_only_clusters,
    roster_history,
    stands_for_an_organisation,
)
from innocities.core.permissions import Level, roles_for
from innocities.portal.filters import MunicipalityFilter
from innocities.portal.selectors import (
    municipalities_with_clusters,
    municipality_access,
    municipality_page,
)
from municipalities.permissions import get_reference_municipality
from programs import benchmarks
from programs.benchmarks import Benchmark, DimensionRow
from programs.followup.selectors import open_cluster_tasks
from programs.initiatives.permissions import visible_initiatives
from programs.initiatives.selectors import awaiting_decision
from programs.permissions import program_level
from programs.selectors import (
    cluster_overviews,
    cluster_summaries,
    due_items,
    ongoing_programs,
    partner_tasks,
    program_rows,
    program_summaries,
    progress_overview,
)

PAGE_SIZE = 50
DETAIL_MEETINGS = 5
# The dashboard shows every member of a manager's clusters while that stays a screenful (three
# clusters of a dozen members are some forty rows); with more clusters, and for administrators
# (every cluster), one line per cluster, and the cluster page is the detail.
SUMMARY_ABOVE_CLUSTERS = 3
SUMMARY_PAGE_SIZE = 25
SUMMARY_SORTS = ("attention", "name")


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page: one section for each role the person holds (they may hold several).

    Coordinators and viewers see their municipalities' ongoing programmes and what is due;
    programme managers their clusters' members and programmes; administrators, and managers
    of more than ``SUMMARY_ABOVE_CLUSTERS`` clusters, a paged line per cluster instead, whose
    detail is the cluster's page; other people on a roster (partner contacts, experts) their
    clusters and the tasks their organisation takes part in. Everyone with a role sees the
    coming meetings of the clusters they can read. The query count does not grow with the
    data.
    """
    roles = roles_for(request)
    today = timezone.localdate()
    # A section is shown when its key is not None (an empty list says "nothing here").
    context: dict[str, object] = {
        "has_role": roles.has_role,
        "today": today,
        "my_programs": None,
        "overviews": None,
        "cluster_summary": None,
        "rostered_clusters": None,
        "partner_tasks": None,
        "meetings": [],
        "awaiting_decisions": None,
    }
    if roles.municipality_ids:
        rows = program_rows(ongoing_programs(roles.municipality_ids), today=today)
        context["my_programs"] = [
            {"row": row, "can_edit": program_level(roles, row.program) >= Level.EDIT}
            for row in rows
        ]
        context["due"] = due_items([row.program.pk for row in rows], today=today)
    if roles.is_admin_or_manager:
        clusters = managed_clusters(roles)
        if roles.is_admin or len(roles.managed_cluster_ids) > SUMMARY_ABOVE_CLUSTERS:
            context["cluster_summary"] = _cluster_summary(request, clusters, today=today)
        else:
            context["overviews"] = cluster_overviews(clusters, today=today)
        context["cluster_tasks"] = open_cluster_tasks(clusters)
    if roles.rostered_cluster_ids - roles.managed_cluster_ids and not roles.is_admin:
        context["rostered_clusters"] = list(read_only_clusters(roles))
        # Only people who stand for an organisation (partner contacts) get its task list.
        if stands_for_an_organisation(request.user):  # type: ignore[arg-type]
            context["partner_tasks"] = partner_tasks(request.user)  # type: ignore[arg-type]
    if roles.has_role:
        context["meetings"] = coming_meetings(roles)
        context["awaiting_decisions"] = awaiting_decision(visible_initiatives(roles), today=today)
    return render(request, "portal/dashboard.html", context)


def _cluster_summary(
    request: HttpRequest, clusters: QuerySet[Cluster], *, today: dt.date
) -> dict[str, object]:
    """One page of cluster lines, searched by name and sorted by what needs attention first
    (or by name). The figures are counted for every cluster the search leaves, so that the
    order holds across pages: a fixed number of aggregate queries, one row per cluster."""
    search = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort", "")
    sort = sort if sort in SUMMARY_SORTS else SUMMARY_SORTS[0]
    if search:
        clusters = clusters.filter(name__icontains=search)
    summaries = cluster_summaries(clusters.order_by("name", "pk"), today=today)
    if sort == "attention":
        summaries.sort(key=lambda summary: summary.attention)  # stable: by name among equals
    page = Paginator(summaries, SUMMARY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = QueryDict(mutable=True)
    if search:
        query["q"] = search
    if sort != SUMMARY_SORTS[0]:
        query["sort"] = sort
    return {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "query": query.urlencode(),
        "search": search,
        "sort": sort,
        "month_start": today.replace(day=1),
    }


# --- municipalities ---------------------------------------------------------------------


@require_GET
def municipality_list(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    queryset = municipalities_with_clusters(roles=roles).order_by("name", "country", "code")
    filterset = MunicipalityFilter(request.GET or None, queryset=queryset, roles=roles)
    # An invalid filter (e.g. a cluster outside the person's scope) shows its error and no rows
    # rather than silently ignoring the filter.
    rows = filterset.qs if not filterset.is_bound or filterset.is_valid() else queryset.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort = query.get("sort", "name")
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "portal/municipality_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "query": query.urlencode(),
            "sort": sort,
            "sort_query": sort_query.urlencode(),
        },
    )


@require_GET
def municipality_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Reference data: every signed-in person may read every municipality's facts.
    municipality = get_reference_municipality(request, pk).obj
    roles = roles_for(request)
    access = municipality_access(roles, municipality)
    content = municipality_page(roles=roles, municipality=municipality, access=access)
    summaries = program_summaries(program.pk for program in content.programs)
    initiatives: dict[str, object] = {"awaiting_decisions": [], "can_create_initiative": False}
    if access.see_people:
        initiatives["awaiting_decisions"] = awaiting_decision(
            visible_initiatives(roles).filter(municipality=municipality),
            today=timezone.localdate(),
        )
        initiatives["can_create_initiative"] = (
            roles.initiative_level(municipality_id=municipality.pk, cluster_id=None) >= Level.EDIT
        )
    return render(
        request,
        "portal/municipality_detail.html",
        {
            "municipality": municipality,
            "access": access,
            "memberships": content.memberships,
            "needs": content.needs,
            "people": content.people,
            "programs": [(program, summaries.get(program.pk)) for program in content.programs],
            "today": timezone.localdate(),
            **initiatives,
        },
    )


# --- clusters ---------------------------------------------------------------------------


@require_GET
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who may read the cluster sees its roster, meetings and shared needs; managers
    and administrators also the progress overview, the roster history and the edit buttons."""
    cluster, level = get_cluster_for_user(request, pk)
    can_manage = level >= Level.MANAGE
    roster = cluster_roster(cluster)
    coming, past = cluster_meetings(cluster, limit=DETAIL_MEETINGS)
    context = {
        "cluster": cluster,
        "can_manage": can_manage,
        "roster": roster,
        "coming_meetings": coming,
        "past_meetings": past,
        "needs": cluster_needs(cluster),
    }
    if can_manage:
        context["overview"] = progress_overview(cluster, roster.memberships)
        context["history"] = roster_history(cluster)
        context["need_form"] = NeedForm()
    return render(request, "portal/cluster_detail.html", context)


@dataclass(frozen=True)
class DimensionChart:
    row: DimensionRow
    svg: SafeString


def _withheld(benchmark: Benchmark) -> str:
    return _(
        "cluster mean and median not shown: fewer than %(count)s municipalities, or they "
        "would give away the score of a municipality that does not share"
    ) % {"count": benchmark.min_group}


def _dimension_charts(benchmark: Benchmark) -> list[DimensionChart]:
    charts = []
    for row in benchmark.dimensions:
        points = [
            ScorePoint(name=member.municipality.name, value=value, is_own=member.is_own)
            for member, value in row.scores
            if value is not None
        ]
        svg = scale_svg(
            row.dimension.name,
            mean=row.mean,
            median=row.median,
            contributors=row.contributors,
            points=points,
            withheld=_withheld(benchmark) if row.hidden else "",
        )
        charts.append(DimensionChart(row=row, svg=svg))
    return charts


def _progress_chart(benchmark: Benchmark) -> SafeString | None:
    bars = [
        ProgressBar(
            name=row.municipality.name,
            percent=row.overview.summary.percent_done,
            overdue=row.overview.summary.overdue,
            is_own=row.is_own,
        )
        for row in benchmark.progress
        if row.overview.summary is not None
    ]
    if not bars:
        return None
    return progress_svg(_("Programme progress"), bars)


@require_GET
def cluster_benchmark(request: HttpRequest, pk: int) -> HttpResponse:
    """Maturity per dimension and programme progress, as charts and tables. Everyone who may
    read the cluster; who sees which member is decided in ``programs.benchmarks``, and this
    view only draws what it is given."""
    cluster, level = get_cluster_for_user(request, pk)
    data = benchmarks.cluster_benchmark(
        cluster, roles=roles_for(request), full_view=level >= Level.MANAGE
    )
    return render(
        request,
        "portal/cluster_benchmark.html",
        {
            "cluster": cluster,
            "benchmark": data,
            "dimension_charts": _dimension_charts(data),
            "progress_chart": _progress_chart(data),
        },
    )
