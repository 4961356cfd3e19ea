"""Reads for municipalities: their people, the history of their settings, and search.

The list and a municipality's own page show its clusters and programmes too, so they are the
portal's (``innocities.portal.selectors``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import Lag

from innocities.accounts.models import User
from municipalities.models import Municipality, MunicipalityMembership


@dataclass(frozen=True)
class SettingChange:
    when: dt.datetime
    who: User | None
    share_benchmarks: bool


def share_benchmarks_history(municipality: Municipality, *, limit: int = 10) -> list[SettingChange]:
    """Who turned benchmark sharing on or off and when, newest first; one query.

    Read from simple-history, so a change made in the admin shows too. A record that changed
    something else (a population figure, say) is left out by comparing each record with the
    one before it; the first record counts only if it shared (off is the default).
    """
    records = (
        Municipality.history.filter(id=municipality.pk)
        .select_related("history_user")
        .annotate(
            previous=Window(
                Lag("share_benchmarks"), partition_by=[F("id")], order_by=[F("history_id").asc()]
            )
        )
        .order_by("-history_date", "-history_id")
    )
    changes = [
        SettingChange(
            when=record.history_date,
            who=record.history_user,
            share_benchmarks=record.share_benchmarks,
        )
        for record in records
        if record.share_benchmarks != (record.previous if record.previous is not None else False)
    ]
    return changes[:limit]


def municipality_people(municipality: Municipality) -> QuerySet[MunicipalityMembership]:
    return municipality.memberships.select_related("user").order_by(
        "role", "user__full_name", "user__email"
    )


def search_municipalities(queryset: QuerySet[Municipality], text: str) -> QuerySet[Municipality]:
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(name__icontains=text) | Q(code__startswith=text))


def user_countries(user_ids: Iterable[int]) -> dict[int, str]:
    """The country of each person's municipality (for the holidays of their digests); people
    with no municipality are left out. One query."""
    return dict(
        MunicipalityMembership.objects.filter(user_id__in=set(user_ids))
        .order_by("user_id", "-id")
        .values_list("user_id", "municipality__country")
    )
