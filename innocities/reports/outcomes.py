"""The outcomes a progress report freezes beside the work: indicators and self-assessment.

Plain JSON like the rest of the figures (Decimals as strings), each in a fixed number of
queries whatever the number of indicators, values, dimensions or member municipalities.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from clusters.models import ClusterMembership
from municipalities.assessments.models import Dimension, RespondentStatus
from municipalities.assessments.selectors import (
    latest_closed_round,
    latest_scores_for,
    previous_closed_round,
    round_scores,
)
from municipalities.models import Municipality
from programs.indicators.models import Indicator, period_label
from programs.indicators.selectors import indicator_series, indicator_status


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    # A string keeps every digit the database holds and survives JSON unchanged.
    return str(value) if value is not None else None


def indicator_figures(indicators: Iterable[Indicator]) -> list[dict[str, Any]]:
    """Each indicator with where it stands and its whole series, as frozen JSON.

    One query for the values of all of them (``indicator_series``); the indicators themselves
    are the caller's one query.
    """
    indicators = list(indicators)
    series = indicator_series(indicators)
    rows = []
    for indicator in indicators:
        values = series[indicator.pk]
        status = indicator_status(indicator, values)
        rows.append(
            {
                "name": indicator.name,
                "unit": indicator.unit,
                "kolada_kpi": indicator.kolada_kpi,
                "direction": indicator.direction,
                "frequency": indicator.frequency,
                "baseline_value": _decimal(indicator.baseline_value),
                "baseline_period": indicator.baseline_period,
                "target_value": _decimal(indicator.target_value),
                "target_period": indicator.target_period,
                "latest_period": _day(status.latest_period),
                "latest_label": (
                    period_label(indicator.frequency, status.latest_period)
                    if status.latest_period
                    else ""
                ),
                "latest_value": _decimal(status.latest_value),
                "progress": _decimal(status.progress),
                "target_reached": status.target_reached,
                # The whole series, so the trend can be drawn again from the snapshot alone.
                "series": [[period.isoformat(), _decimal(value)] for period, value in values],
            }
        )
    return rows


def _closed_on(moment: dt.datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def assessment_figures(municipality: Municipality) -> dict[str, Any] | None:
    """The municipality's latest closed self-assessment round, scored per dimension with the
    change since the previous closed round; None without a closed round. Seven queries at
    most, whatever the number of dimensions, respondents or answers."""
    latest = latest_closed_round(municipality)
    if latest is None:
        return None
    scores = round_scores(latest)
    # round_scores compares with this same round; asked again for its title and date.
    previous = previous_closed_round(latest)
    submitted = latest.respondents.filter(status=RespondentStatus.SUBMITTED).count()
    return {
        "title": latest.title,
        "closed_on": _closed_on(latest.closed_at),  # type: ignore[arg-type]
        "respondents": submitted,
        "previous": (
            {"title": previous.title, "closed_on": _closed_on(previous.closed_at)}  # type: ignore[arg-type]
            if previous is not None
            else None
        ),
        "dimensions": [
            {
                "code": score.code,
                "name_sv": score.dimension.name_sv,
                "name_en": score.dimension.name_en,
                "name_nb": score.dimension.name_nb,
                "mean": score.mean,
                "spread": score.spread,
                "change": score.change,
            }
            for score in scores
        ],
    }


def _one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def maturity_figures(memberships: list[ClusterMembership]) -> dict[str, Any]:
    """Per dimension, each member's mean in its latest closed round, and the cluster's mean
    and median of those means. Three queries at most, whatever the number of members.

    Each municipality counts once, however many people answered in it: the cluster compares
    municipalities. The members' means are the one-decimal figures the report shows, so a
    reader can check the cluster's mean and median against the rows.
    """
    names = {m.municipality_id: m.municipality.name for m in memberships}
    scores = latest_scores_for(names)
    # Members may have answered different versions of the framework; codes are stable
    # across versions, so dimensions are matched by code and named after the newest one.
    framework_ids = {s.round.framework_id for s in scores.values()}
    by_code: dict[str, Dimension] = {}
    if framework_ids:
        for dimension in Dimension.objects.filter(framework_id__in=framework_ids).order_by(
            "-framework_id", "position", "pk"
        ):
            by_code.setdefault(dimension.code, dimension)
    ordered = [m.municipality_id for m in memberships if m.municipality_id in scores]
    dimensions = []
    for code, dimension in by_code.items():
        means = [
            {"municipality": names[pk], "mean": scores[pk].means[code]}
            for pk in ordered
            if code in scores[pk].means
        ]
        # Decimals: one-decimal means added as floats would round 3.15 down to 3.1.
        values = [Decimal(str(row["mean"])) for row in means]
        dimensions.append(
            {
                "code": code,
                "name_sv": dimension.name_sv,
                "name_en": dimension.name_en,
                "name_nb": dimension.name_nb,
                "mean": _one_decimal(sum(values) / len(values)) if values else None,
                "median": _one_decimal(statistics.median(values)) if values else None,
                "members": means,
            }
        )
    return {
        "members": len(memberships),
        "members_with_round": len(ordered),
        "rounds": [
            {
                "municipality": names[pk],
                "title": scores[pk].round.title,
                "closed_on": _closed_on(scores[pk].round.closed_at),  # type: ignore[arg-type]
            }
            for pk in ordered
        ],
        "dimensions": dimensions,
    }
