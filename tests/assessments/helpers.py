"""Builders for self-assessment tests (and the authorization matrix rules)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from municipalities.assessments.models import (
    Answer,
    AssessmentRound,
    Framework,
    Question,
    Respondent,
    RespondentStatus,
    RoundStatus,
)
from municipalities.models import MunicipalityRole
from tests import factories as f


def active_framework() -> Framework:
    return Framework.objects.get(is_active=True)


def make_round(world, *, municipality=None, title: str = "Våren 2026", **fields) -> AssessmentRound:
    """An open round on the seeded framework, with Ale's coordinator (management) and viewer
    (staff) as draft respondents."""
    round = AssessmentRound.objects.create(
        municipality=municipality or world.ale,
        framework=active_framework(),
        title=title,
        opened_by=world.coordinator,
        **fields,
    )
    if municipality is None or municipality == world.ale:
        Respondent.objects.create(round=round, user=world.coordinator, role="management")
        Respondent.objects.create(round=round, user=world.viewer, role="staff")
    return round


def questions(round: AssessmentRound) -> list[Question]:
    return list(
        Question.objects.filter(dimension__framework=round.framework).select_related("dimension")
    )


def submit_levels(respondent: Respondent, levels_by_code: dict[str, int], default: int = 3) -> None:
    """Submitted answers: every question of a dimension gets that dimension's level."""
    for question in questions(respondent.round):
        Answer.objects.create(
            respondent=respondent,
            question=question,
            level=levels_by_code.get(question.dimension.code, default),
        )
    respondent.status = RespondentStatus.SUBMITTED
    respondent.submitted_at = timezone.now()
    respondent.save()


def close(round: AssessmentRound, when: dt.datetime | None = None) -> AssessmentRound:
    round.status = RoundStatus.CLOSED
    round.closed_at = when or timezone.now()
    round.save()
    return round


def closed_round(world, municipality, levels: dict[str, int], default: int = 4):
    """A closed round of ``municipality`` with one respondent answering ``levels``."""
    round = make_round(world, municipality=municipality, title=f"{municipality.name} 2026")
    person = f.UserFactory()
    f.MunicipalityMembershipFactory(
        user=person, municipality=municipality, role=MunicipalityRole.VIEWER
    )
    submit_levels(
        Respondent.objects.create(round=round, user=person, role="staff"), levels, default
    )
    return close(round)
