"""Writes for lessons learned: writing one (any time, from an initiative, at a gate decision or
at an invalidated assumption) and editing it. Every write checks that what the lesson points to
belongs together, tidies its tags and brings its search vector up to date."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusters.models import Cluster, normalise_theme
from innocities.accounts.models import User
from innocities.core.services import validated_save
from municipalities.models import Municipality
from programs.initiatives.models import Assumption, GateDecision, Initiative, Outcome
from programs.lessons.models import Lesson

# What a person writes and edits; the owner, initiative and origin are set when it is written.
EDITABLE = ("title", "body", "theme", "stage", "sdg_goals", "visibility", "language")


def lesson_index(lesson: Lesson) -> None:
    """Bring the lesson's search vector up to date (PostgreSQL; elsewhere there is none).

    Stemmed with the configuration of the language it is written in; the title weighs most,
    then the theme, then the text. An ``UPDATE`` of the one column: no history entry."""
    if transaction.get_connection().vendor != "postgresql":
        return
    config = lesson.search_config
    Lesson.objects.filter(pk=lesson.pk).update(
        search_vector=SearchVector("title", config=config, weight="A")
        + SearchVector("theme", config=config, weight="B")
        + SearchVector("body", config=config, weight="C")
    )


def _tidy(lesson: Lesson) -> None:
    lesson.title = lesson.title.strip()
    lesson.theme = " ".join(lesson.theme.split())
    lesson.theme_key = normalise_theme(lesson.theme)
    if isinstance(lesson.sdg_goals, list) and all(isinstance(g, int) for g in lesson.sdg_goals):
        lesson.sdg_goals = sorted(lesson.sdg_goals)
    if not lesson.body.strip():
        raise ValidationError({"body": _("Write what was learned.")})


def _origin(
    initiative: Initiative | None,
    gate_decision: GateDecision | None,
    assumption: Assumption | None,
) -> None:
    if gate_decision is not None and assumption is not None:
        raise ValidationError(_("A lesson is written at a decision or at an assumption, not both."))
    if initiative is None:
        if gate_decision is not None or assumption is not None:
            raise ValidationError(
                _("A lesson written at a decision or an assumption names its initiative.")
            )
        return
    if gate_decision is not None and gate_decision.initiative_id != initiative.pk:
        raise ValidationError(_("That decision was taken on another initiative."))
    if assumption is not None:
        if assumption.initiative_id != initiative.pk:
            raise ValidationError(_("That assumption belongs to another initiative."))
        if assumption.outcome != Outcome.INVALIDATED:
            raise ValidationError(
                _("A lesson is written at an assumption once a test has shown it does not hold.")
            )


@transaction.atomic
def lesson_create(
    *,
    actor: User,
    municipality: Municipality | None = None,
    cluster: Cluster | None = None,
    initiative: Initiative | None = None,
    gate_decision: GateDecision | None = None,
    assumption: Assumption | None = None,
    **fields: Any,
) -> Lesson:
    """Write a lesson. From an initiative it belongs to the initiative's owner (a municipality,
    or the cluster for a joint one); otherwise give ``municipality`` or ``cluster``. At a gate
    decision or an assumption, these must be the initiative's, and the assumption invalidated.
    Who may write for the owner is the view's check (``may_write_lessons``)."""
    if initiative is not None:
        if (municipality is not None and municipality.pk != initiative.municipality_id) or (
            cluster is not None and cluster.pk != initiative.cluster_id
        ):
            raise ValidationError(
                _("A lesson from an initiative belongs to the initiative's owner.")
            )
        municipality, cluster = initiative.municipality, initiative.cluster
    _origin(initiative, gate_decision, assumption)
    lesson = Lesson(
        municipality=municipality,
        cluster=cluster,
        initiative=initiative,
        gate_decision=gate_decision,
        assumption=assumption,
        author=actor,
        **{name: fields[name] for name in EDITABLE if name in fields},
    )
    _tidy(lesson)
    validated_save(lesson, actor=actor)
    lesson_index(lesson)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, actor: User, **fields: Any) -> Lesson:
    """Change what a lesson says, its tags, who reads it or its language. Where it came from
    (owner, initiative, decision, assumption) and who wrote it stay."""
    locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
    for name in EDITABLE:
        if name in fields:
            setattr(locked, name, fields[name])
    _tidy(locked)
    validated_save(locked, actor=actor)
    lesson_index(locked)
    lesson.refresh_from_db()
    return locked
