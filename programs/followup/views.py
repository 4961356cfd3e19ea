"""A meeting's follow-up: minutes, attendance and action items in one place.

Everyone who reads the cluster reads it; its programme managers (and administrators) record
the minutes and action items once the meeting has started. The cluster's own task list (what
action items of people with no programme became) is the managers'.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusters.models import Cluster, Meeting, MeetingStatus
from clusters.permissions import get_cluster_for_user, get_meeting_for_user
from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.permissions import Access, Level
from programs.followup import services
from programs.followup.forms import ActionItemForm, ClusterTaskStatusForm, MinutesForm
from programs.followup.models import ActionItem
from programs.followup.selectors import cluster_task_list, meeting_follow_up, meeting_has_started
from programs.models import OPEN_STATUSES


def _page(
    request: HttpRequest,
    access: Access[Cluster],
    meeting: Meeting,
    *,
    minutes_form: MinutesForm | None = None,
    item_form: ActionItemForm | None = None,
) -> HttpResponse:
    cluster = access.obj
    can_record = (
        access.can_manage
        and meeting.status != MeetingStatus.CANCELLED
        and meeting_has_started(meeting)
    )
    context: dict[str, Any] = {
        "cluster": cluster,
        "meeting": meeting,
        "follow_up": meeting_follow_up(meeting),
        "can_manage": access.can_manage,
        "can_record": can_record,
        "started": meeting_has_started(meeting),
        "open_statuses": list(OPEN_STATUSES),
    }
    if can_record:
        context["minutes_form"] = minutes_form or MinutesForm(initial={"minutes": meeting.minutes})
        context["item_form"] = item_form or ActionItemForm(cluster=cluster)
    return render(request, "followup/meeting.html", context)


def _refusal_as_message(request: HttpRequest, meeting: Meeting, form: Any) -> None:
    """Before the meeting starts (or once it is cancelled) the page shows no forms: the
    service's refusal is said in a message instead."""
    if not meeting_has_started(meeting) or meeting.status == MeetingStatus.CANCELLED:
        for error in form.non_field_errors():
            messages.error(request, error)


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """The follow-up page; a POST (managers) saves the minutes."""
    level = Level.MANAGE if request.method == "POST" else Level.READ
    access, meeting = get_meeting_for_user(request, pk, meeting_pk, level=level)
    form = MinutesForm(posted(request))
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.meeting_minutes_save,
            meeting=meeting,
            minutes=form.cleaned_data["minutes"],
            actor=request.user,
        )
        if saved is not None:
            messages.success(request, _("The minutes were saved."))
            return redirect("followup:meeting", pk=pk, meeting_pk=meeting.pk)
        _refusal_as_message(request, meeting, form)
    return _page(request, access, meeting, minutes_form=form if form.is_bound else None)


@require_POST
def item_add(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    access, meeting = get_meeting_for_user(request, pk, meeting_pk, level=Level.MANAGE)
    form = ActionItemForm(request.POST, cluster=access.obj)
    if form.is_valid():
        saved = call_service(
            form, services.action_item_add, meeting=meeting, actor=request.user, **form.cleaned_data
        )
        if saved is not None:
            messages.success(
                request, _("The action item “%(text)s” was recorded.") % {"text": saved.text}
            )
            return redirect("followup:meeting", pk=pk, meeting_pk=meeting.pk)
    _refusal_as_message(request, meeting, form)
    return _page(request, access, meeting, item_form=form)


def _item(access: Access[Cluster], meeting: Meeting, item_pk: int) -> ActionItem:
    return get_object_or_404(
        meeting.action_items.select_related("owner", "task", "cluster_task"), pk=item_pk
    )


@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, meeting_pk: int, item_pk: int) -> HttpResponse:
    access, meeting = get_meeting_for_user(request, pk, meeting_pk, level=Level.MANAGE)
    item = _item(access, meeting, item_pk)
    form = ActionItemForm(posted(request), cluster=access.obj, item=item)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.action_item_update, item=item, actor=request.user, **form.cleaned_data
        )
        if saved is not None:
            messages.success(
                request, _("The action item “%(text)s” was saved.") % {"text": saved.text}
            )
            return redirect("followup:meeting", pk=pk, meeting_pk=meeting.pk)
    return render(
        request,
        "followup/item_form.html",
        {"cluster": access.obj, "meeting": meeting, "item": item, "form": form},
    )


@require_POST
def item_remove(request: HttpRequest, pk: int, meeting_pk: int, item_pk: int) -> HttpResponse:
    access, meeting = get_meeting_for_user(request, pk, meeting_pk, level=Level.MANAGE)
    item = _item(access, meeting, item_pk)
    if call_service_or_message(request, services.action_item_remove, item=item, actor=request.user):
        messages.success(
            request, _("The action item “%(text)s” was removed.") % {"text": item.text}
        )
    return redirect("followup:meeting", pk=pk, meeting_pk=meeting.pk)


@require_GET
def cluster_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """The cluster's own tasks, open ones first: the managers' list of what is due."""
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    return render(
        request,
        "followup/cluster_tasks.html",
        {
            "cluster": cluster,
            "tasks": cluster_task_list(cluster),
            "status_form": ClusterTaskStatusForm(),
            "open_statuses": list(OPEN_STATUSES),
        },
    )


@require_POST
def cluster_task_status(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    task = get_object_or_404(cluster.cluster_tasks, pk=task_pk)
    form = ClusterTaskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    elif call_service_or_message(
        request,
        services.cluster_task_set_status,
        task=task,
        status=form.cleaned_data["status"],
        actor=request.user,
    ):
        messages.success(request, _("The task “%(title)s” was saved.") % {"title": task.title})
    url = reverse("followup:cluster_tasks", kwargs={"pk": cluster.pk})
    return redirect(f"{url}#cluster-task-{task.pk}")
