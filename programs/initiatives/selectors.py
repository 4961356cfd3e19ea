"""Reads for one initiative: what it may be linked to, and how its next gate stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from clusters.models import ClusterMembership, ClusterPartner, Meeting, Need, RosterEntry
from innocities.accounts.models import User
from municipalities.models import Helix, MunicipalityMembership, Organisation
from programs.initiatives.models import (
    FIRST_STAGES,
    STAGES,
    Assumption,
    CriterionCheck,
    Decision,
    Effort,
    GateCriterion,
    GateDecision,
    Initiative,
    InitiativePartner,
    Outcome,
    Stage,
    State,
)
from programs.models import ProgramModule, ProgramStatus


@dataclass(frozen=True)
class Owner:
    """Whose an initiative is: a municipality's own, or a cluster's joint one."""

    municipality_id: int | None = None
    cluster_id: int | None = None

    @classmethod
    def of(cls, initiative: Initiative) -> Owner:
        return cls(initiative.municipality_id, initiative.cluster_id)

    def cluster_ids(self) -> QuerySet[ClusterMembership, int]:
        """The clusters the owner works in: a municipality's open ones, or the joint one."""
        if self.cluster_id is not None:
            return ClusterMembership.objects.none().values_list("cluster_id", flat=True)
        return (
            ClusterMembership.objects.current()
            .filter(Q(municipality_id=self.municipality_id))
            .values_list("cluster_id", flat=True)
        )

    def cluster_filter(self, field: str) -> Q:
        if self.cluster_id is not None:
            return Q(**{field: self.cluster_id})
        return Q(**{f"{field}__in": self.cluster_ids()})


def eligible_needs(owner: Owner) -> QuerySet[Need]:
    """The municipality's own needs and its clusters' shared ones; for a joint initiative,
    the cluster's shared needs."""
    scope = owner.cluster_filter("cluster_id")
    if owner.municipality_id is not None:
        scope |= Q(municipality_id=owner.municipality_id)
    return Need.objects.filter(scope).order_by("title")


def eligible_partners(owner: Owner) -> QuerySet[Organisation]:
    """Organisations that may take part: the current partners of the owner's clusters, and a
    municipality's own public-sector organisations."""
    partners = ClusterPartner.objects.current().filter(owner.cluster_filter("cluster_id"))
    scope = Q(pk__in=partners.values("organisation_id"))
    if owner.municipality_id is not None:
        scope |= Q(municipality_id=owner.municipality_id)
    return Organisation.objects.filter(scope).order_by("name")


def eligible_leads(owner: Owner) -> QuerySet[User]:
    """Who may lead it: the municipality's people, or the people on the cluster's roster."""
    people: QuerySet[Any, Any]
    if owner.municipality_id is not None:
        people = MunicipalityMembership.objects.filter(
            municipality_id=owner.municipality_id
        ).values_list("user_id", flat=True)
    else:
        people = (
            RosterEntry.objects.current()
            .filter(Q(cluster_id=owner.cluster_id))
            .values_list("user_id", flat=True)
        )
    return User.objects.filter(is_active=True, pk__in=people).order_by("full_name", "email")


def eligible_modules(owner: Owner) -> QuerySet[ProgramModule]:
    """Modules of the municipality's programmes that still run (or, for a joint initiative,
    of the programmes run in the cluster)."""
    running = ~Q(program__status__in=[ProgramStatus.COMPLETED, ProgramStatus.CANCELLED])
    if owner.municipality_id is not None:
        scope = Q(program__municipality_id=owner.municipality_id)
    else:
        scope = Q(program__cluster_id=owner.cluster_id)
    return (
        ProgramModule.objects.filter(scope & running)
        .select_related("program")
        .order_by("program__title", "position")
    )


def eligible_meetings(initiative: Initiative) -> QuerySet[Meeting]:
    """Cluster meetings a decision may have been taken in: those of the owner's clusters."""
    owner = Owner.of(initiative)
    return Meeting.objects.filter(owner.cluster_filter("cluster_id")).order_by("-starts_at")


@dataclass(frozen=True)
class CriterionStatus:
    criterion: GateCriterion
    holds: bool | None  # None: judged by the decision-maker

    @property
    def text(self) -> str:
        return self.criterion.text


def helices(initiative: Initiative) -> set[str]:
    """The helices taking part: the partners', and the public sector for the owner itself."""
    kinds = set(initiative.partners.values_list("organisation__helix", flat=True))
    kinds.add(Helix.PUBLIC)
    return kinds


def critical_open_assumptions(initiative: Initiative) -> list[Assumption]:
    """The open assumptions much rides on and little is known about: test these first."""
    return [a for a in initiative.assumptions.filter(outcome=Outcome.OPEN) if a.is_critical]


def gate_criteria(initiative: Initiative, to_stage: str) -> list[CriterionStatus]:
    """The criteria of the gate into ``to_stage``, each judged from the data where it can be."""
    if to_stage in FIRST_STAGES[:1]:
        return []
    criteria = list(GateCriterion.objects.filter(stage=to_stage, is_active=True))
    facts: dict[str, bool] = {}
    checks = {c.judged_by for c in criteria}
    if CriterionCheck.NEED_LINKED in checks:
        facts[CriterionCheck.NEED_LINKED] = initiative.need_id is not None
    if CriterionCheck.LEAD_NAMED in checks:
        facts[CriterionCheck.LEAD_NAMED] = initiative.lead_id is not None
    if CriterionCheck.ASSUMPTIONS_RECORDED in checks:
        facts[CriterionCheck.ASSUMPTIONS_RECORDED] = initiative.assumptions.exists()
    if CriterionCheck.CRITICAL_ASSUMPTIONS_TESTED in checks:
        facts[CriterionCheck.CRITICAL_ASSUMPTIONS_TESTED] = not critical_open_assumptions(
            initiative
        )
    if CriterionCheck.TWO_HELICES in checks:
        facts[CriterionCheck.TWO_HELICES] = len(helices(initiative)) >= 2 and (
            initiative.partners.exists()
        )
    if CriterionCheck.BENEFIT_OWNER_NAMED in checks:
        # Named on the business case, or as the owner of a benefit in the register
        # (programs.benefits, a layer above: read through the relation).
        facts[CriterionCheck.BENEFIT_OWNER_NAMED] = (
            bool(initiative.benefit_owner.strip())
            or initiative.benefits.filter(ended_on__isnull=True).exists()
        )
    if CriterionCheck.BUSINESS_CASE in checks:
        facts[CriterionCheck.BUSINESS_CASE] = bool(
            initiative.expected_benefits.strip() and initiative.estimated_cost_sek is not None
        )
    if CriterionCheck.PILOT_AGREEMENT in checks:
        # The agreement lives in programs.agreements, a layer above: read through the relation.
        facts[CriterionCheck.PILOT_AGREEMENT] = (
            getattr(initiative, "pilot_agreement", None) is not None
        )
    return [CriterionStatus(c, facts.get(c.judged_by)) for c in criteria]


# --- the initiative's page -------------------------------------------------------------------


@dataclass(frozen=True)
class StageStep:
    value: str
    label: str
    is_current: bool
    is_passed: bool


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    what: str  # the kind of record: initiative, assumption, partner, effort, decision
    label: str
    action: str  # added, changed, removed
    changes: list[str]


@dataclass(frozen=True)
class InitiativePage:
    stages: list[StageStep]
    assumptions: list[Assumption]
    decisions: list[GateDecision]
    partners: list[InitiativePartner]
    efforts: list[Effort]
    total_hours: Decimal
    total_sek: Decimal
    helices: list[str]
    missing_helices: list[str]
    open_critical: int
    overdue_assumptions: int
    gate_overdue: bool
    history: list[HistoryEntry]


def stage_steps(initiative: Initiative) -> list[StageStep]:
    current = STAGES.index(initiative.stage)
    return [
        StageStep(value, str(Stage(value).label), index == current, index < current)
        for index, value in enumerate(STAGES)
    ]


_ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("removed")}


def _changed_fields(model: Any, record: Any, previous: Any | None) -> list[str]:
    if previous is None:
        return []
    names = []
    for field in model._meta.concrete_fields:
        if field.attname in ("id",) or field.attname.endswith("_at"):
            continue
        if getattr(record, field.attname) != getattr(previous, field.attname):
            names.append(str(field.verbose_name))
    return names


def initiative_history(initiative: Initiative, *, limit: int = 30) -> list[HistoryEntry]:
    """The latest changes to the initiative and its assumptions, partners, effort and
    decisions, newest first (simple-history's records: admin edits show too). One query per
    kind of record, whatever the history's length."""
    entries: list[HistoryEntry] = []
    sources: list[tuple[Any, Any, Any]] = [
        (Initiative, Initiative.history.filter(id=initiative.pk), _("initiative")),
        (Assumption, Assumption.history.filter(initiative_id=initiative.pk), _("assumption")),
        (
            InitiativePartner,
            InitiativePartner.history.filter(initiative_id=initiative.pk).select_related(
                "organisation"
            ),
            _("partner"),
        ),
        (Effort, Effort.history.filter(initiative_id=initiative.pk), _("effort")),
        (GateDecision, GateDecision.history.filter(initiative_id=initiative.pk), _("decision")),
    ]
    for model, records, what in sources:
        rows = list(records.select_related("history_user").order_by("id", "history_id"))
        previous: dict[int, Any] = {}
        for record in rows:
            before = previous.get(record.id)
            previous[record.id] = record
            label = (
                record.organisation.name
                if model is InitiativePartner
                else f"{record.year} Q{record.quarter}"
                if model is Effort
                else getattr(record, "title", "")
                or getattr(record, "statement", "")
                or str(Decision(record.decision).label)
            )
            user = record.history_user
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=user.get_full_name() if user else str(_("the system")),
                    what=str(what),
                    label=label,
                    action=str(_ACTIONS.get(record.history_type, "")),
                    changes=(
                        _changed_fields(model, record, before) if record.history_type == "~" else []
                    ),
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def initiative_page(initiative: Initiative, *, today: dt.date) -> InitiativePage:
    """Everything the initiative's page shows, in a fixed number of queries."""
    assumptions = list(initiative.assumptions.select_related("task"))
    partners = list(initiative.partners.select_related("organisation"))
    efforts = list(initiative.efforts.all())
    kinds = {p.organisation.helix for p in partners} | {Helix.PUBLIC}
    return InitiativePage(
        stages=stage_steps(initiative),
        assumptions=assumptions,
        decisions=list(initiative.gate_decisions.select_related("meeting", "recorded_by")),
        partners=partners,
        efforts=efforts,
        total_hours=sum((e.hours or Decimal(0) for e in efforts), Decimal(0)),
        total_sek=sum((e.sek or Decimal(0) for e in efforts), Decimal(0)),
        helices=[str(label) for value, label in Helix.choices if value in kinds],
        missing_helices=[str(label) for value, label in Helix.choices if value not in kinds],
        open_critical=sum(1 for a in assumptions if a.is_open and a.is_critical),
        overdue_assumptions=sum(1 for a in assumptions if a.is_overdue(today)),
        gate_overdue=initiative.gate_is_overdue(today),
        history=initiative_history(initiative),
    )


# --- initiatives shown on other pages --------------------------------------------------------

# How far ahead a coming decision is worth a place on the dashboard and the municipality page.
DECISION_HORIZON_DAYS = 30


def awaiting_decision(
    initiatives: QuerySet[Initiative], *, today: dt.date, limit: int = 10
) -> list[Initiative]:
    """Active initiatives whose next decision is overdue or due within the horizon, the most
    urgent first (one query)."""
    return list(
        initiatives.filter(
            state=State.ACTIVE,
            next_gate_due_on__lte=today + dt.timedelta(days=DECISION_HORIZON_DAYS),
        )
        .exclude(stage=Stage.OPERATION)
        .select_related("municipality", "cluster")
        .order_by("next_gate_due_on", "title")[:limit]
    )


def initiatives_by_module(
    initiatives: QuerySet[Initiative], module_ids: list[int]
) -> dict[int, list[Initiative]]:
    """The initiatives each programme module holds (one query)."""
    by_module: dict[int, list[Initiative]] = {}
    for initiative in initiatives.filter(module_id__in=module_ids).order_by("title"):
        by_module.setdefault(initiative.module_id, []).append(initiative)  # type: ignore[arg-type]
    return by_module
