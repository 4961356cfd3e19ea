"""Reads for one initiative: what it may be linked to, and how its next gate stands."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from clusters.models import ClusterMembership, ClusterPartner, Meeting, Need, RosterEntry
from innocities.accounts.models import User
from municipalities.models import Helix, MunicipalityMembership, Organisation
from programs.initiatives.models import (
    FIRST_STAGES,
    Assumption,
    CriterionCheck,
    GateCriterion,
    Initiative,
    Outcome,
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
            .filter(municipality_id=self.municipality_id)
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
    if owner.municipality_id is not None:
        people = MunicipalityMembership.objects.filter(municipality_id=owner.municipality_id)
    else:
        people = RosterEntry.objects.current().filter(cluster_id=owner.cluster_id)
    return User.objects.filter(is_active=True, pk__in=people.values("user_id")).order_by(
        "full_name", "email"
    )


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
        facts[CriterionCheck.BENEFIT_OWNER_NAMED] = bool(initiative.benefit_owner.strip())
    if CriterionCheck.BUSINESS_CASE in checks:
        facts[CriterionCheck.BUSINESS_CASE] = bool(
            initiative.expected_benefits.strip() and initiative.estimated_cost_sek is not None
        )
    return [CriterionStatus(c, facts.get(c.judged_by)) for c in criteria]
