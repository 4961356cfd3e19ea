"""What a coordinator does day to day: tasks, milestones and progress updates.

Everything here needs ``Level.EDIT`` on the programme (its municipality's coordinators; the
cluster's managers and administrators have MANAGE, which includes it). Children are fetched
through the programme, so an id from another programme answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from innocities.core.forms import call_service, concurrent_edit_message, posted
from innocities.core.permissions import Level
from programs.forms import MilestoneForm, ProgressUpdateForm, TaskForm
from programs.models import OPEN_STATUSES, ItemStatus, Program, ProgressStatus
from programs.permissions import get_program_for_user
from programs.selectors import module_progress, plan_summary, program_summary
from programs.services import milestone_update, progress_update_submit, task_update


def _detail_url(program: Program, anchor: str = "") -> str:
    url = reverse("programs:detail", kwargs={"pk": program.pk})
    return f"{url}#{anchor}" if anchor else url


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` the request names, if it points into this site; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _back(request: HttpRequest, program: Program, anchor: str = "") -> str:
    """Where to go after an action: the page it came from (keeping its filters) if that is
    on this site, else the programme page."""
    target = _safe_next(request)
    if target:
        return f"{target}#{anchor}" if anchor and "#" not in target else target
    return _detail_url(program, anchor)


@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, program_pk: int, pk: int) -> HttpResponse:
    program = get_program_for_user(request, program_pk, level=Level.EDIT).obj
    task = get_object_or_404(program.tasks.select_related("module", "owner"), pk=pk)
    form = TaskForm(posted(request), task=task, program=program)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, task_update, task=task, actor=request.user, **form.service_kwargs()
        )
        if saved is not None:
            messages.success(request, _("The task “%(title)s” was saved.") % {"title": task.title})
            return redirect(_back(request, program, f"task-{task.pk}"))
    return render(
        request,
        "programs/task_form.html",
        {"program": program, "task": task, "form": form, "next": _safe_next(request)},
    )


@require_POST
def task_done(request: HttpRequest, program_pk: int, pk: int) -> HttpResponse:
    """Mark a task done from the programme page.

    With htmx the answer is the task's new card, with out-of-band updates of the progress
    card, the module's progress and the page's live region (which announces what happened);
    without JavaScript it is a redirect back to the page.
    """
    program = get_program_for_user(request, program_pk, level=Level.EDIT).obj
    task = get_object_or_404(program.tasks, pk=pk)
    error_message = ""
    try:
        task_update(task=task, actor=request.user, status=ItemStatus.DONE)
    except ValidationError as error:
        error_message = " ".join(error.messages)
    except IntegrityError:
        error_message = concurrent_edit_message()
    if request.htmx:  # type: ignore[attr-defined]
        return _task_done_fragment(request, program, pk, error_message)
    if error_message:
        messages.error(request, error_message)
    else:
        messages.success(request, _("“%(title)s” is done.") % {"title": task.title})
    return redirect(_back(request, program, f"task-{task.pk}"))


def _task_done_fragment(
    request: HttpRequest, program: Program, pk: int, error_message: str
) -> HttpResponse:
    today = timezone.localdate()
    task = program.tasks.select_related("owner").prefetch_related("organisations").get(pk=pk)
    progress = module_progress(program, today=today)
    summary = plan_summary(progress)
    if error_message:
        announcement = error_message
    else:
        announcement = _("“%(title)s” marked as done. %(done)s of %(total)s tasks done.") % {
            "title": task.title,
            "done": summary.tasks_done,
            "total": summary.tasks,
        }
    return render(
        request,
        "programs/_task_done.html",
        {
            "program": program,
            "task": task,
            "summary": summary,
            "module_progress": progress.get(task.module_id) if task.module_id else None,
            "announcement": announcement,
            "can_edit": True,
            "today": today,
            "open_statuses": list(OPEN_STATUSES),
            "next": _safe_next(request),
            "row_error": error_message,
            "autofocus": True,
        },
    )


@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, program_pk: int, pk: int) -> HttpResponse:
    program = get_program_for_user(request, program_pk, level=Level.EDIT).obj
    milestone = get_object_or_404(program.milestones.select_related("module", "owner"), pk=pk)
    form = MilestoneForm(posted(request), milestone=milestone, program=program)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, milestone_update, milestone=milestone, actor=request.user, **form.service_kwargs()
        )
        if saved is not None:
            messages.success(
                request, _("The milestone “%(title)s” was saved.") % {"title": milestone.title}
            )
            return redirect(_back(request, program, f"milestone-{milestone.pk}"))
    return render(
        request,
        "programs/milestone_form.html",
        {
            "program": program,
            "milestone": milestone,
            "form": form,
            "next": _safe_next(request),
        },
    )


@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a progress update. The portal's proposal is pre-selected, with the counts behind
    it; another status needs a reason (the service refuses it otherwise)."""
    program = get_program_for_user(request, pk, level=Level.EDIT).obj
    summary = program_summary(program)
    form = ProgressUpdateForm(posted(request), initial={"status": summary.proposed_status})
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, progress_update_submit, program=program, author=request.user, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("Your progress update was saved."))
            return redirect(_detail_url(program, "updates"))
    return render(
        request,
        "programs/update_form.html",
        {
            "program": program,
            "summary": summary,
            "proposed_label": ProgressStatus(summary.proposed_status).label,
            "form": form,
        },
    )
