"""Lessons learned: the search across every lesson a person may read, a lesson's page, and
writing and editing one.

Reading follows ``programs.lessons.permissions.lesson_scope`` (a lesson one may not read
answers 404). Writing needs EDIT on the owner's initiatives (``may_write_lessons``): a lesson
from an initiative is written by those who may edit the initiative (through its getter: 404
outside its scope, 403 below EDIT); its gate decision and assumption are fetched through it.
Editing needs EDIT on the lesson (``lesson_level``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusters.models import Cluster
from innocities.accounts.models import User
from innocities.core.forms import call_service, posted
from innocities.core.languages import reader_language
from innocities.core.permissions import Level, Roles, roles_for
from municipalities.models import Municipality
from programs.initiatives.models import Assumption, GateDecision, Initiative, Stage
from programs.initiatives.permissions import get_initiative_for_user
from programs.lessons import services
from programs.lessons.forms import THEMES_LIST_ID, LessonForm, SearchForm
from programs.lessons.models import Lesson
from programs.lessons.permissions import get_lesson_for_user, may_write_lessons
from programs.lessons.selectors import (
    LessonFilters,
    known_themes,
    lesson_municipalities,
    search_lessons,
)

PAGE_SIZE = 20


@dataclass(frozen=True)
class Row:
    """A lesson in a list, and whether the reader may open its initiative."""

    lesson: Lesson
    initiative_readable: bool


def initiative_readable(roles: Roles, lesson: Lesson) -> bool:
    """Whether the reader may open the lesson's initiative (no query: a partner contact's
    reach through their organisation is left out, so they get no link where they may have
    one)."""
    if lesson.initiative_id is None:
        return False
    level = roles.initiative_level(
        municipality_id=lesson.municipality_id, cluster_id=lesson.cluster_id
    )
    return level >= Level.READ


# --- the search ----------------------------------------------------------------------------


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Every lesson the person may read, searched and filtered, ranked when there are words."""
    roles = roles_for(request)
    form = SearchForm(request.GET or None, municipalities=lesson_municipalities(roles))
    # An invalid filter (an unknown goal, a municipality whose lessons one cannot read) shows
    # its error and no rows, rather than quietly searching without it.
    filters = form.filters() if form.is_bound and form.is_valid() else None
    if form.is_bound and filters is None:
        lessons = Lesson.objects.none()
    else:
        lessons = search_lessons(roles, filters or LessonFilters())
    page = Paginator(lessons, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "lessons/search.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": [Row(lesson, initiative_readable(roles, lesson)) for lesson in page],
            "page_range": page.paginator.get_elided_page_range(page.number),
            "query": query.urlencode(),
            "themes": known_themes(roles),
            "themes_list_id": THEMES_LIST_ID,
            "may_write": _writable_owners_exist(roles),
        },
    )


# --- one lesson ----------------------------------------------------------------------------


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_lesson_for_user(request, pk)
    lesson = access.obj
    roles = roles_for(request)
    history = list(lesson.history.select_related("history_user").order_by("-history_date")[:20])
    return render(
        request,
        "lessons/detail.html",
        {
            "lesson": lesson,
            "can_edit": access.can_edit,
            "initiative_readable": initiative_readable(roles, lesson),
            "history": history,
        },
    )


# --- writing -------------------------------------------------------------------------------


def _writable_owners_exist(roles: Roles) -> bool:
    return bool(roles.is_admin or roles.coordinator_municipality_ids or roles.managed_cluster_ids)


def _owner_choices(roles: Roles) -> list[tuple[str, str]]:
    """Whose lessons the person writes without an initiative: ("m-<pk>" | "c-<pk>", name)."""
    municipalities = Municipality.objects.order_by("name", "code")
    clusters = Cluster.objects.order_by("name")
    if not roles.is_admin:
        municipalities = municipalities.filter(pk__in=roles.coordinator_municipality_ids)
        clusters = clusters.filter(pk__in=roles.managed_cluster_ids)
    return [(f"m-{m.pk}", m.name) for m in municipalities.only("pk", "name")] + [
        (f"c-{c.pk}", _("%(name)s (cluster)") % {"name": c.name})
        for c in clusters.only("pk", "name")
    ]


def _child_pk(request: HttpRequest, name: str) -> int | None:
    """A pk from the query string; anything but digits answers 404."""
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


@dataclass(frozen=True)
class Origin:
    initiative: Initiative | None = None
    gate_decision: GateDecision | None = None
    assumption: Assumption | None = None


def _origin(request: HttpRequest, roles: Roles) -> Origin:
    """The initiative (and decision or assumption) in the query string, if the person may
    write lessons for it: 404 outside their scope, 403 when they may only read it."""
    initiative_pk = _child_pk(request, "initiative")
    if initiative_pk is None:
        if request.GET.get("gate") or request.GET.get("assumption"):
            raise Http404
        return Origin()
    initiative = get_initiative_for_user(request, initiative_pk).obj
    if not may_write_lessons(
        roles, municipality_id=initiative.municipality_id, cluster_id=initiative.cluster_id
    ):
        raise PermissionDenied
    gate_pk, assumption_pk = _child_pk(request, "gate"), _child_pk(request, "assumption")
    gate = get_object_or_404(initiative.gate_decisions, pk=gate_pk) if gate_pk else None
    assumption = (
        get_object_or_404(initiative.assumptions, pk=assumption_pk) if assumption_pk else None
    )
    return Origin(initiative, gate, assumption)


def _initial(origin: Origin) -> dict[str, Any]:
    """What a lesson from an initiative starts with: its stage, its need's theme and goals,
    and a title (and for an assumption, what was learned) to rewrite."""
    initial: dict[str, Any] = {"language": reader_language()}
    initiative = origin.initiative
    if initiative is None:
        return initial
    initial["stage"] = initiative.stage
    if initiative.need is not None:
        initial["theme"] = initiative.need.theme
        initial["sdg_goals"] = initiative.need.sdg_goals
    if origin.gate_decision is not None:
        gate = origin.gate_decision
        initial["stage"] = gate.from_stage
        initial["title"] = _("Lessons from the decision on “%(stage)s”: %(title)s") % {
            "stage": Stage(gate.to_stage).label,
            "title": initiative.title,
        }
    elif origin.assumption is not None:
        initial["title"] = _("It did not hold: %(statement)s") % {
            "statement": origin.assumption.statement
        }
        initial["body"] = origin.assumption.learning
    else:
        initial["title"] = _("Lessons from %(title)s") % {"title": initiative.title}
    initial["title"] = initial["title"][:200]
    return initial


def _owner_objects(form: LessonForm) -> dict[str, Any]:
    owner = form.owner_kwargs()
    if "cluster_id" in owner:
        return {"cluster": Cluster.objects.get(pk=owner["cluster_id"])}
    return {"municipality": Municipality.objects.get(pk=owner["municipality_id"])}


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Write a lesson: from an initiative (``?initiative=``, and ``&gate=`` or
    ``&assumption=`` for the moment it was learned), or any time for an owner one may write
    for (``?municipality=`` or ``?cluster=`` preselects it)."""
    roles = roles_for(request)
    origin = _origin(request, roles)
    owners: list[tuple[str, str]] | None = None
    initial = _initial(origin)
    if origin.initiative is None:
        owners = _owner_choices(roles)
        if not owners:
            raise PermissionDenied
        for kind, name in (("m", "municipality"), ("c", "cluster")):
            wanted = f"{kind}-{request.GET.get(name, '')}"
            if any(value == wanted for value, _label in owners):
                initial["owner"] = wanted
    form = LessonForm(
        posted(request),
        initial=initial,
        owners=owners,
        cluster_owned=bool(origin.initiative and origin.initiative.cluster_id),
    )
    if request.method == "POST" and form.is_valid():
        owner = _owner_objects(form) if owners is not None else {}
        lesson = call_service(
            form,
            services.lesson_create,
            actor=cast(User, request.user),
            initiative=origin.initiative,
            gate_decision=origin.gate_decision,
            assumption=origin.assumption,
            **owner,
            **form.service_kwargs(),
        )
        if lesson is not None:
            messages.success(
                request, _("The lesson “%(title)s” was saved.") % {"title": lesson.title}
            )
            return redirect("lessons:detail", pk=lesson.pk)
    return render(
        request,
        "lessons/form.html",
        {
            "form": form,
            "origin": origin,
            "themes": known_themes(roles),
            "themes_list_id": THEMES_LIST_ID,
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = get_lesson_for_user(request, pk, level=Level.EDIT).obj
    form = LessonForm(posted(request), instance=lesson, cluster_owned=lesson.cluster_id is not None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.lesson_update,
            lesson=lesson,
            actor=cast(User, request.user),
            **form.service_kwargs(),
        )
        if saved is not None:
            messages.success(request, _("The lesson was saved."))
            return redirect("lessons:detail", pk=lesson.pk)
        lesson.refresh_from_db()
    origin = Origin(lesson.initiative, lesson.gate_decision, lesson.assumption)
    return render(
        request,
        "lessons/form.html",
        {
            "form": form,
            "lesson": lesson,
            "origin": origin,
            "themes": known_themes(roles_for(request)),
            "themes_list_id": THEMES_LIST_ID,
        },
    )
