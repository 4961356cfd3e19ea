"""The lessons shown on other apps' pages: an initiative's (with the links to write one at each
decision and invalidated assumption) and a municipality's latest on its portfolio. Each in a
fixed number of queries, whatever the number of lessons, decisions and assumptions."""

from __future__ import annotations

from typing import Any

from django import template

from innocities.core.permissions import roles_for
from programs.initiatives.models import Outcome
from programs.lessons.permissions import may_write_lessons
from programs.lessons.selectors import latest_lessons, lessons_for_initiative, origins_with_lessons

register = template.Library()

PORTFOLIO_LESSONS = 5


@register.inclusion_tag("lessons/_initiative_lessons.html", takes_context=True)
def initiative_lessons(context: template.Context) -> dict[str, Any]:
    """For the initiative page (``initiative``, and its ``page`` whose decisions and
    assumptions are already loaded): the lessons the reader may read; for those who may write
    lessons for it, the decisions and invalidated assumptions that have none yet."""
    initiative = context["initiative"]
    roles = roles_for(context["request"])
    lessons = lessons_for_initiative(initiative, roles)
    may_write = may_write_lessons(
        roles, municipality_id=initiative.municipality_id, cluster_id=initiative.cluster_id
    )
    decisions: list[Any] = []
    assumptions: list[Any] = []
    if may_write:
        # The initiative page has loaded them already (``InitiativePage``); elsewhere, load.
        page = context.get("page")
        all_decisions = getattr(page, "decisions", None)
        if all_decisions is None:
            all_decisions = list(initiative.gate_decisions.all())
        all_assumptions = getattr(page, "assumptions", None)
        if all_assumptions is None:
            all_assumptions = list(initiative.assumptions.all())
        gates_done, assumptions_done = origins_with_lessons(lessons)
        decisions = [d for d in all_decisions if d.pk not in gates_done]
        assumptions = [
            a
            for a in all_assumptions
            if a.outcome == Outcome.INVALIDATED and a.pk not in assumptions_done
        ]
    return {
        "initiative": initiative,
        "lessons": lessons,
        "may_write": may_write,
        "decisions_without_lesson": decisions,
        "assumptions_without_lesson": assumptions,
    }


@register.inclusion_tag("lessons/_municipality_lessons.html", takes_context=True)
def municipality_lessons(context: template.Context) -> dict[str, Any]:
    """For the municipality's portfolio (``municipality``): its latest lessons the reader may
    read, and whether the reader may write one."""
    municipality = context["municipality"]
    roles = roles_for(context["request"])
    return {
        "municipality": municipality,
        "lessons": latest_lessons(roles, municipality=municipality, limit=PORTFOLIO_LESSONS),
        "may_write": may_write_lessons(roles, municipality_id=municipality.pk, cluster_id=None),
    }
