"""Shared-need proposals: what several members of a cluster need, found in the data.

Two sources, each giving a proposal with a stable key:
- ``dimension:<code>`` — at least K open members scored low in a self-assessment dimension
  (their latest closed round's mean is below the cluster's threshold). K is the cluster's
  setting, or half of its open members (rounded up), and never fewer than two.
- ``theme:<theme>`` — two or more open members recorded a need with the same theme (case and
  spacing ignored).

A manager accepts a proposal (it becomes a shared need of the cluster, met with joint
activities) or sets it aside. Every read here is set-based: a fixed number of queries
whatever the number of members, rounds and needs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clusters.models import Cluster, DismissedProposal, Meeting, Need, normalise_theme
from municipalities.assessments.models import Dimension, Framework
from municipalities.assessments.selectors import latest_scores_for
from municipalities.models import Municipality

DIMENSION = "dimension"
THEME = "theme"


@dataclass(frozen=True)
class ProposalMember:
    municipality: Municipality
    score: float | None = None  # a dimension proposal: the member's mean
    needs: tuple[Need, ...] = ()  # a theme proposal: the member's needs with that theme


@dataclass
class Proposal:
    key: str
    kind: str
    label: str  # the dimension's name or the theme as members wrote it
    members: list[ProposalMember]
    out_of: int  # members with a closed round (dimension) or open members (theme)
    dimension_code: str = ""
    threshold: Decimal | None = None
    accepted: Need | None = None
    dismissed: DismissedProposal | None = None

    @property
    def source_needs(self) -> list[Need]:
        return [need for member in self.members for need in member.needs]

    @property
    def sdg_goals(self) -> list[int]:
        return sorted({goal for need in self.source_needs for goal in need.sdg_goals})

    @property
    def suggested_title(self) -> str:
        return self.label

    @property
    def suggested_description(self) -> str:
        """Names no municipality's score: the shared need is read by every member."""
        if self.kind == DIMENSION:
            return _(
                "%(count)s of %(total)s members with a self-assessment scored below "
                "%(threshold)s in %(dimension)s."
            ) % {
                "count": len(self.members),
                "total": self.out_of,
                "threshold": number_format(self.threshold),
                "dimension": self.label,
            }
        return "\n".join(
            f"{member.municipality.name}: {need.title}"
            for member in self.members
            for need in member.needs
        )


@dataclass(frozen=True)
class SharedNeedOverview:
    cluster: Cluster
    open_members: int
    with_rounds: int
    min_members: int
    threshold: Decimal
    proposals: list[Proposal]  # neither accepted nor set aside
    accepted: list[Proposal]
    dismissed: list[Proposal]
    shared_needs: list[Need] = field(default_factory=list)  # all of the cluster's needs

    def find(self, key: str) -> Proposal | None:
        for proposal in (*self.proposals, *self.accepted, *self.dismissed):
            if proposal.key == key:
                return proposal
        return None


def min_low_members(cluster: Cluster, open_members: int) -> int:
    """K: the cluster's setting, else half of the open members rounded up; at least two."""
    if cluster.shared_need_min_members:
        return max(2, cluster.shared_need_min_members)
    return max(2, math.ceil(open_members / 2))


def _dimension_names() -> dict[str, str]:
    framework = Framework.objects.filter(is_active=True).first()
    dimensions = Dimension.objects.filter(framework=framework) if framework else []
    return {d.code: d.name for d in dimensions}


def _dimension_proposals(
    municipalities: dict[int, Municipality], threshold: Decimal, k: int
) -> tuple[list[Proposal], int]:
    scores = latest_scores_for(municipalities)
    names = _dimension_names()
    low: dict[str, list[ProposalMember]] = defaultdict(list)
    for municipality_id, latest in scores.items():
        for code, mean in latest.means.items():
            if Decimal(str(mean)) < threshold:
                low[code].append(
                    ProposalMember(municipality=municipalities[municipality_id], score=mean)
                )
    order = list(names)
    proposals = [
        Proposal(
            key=f"{DIMENSION}:{code}",
            kind=DIMENSION,
            label=names.get(code, code),
            members=sorted(members, key=lambda m: (m.score, m.municipality.name)),
            out_of=len(scores),
            dimension_code=code,
            threshold=threshold,
        )
        for code, members in low.items()
        if len(members) >= k
    ]
    proposals.sort(key=lambda p: order.index(p.dimension_code) if p.dimension_code in order else 99)
    return proposals, len(scores)


def _theme_proposals(municipalities: dict[int, Municipality]) -> list[Proposal]:
    needs = Need.objects.filter(municipality_id__in=municipalities).exclude(theme="")
    by_theme: dict[str, dict[int, list[Need]]] = defaultdict(lambda: defaultdict(list))
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for need in needs.order_by("municipality_id", "title", "pk"):
        theme = normalise_theme(need.theme)
        if theme:
            by_theme[theme][need.municipality_id].append(need)
            spellings[theme][need.theme.strip()] += 1
    proposals = []
    for theme, members in by_theme.items():
        if len(members) < 2:
            continue
        proposals.append(
            Proposal(
                key=f"{THEME}:{theme}",
                kind=THEME,
                label=spellings[theme].most_common(1)[0][0],
                members=sorted(
                    (
                        ProposalMember(municipality=municipalities[pk], needs=tuple(items))
                        for pk, items in members.items()
                    ),
                    key=lambda m: m.municipality.name,
                ),
                out_of=len(municipalities),
            )
        )
    proposals.sort(key=lambda p: (-len(p.members), p.label.casefold()))
    return proposals


def shared_need_overview(cluster: Cluster) -> SharedNeedOverview:
    """The cluster's proposals, sorted into open, accepted and set aside, and its shared
    needs with their joint activities. Nine queries."""
    municipalities = {
        m.municipality_id: m.municipality
        for m in cluster.memberships.current().select_related("municipality")
    }
    threshold = cluster.shared_need_below
    k = min_low_members(cluster, len(municipalities))
    by_dimension, with_rounds = _dimension_proposals(municipalities, threshold, k)
    found = by_dimension + _theme_proposals(municipalities)
    shared = list(
        cluster.needs.select_related("created_by")
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=Meeting.objects.order_by("starts_at", "pk"),
            )
        )
        .order_by("-created_at", "-pk")
    )
    accepted_by_key = {need.proposal_key: need for need in shared if need.proposal_key}
    dismissed_by_key = {
        d.key: d for d in cluster.dismissed_proposals.select_related("dismissed_by")
    }
    open_, accepted, dismissed = [], [], []
    for proposal in found:
        proposal.accepted = accepted_by_key.get(proposal.key)
        proposal.dismissed = dismissed_by_key.get(proposal.key)
        if proposal.accepted is not None:
            accepted.append(proposal)
        elif proposal.dismissed is not None:
            dismissed.append(proposal)
        else:
            open_.append(proposal)
    return SharedNeedOverview(
        cluster=cluster,
        open_members=len(municipalities),
        with_rounds=with_rounds,
        min_members=k,
        threshold=threshold,
        proposals=open_,
        accepted=accepted,
        dismissed=dismissed,
        shared_needs=shared,
    )
