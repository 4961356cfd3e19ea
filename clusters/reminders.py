"""Which cluster meetings are coming, for the reminder scan (``innocities.notifications``).

Invitees hear of a scheduled meeting unless they declined. Each function runs a fixed number
of queries, however many meetings there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from clusters.models import Meeting, MeetingParticipant, MeetingStatus, Reply
from innocities.core.reminders import Due


def meeting_reminders(starts_from: dt.datetime, starts_before: dt.datetime) -> list[Due]:
    """Scheduled meetings that start in [``starts_from``, ``starts_before``), each for its
    active invitees who have not declined. ``day`` is the day of ``starts_from``."""
    meetings = {
        m["id"]: m
        for m in Meeting.objects.filter(
            starts_at__gte=starts_from, starts_at__lt=starts_before, status=MeetingStatus.SCHEDULED
        ).values("id", "title", "starts_at", "cluster_id", "cluster__name")
    }
    if not meetings:
        return []
    invitees: dict[int, set[int]] = defaultdict(set)
    for meeting_id, user_id in (
        MeetingParticipant.objects.filter(meeting_id__in=list(meetings), user__is_active=True)
        .exclude(reply=Reply.DECLINED)
        .values_list("meeting_id", "user_id")
    ):
        invitees[meeting_id].add(user_id)
    content_type = ContentType.objects.get_for_model(Meeting)
    day = starts_from.date()
    return [
        Due(
            content_type=content_type,
            object_id=meeting_id,
            day=day,
            recipient_ids=frozenset(invitees.get(meeting_id, ())),
            url=reverse(
                "clusters:meeting_detail",
                kwargs={"pk": meeting["cluster_id"], "meeting_pk": meeting_id},
            ),
            context={
                "title": meeting["title"],
                "starts_at": meeting["starts_at"],
                "due": day,
                "cluster_name": meeting["cluster__name"],
            },
        )
        for meeting_id, meeting in meetings.items()
    ]


@dataclass(frozen=True)
class MeetingNow:
    starts_at: dt.datetime
    declined_ids: frozenset[int]


def meetings_now(ids: Iterable[int]) -> dict[int, MeetingNow]:
    """When each of these meetings starts, and who declined. Cancelled and deleted meetings
    are left out."""
    meetings = dict(
        Meeting.objects.filter(pk__in=set(ids))
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("pk", "starts_at")
    )
    declined: dict[int, set[int]] = defaultdict(set)
    if meetings:
        for meeting_id, user_id in MeetingParticipant.objects.filter(
            meeting_id__in=list(meetings), reply=Reply.DECLINED
        ).values_list("meeting_id", "user_id"):
            declined[meeting_id].add(user_id)
    return {
        pk: MeetingNow(starts_at=starts_at, declined_ids=frozenset(declined.get(pk, ())))
        for pk, starts_at in meetings.items()
    }
