"""The statistics sync: fetch the open statistics behind indicators and store them.

``statistics_sync`` (re-exported by ``programs.indicators.services``) reads every indicator
tied to Kolada or SSB, asks each source once per key figure for every area it needs (the
programme's municipality, the cluster's members, the whole country), and then:

- keeps every figure in ``ReferenceValue`` (the comparisons on the cluster's page read them);
- writes the programme's own figures as ``IndicatorValue`` rows with their source, status and
  the period as the source names it; a period the source has no figure for is stored as
  missing (value NULL), never as zero;
- never touches a value a person typed in (source "manual"): it is kept, and counted;
- records the run, and for an indicator that could not be fetched a ``StatisticsFailure``
  (one open failure per indicator until a later run fetches it again), which the reminder
  scan tells its municipality's coordinators or its cluster's managers about.

A second run with the same answers changes nothing: rows are written only when what the source
says differs from what is stored (``fetched_at`` is when that figure was fetched as it is now).

What can still go wrong: a source that changes a figure without saying so is simply stored
anew (Kolada revises without notice); two syncs at once may both fetch, but the unique keys
make the second one's inserts no-ops and its counts then overstate what it wrote.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters.models import ClusterMembership
from municipalities.models import Country
from programs.indicators.models import (
    ERROR_MAX,
    Indicator,
    IndicatorValue,
    ReferenceValue,
    Source,
    StatisticsFailure,
    StatisticsSyncRun,
)
from programs.indicators.statistics import (
    KOLADA_COUNTRY,
    SSB_COUNTRY,
    KoladaClient,
    Observation,
    SsbClient,
    StatisticsError,
)

logger = logging.getLogger(__name__)

COUNTRY_CODE = {Source.KOLADA: KOLADA_COUNTRY, Source.SSB: SSB_COUNTRY}
# Which country's municipalities each source has figures for.
SOURCE_COUNTRY = {Source.KOLADA: Country.SWEDEN, Source.SSB: Country.NORWAY}


@dataclass
class IndicatorReport:
    """What one run did for one indicator."""

    indicator_id: int
    name: str
    source: str
    key: str
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    references: int = 0
    error: str = ""


@dataclass
class SyncResult:
    """What a run did (or, for a dry run, would do)."""

    dry_run: bool = False
    run_id: int | None = None
    reports: list[IndicatorReport] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(report, name) for report in self.reports)

    @property
    def fetched(self) -> int:
        return self._sum("fetched")

    @property
    def created(self) -> int:
        return self._sum("created")

    @property
    def updated(self) -> int:
        return self._sum("updated")

    @property
    def unchanged(self) -> int:
        return self._sum("unchanged")

    @property
    def kept(self) -> int:
        return self._sum("kept")

    @property
    def references(self) -> int:
        return self._sum("references")

    @property
    def failed(self) -> int:
        return sum(1 for report in self.reports if report.error)

    @property
    def changed(self) -> int:
        """Rows written: indicator values created or updated, reference figures stored."""
        return self.created + self.updated + self.references


def shorten(text: str, limit: int = ERROR_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- which areas each indicator needs --------------------------------------------------------


def _cluster_member_codes(cluster_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Cluster id → (country, code) of its current members; one query."""
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cluster_id, country, code in (
        ClusterMembership.objects.current()
        .filter(cluster_id__in=set(cluster_ids))
        .values_list("cluster_id", "municipality__country", "municipality__code")
    ):
        members[cluster_id].append((country, code))
    return members


def _own_code(indicator: Indicator) -> str | None:
    """The municipality code whose figures become the indicator's values: its programme's
    municipality. A cluster's indicator has no own figures, only the members' references."""
    if indicator.program_id is None:
        return None
    return indicator.program.municipality.code


def _areas(indicator: Indicator, members: dict[int, list[tuple[str, str]]]) -> set[str]:
    source = indicator.source
    areas = {COUNTRY_CODE[source]}
    own = _own_code(indicator)
    if own:
        areas.add(own)
    if indicator.cluster_id:
        areas |= {
            code
            for country, code in members.get(indicator.cluster_id, [])
            if country == SOURCE_COUNTRY[source]
        }
    return areas


def _fetcher(indicator: Indicator) -> Callable[[set[str]], list[Observation]]:
    """The question to ask the source for this indicator, given the areas."""
    if indicator.source == Source.KOLADA:
        kpi = indicator.kolada_kpi
        return lambda areas: KoladaClient().fetch(kpi, areas)
    table, contents = indicator.ssb_table, indicator.ssb_contents_code
    region, filters = indicator.ssb_region_variable, dict(indicator.ssb_filters or {})
    return lambda areas: SsbClient().fetch(
        table, contents, areas, region_variable=region, filters=filters
    )


def _target(indicator: Indicator, areas: Iterable[str]) -> str:
    return shorten(
        f"{indicator.get_source_display()} {indicator.statistics_key} ({','.join(sorted(areas))})",
        200,
    )


# --- writing -----------------------------------------------------------------------------------


def _store_references(
    source: str, key: str, observations: list[Observation], *, now: dt.datetime, dry_run: bool
) -> int:
    """Store what differs from the kept figures; answers how many rows were written."""
    existing = {
        (row.area_code, row.source_period): row
        for row in ReferenceValue.objects.filter(
            source=source, key=key, area_code__in={o.area_code for o in observations}
        )
    }
    new, changed = [], []
    for o in observations:
        row = existing.get((o.area_code, o.source_period))
        if row is None:
            new.append(
                ReferenceValue(
                    source=source,
                    key=key,
                    area_code=o.area_code,
                    source_period=o.source_period,
                    period=o.period,
                    value=o.value,
                    status=o.status,
                    fetched_at=now,
                )
            )
        elif (row.value, row.status, row.period) != (o.value, o.status, o.period):
            row.value, row.status, row.period, row.fetched_at = o.value, o.status, o.period, now
            changed.append(row)
    if not dry_run:
        ReferenceValue.objects.bulk_create(new, ignore_conflicts=True)
        ReferenceValue.objects.bulk_update(changed, ["value", "status", "period", "fetched_at"])
    return len(new) + len(changed)


def _store_values(
    indicator: Indicator,
    observations: list[Observation],
    report: IndicatorReport,
    *,
    now: dt.datetime,
    dry_run: bool,
) -> None:
    """The programme's own figures as the indicator's values; a person's value is kept."""
    by_period: dict[dt.date, Observation] = {}
    for o in observations:
        # Two of the source's periods on one day would be one period named twice: the later
        # name wins, deterministically.
        if o.period not in by_period or o.source_period > by_period[o.period].source_period:
            by_period[o.period] = o
    report.fetched = len(by_period)
    existing = {
        row.period: row
        for row in IndicatorValue.objects.select_for_update().filter(
            indicator=indicator, period__in=list(by_period)
        )
    }
    for period, o in sorted(by_period.items()):
        row = existing.get(period)
        if row is not None and row.source == Source.MANUAL:
            report.kept += 1
            continue
        if row is not None and (row.value, row.status, row.source, row.source_period) == (
            o.value,
            o.status,
            indicator.source,
            o.source_period,
        ):
            report.unchanged += 1
            continue
        if row is None:
            report.created += 1
            row = IndicatorValue(indicator=indicator, period=period)
        else:
            report.updated += 1
        if dry_run:
            continue
        row.value, row.status, row.source = o.value, o.status, indicator.source
        row.source_period, row.fetched_at, row.recorded_by = o.source_period, now, None
        row.note = ""  # a note belonged to the figure it replaces (the demo's says "not Kolada's")
        row.full_clean()
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            # A person typed a value for this period while we fetched: theirs wins.
            report.created -= 1
            report.kept += 1


def _store(
    indicator: Indicator,
    observations: list[Observation],
    report: IndicatorReport,
    *,
    now: dt.datetime,
    dry_run: bool,
) -> None:
    report.references = _store_references(
        indicator.source, indicator.statistics_key, observations, now=now, dry_run=dry_run
    )
    own = _own_code(indicator)
    if own:
        _store_values(
            indicator,
            [o for o in observations if o.area_code == own],
            report,
            now=now,
            dry_run=dry_run,
        )
    if not dry_run:
        StatisticsFailure.objects.filter(indicator=indicator, resolved_at__isnull=True).update(
            resolved_at=now
        )


@transaction.atomic
def statistics_store(
    *, indicator: Indicator, observations: list[Observation], now: dt.datetime | None = None
) -> IndicatorReport:
    """Store figures already in hand for a tied indicator, exactly as the sync stores what it
    fetches (references, the programme's own values, a person's values kept). For recorded
    answers: the demo reads them with ``statistics.kolada.parse_answer``."""
    if not indicator.is_synced:
        raise ValueError("the indicator takes no values from Kolada or SSB")
    report = IndicatorReport(
        indicator_id=indicator.pk,
        name=indicator.name,
        source=indicator.source,
        key=indicator.statistics_key,
    )
    _store(indicator, observations, report, now=now or timezone.now(), dry_run=False)
    return report


def _record_failure(
    indicator: Indicator, *, target: str, error: str, run: StatisticsSyncRun, now: dt.datetime
) -> None:
    open_failure = (
        StatisticsFailure.objects.select_for_update()
        .filter(indicator=indicator, resolved_at__isnull=True)
        .first()
    )
    if open_failure is None:
        StatisticsFailure.objects.create(
            indicator=indicator,
            source=indicator.source,
            target=target,
            error=shorten(error),
            failed_on=timezone.localdate(now),
            first_failed_at=now,
            last_failed_at=now,
            last_run=run,
        )
        return
    open_failure.error = shorten(error)
    open_failure.target = target
    open_failure.last_failed_at = now
    open_failure.failure_count += 1
    open_failure.last_run = run
    open_failure.save(
        update_fields=["error", "target", "last_failed_at", "failure_count", "last_run"]
    )


def _tied_indicators(indicator_ids: Iterable[int] | None) -> list[Indicator]:
    indicators = Indicator.objects.filter(source__in=[Source.KOLADA, Source.SSB]).select_related(
        "program__municipality", "cluster"
    )
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=set(indicator_ids))
    return list(indicators.order_by("pk"))


def statistics_sync(
    *,
    indicator_ids: Iterable[int] | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> SyncResult:
    """Fetch and store the open statistics of every tied indicator (or of ``indicator_ids``).

    A dry run asks the sources and says what it would write, and writes nothing: no values,
    no references, no run, no failure. Each indicator's writes are one transaction; the
    sources are asked outside any transaction.
    """
    now = now or timezone.now()
    indicators = _tied_indicators(indicator_ids)
    result = SyncResult(dry_run=dry_run)
    run = None if dry_run else StatisticsSyncRun.objects.create(started_at=now)
    result.run_id = run.pk if run else None
    members = _cluster_member_codes(i.cluster_id for i in indicators if i.cluster_id)

    # One question per source and key figure, for every area any of its indicators needs.
    groups: dict[tuple[str, str, str], list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        region = indicator.ssb_region_variable if indicator.source == Source.SSB else ""
        groups[(indicator.source, indicator.statistics_key, region)].append(indicator)
    for (source, key, _region), group in groups.items():
        areas: set[str] = set()
        for indicator in group:
            areas |= _areas(indicator, members)
        try:
            observations = _fetcher(group[0])(areas)
            error = ""
        except StatisticsError as failure:
            observations, error = [], str(failure)
            logger.warning("statistics sync: %s %s failed: %s", source, key, error)
        for indicator in group:
            report = IndicatorReport(
                indicator_id=indicator.pk,
                name=indicator.name,
                source=source,
                key=key,
                error=shorten(error) if error else "",
            )
            result.reports.append(report)
            with transaction.atomic():
                if error:
                    if run is not None:
                        _record_failure(
                            indicator,
                            target=_target(indicator, _areas(indicator, members)),
                            error=error,
                            run=run,
                            now=now,
                        )
                    continue
                wanted = _areas(indicator, members)
                _store(
                    indicator,
                    [o for o in observations if o.area_code in wanted],
                    report,
                    now=now,
                    dry_run=dry_run,
                )

    if run is not None:
        run.finished_at = timezone.now()
        run.indicators = len(result.reports)
        run.fetched = result.fetched
        run.created = result.created
        run.updated = result.updated
        run.kept = result.kept
        run.failed = result.failed
        run.save()
    return result
