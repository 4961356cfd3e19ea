"""Reads for indicators, set-based so pages and reports stay at a fixed number of queries.

Contracts used by later work (progress reports, benchmarking):
- ``indicator_series(indicators)``: every indicator's values in period order, one query.
- ``indicator_status(indicator, series)``: the latest value against baseline and target.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from programs.indicators.models import Direction, Indicator, IndicatorValue

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
        IndicatorValue.objects.filter(indicator_id__in=ids)
        .order_by("indicator_id", "period")
        .values_list("indicator_id", "period", "value")
    )
    for indicator_id, period, value in rows:
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
