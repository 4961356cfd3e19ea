"""Reads for the portfolio pages: a municipality's initiatives, or a cluster's, weighed.

The figures (DOMAIN.md, "The innovation process"): the funnel (initiatives per stage now and
how many moved into each stage lately), the balance between innovation and operation (effort
in initiatives before operation versus in operation, against the municipality's target),
the spread over the four OECD facets, helix coverage per stage, overdue gates and assumptions
past their test-by date.

Who sees what is decided here, not in the templates. Aggregates always count every initiative
in scope. On the cluster page an initiative is *listed* (title, link) only if the person may
open it (``visible_initiatives``), and a member municipality is *named* only as the benchmark
page allows (``programs.benchmarks``: managers and administrators see every member; others
their own municipality and the members that share their benchmarks). An unseen member never
leaves this module by name: its figures are summed with the other unseen members'.

A fixed number of queries whatever the data size: the municipality page 9 at most
(initiatives, partners' helices, effort, gate moves, overdue assumptions, target, latest
self-assessment round and its answers, dimension names); the cluster page 8 at most
(memberships, initiatives, the ones the person may open, partners' helices, effort, gate
moves, overdue assumptions, and the person's cluster memberships on first use).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from clusters.models import Cluster
from innocities.core.permissions import Roles
from municipalities.assessments.models import AssessmentRound, Dimension
from municipalities.assessments.selectors import latest_scores_for
from municipalities.models import Helix, Municipality
from programs.initiatives.models import (
    ADVANCING,
    STAGES,
    Assumption,
    Effort,
    Facet,
    GateDecision,
    Initiative,
    InitiativePartner,
    Outcome,
    PortfolioTarget,
    Stage,
    State,
)
from programs.initiatives.permissions import visible_initiatives

# The self-assessment dimensions shown beside the balance and the assumptions.
BALANCE_DIMENSION = "balance"
UNCERTAINTY_DIMENSION = "uncertainty"

HELICES: tuple[str, ...] = tuple(Helix.values)
# Where a missing helix is worth a warning: the stages in which partners test and scale.
WATCHED_STAGES: tuple[str, ...] = (Stage.PILOT, Stage.IMPLEMENTATION)
WATCHED_HELICES: tuple[str, ...] = (Helix.ACADEMIA, Helix.CIVIL_SOCIETY)

ZERO = Decimal(0)


# --- time windows ---------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_four_quarters(today: dt.date) -> list[tuple[int, int]]:
    """(year, quarter) of the current quarter and the three before it, oldest first."""
    year, quarter = quarter_of(today)
    quarters = []
    for _index in range(4):
        quarters.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return quarters[::-1]


def _percent(part: Decimal, whole: Decimal) -> int | None:
    if not whole:
        return None
    return int((part * 100 / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- the figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeRow:
    """An initiative the person may open, with what the list shows about it.

    ``owner`` is the name to show for whose it is: the municipality (if the person may see it
    named), the cluster for a joint one, or None for a member the person may not see named.
    """

    initiative: Initiative
    owner: str | None
    open_assumptions: int
    overdue_assumptions: int
    gate_overdue: bool


@dataclass(frozen=True)
class StageRow:
    """One stage of the funnel: the initiatives in it now, and the ones that moved into it
    (by a go or a go with conditions) since ``Funnel.quarter_since`` and ``year_since``."""

    stage: str
    label: str
    active: int
    parked: int
    stopped: int
    moved_in_quarter: int
    moved_in_year: int

    @property
    def current(self) -> int:
        return self.active + self.parked


@dataclass(frozen=True)
class Funnel:
    stages: list[StageRow]
    quarter_since: dt.date
    year_since: dt.date

    @property
    def active(self) -> int:
        return sum(row.active for row in self.stages)

    @property
    def parked(self) -> int:
        return sum(row.parked for row in self.stages)

    @property
    def stopped(self) -> int:
        return sum(row.stopped for row in self.stages)

    @property
    def moved_in_quarter(self) -> int:
        return sum(row.moved_in_quarter for row in self.stages)

    @property
    def moved_in_year(self) -> int:
        return sum(row.moved_in_year for row in self.stages)


@dataclass(frozen=True)
class TargetGap:
    points: int  # percentage points from the target, 0 when on it
    above: bool


@dataclass(frozen=True)
class Balance:
    """Effort over ``quarters`` (the current one and the three before) in initiatives still
    before operation (innovation) and in operation (förvaltning), by the stage each is in
    today; hours and SEK apart, since a quarter may be given in either."""

    quarters: list[tuple[int, int]]
    innovation_hours: Decimal
    operation_hours: Decimal
    innovation_sek: Decimal
    operation_sek: Decimal
    target: int | None  # the municipality's target share of innovation, in percent

    @property
    def total_hours(self) -> Decimal:
        return self.innovation_hours + self.operation_hours

    @property
    def total_sek(self) -> Decimal:
        return self.innovation_sek + self.operation_sek

    @property
    def hours_percent(self) -> int | None:
        return _percent(self.innovation_hours, self.total_hours)

    @property
    def sek_percent(self) -> int | None:
        return _percent(self.innovation_sek, self.total_sek)

    @property
    def has_effort(self) -> bool:
        return bool(self.total_hours or self.total_sek)

    @property
    def first_quarter(self) -> str:
        year, quarter = self.quarters[0]
        return f"{year} Q{quarter}"

    @property
    def last_quarter(self) -> str:
        year, quarter = self.quarters[-1]
        return f"{year} Q{quarter}"

    def gap(self, percent: int | None) -> TargetGap | None:
        """How far a share is from the target, in percentage points."""
        if percent is None or self.target is None:
            return None
        return TargetGap(points=abs(percent - self.target), above=percent > self.target)

    @property
    def hours_gap(self) -> TargetGap | None:
        return self.gap(self.hours_percent)

    @property
    def sek_gap(self) -> TargetGap | None:
        return self.gap(self.sek_percent)


@dataclass(frozen=True)
class FacetRow:
    """A facet: initiatives in the portfolio (active or parked) and their effort over the
    balance's four quarters (every initiative with the facet, stopped ones too)."""

    facet: str
    label: str
    initiatives: int
    hours: Decimal
    sek: Decimal


@dataclass(frozen=True)
class HelixCell:
    helix: str
    label: str
    initiatives: int  # active initiatives of the stage in which this helix takes part


@dataclass(frozen=True)
class HelixRow:
    """Which helices take part in a stage's active initiatives. The owner (a municipality, or
    the member municipalities of a joint one) is the public sector of each."""

    stage: str
    label: str
    initiatives: int
    cells: list[HelixCell]
    warnings: list[str]


@dataclass(frozen=True)
class Portfolio:
    today: dt.date
    listed: list[InitiativeRow]  # the initiatives the person may open, by title
    unlisted: int  # in the figures, but not listed: the person may not open them
    funnel: Funnel
    balance: Balance
    facets: list[FacetRow]
    helix: list[HelixRow]
    overdue_gates: list[InitiativeRow]
    overdue_gates_unlisted: int
    overdue_assumptions: list[Assumption]
    overdue_assumptions_unlisted: int

    @property
    def total(self) -> int:
        return len(self.listed) + self.unlisted

    @property
    def helix_warnings(self) -> list[str]:
        return [warning for row in self.helix for warning in row.warnings]


def _helix_warning(stage: str, helix: str) -> str:
    # Whole sentences, so that each translates naturally.
    warnings: dict[tuple[str, str], str] = {
        (Stage.PILOT, Helix.ACADEMIA): _("No pilot initiative has a partner from academia."),
        (Stage.PILOT, Helix.CIVIL_SOCIETY): _(
            "No pilot initiative has a partner from civil society."
        ),
        (Stage.IMPLEMENTATION, Helix.ACADEMIA): _(
            "No initiative in implementation has a partner from academia."
        ),
        (Stage.IMPLEMENTATION, Helix.CIVIL_SOCIETY): _(
            "No initiative in implementation has a partner from civil society."
        ),
    }
    return warnings[(stage, helix)]


def _initiatives(scope: QuerySet[Initiative], today: dt.date) -> list[Initiative]:
    """Every initiative in scope with its lead and owner, and its open and overdue assumptions
    counted: one query."""
    open_ = Q(assumptions__outcome=Outcome.OPEN)
    return list(
        scope.select_related("lead", "municipality", "cluster")
        .annotate(
            open_assumptions=Count("assumptions", filter=open_),
            overdue_assumptions=Count(
                "assumptions", filter=open_ & Q(assumptions__test_by__lt=today)
            ),
        )
        .order_by("title", "pk")
    )


def _helices_by_initiative(scope: QuerySet[Initiative]) -> dict[int, set[str]]:
    helices: dict[int, set[str]] = defaultdict(set)
    for initiative_id, helix in (
        InitiativePartner.objects.filter(initiative__in=scope)
        .values_list("initiative_id", "organisation__helix")
        .distinct()
    ):
        helices[initiative_id].add(helix)
    return helices


def _effort_by_initiative(
    scope: QuerySet[Initiative], quarters: list[tuple[int, int]]
) -> dict[int, tuple[Decimal, Decimal]]:
    window = Q()
    for year, quarter in quarters:
        window |= Q(year=year, quarter=quarter)
    return {
        row["initiative_id"]: (row["hours"] or ZERO, row["sek"] or ZERO)
        for row in Effort.objects.filter(window, initiative__in=scope)
        .values("initiative_id")
        .annotate(hours=Sum("hours"), sek=Sum("sek"))
        .order_by()
    }


def _funnel(initiatives: list[Initiative], scope: QuerySet[Initiative], today: dt.date) -> Funnel:
    quarter_since, year_since = months_before(today, 3), months_before(today, 12)
    in_quarter: Counter[str] = Counter()
    in_year: Counter[str] = Counter()
    for to_stage, decided_on in GateDecision.objects.filter(
        initiative__in=scope,
        decision__in=ADVANCING,
        decided_on__gte=year_since,
        decided_on__lte=today,
    ).values_list("to_stage", "decided_on"):
        in_year[to_stage] += 1
        if decided_on >= quarter_since:
            in_quarter[to_stage] += 1
    by_state: Counter[tuple[str, str]] = Counter((i.stage, i.state) for i in initiatives)
    rows = [
        StageRow(
            stage=stage,
            label=str(Stage(stage).label),
            active=by_state[(stage, State.ACTIVE)],
            parked=by_state[(stage, State.PARKED)],
            stopped=by_state[(stage, State.STOPPED)],
            moved_in_quarter=in_quarter[stage],
            moved_in_year=in_year[stage],
        )
        for stage in STAGES
    ]
    return Funnel(stages=rows, quarter_since=quarter_since, year_since=year_since)


def _balance(
    initiatives: list[Initiative],
    effort: dict[int, tuple[Decimal, Decimal]],
    quarters: list[tuple[int, int]],
    target: int | None,
) -> Balance:
    sums = {True: [ZERO, ZERO], False: [ZERO, ZERO]}  # in operation → [hours, sek]
    for initiative in initiatives:
        hours, sek = effort.get(initiative.pk, (ZERO, ZERO))
        side = sums[initiative.stage == Stage.OPERATION]
        side[0] += hours
        side[1] += sek
    return Balance(
        quarters=quarters,
        innovation_hours=sums[False][0],
        operation_hours=sums[True][0],
        innovation_sek=sums[False][1],
        operation_sek=sums[True][1],
        target=target,
    )


def _facets(
    initiatives: list[Initiative], effort: dict[int, tuple[Decimal, Decimal]]
) -> list[FacetRow]:
    count: Counter[str] = Counter()
    hours: dict[str, Decimal] = defaultdict(Decimal)
    sek: dict[str, Decimal] = defaultdict(Decimal)
    for initiative in initiatives:
        if initiative.state != State.STOPPED:
            count[initiative.facet] += 1
        spent = effort.get(initiative.pk, (ZERO, ZERO))
        hours[initiative.facet] += spent[0]
        sek[initiative.facet] += spent[1]
    return [
        FacetRow(
            facet=facet,
            label=str(Facet(facet).label),
            initiatives=count[facet],
            hours=hours[facet],
            sek=sek[facet],
        )
        for facet in Facet.values
    ]


def _helix(initiatives: list[Initiative], partners: dict[int, set[str]]) -> list[HelixRow]:
    rows = []
    for stage in STAGES:
        active = [i for i in initiatives if i.stage == stage and i.state == State.ACTIVE]
        taking_part: Counter[str] = Counter()
        for initiative in active:
            for helix in partners.get(initiative.pk, set()) | {Helix.PUBLIC}:
                taking_part[helix] += 1
        warnings = []
        if active and stage in WATCHED_STAGES:
            warnings = [
                _helix_warning(stage, helix) for helix in WATCHED_HELICES if not taking_part[helix]
            ]
        rows.append(
            HelixRow(
                stage=stage,
                label=str(Stage(stage).label),
                initiatives=len(active),
                cells=[
                    HelixCell(helix=h, label=str(Helix(h).label), initiatives=taking_part[h])
                    for h in HELICES
                ],
                warnings=warnings,
            )
        )
    return rows


def _portfolio(
    scope: QuerySet[Initiative],
    *,
    today: dt.date,
    target: int | None,
    may_open: Callable[[Initiative], bool],
    owner: Callable[[Initiative], str | None],
) -> tuple[Portfolio, list[Initiative]]:
    """The portfolio, and every initiative in scope (for sums the caller makes; never for a
    template, which gets only what the person may see)."""
    initiatives = _initiatives(scope, today)
    partners = _helices_by_initiative(scope)
    quarters = last_four_quarters(today)
    effort = _effort_by_initiative(scope, quarters)

    rows = [
        InitiativeRow(
            initiative=initiative,
            owner=owner(initiative),
            open_assumptions=initiative.open_assumptions,  # type: ignore[attr-defined]
            overdue_assumptions=initiative.overdue_assumptions,  # type: ignore[attr-defined]
            gate_overdue=initiative.gate_is_overdue(today),
        )
        for initiative in initiatives
    ]
    listed = [row for row in rows if may_open(row.initiative)]
    overdue_gates = sorted(
        (row for row in rows if row.gate_overdue),
        key=lambda row: (row.initiative.next_gate_due_on, row.initiative.title),
    )
    assumptions = list(
        Assumption.objects.filter(initiative__in=scope, outcome=Outcome.OPEN, test_by__lt=today)
        .select_related("initiative")
        .order_by("test_by", "pk")
    )
    shown_assumptions = [a for a in assumptions if may_open(a.initiative)]
    shown_gates = [row for row in overdue_gates if may_open(row.initiative)]
    portfolio = Portfolio(
        today=today,
        listed=listed,
        unlisted=len(rows) - len(listed),
        funnel=_funnel(initiatives, scope, today),
        balance=_balance(initiatives, effort, quarters, target),
        facets=_facets(initiatives, effort),
        helix=_helix(initiatives, partners),
        overdue_gates=shown_gates,
        overdue_gates_unlisted=len(overdue_gates) - len(shown_gates),
        overdue_assumptions=shown_assumptions,
        overdue_assumptions_unlisted=len(assumptions) - len(shown_assumptions),
    )
    return portfolio, initiatives


# --- the municipality's page ----------------------------------------------------------------


@dataclass(frozen=True)
class DimensionScore:
    """A self-assessment dimension's mean (1–5) in the municipality's latest closed round."""

    code: str
    name: str
    mean: Decimal | None


@dataclass(frozen=True)
class SelfAssessment:
    round: AssessmentRound | None
    balance: DimensionScore | None
    uncertainty: DimensionScore | None


def _self_assessment(municipality: Municipality) -> SelfAssessment:
    latest = latest_scores_for([municipality.pk]).get(municipality.pk)
    if latest is None:
        return SelfAssessment(round=None, balance=None, uncertainty=None)
    names = {
        d.code: d.name
        for d in Dimension.objects.filter(
            framework_id=latest.round.framework_id,
            code__in=(BALANCE_DIMENSION, UNCERTAINTY_DIMENSION),
        )
    }

    def score(code: str) -> DimensionScore | None:
        if code not in names:
            return None
        mean = latest.means.get(code)
        return DimensionScore(
            code=code, name=names[code], mean=None if mean is None else Decimal(str(mean))
        )

    return SelfAssessment(
        round=latest.round,
        balance=score(BALANCE_DIMENSION),
        uncertainty=score(UNCERTAINTY_DIMENSION),
    )


@dataclass(frozen=True)
class MunicipalityPortfolio:
    municipality: Municipality
    portfolio: Portfolio
    target: PortfolioTarget | None
    self_assessment: SelfAssessment


def municipality_portfolio(municipality: Municipality, *, today: dt.date) -> MunicipalityPortfolio:
    """The portfolio of one municipality's own initiatives. Everyone who may read the
    municipality may open each of them, so all are listed."""
    target = PortfolioTarget.objects.filter(municipality=municipality).first()
    portfolio, _all = _portfolio(
        Initiative.objects.filter(municipality=municipality),
        today=today,
        target=target.innovation_percent if target else None,
        may_open=lambda initiative: True,
        owner=lambda initiative: municipality.name,
    )
    return MunicipalityPortfolio(
        municipality=municipality,
        portfolio=portfolio,
        target=target,
        self_assessment=_self_assessment(municipality),
    )


# --- the cluster's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    """A member municipality's share of the cluster portfolio (or, with ``municipality``
    None, the summed share of the ``count`` members the person may not see named)."""

    municipality: Municipality | None
    is_own: bool
    count: int
    initiatives: int  # active or parked
    piloting: int  # active or parked, in pilot or implementation
    in_operation: int  # active or parked, in operation
    stopped: int
    overdue_gates: int


@dataclass(frozen=True)
class ClusterPortfolio:
    cluster: Cluster
    full_view: bool
    portfolio: Portfolio
    members: list[MemberRow]  # the members the person may see named: own first, then by name
    unseen: MemberRow | None  # the others, summed; None when there are none
    joint: MemberRow  # the cluster's joint initiatives
    open_members: int

    @property
    def unseen_members(self) -> int:
        return self.unseen.count if self.unseen else 0


def _member_row(
    municipality: Municipality | None,
    initiatives: list[Initiative],
    *,
    today: dt.date,
    is_own: bool = False,
    count: int = 1,
) -> MemberRow:
    current = [i for i in initiatives if i.state != State.STOPPED]
    return MemberRow(
        municipality=municipality,
        is_own=is_own,
        count=count,
        initiatives=len(current),
        piloting=sum(1 for i in current if i.stage in WATCHED_STAGES),
        in_operation=sum(1 for i in current if i.stage == Stage.OPERATION),
        stopped=sum(1 for i in initiatives if i.state == State.STOPPED),
        overdue_gates=sum(1 for i in initiatives if i.gate_is_overdue(today)),
    )


def cluster_portfolio(
    cluster: Cluster, *, roles: Roles, full_view: bool, today: dt.date
) -> ClusterPortfolio:
    """The cluster's joint initiatives and its open members' own ones, as ``roles`` may see
    them (``full_view``: the cluster's managers and administrators name every member)."""
    memberships = list(
        cluster.memberships.current()
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    member_ids = [m.municipality_id for m in memberships]
    own_ids = roles.municipality_ids
    named_ids = {
        m.municipality_id
        for m in memberships
        if full_view or m.municipality_id in own_ids or m.municipality.share_benchmarks
    }
    scope = Initiative.objects.filter(Q(cluster=cluster) | Q(municipality_id__in=member_ids))
    if roles.is_admin:
        openable: set[int] | None = None
    else:
        openable = set(visible_initiatives(roles).filter(pk__in=scope).values_list("pk", flat=True))

    def may_open(initiative: Initiative) -> bool:
        return openable is None or initiative.pk in openable

    def owner(initiative: Initiative) -> str | None:
        if initiative.cluster_id is not None:
            return cluster.name
        if initiative.municipality_id in named_ids:
            return initiative.municipality.name  # type: ignore[union-attr]
        return None

    portfolio, everything = _portfolio(
        scope, today=today, target=None, may_open=may_open, owner=owner
    )
    by_owner: dict[int | None, list[Initiative]] = defaultdict(list)
    for initiative in everything:
        by_owner[initiative.municipality_id].append(initiative)
    named = sorted(
        (m for m in memberships if m.municipality_id in named_ids),
        key=lambda m: (m.municipality_id not in own_ids, m.municipality.name),
    )
    members = [
        _member_row(
            m.municipality,
            by_owner[m.municipality_id],
            today=today,
            is_own=m.municipality_id in own_ids,
        )
        for m in named
    ]
    unseen_ids = [mid for mid in member_ids if mid not in named_ids]
    unseen = (
        _member_row(
            None,
            [i for mid in unseen_ids for i in by_owner[mid]],
            today=today,
            count=len(unseen_ids),
        )
        if unseen_ids
        else None
    )
    return ClusterPortfolio(
        cluster=cluster,
        full_view=full_view,
        portfolio=portfolio,
        members=members,
        unseen=unseen,
        joint=_member_row(None, by_owner[None], today=today),
        open_members=len(memberships),
    )
