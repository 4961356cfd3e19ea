"""Writes for indicators: every change is validated and recorded with its author."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.services import validated_save
from programs.indicators.models import (
    Indicator,
    IndicatorValue,
    Source,
    ValueStatus,
    period_start,
)
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
    source: str = Source.MANUAL,
    ssb_table: str = "",
    ssb_contents_code: str = "",
    ssb_region_variable: str = "Region",
    ssb_filters: dict[str, str] | None = None,
) -> Indicator:
    """An indicator of exactly one programme or one cluster (the model refuses both/neither).

    ``source`` ties it to open statistics: Kolada (``kolada_kpi``) for a Swedish
    municipality's programme, SSB (``ssb_table``, ``ssb_contents_code``, ``ssb_filters``)
    for a Norwegian one; a cluster's indicator may use either.
    """
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
        source=source,
        ssb_table=ssb_table,
        ssb_contents_code=ssb_contents_code,
        ssb_region_variable=ssb_region_variable,
        ssb_filters=ssb_filters or {},
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
        "source",
        "ssb_table",
        "ssb_contents_code",
        "ssb_region_variable",
        "ssb_filters",
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
    """Record the value a person gives for ``period``: a second value for the same period
    replaces the first, and so does it a value the sync fetched. A value typed in by hand is
    never overwritten by the sync (``statistics_sync``).

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
    row.source = Source.MANUAL
    row.status = ValueStatus.FINAL
    row.source_period = ""
    row.fetched_at = None
    return validated_save(row, actor=actor)


# The statistics sync lives in its own module (it talks to the sources); callers use it from
# here like every other write.
from programs.indicators.sync import (  # noqa: E402
    SyncResult,
    statistics_store,
    statistics_sync,
)

__all__ = [
    "UPDATABLE_FIELDS",
    "SyncResult",
    "indicator_create",
    "indicator_update",
    "indicator_value_record",
    "statistics_store",
    "statistics_sync",
]
