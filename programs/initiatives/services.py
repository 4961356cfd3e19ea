"""Writes for initiatives: creating and editing them, gate decisions, assumptions, partners
and effort. Every write validates against the initiative's owner, so a need, lead, module,
partner or meeting from elsewhere is refused with a message, never saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster, Meeting, Need
from innocities.accounts.models import User
from innocities.core.services import validated_save
from municipalities.models import Municipality, Organisation
from programs.initiatives.models import (
    ADVANCING,
    FIRST_STAGES,
    Assumption,
    Body,
    Decision,
    Effort,
    GateDecision,
    Initiative,
    InitiativePartner,
    Outcome,
    PortfolioTarget,
    Stage,
    State,
    next_stage,
)
from programs.initiatives.selectors import (
    Owner,
    eligible_leads,
    eligible_meetings,
    eligible_modules,
    eligible_needs,
    eligible_partners,
    gate_criteria,
)
from programs.models import Program, ProgramModule, ProgramStatus, Task

# The fields of an initiative a person edits (the stage moves only through a gate).
EDITABLE = (
    "title",
    "description",
    "need",
    "lead",
    "module",
    "facet",
    "next_gate_due_on",
    "expected_benefits",
    "estimated_cost_sek",
    "risk",
    "benefit_owner",
)


def _check_links(
    owner: Owner, *, need: Need | None, lead: User | None, module: ProgramModule | None
) -> None:
    errors: dict[str, str] = {}
    if need is not None and not eligible_needs(owner).filter(pk=need.pk).exists():
        errors["need"] = _(
            "Choose one of the municipality's needs or a shared need of its cluster."
        )
    if lead is not None and not eligible_leads(owner).filter(pk=lead.pk).exists():
        errors["lead"] = _("The lead must be one of the people who work with it.")
    if module is not None and not eligible_modules(owner).filter(pk=module.pk).exists():
        errors["module"] = _("Choose a module of a programme that is still running.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def initiative_create(
    *,
    actor: User,
    municipality: Municipality | None = None,
    cluster: Cluster | None = None,
    stage: str = Stage.IDEA,
    **fields: Any,
) -> Initiative:
    """A new initiative, at the need or idea stage: later stages are reached through gates."""
    if stage not in FIRST_STAGES:
        raise ValidationError(
            {"stage": _("A new initiative starts as a need or an idea; later stages follow gates.")}
        )
    initiative = Initiative(
        municipality=municipality,
        cluster=cluster,
        stage=stage,
        state=State.ACTIVE,
        stage_since=timezone.localdate(),
        created_by=actor,
        **{name: fields[name] for name in EDITABLE if name in fields},
    )
    _check_links(
        Owner(getattr(municipality, "pk", None), getattr(cluster, "pk", None)),
        need=initiative.need,
        lead=initiative.lead,
        module=initiative.module,
    )
    return validated_save(initiative, actor=actor)


@transaction.atomic
def initiative_update(*, initiative: Initiative, actor: User, **fields: Any) -> Initiative:
    """Edit what an initiative says. A link kept as it was (a lead who has since left, a
    module of a programme now completed) stays; only a changed one must be eligible."""
    before = {name: getattr(initiative, f"{name}_id") for name in ("need", "lead", "module")}
    for name in EDITABLE:
        if name in fields:
            setattr(initiative, name, fields[name])
    changed = {
        name: getattr(initiative, name)
        for name in ("need", "lead", "module")
        if getattr(initiative, f"{name}_id") != before[name]
    }
    _check_links(
        Owner.of(initiative),
        need=changed.get("need"),
        lead=changed.get("lead"),
        module=changed.get("module"),
    )
    return validated_save(initiative, actor=actor)


def _target_stage(initiative: Initiative, decision: str) -> tuple[str, str]:
    """Where a decision leaves the initiative: (stage, state)."""
    if decision in ADVANCING:
        following = next_stage(initiative.stage)
        if following is None:
            raise ValidationError(_("An initiative in operation has no further stage."))
        return following, State.ACTIVE
    if decision == Decision.HOLD:
        return initiative.stage, State.PARKED
    if decision == Decision.STOP:
        return initiative.stage, State.STOPPED
    return initiative.stage, State.ACTIVE  # pivot: rework in the same stage


@transaction.atomic
def gate_decide(
    *,
    initiative: Initiative,
    actor: User,
    seen_stage: str,
    seen_state: str,
    to_stage: str,
    decision: str,
    decided_by: str,
    body: str,
    decided_on: dt.date,
    rationale: str,
    conditions: str = "",
    manual_holding: frozenset[int] = frozenset(),
    open_criteria_reason: str = "",
    meeting: Meeting | None = None,
    expected_benefits: str = "",
    estimated_cost_sek: Decimal | None = None,
    risk: str = "",
    next_gate_due_on: dt.date | None = None,
) -> GateDecision:
    """Record a decision point and move the initiative accordingly.

    ``seen_stage``/``seen_state`` are what the person saw when they filled the form: if the
    initiative moved meanwhile, nothing is saved. ``to_stage`` is the stage they meant to
    enter, which must be the next one (stages are not skipped). ``manual_holding`` are the
    manual criteria the decision-maker judged to hold. Going on with a criterion open needs
    ``open_criteria_reason``. The business case given is frozen in the decision and becomes
    the initiative's current one.
    """
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if (locked.stage, locked.state) != (seen_stage, seen_state):
        raise ValidationError(
            _(
                "This initiative moved while you were deciding: it is now at “%(stage)s” "
                "(%(state)s). Look at it again before you record a decision."
            )
            % {"stage": locked.get_stage_display(), "state": locked.get_state_display()}
        )
    if locked.state == State.STOPPED:
        raise ValidationError(_("A stopped initiative takes no further decisions."))
    expected_next = next_stage(locked.stage)
    if to_stage != expected_next:
        # Not tied to a field: the stage travels in a hidden one, whose errors no one sees.
        raise ValidationError(
            _("Stages are not skipped: after “%(stage)s” comes “%(next)s”.")
            % {
                "stage": locked.get_stage_display(),
                "next": Stage(expected_next).label if expected_next else "–",
            }
        )
    if decision == Decision.HOLD and locked.state == State.PARKED:
        raise ValidationError({"decision": _("The initiative is already on hold.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A decision cannot be dated in the future.")})
    if body == Body.CLUSTER:
        if meeting is not None and not eligible_meetings(locked).filter(pk=meeting.pk).exists():
            raise ValidationError({"meeting": _("Choose a meeting of the initiative's cluster.")})
    elif meeting is not None:
        raise ValidationError({"meeting": _("Only a decision taken in a cluster names a meeting.")})

    statuses = gate_criteria(locked, to_stage)
    criteria = [
        {
            # In every language, so the record reads right whoever opens it later.
            "text_sv": status.criterion.text_sv,
            "text_en": status.criterion.text_en,
            "text_nb": status.criterion.text_nb,
            "holds": status.criterion.pk in manual_holding
            if status.holds is None
            else status.holds,
            "judged": status.holds is None,
        }
        for status in statuses
    ]
    any_open = any(not c["holds"] for c in criteria)
    if decision in ADVANCING and any_open and not open_criteria_reason.strip():
        raise ValidationError(
            {
                "open_criteria_reason": _(
                    "Some criteria of this gate do not hold: say why the initiative goes on anyway."
                )
            }
        )
    stage, state = _target_stage(locked, decision)
    gate = validated_save(
        GateDecision(
            initiative=locked,
            from_stage=locked.stage,
            to_stage=to_stage,
            decision=decision,
            decided_by=decided_by,
            body=body,
            meeting=meeting,
            decided_on=decided_on,
            rationale=rationale,
            conditions=conditions,
            criteria=criteria,
            open_criteria_reason=open_criteria_reason if any_open else "",
            expected_benefits=expected_benefits,
            estimated_cost_sek=estimated_cost_sek,
            risk=risk,
            recorded_by=actor,
        ),
        actor=actor,
    )
    if stage != locked.stage:
        locked.stage_since = decided_on
    locked.stage, locked.state = stage, state
    locked.expected_benefits, locked.estimated_cost_sek, locked.risk = (
        expected_benefits,
        estimated_cost_sek,
        risk,
    )
    locked.next_gate_due_on = (
        next_gate_due_on if state == State.ACTIVE and next_stage(stage) else None
    )
    validated_save(locked, actor=actor)
    initiative.refresh_from_db()
    return gate


def _task_program(initiative: Initiative) -> Program | None:
    """Where an assumption's test becomes a task: the module's programme, else the
    municipality's running programme."""
    if initiative.module_id is not None:
        return initiative.module.program  # type: ignore[union-attr]
    if initiative.municipality_id is None:
        return None
    return (
        Program.objects.filter(
            municipality_id=initiative.municipality_id,
            status__in=[ProgramStatus.ACTIVE, ProgramStatus.DRAFT],
        )
        .order_by("-starts_on")
        .first()
    )


def _test_task(initiative: Initiative, assumption: Assumption, actor: User) -> Task:
    program = _task_program(initiative)
    if program is None:
        raise ValidationError(
            {"make_task": _("The municipality has no running programme to put the task in.")}
        )
    if assumption.test_by is None:
        raise ValidationError({"test_by": _("Give a test-by date for the task's due date.")})
    task = Task(
        program=program,
        module=initiative.module if initiative.module_id else None,
        title=(_("Test: %(statement)s") % {"statement": assumption.statement})[:200],
        description=assumption.test_plan,
        owner=initiative.lead,
        due_on=assumption.test_by,
    )
    return validated_save(task, actor=actor)


@transaction.atomic
def assumption_save(
    *,
    initiative: Initiative,
    actor: User,
    assumption: Assumption | None = None,
    make_task: bool = False,
    **fields: Any,
) -> Assumption:
    """Add an assumption, or change what it says and how it will be tested."""
    if assumption is None:
        assumption = Assumption(initiative=initiative)
    for name in ("statement", "kind", "impact", "uncertainty", "test_plan", "test_by"):
        if name in fields:
            setattr(assumption, name, fields[name])
    validated_save(assumption, actor=actor)
    if make_task and assumption.task_id is None:
        assumption.task = _test_task(initiative, assumption, actor)
        validated_save(assumption, actor=actor)
    return assumption


@transaction.atomic
def assumption_resolve(
    *,
    assumption: Assumption,
    actor: User,
    outcome: str,
    learning: str,
    resolved_on: dt.date | None = None,
) -> Assumption:
    """Record how a test came out and what was learned (or reopen it with ``Outcome.OPEN``)."""
    if outcome == Outcome.OPEN:
        assumption.outcome, assumption.resolved_on = Outcome.OPEN, None
    else:
        if not learning.strip():
            raise ValidationError({"learning": _("Say what was learned.")})
        day = resolved_on or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError({"resolved_on": _("The date cannot be in the future.")})
        assumption.outcome, assumption.resolved_on = outcome, day
    assumption.learning = learning
    return validated_save(assumption, actor=actor)


@transaction.atomic
def partner_add(
    *, initiative: Initiative, actor: User, organisation: Organisation, role: str = ""
) -> InitiativePartner:
    """An organisation joins the initiative: a current partner of its cluster (or the
    municipality's own), checked under a lock so one that just left is refused."""
    Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
    if not eligible_partners(Owner.of(initiative)).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {
                "organisation": _(
                    "“%(name)s” is not a current partner of the cluster, so it cannot take part."
                )
                % {"name": organisation.name}
            }
        )
    if initiative.partners.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": _("This organisation already takes part.")})
    return validated_save(
        InitiativePartner(initiative=initiative, organisation=organisation, role=role),
        actor=actor,
    )


def partner_remove(*, partner: InitiativePartner, actor: User) -> None:
    partner._history_user = actor  # type: ignore[attr-defined]
    partner.delete()


@transaction.atomic
def effort_record(
    *,
    initiative: Initiative,
    actor: User,
    year: int,
    quarter: int,
    hours: Decimal | None,
    sek: Decimal | None,
) -> Effort | None:
    """Set a quarter's effort (replacing what was there). Empty hours and SEK removes it."""
    effort = Effort.objects.filter(initiative=initiative, year=year, quarter=quarter).first()
    if hours is None and sek is None:
        if effort is not None:
            effort._history_user = actor  # type: ignore[attr-defined]
            effort.delete()
        return None
    today = timezone.localdate()
    if (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
        raise ValidationError({"quarter": _("Record effort for a quarter that has begun.")})
    effort = effort or Effort(initiative=initiative, year=year, quarter=quarter)
    effort.hours, effort.sek = hours, sek
    return validated_save(effort, actor=actor)


@transaction.atomic
def portfolio_target_set(
    *, municipality: Municipality, actor: User, innovation_percent: int | None
) -> PortfolioTarget | None:
    """Set or clear the share of effort the municipality means to put into innovation."""
    target = PortfolioTarget.objects.filter(municipality=municipality).first()
    if innovation_percent is None:
        if target is not None:
            target._history_user = actor  # type: ignore[attr-defined]
            target.delete()
        return None
    target = target or PortfolioTarget(municipality=municipality)
    target.innovation_percent = innovation_percent
    return validated_save(target, actor=actor)
