"""Reads for indicators, set-based so pages and reports stay at a fixed number of queries.

Contracts used by later work (progress reports, benchmarking, benefits):
- ``indicator_series(indicators)``: every indicator's values in period order, one query
  (periods the source reported as missing are left out: they have no number).
- ``indicator_status(indicator, series)``: the latest value against baseline and target.
- ``latest_values(indicator_ids)``: each indicator's latest value row (with its source,
  status and period at the source), one query.
- ``latest_rows(indicator_ids)``: the latest row whatever its status (a missing one too).
- ``cluster_comparison(cluster, indicators, roles=…, full_view=…)``: each member's figure for
  a cluster indicator's key figure beside the cluster's range and the national figure, under
  the benchmarking consent rules; a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from clusters.models import Cluster
from innocities.core.permissions import Roles
from municipalities.models import Country, Municipality
from programs.benchmarks import aggregates_hidden
from programs.indicators.models import (
    Direction,
    Indicator,
    IndicatorValue,
    ReferenceValue,
    Source,
)

# The whole country at each source (Kolada's Riket, SSB's Hele landet), and whose municipalities
# each source has figures for. Kept here, not imported from the clients, so reading pages never
# loads the HTTP client.
COUNTRY_CODES: dict[str, str] = {Source.KOLADA: "0000", Source.SSB: "0"}
SOURCE_COUNTRIES: dict[str, str] = {Source.KOLADA: Country.SWEDEN, Source.SSB: Country.NORWAY}

Series = list[tuple[dt.date, Decimal]]


def indicator_series(indicators: Iterable[Indicator | int]) -> dict[int, Series]:
    """``{indicator id: [(period, value), …]}`` in period order, in one query for all.

    Indicators without values map to an empty list, so callers can index without checking.
    """
    ids = [item if isinstance(item, int) else item.pk for item in indicators]
    series: dict[int, Series] = defaultdict(list)
    for indicator_id in ids:
        series[indicator_id] = []
    if not ids:
        return dict(series)
    rows = (
        IndicatorValue.objects.filter(indicator_id__in=ids, value__isnull=False)
        .order_by("indicator_id", "period")
        .values_list("indicator_id", "period", "value")
    )
    for indicator_id, period, value in rows:
        if value is not None:  # filtered above; the column allows NULL for missing periods
            series[indicator_id].append((period, value))
    return dict(series)


@dataclass(frozen=True)
class IndicatorStatus:
    """Where an indicator stands.

    ``progress`` is the share of the way from baseline to target the latest value has come,
    in percent, respecting the direction: 0 at the baseline, 100 at the target; below 0 when
    it moved the wrong way, above 100 past the target. ``None`` when there is no value yet or
    baseline equals target (no way to measure). ``progress_clamped`` is 0–100, for bars.
    """

    latest_period: dt.date | None
    latest_value: Decimal | None
    progress: Decimal | None
    target_reached: bool

    @property
    def progress_clamped(self) -> int | None:
        if self.progress is None:
            return None
        return int(max(Decimal(0), min(Decimal(100), self.progress)))


def indicator_status(indicator: Indicator, series: Series | None = None) -> IndicatorStatus:
    """The latest value against baseline and target. Pass ``series`` (from
    ``indicator_series``) to avoid a query per indicator on list pages."""
    if series is None:
        series = indicator_series([indicator])[indicator.pk]
    if not series:
        return IndicatorStatus(None, None, None, False)
    latest_period, latest = series[-1]
    baseline, target = indicator.baseline_value, indicator.target_value
    if indicator.direction == Direction.LOWER_IS_BETTER:
        reached = latest <= target
    else:
        reached = latest >= target
    progress: Decimal | None = None
    if target != baseline:
        # (latest − baseline) / (target − baseline) already points the right way for both
        # directions: with a lower target both differences are negative when improving.
        progress = ((latest - baseline) / (target - baseline) * 100).quantize(Decimal("0.1"))
    return IndicatorStatus(latest_period, latest, progress, reached)


def latest_values(indicator_ids: Iterable[int]) -> dict[int, IndicatorValue]:
    """``{indicator id: its latest value}`` in one query, for indicators that have one.

    "Latest" is the row with the latest period that holds a number: a period the source
    reported as missing (value NULL) is skipped, so a missing year never hides the last known
    value. Whether a value was typed in or synced, and if it is preliminary, is on the row
    (``source``, ``status``, ``source_period``, ``fetched_at``).
    """
    ids = set(indicator_ids)
    if not ids:
        return {}
    newest = (
        IndicatorValue.objects.filter(indicator_id=OuterRef("indicator_id"), value__isnull=False)
        .order_by("-period")
        .values("period")[:1]
    )
    rows = IndicatorValue.objects.filter(
        indicator_id__in=ids, value__isnull=False, period=Subquery(newest)
    )
    return {row.indicator_id: row for row in rows}


def latest_rows(indicator_ids: Iterable[int]) -> dict[int, IndicatorValue]:
    """``{indicator id: its row with the latest period}``, missing or not; one query."""
    ids = set(indicator_ids)
    if not ids:
        return {}
    newest = (
        IndicatorValue.objects.filter(indicator_id=OuterRef("indicator_id"))
        .order_by("-period")
        .values("period")[:1]
    )
    rows = IndicatorValue.objects.filter(indicator_id__in=ids, period=Subquery(newest))
    return {row.indicator_id: row for row in rows}


# --- comparison on the cluster's page ------------------------------------------------------


@dataclass(frozen=True)
class MemberFigure:
    """A member the person may see, with its figure for the comparison's period (or None)."""

    municipality: Municipality
    is_own: bool
    figure: ReferenceValue | None


@dataclass(frozen=True)
class Comparison:
    """One cluster indicator's key figure across the cluster's members.

    ``period`` is the latest period any member has a figure for. ``minimum`` and ``maximum``
    are the cluster's range over every member with a figure, seen or not; None when there is
    none, or when it is withheld from the person (``range_hidden``: it would give an unseen
    member's figure away, as ``programs.benchmarks.aggregates_hidden`` decides).
    """

    indicator: Indicator
    source_period: str
    members: list[MemberFigure]
    contributors: int
    unseen_members: int
    minimum: Decimal | None
    maximum: Decimal | None
    range_hidden: bool
    national: ReferenceValue | None

    @property
    def has_figures(self) -> bool:
        return self.contributors > 0 or self.national is not None


def cluster_comparison(
    cluster: Cluster, indicators: Iterable[Indicator], *, roles: Roles, full_view: bool
) -> list[Comparison]:
    """For each of the cluster's indicators tied to Kolada or SSB: every visible member's
    figure, the cluster's range and the national figure, in one period.

    Who sees which member follows ``programs.benchmarks``: managers and administrators
    (``full_view``) see every open member by name; others see their own municipalities and
    the members that share (``Municipality.share_benchmarks``); the figures of the others
    never leave this function, they only count in the range, which is withheld where it
    would give one of them away. Two queries whatever the number of members and indicators.
    """
    synced = [i for i in indicators if i.is_synced]
    if not synced:
        return []
    memberships = list(
        cluster.memberships.current()
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    codes = {m.municipality.code for m in memberships} | set(COUNTRY_CODES.values())
    figures: dict[tuple[str, str], dict[tuple[str, str], ReferenceValue]] = defaultdict(dict)
    for row in ReferenceValue.objects.filter(
        source__in={i.source for i in synced},
        key__in={i.statistics_key for i in synced},
        area_code__in=codes,
    ):
        figures[(row.source, row.key)][(row.area_code, row.source_period)] = row

    own_ids = roles.municipality_ids
    result = []
    for indicator in synced:
        country = SOURCE_COUNTRIES[indicator.source]
        members = [m for m in memberships if m.municipality.country == country]
        rows = figures.get((indicator.source, indicator.statistics_key), {})
        member_codes = {m.municipality.code for m in members}
        with_value = [
            r for (code, _p), r in rows.items() if code in member_codes and r.value is not None
        ]
        if with_value:
            latest = max(with_value, key=lambda r: (r.period, r.source_period))
            source_period = latest.source_period
        else:
            national_rows = [
                r for (code, _p), r in rows.items() if code == COUNTRY_CODES[indicator.source]
            ]
            source_period = (
                max(national_rows, key=lambda r: (r.period, r.source_period)).source_period
                if national_rows
                else ""
            )
        visible = [
            m
            for m in members
            if full_view or m.municipality_id in own_ids or m.municipality.share_benchmarks
        ]
        visible.sort(key=lambda m: (m.municipality_id not in own_ids, m.municipality.name))
        visible_codes = {m.municipality.code for m in visible}
        values: dict[str, Decimal] = {}
        for m in members:
            figure = rows.get((m.municipality.code, source_period))
            if figure is not None and figure.value is not None:
                values[m.municipality.code] = figure.value
        unseen = sum(1 for code in values if code not in visible_codes)
        hidden = not full_view and aggregates_hidden(contributors=len(values), unseen=unseen)
        show = bool(values) and not hidden
        result.append(
            Comparison(
                indicator=indicator,
                source_period=source_period,
                members=[
                    MemberFigure(
                        municipality=m.municipality,
                        is_own=m.municipality_id in own_ids,
                        figure=rows.get((m.municipality.code, source_period)),
                    )
                    for m in visible
                ],
                contributors=len(values),
                unseen_members=len(members) - len(visible),
                minimum=min(values.values()) if show else None,
                maximum=max(values.values()) if show else None,
                range_hidden=hidden,
                national=rows.get((COUNTRY_CODES[indicator.source], source_period)),
            )
        )
    return result
