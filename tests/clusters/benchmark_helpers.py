"""Builders for benchmark tests: members of a cluster with closed self-assessment rounds and
programmes with a known % done."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from clusters.models import Cluster
from municipalities.assessments.models import (
    Answer,
    AssessmentRound,
    Framework,
    Question,
    Respondent,
    RespondentStatus,
    RoundStatus,
)
from municipalities.models import Municipality
from programs.models import Program
from tests import factories as f
from tests.clusters.helpers import new_municipality

Levels = int | dict[str, int]

_rounds = itertools.count(1)


def closed_round(
    municipality: Municipality,
    respondents: list[Levels],
    *,
    framework: Framework | None = None,
    closed_at: dt.datetime | None = None,
    status: str = RoundStatus.CLOSED,
) -> AssessmentRound:
    """A round of ``municipality`` with one submitted respondent per entry of ``respondents``.

    An entry is a level for every question, or {dimension code: level} for only those
    dimensions (the others left unanswered). Answers are bulk-created: fast, and without
    history rows, which the benchmark does not read.
    """
    framework = framework or Framework.objects.get(is_active=True)
    questions = list(
        Question.objects.filter(dimension__framework=framework).select_related("dimension")
    )
    now = closed_at or timezone.now()
    round = AssessmentRound.objects.create(
        municipality=municipality,
        framework=framework,
        title=f"Round {next(_rounds)}",
        opened_at=now - dt.timedelta(days=30),
        status=status,
        closed_at=now if status == RoundStatus.CLOSED else None,
    )
    answers = []
    for levels in respondents:
        respondent = Respondent.objects.create(
            round=round,
            user=f.UserFactory(),
            role="staff",
            status=RespondentStatus.SUBMITTED,
            submitted_at=now - dt.timedelta(days=1),
        )
        for question in questions:
            if isinstance(levels, int):
                level = levels
            elif question.dimension.code in levels:
                level = levels[question.dimension.code]
            else:
                continue
            answers.append(Answer(respondent=respondent, question=question, level=level))
    Answer.objects.bulk_create(answers)
    return round


def program_done(
    municipality: Municipality, cluster: Cluster, percent: int, *, overdue: int = 0
) -> Program:
    """A programme in ``cluster`` whose only open task is ``percent`` done, plus ``overdue``
    tasks due last week at 0 %: % done = percent / (1 + overdue) rounded."""
    program = f.ProgramFactory(municipality=municipality, cluster=cluster)
    f.TaskFactory(program=program, percent=percent)
    for _ in range(overdue):
        f.TaskFactory(program=program, due_on=timezone.localdate() - dt.timedelta(days=7))
    return program


def member(
    cluster: Cluster,
    name: str,
    respondents: list[Levels] | None = None,
    *,
    share: bool = False,
    percent: int | None = None,
    municipality: Municipality | None = None,
) -> Municipality:
    """An open member of ``cluster`` (new unless ``municipality`` is given), with a closed
    round if ``respondents`` and a programme if ``percent`` are given."""
    if municipality is None:
        municipality = new_municipality(name=name)
        f.ClusterMembershipFactory(cluster=cluster, municipality=municipality)
    if share != municipality.share_benchmarks:
        municipality.share_benchmarks = share
        municipality.save()
    if respondents is not None:
        closed_round(municipality, respondents)
    if percent is not None:
        program_done(municipality, cluster, percent)
    return municipality
