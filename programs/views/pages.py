"""The programme list and the programme page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from innocities.core.permissions import Level, roles_for
from programs.forms import ProgramFilterForm, TaskFilterForm
from programs.initiatives.models import Initiative
from programs.initiatives.permissions import visible_initiatives
from programs.initiatives.selectors import initiatives_by_module
from programs.models import OPEN_STATUSES, Milestone, ProgramModule, ProgressStatus, Task
from programs.permissions import get_program_for_user, visible_programs
from programs.selectors import (
    DUE_SOON_DAYS,
    owner_candidates,
    program_rows,
    program_summary,
    recent_changes,
)

PAGE_SIZE = 50


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    form = ProgramFilterForm(request.GET)
    programs = form.filter(
        visible_programs(roles)
        .select_related("municipality", "cluster")
        .order_by("municipality__name", "-starts_on", "pk")
    )
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/list.html",
        {
            "form": form,
            "page": page,
            "rows": program_rows(page.object_list),
            "query": query.urlencode(),
            "can_create": roles.is_admin_or_manager,
        },
    )


@dataclass
class ModuleSection:
    """A module of the programme page (or ``None``: items outside any module)."""

    module: ProgramModule | None
    tasks: list[Task] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)


def _sections(
    modules: list[ProgramModule],
    tasks: list[Task],
    milestones: list[Milestone],
    initiatives: dict[int, list[Initiative]],
) -> list[ModuleSection]:
    sections = {
        module.pk: ModuleSection(module, initiatives=initiatives.get(module.pk, []))
        for module in modules
    }
    loose = ModuleSection(None)
    for task in tasks:
        sections.get(task.module_id, loose).tasks.append(task)  # type: ignore[arg-type]
    for milestone in milestones:
        sections.get(milestone.module_id, loose).milestones.append(milestone)  # type: ignore[arg-type]
    result = list(sections.values())
    if loose.tasks or loose.milestones:
        result.append(loose)
    return result


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    program, level = get_program_for_user(request, pk)
    today = timezone.localdate()
    summary = program_summary(program, today=today)
    owners = owner_candidates(
        program,
        include=program.tasks.filter(owner__isnull=False).values("owner_id"),
    )
    task_filter = TaskFilterForm(request.GET, owners=owners)
    tasks = task_filter.filter(
        program.tasks.select_related("owner").prefetch_related("organisations"),
        today=today,
        days=DUE_SOON_DAYS,
    )
    modules = list(program.modules.all())
    sections = _sections(
        modules,
        list(tasks),
        list(program.milestones.select_related("owner")),
        initiatives_by_module(
            visible_initiatives(roles_for(request)), [module.pk for module in modules]
        ),
    )
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "summary": summary,
            "proposed_label": ProgressStatus(summary.proposed_status).label,
            "coordinators": list(program.coordinators.all()),
            "sections": sections,
            "task_filter": task_filter,
            "updates": list(program.progress_updates.select_related("author")),
            "changes": recent_changes(program),
            "can_edit": level >= Level.EDIT,
            "can_manage": level >= Level.MANAGE,
            "today": today,
            "open_statuses": list(OPEN_STATUSES),
            "next": request.get_full_path(),
        },
    )
