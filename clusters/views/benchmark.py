"""The cluster's benchmark page: maturity per dimension and programme progress, as charts and
tables. Who sees which municipality is decided in ``clusters.benchmarks``; this view only
draws what it is given."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusters.benchmarks import Benchmark, DimensionRow, cluster_benchmark
from clusters.charts import ProgressBar, ScorePoint, progress_svg, scale_svg
from innocities.core.permissions import Level, get_cluster_for_user, roles_for


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
def benchmark(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who may read the cluster; what they see of each member depends on who they
    are (``clusters.benchmarks``)."""
    cluster = get_cluster_for_user(request, pk)
    full_view = request.cluster_level >= Level.MANAGE  # type: ignore[attr-defined]
    data = cluster_benchmark(cluster, roles=roles_for(request), full_view=full_view)
    return render(
        request,
        "clusters/benchmark.html",
        {
            "cluster": cluster,
            "benchmark": data,
            "dimension_charts": _dimension_charts(data),
            "progress_chart": _progress_chart(data),
        },
    )
