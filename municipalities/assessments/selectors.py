"""Reads for self-assessment: scores per dimension, set-based (a fixed number of queries).

``round_scores``, ``latest_scores`` and, for many municipalities at once, ``latest_scores_for``
are the contract later features (recommendations, shared needs, benchmarking) build on. Only
SUBMITTED answers count.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from municipalities.assessments.models import (
    Answer,
    AssessmentRound,
    Dimension,
    RespondentRole,
    RespondentStatus,
    RoundStatus,
)
from municipalities.models import Municipality


@dataclass(frozen=True)
class DimensionScore:
    """One dimension's result in one round.

    ``mean`` and the role means are rounded to one decimal, ``spread`` (population standard
    deviation of all answers) to two. ``role_means`` holds only the roles that answered.
    ``gap`` is the largest difference between role means, ``gap_roles`` = (highest role,
    lowest role), two different roles; both are None unless at least two roles answered (a
    gap within one role means nothing). ``change`` is the mean minus the previous closed
    round's mean for the same dimension code (None if there is none). Means are None when
    nobody has submitted.
    """

    dimension: Dimension
    code: str
    mean: float | None
    spread: float | None
    respondents: int
    role_means: dict[str, float] = field(default_factory=dict)
    gap: float | None = None
    gap_roles: tuple[str, str] | None = None
    change: float | None = None

    @property
    def gap_labels(self) -> tuple[str, str] | None:
        """(highest role, lowest role) as the reader's labels."""
        if self.gap_roles is None:
            return None
        high, low = self.gap_roles
        return (str(RespondentRole(high).label), str(RespondentRole(low).label))


_ROLES = {role: position for position, role in enumerate(RespondentRole.values)}


def _submitted_levels(round_ids: list[int]) -> list[tuple[int, str, int, str, int]]:
    """(round id, dimension code, respondent id, respondent role, level) — one query."""
    rows = Answer.objects.filter(
        respondent__round_id__in=round_ids,
        respondent__status=RespondentStatus.SUBMITTED,
        level__isnull=False,
    ).values_list(
        "respondent__round_id",
        "question__dimension__code",
        "respondent_id",
        "respondent__role",
        "level",
    )
    # ``level__isnull=False`` above: every level is a number.
    return [(*row[:4], row[4]) for row in rows if row[4] is not None]


def _raw_means(rows: list[tuple[int, str, int, str, int]], round_id: int) -> dict[str, float]:
    levels: dict[str, list[int]] = defaultdict(list)
    for row_round, code, _respondent, _role, level in rows:
        if row_round == round_id:
            levels[code].append(level)
    return {code: statistics.fmean(values) for code, values in levels.items()}


def _rounded(value: float, digits: int) -> float:
    # The parameter named ``round`` (the public contract) shadows the builtin in round_scores.
    return round(value, digits)


def previous_closed_round(round: AssessmentRound) -> AssessmentRound | None:
    """The municipality's last closed round opened before ``round``."""
    return (
        AssessmentRound.objects.filter(
            municipality_id=round.municipality_id,
            status=RoundStatus.CLOSED,
            opened_at__lt=round.opened_at,
        )
        .exclude(pk=round.pk)
        .order_by("-opened_at", "-pk")
        .first()
    )


def round_scores(round: AssessmentRound) -> list[DimensionScore]:
    """Scores per dimension of ``round``'s framework, in framework order. Three queries."""
    dimensions = list(round.framework.dimensions.order_by("position", "pk"))
    previous = previous_closed_round(round)
    round_ids = [round.pk] + ([previous.pk] if previous else [])
    rows = _submitted_levels(round_ids)
    levels: dict[str, list[int]] = defaultdict(list)
    people: dict[str, set[int]] = defaultdict(set)
    by_role: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for row_round, code, respondent_id, role, level in rows:
        if row_round != round.pk:
            continue
        levels[code].append(level)
        people[code].add(respondent_id)
        by_role[code][role].append(level)
    previous_means = _raw_means(rows, previous.pk) if previous else {}
    scores = []
    for dimension in dimensions:
        values = levels.get(dimension.code)
        if not values:
            scores.append(
                DimensionScore(
                    dimension=dimension, code=dimension.code, mean=None, spread=None, respondents=0
                )
            )
            continue
        mean = statistics.fmean(values)
        raw_role_means = {
            role: statistics.fmean(role_values)
            for role, role_values in by_role[dimension.code].items()
        }
        gap = gap_roles = None
        if len(raw_role_means) >= 2:
            # Sorted, so the highest and lowest are two different roles even when means tie.
            ordered = sorted(raw_role_means, key=lambda role: (raw_role_means[role], _ROLES[role]))
            low, high = ordered[0], ordered[-1]
            gap = _rounded(raw_role_means[high] - raw_role_means[low], 1)
            gap_roles = (high, low)
        change = None
        if dimension.code in previous_means:
            change = _rounded(mean - previous_means[dimension.code], 1)
        scores.append(
            DimensionScore(
                dimension=dimension,
                code=dimension.code,
                mean=_rounded(mean, 1),
                spread=_rounded(statistics.pstdev(values), 2),
                respondents=len(people[dimension.code]),
                role_means={role: _rounded(value, 1) for role, value in raw_role_means.items()},
                gap=gap,
                gap_roles=gap_roles,
                change=change,
            )
        )
    return scores


def latest_closed_round(municipality: Municipality) -> AssessmentRound | None:
    return (
        AssessmentRound.objects.filter(municipality=municipality, status=RoundStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )


def latest_scores(municipality: Municipality) -> dict[str, float]:
    """Dimension code → mean (one decimal) of the municipality's latest closed round.

    Empty when there is no closed round; a dimension nobody answered is left out.
    """
    latest = latest_closed_round(municipality)
    if latest is None:
        return {}
    means = _raw_means(_submitted_levels([latest.pk]), latest.pk)
    return {code: round(value, 1) for code, value in means.items()}


@dataclass(frozen=True)
class MunicipalityScores:
    """A municipality's latest closed round and its means per dimension code (one decimal)."""

    round: AssessmentRound
    means: dict[str, float]


def latest_scores_for(municipality_ids: Iterable[int]) -> dict[int, MunicipalityScores]:
    """Municipality id → its latest closed round and means, for many municipalities in two
    queries whatever their number. Municipalities without a closed round are left out."""
    ids = list(municipality_ids)
    if not ids:
        return {}
    latest_pk = (
        AssessmentRound.objects.filter(
            municipality_id=OuterRef("municipality_id"), status=RoundStatus.CLOSED
        )
        .order_by("-closed_at", "-pk")
        .values("pk")[:1]
    )
    rounds = list(
        AssessmentRound.objects.filter(
            municipality_id__in=ids, status=RoundStatus.CLOSED, pk=Subquery(latest_pk)
        ).select_related("framework")
    )
    rows = _submitted_levels([r.pk for r in rounds])
    return {
        r.municipality_id: MunicipalityScores(
            round=r,
            means={code: round(value, 1) for code, value in _raw_means(rows, r.pk).items()},
        )
        for r in rounds
    }
