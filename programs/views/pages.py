"""The programme list and the programme page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from innocities.core.permissions import Level, roles_for
from programs.forms import ProgramFilterForm, TaskFilterForm
from programs.initiatives.models import Initiative
from programs.initiatives.permissions import visible_initiatives
from programs.initiatives.selectors import initiatives_by_module
from programs.models import OPEN_STATUSES, Milestone, Program, ProgramModule, Task
from programs.permissions import get_program_for_user, visible_programs
from programs.selectors import (
    DUE_SOON_DAYS,
    ModuleProgress,
    current_module_id,
    module_progress,
    owner_candidates,
    plan_summary,
    program_rows,
    recent_changes,
    status_view,
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


# How much history the page shows before a "show more" link.
UPDATES_SHOWN = 3
CHANGES_SHOWN = 10
CHANGES_MORE = 50


@dataclass
class ModuleSection:
    """A module of the programme page (or ``None``: items outside any module).

    ``is_open``: the disclosure starts open (the current module, or every module with matches
    while the tasks are filtered). ``loaded``: its tasks and milestones are in the page; the
    others load when the disclosure is opened (``programs:module_tasks``).
    """

    module: ProgramModule | None
    progress: ModuleProgress
    tasks: list[Task] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    is_open: bool = False
    loaded: bool = False
    is_current: bool = False


def _task_rows(program: Program) -> QuerySet[Task]:
    # With the meeting an action item made the task at (programs.followup), if any.
    return program.tasks.select_related("owner", "action_item__meeting").prefetch_related(
        "organisations"
    )


def _sections(
    modules: list[ProgramModule],
    progress: dict[int | None, ModuleProgress],
    tasks: list[Task],
    milestones: list[Milestone],
    initiatives: dict[int, list[Initiative]],
    *,
    loaded: set[int | None],
    current: int | None,
    filtering: bool,
) -> list[ModuleSection]:
    sections = {
        module.pk: ModuleSection(
            module,
            progress.get(module.pk) or ModuleProgress(module.pk),
            initiatives=initiatives.get(module.pk, []),
            loaded=module.pk in loaded,
            is_current=module.pk == current,
        )
        for module in modules
    }
    loose = ModuleSection(None, progress.get(None) or ModuleProgress(None), loaded=True)
    for task in tasks:
        sections.get(task.module_id, loose).tasks.append(task)  # type: ignore[arg-type]
    for milestone in milestones:
        sections.get(milestone.module_id, loose).milestones.append(milestone)  # type: ignore[arg-type]
    result = list(sections.values())
    for section in result:
        section.is_open = (
            bool(section.tasks or section.milestones) if filtering else section.is_current
        )
    if loose.tasks or loose.milestones:
        loose.is_open = True
        result.append(loose)
    return result


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme page. Only the current module's tasks are in the page (all matching
    tasks while filtering); the other modules load theirs when opened, so the page stays
    small and its query count does not grow with the plan."""
    program, level = get_program_for_user(request, pk)
    today = timezone.localdate()
    progress = module_progress(program, today=today)
    summary = plan_summary(progress)
    owners = owner_candidates(
        program,
        include=program.tasks.filter(owner__isnull=False).values("owner_id"),
    )
    task_filter = TaskFilterForm(request.GET, owners=owners)
    tasks = task_filter.filter(_task_rows(program), today=today, days=DUE_SOON_DAYS)
    filtering = task_filter.is_filtering
    modules = list(program.modules.all())
    current = current_module_id(modules, progress)
    milestones = program.milestones.select_related("owner")
    if filtering:
        loaded: set[int | None] = {module.pk for module in modules} | {None}
    else:
        loaded = {current, None}
        in_page = Q(module__isnull=True) | Q(module_id=current)
        tasks = tasks.filter(in_page)
        milestones = milestones.filter(in_page)
    sections = _sections(
        modules,
        progress,
        list(tasks),
        list(milestones),
        initiatives_by_module(
            visible_initiatives(roles_for(request)), [module.pk for module in modules]
        ),
        loaded=loaded,
        current=current,
        filtering=filtering,
    )
    all_updates = request.GET.get("updates") == "all"
    updates = list(
        program.progress_updates.select_related("author")[
            : None if all_updates else UPDATES_SHOWN + 1
        ]
    )
    more_updates = not all_updates and len(updates) > UPDATES_SHOWN
    more_changes = request.GET.get("changes") == "more"
    changes = recent_changes(program, limit=CHANGES_MORE if more_changes else CHANGES_SHOWN + 1)
    query = request.GET.copy()
    for name in ("updates", "changes"):
        query.pop(name, None)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "summary": summary,
            "status": status_view(summary, updates[0] if updates else None),
            "coordinators": list(program.coordinators.all()),
            "sections": sections,
            "module_sections": [s for s in sections if s.module is not None],
            "task_filter": task_filter,
            "updates": updates[:UPDATES_SHOWN] if more_updates else updates,
            "more_updates": more_updates,
            "changes": changes[:CHANGES_SHOWN] if not more_changes else changes,
            "more_changes": not more_changes and len(changes) > CHANGES_SHOWN,
            "query": query.urlencode(),
            "can_edit": level >= Level.EDIT,
            "can_manage": level >= Level.MANAGE,
            "today": today,
            "open_statuses": list(OPEN_STATUSES),
            "next": request.get_full_path(),
        },
    )


@require_GET
def module_tasks(request: HttpRequest, program_pk: int, pk: int) -> HttpResponse:
    """One module's milestones and tasks: with htmx the fragment a collapsed module of the
    programme page loads when opened; without JavaScript a page of its own (the fallback
    link in the collapsed module)."""
    program, level = get_program_for_user(request, program_pk)
    module = get_object_or_404(program.modules, pk=pk)
    today = timezone.localdate()
    progress = module_progress(program, today=today)
    section = ModuleSection(
        module,
        progress.get(module.pk) or ModuleProgress(module.pk),
        tasks=list(_task_rows(program).filter(module=module)),
        milestones=list(program.milestones.filter(module=module).select_related("owner")),
        initiatives=initiatives_by_module(visible_initiatives(roles_for(request)), [module.pk]).get(
            module.pk, []
        ),
        is_open=True,
        loaded=True,
    )
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    detail_url = reverse("programs:detail", kwargs={"pk": program.pk})
    return render(
        request,
        "programs/_module_body.html" if htmx else "programs/module.html",
        {
            "program": program,
            "section": section,
            "can_edit": level >= Level.EDIT,
            "today": today,
            "open_statuses": list(OPEN_STATUSES),
            # Under the module's h3 in the programme page; under the h1 on a page of its own.
            "heading_level": 4 if htmx else 2,
            # Actions in the loaded fragment come back to the programme page.
            "next": f"{detail_url}#module-{module.pk}" if htmx else request.get_full_path(),
        },
    )
