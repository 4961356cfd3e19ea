"""Reads for a cluster's benchmark page: maturity per dimension and programme progress.

Who sees what is decided here, not in the template. The cluster's programme managers and the
administrators (``full_view``) see every open member. Everyone else who may read the cluster
sees their own municipality (coordinators and viewers) and the members that chose to share
(``Municipality.share_benchmarks``); the others never leave this module: their names, means,
rounds and programmes are not in the result at all, so no template can show them by mistake.
They count only in the cluster's mean and median, and those are withheld from non-managers
where they would give a member's score away (``aggregates_hidden``).

A fixed number of queries whatever the cluster's size: memberships (1), dimensions (1),
latest scores (2), programme progress (4).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from clusters.models import Cluster
from innocities.core.permissions import Roles
from municipalities.assessments.models import AssessmentRound, Dimension
from municipalities.assessments.selectors import latest_scores_for
from municipalities.models import BENCHMARK_MIN_GROUP, Municipality
from programs.selectors import OverviewRow, progress_overview

MIN_GROUP = BENCHMARK_MIN_GROUP

_ONE_DECIMAL = Decimal("0.1")


def _one_decimal(value: Decimal) -> Decimal:
    # Half up, on decimals: 2.25 is 2.3 as a person would round it, not float's 2.2.
    return value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def aggregates_hidden(*, contributors: int, unseen: int) -> bool:
    """Whether a non-manager must not see a dimension's mean and median.

    ``contributors`` is how many members have a score in the dimension, ``unseen`` how many of
    those the person does not see. Hidden with fewer than ``MIN_GROUP`` contributors, and also
    when exactly one of them is unseen: the mean and the scores on the page would then give
    that member's score away (three members, one of them sharing, is the common case).
    """
    if contributors == 0:
        return False
    return contributors < MIN_GROUP or unseen == 1


@dataclass(frozen=True)
class MemberScores:
    """A member municipality the person may see, with its latest closed round (if any)."""

    municipality: Municipality
    is_own: bool
    round: AssessmentRound | None
    means: dict[str, Decimal]  # dimension code → mean, one decimal


@dataclass(frozen=True)
class DimensionRow:
    """One dimension: the cluster's figures and the visible members' means.

    ``mean`` and ``median`` are None when nobody contributed or when they are hidden from the
    person (``hidden``); ``scores`` follows ``Benchmark.members`` and holds None for a member
    without a score in the dimension.
    """

    dimension: Dimension
    contributors: int
    mean: Decimal | None
    median: Decimal | None
    hidden: bool
    scores: list[tuple[MemberScores, Decimal | None]]


@dataclass(frozen=True)
class ProgressRow:
    overview: OverviewRow
    is_own: bool

    @property
    def municipality(self) -> Municipality:
        return self.overview.municipality


@dataclass(frozen=True)
class Benchmark:
    full_view: bool
    members: list[MemberScores]  # own municipalities first, then by name
    dimensions: list[DimensionRow]
    progress: list[ProgressRow]  # same order as members
    open_members: int  # all open members, seen or not
    unseen_members: int  # open members the person does not see by name
    contributors: int  # open members with a closed round, seen or not
    min_group: int

    @property
    def has_scores(self) -> bool:
        return self.contributors > 0

    @property
    def any_hidden(self) -> bool:
        return any(row.hidden for row in self.dimensions)

    @property
    def member_rows(self) -> list[tuple[MemberScores, list[Decimal | None]]]:
        """Each visible member with its means in the dimensions' order, for the table."""
        codes = [row.dimension.code for row in self.dimensions]
        return [(member, [member.means.get(code) for code in codes]) for member in self.members]


def _mean(values: list[Decimal]) -> Decimal:
    return _one_decimal(sum(values, Decimal(0)) / len(values))


def _median(values: list[Decimal]) -> Decimal:
    return _one_decimal(Decimal(statistics.median(values)))


def cluster_benchmark(cluster: Cluster, *, roles: Roles, full_view: bool) -> Benchmark:
    """The benchmark of ``cluster`` as ``roles`` may see it (``full_view``: managers, admins).

    Maturity: per dimension of the active framework, in its order, the mean and median over
    the open members' latest closed rounds (each municipality counts once, with its mean for
    that dimension code, whatever framework version its round used) and the visible members'
    means. Progress: each visible member's current programme in the cluster.
    """
    memberships = list(
        cluster.memberships.current()
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    dimensions = list(
        Dimension.objects.filter(framework__is_active=True).order_by("position", "pk")
    )
    latest = latest_scores_for(m.municipality_id for m in memberships)
    means_by_member = {
        municipality_id: {code: Decimal(str(value)) for code, value in scores.means.items()}
        for municipality_id, scores in latest.items()
    }

    own_ids = roles.municipality_ids
    visible = [
        m
        for m in memberships
        if full_view or m.municipality_id in own_ids or m.municipality.share_benchmarks
    ]
    visible.sort(key=lambda m: (m.municipality_id not in own_ids, m.municipality.name))
    visible_ids = {m.municipality_id for m in visible}
    members = [
        MemberScores(
            municipality=m.municipality,
            is_own=m.municipality_id in own_ids,
            round=latest[m.municipality_id].round if m.municipality_id in latest else None,
            means=means_by_member.get(m.municipality_id, {}),
        )
        for m in visible
    ]

    rows = []
    for dimension in dimensions:
        values = {
            municipality_id: means[dimension.code]
            for municipality_id, means in means_by_member.items()
            if dimension.code in means
        }
        unseen = sum(1 for municipality_id in values if municipality_id not in visible_ids)
        hidden = not full_view and aggregates_hidden(contributors=len(values), unseen=unseen)
        show = bool(values) and not hidden
        rows.append(
            DimensionRow(
                dimension=dimension,
                contributors=len(values),
                mean=_mean(list(values.values())) if show else None,
                median=_median(list(values.values())) if show else None,
                hidden=hidden,
                scores=[(member, member.means.get(dimension.code)) for member in members],
            )
        )

    overview = {row.municipality.pk: row for row in progress_overview(cluster, visible)}
    progress = [
        ProgressRow(overview=overview[member.municipality.pk], is_own=member.is_own)
        for member in members
    ]
    return Benchmark(
        full_view=full_view,
        members=members,
        dimensions=rows,
        progress=progress,
        open_members=len(memberships),
        unseen_members=len(memberships) - len(visible),
        contributors=len(latest),
        min_group=MIN_GROUP,
    )
