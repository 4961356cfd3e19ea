"""Writes for indicators: every change is validated and recorded with its author."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.services import validated_save
from programs.indicators.models import Indicator, IndicatorValue, period_start
from programs.models import Program


@transaction.atomic
def indicator_create(
    *,
    actor: User | None,
    program: Program | None = None,
    cluster: Cluster | None = None,
    name: str,
    unit: str = "",
    description: str = "",
    frequency: str,
    direction: str,
    baseline_value: Decimal,
    baseline_period: str = "",
    target_value: Decimal,
    target_period: str = "",
    kolada_kpi: str = "",
) -> Indicator:
    """An indicator of exactly one programme or one cluster (the model refuses both/neither)."""
    indicator = Indicator(
        program=program,
        cluster=cluster,
        name=name,
        unit=unit,
        description=description,
        frequency=frequency,
        direction=direction,
        baseline_value=baseline_value,
        baseline_period=baseline_period,
        target_value=target_value,
        target_period=target_period,
        kolada_kpi=kolada_kpi,
        created_by=actor,
    )
    return validated_save(indicator, actor=actor)


UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "unit",
        "description",
        "frequency",
        "direction",
        "baseline_value",
        "baseline_period",
        "target_value",
        "target_period",
        "kolada_kpi",
    }
)


@transaction.atomic
def indicator_update(*, indicator: Indicator, actor: User | None, **changes: object) -> Indicator:
    """Change an indicator's description fields; its programme or cluster never changes."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"indicator_update() got unexpected fields {sorted(unknown)}")
    for name, value in changes.items():
        setattr(indicator, name, value)
    return validated_save(indicator, actor=actor)


@transaction.atomic
def indicator_value_record(
    *,
    indicator: Indicator,
    actor: User | None,
    period: dt.date,
    value: Decimal,
    note: str = "",
) -> IndicatorValue:
    """Record the value for ``period``: a second value for the same period replaces the first.

    ``period`` may be any day of the period: it is stored as the period's first day (by the
    indicator's frequency). The row is locked while it is changed.
    """
    period = period_start(indicator.frequency, period)
    existing = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, period=period)
        .first()
    )
    row = existing or IndicatorValue(indicator=indicator, period=period)
    row.value = value
    row.note = note
    row.recorded_by = actor
    return validated_save(row, actor=actor)
