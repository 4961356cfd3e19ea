"""Which cluster tasks are due, for the reminder scan (``innocities.notifications``).

A cluster task is reminded as a programme's task is (the same rules and the person's task
preference): its owner hears of it, else the cluster's programme managers; escalations go to
the managers. Only open tasks of clusters not closed remind anyone. Fixed query counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from clusters.models import ClusterStatus
from clusters.selectors import cluster_managers
from innocities.core.reminders import Due
from programs.followup.models import ClusterTask
from programs.models import OPEN_STATUSES


def cluster_task_content_type() -> ContentType:
    return ContentType.objects.get_for_model(ClusterTask)


def cluster_task_reminders(days: Iterable[dt.date], *, to_managers: bool) -> list[Due]:
    """Open cluster tasks due on one of ``days``."""
    tasks = list(
        ClusterTask.objects.filter(due_on__in=list(days), status__in=OPEN_STATUSES)
        .exclude(cluster__status=ClusterStatus.CLOSED)
        .values(
            "id", "title", "due_on", "owner_id", "owner__is_active", "cluster_id", "cluster__name"
        )
    )
    if not tasks:
        return []
    content_type = cluster_task_content_type()
    managers = cluster_managers(t["cluster_id"] for t in tasks)
    due = []
    for task in tasks:
        if not to_managers and task["owner_id"] and task["owner__is_active"]:
            recipients = {task["owner_id"]}
        else:
            recipients = managers.get(task["cluster_id"], set())
        due.append(
            Due(
                content_type=content_type,
                object_id=task["id"],
                day=task["due_on"],
                recipient_ids=frozenset(recipients),
                url=reverse("followup:cluster_tasks", kwargs={"pk": task["cluster_id"]})
                + f"#cluster-task-{task['id']}",
                context={
                    "title": task["title"],
                    "due": task["due_on"],
                    "cluster_name": task["cluster__name"],
                },
            )
        )
    return due


def cluster_tasks_due_on(ids: Iterable[int]) -> dict[int, dt.date]:
    """The due date of each of these cluster tasks that still reminds anyone (open, in a
    cluster not closed); the others are left out."""
    return dict(
        ClusterTask.objects.filter(pk__in=set(ids), status__in=OPEN_STATUSES)
        .exclude(cluster__status=ClusterStatus.CLOSED)
        .values_list("pk", "due_on")
    )
