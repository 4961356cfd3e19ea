"""Reads for calendar feeds: what a person's (or a cluster's) calendar holds.

Each function is one query whatever the data: the history-based SEQUENCE and DTSTAMP are
subqueries, not a query per event.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, IntegerField, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from clusters.models import Cluster, Meeting, MeetingParticipant, Reply
from clusters.permissions import visible_clusters
from innocities.accounts.models import User
from innocities.core.permissions import Roles
from programs.initiatives.models import Initiative, Stage, State
from programs.initiatives.permissions import visible_initiatives
from programs.models import OPEN_STATUSES, Milestone, Program, ProgramStatus, Task
from programs.permissions import visible_programs

# Older events drop out of the feed: calendar programs keep what they already fetched.
PAST_DAYS = 180
# A finished or cancelled programme's open items are not due any more.
CLOSED_PROGRAM_STATUSES = (ProgramStatus.COMPLETED, ProgramStatus.CANCELLED)


def feed_start(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=PAST_DAYS)


def _with_revision(queryset: QuerySet, model: type[Model]) -> QuerySet:
    """Annotate ``revisions`` (history records, never fewer as the row changes) and
    ``modified_at`` (the last one's time) from the model's simple-history table."""
    history = model.history.model.objects.filter(id=OuterRef("pk")).order_by().values("id")  # type: ignore[attr-defined]
    return queryset.annotate(
        revisions=Coalesce(
            Subquery(history.annotate(n=Count("*")).values("n"), output_field=IntegerField()),
            0,
        ),
        modified_at=Subquery(history.annotate(at=Max("history_date")).values("at")),
    )


def user_feed_meetings(user: User, roles: Roles, *, since: dt.datetime) -> QuerySet[Meeting]:
    """Meetings the person is invited to and has not declined, and every meeting of the
    clusters they manage; only in clusters they may still read."""
    invited = MeetingParticipant.objects.filter(user=user).exclude(reply=Reply.DECLINED)
    meetings = Meeting.objects.filter(
        Q(pk__in=invited.values("meeting_id")) | Q(cluster_id__in=roles.managed_cluster_ids),
        cluster__in=visible_clusters(roles).values("pk"),
        ends_at__gte=since,
    ).select_related("cluster")
    return _with_revision(meetings, Meeting).order_by("starts_at", "pk")


def cluster_feed_meetings(cluster: Cluster, *, since: dt.datetime) -> QuerySet[Meeting]:
    meetings = cluster.meetings.filter(ends_at__gte=since).select_related("cluster")
    return _with_revision(meetings, Meeting).order_by("starts_at", "pk")


def _open_items(
    model: type[Task] | type[Milestone], user: User, roles: Roles, since: dt.date
) -> QuerySet[Any]:
    coordinated = Program.coordinators.through.objects.filter(user=user).values("program_id")
    items = model.objects.filter(
        Q(owner=user) | Q(program_id__in=coordinated),
        program__in=visible_programs(roles).values("pk"),
        status__in=OPEN_STATUSES,
        due_on__gte=since,
    ).exclude(program__status__in=CLOSED_PROGRAM_STATUSES)
    return _with_revision(items.select_related("program"), model).order_by("due_on", "pk")


def user_feed_tasks(user: User, roles: Roles, *, since: dt.date) -> QuerySet[Task]:
    """Open tasks the person owns or whose programme they coordinate."""
    return _open_items(Task, user, roles, since)


def user_feed_milestones(user: User, roles: Roles, *, since: dt.date) -> QuerySet[Milestone]:
    """Open milestones the person owns or whose programme they coordinate."""
    return _open_items(Milestone, user, roles, since)


def user_feed_gates(roles: Roles, *, since: dt.date) -> QuerySet[Initiative]:
    """The next decision points of the active initiatives the person may read (an initiative
    in operation has none)."""
    initiatives = (
        visible_initiatives(roles)
        .filter(state=State.ACTIVE, next_gate_due_on__gte=since)
        .exclude(stage=Stage.OPERATION)
        .select_related("municipality", "cluster")
    )
    return _with_revision(initiatives, Initiative).order_by("next_gate_due_on", "pk")
