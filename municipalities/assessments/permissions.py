"""Reaching self-assessment rounds (rules: innocities.core.permissions)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from innocities.core.permissions import Access, Level, authorize, roles_for
from municipalities.assessments.models import AssessmentRound, Respondent


def get_round_for_user(
    request: HttpRequest, pk: int, *, level: Level = Level.READ
) -> tuple[Access[AssessmentRound], Respondent | None]:
    """A self-assessment round and the person's own respondent row, if any.

    Its municipality's coordinators, the managers of its clusters and administrators manage
    rounds (EDIT on the municipality); its viewers read them. A respondent reads the round
    they answer even without a role in the municipality. Anyone else: 404.
    """
    roles = roles_for(request)
    round = (
        AssessmentRound.objects.select_related("municipality", "framework", "opened_by")
        .filter(pk=pk)
        .first()
    )
    if round is None:
        raise Http404
    user_id = request.user.pk
    respondent = round.respondents.filter(user_id=user_id).first() if user_id else None

    def granted(round: AssessmentRound) -> Level:
        municipality_level = roles.municipality_level(round.municipality_id)
        return max(municipality_level, Level.READ) if respondent else municipality_level

    return authorize(round, granted, level), respondent
