"""Reads for tailoring: which modules a municipality's assessment and needs recommend, and why.

``recommend`` is pure (rules, scores and needs in, recommendations out) so the reasoning can be
tested on known numbers; ``tailoring_basis`` loads what it needs in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from clusters.models import SDG_GOALS, Cluster, ClusterMembership, Need, Priority
from innocities.core.permissions import Roles
from municipalities.assessments.models import AssessmentRound, RoundStatus
from municipalities.assessments.selectors import (
    DimensionScore,
    latest_closed_round,
    round_scores,
)
from municipalities.models import Municipality
from programs.indicators.svg import format_number
from programs.models import ModuleTemplate, Program, ProgramStatus
from programs.tailoring.models import PRIORITY_RANK, RecommendationRule, RuleKind


@dataclass(frozen=True)
class Reason:
    """One sentence of why a module is recommended; ``covered_by`` is the cluster's shared
    need that meets it with joint activities, if there is one.

    A reason keeps its facts, not a sentence: ``text`` is written when it is read, through
    gettext in the active language, so the page gives it in the reader's language and
    ``text_in`` in the municipality's when a programme module stores it. Either a low score
    (``dimension``, ``score``, ``below``) or a ``need``.
    """

    covered_by: Need | None = None
    need: Need | None = None
    # A name, or an object whose ``name`` is given in the reader's language (a Dimension).
    dimension: object = None
    score: float = 0.0
    below: Decimal = Decimal(0)

    @property
    def text(self) -> str:
        if self.need is not None:
            return _need_reason(self.need)
        name = getattr(self.dimension, "name", self.dimension)
        return _score_reason(str(name), self.score, self.below)

    def text_in(self, language: str) -> str:
        with translation.override(language):
            return self.text


@dataclass
class Recommendation:
    module: ModuleTemplate
    reasons: list[Reason] = field(default_factory=list)
    # Lower comes first: the weakest score, then the most pressing need.
    rank: tuple[int, float] = (9, 0.0)

    @property
    def covered(self) -> bool:
        """Every reason is met jointly in a cluster: no need to repeat the module here."""
        return all(reason.covered_by is not None for reason in self.reasons)

    @property
    def shared_needs(self) -> list[Need]:
        needs: dict[int, Need] = {}
        for reason in self.reasons:
            if reason.covered_by is not None:
                needs.setdefault(reason.covered_by.pk, reason.covered_by)
        return list(needs.values())

    @property
    def reason_text(self) -> str:
        """What the programme module keeps: the reasons not met jointly in the cluster, in
        the active language."""
        own = [reason.text for reason in self.reasons if reason.covered_by is None]
        return " ".join(own or [reason.text for reason in self.reasons])

    def reason_text_in(self, language: str) -> str:
        """``reason_text`` in ``language`` (the municipality's, when it is stored)."""
        with translation.override(language):
            return self.reason_text


def _score_reason(name: str, score: float, below: Decimal) -> str:
    return _("%(dimension)s scored %(score)s of 5, below %(threshold)s.") % {
        "dimension": name,
        "score": format_number(Decimal(str(score))),
        "threshold": format_number(below),
    }


def _need_reason(need: Need) -> str:
    details = []
    if need.theme:
        details.append(_("theme %(theme)s") % {"theme": need.theme})
    if need.sdg_goals:
        goals = ", ".join(str(goal) for goal in sorted(need.sdg_goals) if goal in SDG_GOALS)
        details.append(_("SDG %(goals)s") % {"goals": goals})
    details.append(
        _("%(priority)s priority") % {"priority": str(Priority(need.priority).label).lower()}
    )
    return _("Need: “%(need)s” (%(details)s).") % {
        "need": need.title,
        "details": ", ".join(details),
    }


def recommend(
    *,
    rules: Iterable[RecommendationRule],
    scores: dict[str, float],
    dimension_names: Mapping[str, object],
    needs: Sequence[Need],
    shared_by_dimension: dict[str, Need] | None = None,
    shared_by_need: dict[int, Need] | None = None,
) -> list[Recommendation]:
    """The modules the active ``rules`` recommend for these scores (dimension code → mean of
    the latest closed round) and the municipality's own ``needs``, each with its reasons.
    ``dimension_names`` gives each dimension's name: a text, or a Dimension (whose name
    follows the reader's language when a reason is read).

    A low-score rule fires when the dimension's mean is below the rule's threshold (a
    dimension nobody answered never fires); a need rule for every need it matches. A reason
    is covered when the cluster has accepted a shared need for the same dimension
    (``shared_by_dimension``) or built on the same need (``shared_by_need``, by need id).
    Ordered by the weakest score, then by the most pressing need, then by module code.
    """
    shared_by_dimension = shared_by_dimension or {}
    shared_by_need = shared_by_need or {}
    found: dict[int, Recommendation] = {}
    for rule in rules:
        if not rule.is_active:
            continue
        if rule.kind == RuleKind.LOW_SCORE:
            score = scores.get(rule.dimension_code)
            if score is None or rule.below is None or Decimal(str(score)) >= rule.below:
                continue
            name = dimension_names.get(rule.dimension_code, rule.dimension_code)
            item = found.setdefault(rule.module_id, Recommendation(module=rule.module))
            item.reasons.append(
                Reason(
                    covered_by=shared_by_dimension.get(rule.dimension_code),
                    dimension=name,
                    score=score,
                    below=rule.below,
                )
            )
            item.rank = min(item.rank, (0, score))
        else:
            for need in needs:
                if not rule.matches_need(need):
                    continue
                item = found.setdefault(rule.module_id, Recommendation(module=rule.module))
                if any(reason.need == need for reason in item.reasons):
                    continue  # two rules, one need: say it once
                item.reasons.append(Reason(covered_by=shared_by_need.get(need.pk), need=need))
                item.rank = min(item.rank, (1, -PRIORITY_RANK.get(need.priority, 0)))
    # By code, not name: the order must not change with the reader's language.
    return sorted(found.values(), key=lambda r: (r.rank, r.module.code))


# --- what the tailoring page needs -------------------------------------------------------


@dataclass(frozen=True)
class TailoringBasis:
    municipality: Municipality
    round: AssessmentRound | None
    scores: list[DimensionScore]
    needs: list[Need]
    recommendations: list[Recommendation]
    modules: list[ModuleTemplate]  # the library, for adding what was not recommended
    clusters: list[Cluster]  # clusters the person may create the programme in
    programs: list[Program]  # programmes the person may extend
    shared_needs: list[Need]  # the clusters' shared needs

    @property
    def recommended_ids(self) -> set[int]:
        return {r.module.pk for r in self.recommendations}


def manageable_clusters(roles: Roles, municipality: Municipality) -> QuerySet[Cluster]:
    """Clusters the municipality is an open member of and the person manages."""
    member_of = municipality.cluster_memberships.current().values("cluster_id")
    clusters = Cluster.objects.filter(pk__in=member_of)
    if not roles.is_admin:
        clusters = clusters.filter(pk__in=roles.managed_cluster_ids)
    return clusters.order_by("name")


EXTENDABLE = (ProgramStatus.DRAFT, ProgramStatus.ACTIVE, ProgramStatus.PAUSED)


def tailoring_basis(*, municipality: Municipality, roles: Roles) -> TailoringBasis:
    """Everything the tailoring page shows, in a fixed number of queries (about a dozen)."""
    latest = latest_closed_round(municipality)
    scores = round_scores(latest) if latest else []
    needs = list(municipality.needs.order_by("-created_at", "-pk"))
    clusters = list(manageable_clusters(roles, municipality))
    shared = list(
        Need.objects.filter(cluster__in=clusters)
        .select_related("cluster")
        .prefetch_related(Prefetch("based_on", queryset=Need.objects.only("pk")))
        .order_by("cluster__name", "title")
    )
    by_dimension = {n.dimension_code: n for n in shared if n.dimension_code}
    by_need = {source.pk: n for n in shared for source in n.based_on.all()}
    rules = RecommendationRule.objects.filter(
        is_active=True, module__is_active=True
    ).select_related("module")
    recommendations = recommend(
        rules=rules,
        scores={s.code: s.mean for s in scores if s.mean is not None},
        dimension_names={s.code: s.dimension for s in scores},
        needs=needs,
        shared_by_dimension=by_dimension,
        shared_by_need=by_need,
    )
    programs = list(
        municipality.programs.filter(status__in=EXTENDABLE)
        .filter(
            Q(cluster__in=clusters) | (Q(cluster__isnull=True) if roles.is_admin else Q(pk__in=[]))
        )
        .select_related("cluster")
        .prefetch_related("modules")
        .order_by("-starts_on", "-pk")
    )
    return TailoringBasis(
        municipality=municipality,
        round=latest,
        scores=scores,
        needs=needs,
        recommendations=recommendations,
        modules=sorted(
            ModuleTemplate.objects.filter(is_active=True), key=lambda m: m.name.casefold()
        ),
        clusters=clusters,
        programs=programs,
        shared_needs=shared,
    )


def tailoring_candidates(roles: Roles, *, search: str = "") -> QuerySet[Municipality]:
    """Municipalities a person may tailor programmes for (open members of the clusters they
    manage; for administrators, of any cluster), by name. ``search`` keeps those whose name
    contains it. ``with_tailoring_facts`` adds what the index shows to a page of them."""
    open_memberships = ClusterMembership.objects.current()
    if not roles.is_admin:
        open_memberships = open_memberships.filter(cluster_id__in=roles.managed_cluster_ids)
    municipalities = Municipality.objects.filter(pk__in=open_memberships.values("municipality_id"))
    if search:
        municipalities = municipalities.filter(name__icontains=search)
    return municipalities.order_by("name", "pk")


def with_tailoring_facts(
    municipalities: Sequence[Municipality], roles: Roles
) -> list[Municipality]:
    """The same municipalities, in order, each with ``latest_round_closed_at``,
    ``need_count``, ``member_clusters`` and ``current_programs``: three queries, for the page
    alone (counted over all 650, the needs and rounds cost more than the page)."""
    closed = AssessmentRound.objects.filter(
        municipality=OuterRef("pk"), status=RoundStatus.CLOSED
    ).order_by("-closed_at", "-pk")
    # A manager sees only the clusters and programmes they manage, not the rest.
    clusters = ClusterMembership.objects.current()
    programs = Program.objects.filter(status__in=EXTENDABLE)
    if not roles.is_admin:
        clusters = clusters.filter(cluster_id__in=roles.managed_cluster_ids)
        programs = programs.filter(cluster_id__in=roles.managed_cluster_ids)
    found = (
        Municipality.objects.filter(pk__in=[municipality.pk for municipality in municipalities])
        .annotate(
            latest_round_closed_at=Subquery(closed.values("closed_at")[:1]),
            need_count=Count("needs", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "cluster_memberships",
                queryset=clusters.select_related("cluster").order_by("cluster__name"),
                to_attr="member_clusters",
            ),
            Prefetch(
                "programs",
                queryset=programs.order_by("-starts_on"),
                to_attr="current_programs",
            ),
        )
        .in_bulk()
    )
    return [found[municipality.pk] for municipality in municipalities]
