"""After a cluster meeting: its action items, and the cluster tasks some of them become.

An action item is recorded on a meeting once it has started. It becomes a task where its owner
works: a ``programs.Task`` in the current programme their municipality runs in the cluster, or,
when the owner has no such programme (the programme manager, a partner contact, an expert), a
``ClusterTask``: the cluster's own task list, which its programme managers follow up and which
is reminded like a programme's tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Cluster, Meeting
from innocities.core.validators import no_control_characters
from programs.models import ItemStatus, Task


class ClusterTask(models.Model):
    """A task of the cluster itself, followed up by its programme managers."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="cluster_tasks")
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cluster_tasks",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.TODO
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("cluster task")
        verbose_name_plural = _("cluster tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="cluster_task_completed_on_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    """What someone undertook at a meeting: a text, an owner from the cluster's people and a
    due date. Its task is a programme's task or a cluster task, never both; a removed item
    keeps its row (and its task's history), marked with when it was removed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items")
    text = models.CharField(_("action"), max_length=200, validators=[no_control_characters])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="meeting_action_items",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    task = models.OneToOneField(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_item",
        verbose_name=_("programme task"),
    )
    cluster_task = models.OneToOneField(
        ClusterTask,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_item",
        verbose_name=_("cluster task"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=True) | Q(cluster_task__isnull=True),
                name="action_item_one_task",
                violation_error_message=_("An action item has one task."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def current_task(self) -> Task | ClusterTask | None:
        return self.task or self.cluster_task
