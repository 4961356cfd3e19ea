"""What of the open statistics is due, for the reminder scan (``innocities.notifications``).

An indicator whose statistics could not be fetched (an open ``StatisticsFailure``) is "due" on
the day its failure began (``failed_on``): the rule ``statistics-failed`` (offset 0) tells
people once, and a failure that lasts several runs stays one reminder. When a later run
fetches the indicator again the failure is resolved and any reminder still pending is
cancelled (``statistics_failures_due_on`` no longer answers it).

Who hears of it: the coordinators of the programme's municipality; for a cluster's indicator,
the cluster's programme managers. Escalated (``to_managers``): the programme's cluster's
managers, or the cluster's. Each function runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.urls import reverse

from clusters.selectors import cluster_managers
from innocities.core.reminders import Due
from municipalities.models import MunicipalityMembership, MunicipalityRole
from programs.indicators.models import STATISTICS_SOURCES, StatisticsFailure

_FIELDS = (
    "id",
    "failed_on",
    "error",
    "indicator_id",
    "indicator__name",
    "indicator__program_id",
    "indicator__program__title",
    "indicator__program__municipality_id",
    "indicator__program__municipality__name",
    "indicator__program__cluster_id",
    "indicator__cluster_id",
    "indicator__cluster__name",
)


def _reminding() -> QuerySet[StatisticsFailure]:
    """Open failures of indicators still tied to a source."""
    return StatisticsFailure.objects.filter(
        resolved_at__isnull=True, indicator__source__in=list(STATISTICS_SOURCES)
    )


def _coordinators(municipality_ids: Iterable[int | None]) -> dict[int, set[int]]:
    """Municipality id → its coordinators with an active account; one query."""
    result: dict[int, set[int]] = defaultdict(set)
    for municipality_id, user_id in MunicipalityMembership.objects.filter(
        municipality_id__in={m for m in municipality_ids if m},
        role=MunicipalityRole.COORDINATOR,
        user__is_active=True,
    ).values_list("municipality_id", "user_id"):
        result[municipality_id].add(user_id)
    return result


def _recipients(rows: list[dict[str, Any]], *, to_managers: bool) -> dict[int, frozenset[int]]:
    managers = cluster_managers(
        {r["indicator__cluster_id"] or r["indicator__program__cluster_id"] for r in rows}
    )
    coordinators = (
        {} if to_managers else _coordinators(r["indicator__program__municipality_id"] for r in rows)
    )
    result = {}
    for r in rows:
        if r["indicator__cluster_id"]:
            people = managers.get(r["indicator__cluster_id"], set())
        elif to_managers:
            people = managers.get(r["indicator__program__cluster_id"], set())
        else:
            people = coordinators.get(r["indicator__program__municipality_id"], set())
        result[r["id"]] = frozenset(people)
    return result


def _url(row: dict[str, Any]) -> str:
    if row["indicator__program_id"]:
        path = reverse("indicators:program_list", kwargs={"pk": row["indicator__program_id"]})
    else:
        path = reverse("indicators:cluster_list", kwargs={"pk": row["indicator__cluster_id"]})
    return f"{path}#indicator-{row['indicator_id']}"


def _owner(row: dict[str, Any]) -> str:
    return row["indicator__program__municipality__name"] or row["indicator__cluster__name"] or ""


def statistics_failure_reminders(days: Iterable[dt.date], *, to_managers: bool) -> list[Due]:
    """Open statistics failures that began on one of ``days``."""
    rows = list(_reminding().filter(failed_on__in=list(days)).values(*_FIELDS))
    if not rows:
        return []
    content_type = ContentType.objects.get_for_model(StatisticsFailure)
    recipients = _recipients(rows, to_managers=to_managers)
    return [
        Due(
            content_type=content_type,
            object_id=row["id"],
            day=row["failed_on"],
            recipient_ids=recipients[row["id"]],
            url=_url(row),
            program_id=row["indicator__program_id"],
            context={
                "title": f"{row['indicator__name']} ({_owner(row)})",
                "due": row["failed_on"],
                "indicator": row["indicator__name"],
                "owner": _owner(row),
                "error": row["error"],
            },
        )
        for row in rows
    ]


def statistics_failures_due_on(ids: Iterable[int]) -> dict[int, dt.date]:
    """The day each of these failures began, for those still open (not fetched again since)
    whose indicator is still tied to a source. Resolved or deleted ones are left out."""
    return dict(_reminding().filter(pk__in=set(ids)).values_list("pk", "failed_on"))
