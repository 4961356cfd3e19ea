"""Reads for a meeting's follow-up and the clusters' own tasks. Fixed query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from clusters.models import Cluster, Meeting, MeetingParticipant, RosterEntry
from clusters.selectors import cluster_people, open_member_ids
from innocities.accounts.models import User
from municipalities.models import MunicipalityMembership
from programs.followup.models import ActionItem, ClusterTask
from programs.models import OPEN_STATUSES, Program
from programs.selectors import ONGOING_PROGRAM_STATUSES, current_programs


def meeting_has_started(meeting: Meeting, *, now: dt.datetime | None = None) -> bool:
    return meeting.starts_at <= (now or timezone.now())


def owner_program(cluster: Cluster, owner: User) -> Program | None:
    """Where an action item of ``owner`` becomes a task: the current, ongoing programme in
    ``cluster`` of a member municipality the owner belongs to; None for the cluster's
    programme managers and for people with no such programme (a cluster task then)."""
    if RosterEntry.objects.programme_managers().filter(cluster=cluster, user=owner).exists():
        return None
    municipality_ids = list(
        MunicipalityMembership.objects.filter(
            user=owner, municipality_id__in=open_member_ids(cluster)
        ).values_list("municipality_id", flat=True)
    )
    if not municipality_ids:
        return None
    candidates = [
        program
        for program in current_programs([cluster.pk], municipality_ids).values()
        if program.status in ONGOING_PROGRAM_STATUSES
    ]
    return min(candidates, key=lambda program: program.pk) if candidates else None


def action_item_owners(cluster: Cluster, *, include: Iterable[int] = ()) -> QuerySet[User]:
    """Who may own an action item: the cluster's people (``cluster_people``), and ``include``
    (a present owner whose role has ended stays selectable)."""
    people = cluster_people(cluster)
    extra = list(include)
    if extra:
        people = (people | User.objects.filter(pk__in=extra)).distinct()
    return people.order_by("full_name", "email")


@dataclass(frozen=True)
class FollowUp:
    participants: list[MeetingParticipant]
    items: list[ActionItem]

    @property
    def current_items(self) -> list[ActionItem]:
        return [item for item in self.items if item.removed_at is None]

    @property
    def removed_items(self) -> list[ActionItem]:
        return [item for item in self.items if item.removed_at is not None]


def meeting_follow_up(meeting: Meeting) -> FollowUp:
    """The meeting's participants and its action items with their tasks: two queries."""
    participants = list(meeting.participants.select_related("user"))
    items = list(
        meeting.action_items.select_related(
            "owner", "task__program__municipality", "cluster_task"
        ).order_by("created_at", "pk")
    )
    return FollowUp(participants=participants, items=items)


def open_cluster_tasks(clusters: QuerySet[Cluster], *, limit: int = 20) -> list[ClusterTask]:
    """The open tasks of these clusters (a subquery), soonest first, with their meeting: one
    query. The managers' dashboard lists them with their programmes' due items."""
    return list(
        ClusterTask.objects.filter(cluster__in=clusters, status__in=OPEN_STATUSES)
        .select_related("cluster", "owner", "action_item__meeting")
        .order_by("due_on", "pk")[:limit]
    )


def cluster_task_list(cluster: Cluster) -> list[ClusterTask]:
    """All of a cluster's tasks, open ones first, then by due date: one query."""
    tasks = cluster.cluster_tasks.select_related("owner", "action_item__meeting")
    return sorted(tasks, key=lambda t: (t.status not in OPEN_STATUSES, t.due_on, t.pk))
