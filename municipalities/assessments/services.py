"""Writes for self-assessment rounds: open, add respondents, save answers, close.

Every service validates before it writes and runs in one transaction, so a ValidationError
leaves nothing half-saved.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from innocities.accounts.models import User
from innocities.accounts.services import user_invite
from innocities.core.languages import municipality_language
from innocities.core.services import validated_save
from municipalities.assessments.models import (
    Answer,
    AssessmentRound,
    Framework,
    Question,
    Respondent,
    RespondentRole,
    RespondentStatus,
    RoundStatus,
    default_round_title,
)
from municipalities.models import Municipality, MunicipalityMembership, MunicipalityRole
from municipalities.services import municipality_membership_grant


def _locked_round(round: AssessmentRound) -> AssessmentRound:
    return AssessmentRound.objects.select_for_update().get(pk=round.pk)


@transaction.atomic
def assessment_round_open(
    *,
    municipality: Municipality,
    actor: User | None,
    title: str = "",
    closes_on: dt.date | None = None,
) -> AssessmentRound:
    """Open a round on the one active framework. A closing date must not be in the past. An
    empty title becomes the default one in the municipality's language (it is stored, and
    read by everyone in the municipality)."""
    framework = Framework.objects.filter(is_active=True).first()
    if framework is None:
        raise ValidationError(_("No assessment framework is active: ask an administrator."))
    if closes_on is not None and closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing date cannot be in the past.")})
    round = AssessmentRound(
        municipality=municipality,
        framework=framework,
        title=title.strip()
        or default_round_title(municipality_language(municipality), timezone.localdate()),
        opened_by=actor,
        closes_on=closes_on,
    )
    return validated_save(round, actor=actor)


@transaction.atomic
def assessment_respondent_add(
    *, round: AssessmentRound, user: User, role: str, actor: User | None
) -> Respondent:
    """Invite one of the municipality's people (a coordinator or viewer) to answer."""
    round = _locked_round(round)
    if not round.is_open:
        raise ValidationError(_("The round is closed: no respondents can be added."))
    if role not in RespondentRole.values:
        raise ValidationError({"role": _("Choose political, management or staff.")})
    if not MunicipalityMembership.objects.filter(
        municipality_id=round.municipality_id, user=user
    ).exists():
        raise ValidationError(
            {"user": _("Only coordinators and viewers of the municipality can respond.")}
        )
    if round.respondents.filter(user=user).exists():
        raise ValidationError(
            {"user": _("%(person)s is already a respondent in this round.") % {"person": user}}
        )
    return validated_save(Respondent(round=round, user=user, role=role), actor=actor)


@transaction.atomic
def assessment_respondent_invite(
    *,
    round: AssessmentRound,
    email: str,
    full_name: str,
    role: str,
    actor: User | None,
    language: str | None = None,
) -> tuple[Respondent, bool]:
    """Add the person with ``email`` as a respondent, inviting them first if needed (in
    ``language``, else the municipality's: a Bergen respondent reads bokmål).

    Someone with no role in the municipality becomes its viewer (they must be able to open
    the round). Returns (respondent, invited). One transaction: if adding fails, nobody is
    invited and no e-mail is queued.
    """
    user, invited = user_invite(
        email=email,
        full_name=full_name,
        invited_by=actor,
        language=language or municipality_language(round.municipality),
    )
    if not MunicipalityMembership.objects.filter(
        municipality_id=round.municipality_id, user=user
    ).exists():
        municipality_membership_grant(
            municipality=round.municipality, user=user, role=MunicipalityRole.VIEWER, actor=actor
        )
    respondent = assessment_respondent_add(round=round, user=user, role=role, actor=actor)
    return respondent, invited


@transaction.atomic
def assessment_answers_save(
    *,
    respondent: Respondent,
    answers: dict[int, tuple[int | None, str]],
    submit: bool,
    actor: User | None = None,
) -> Respondent:
    """Save a respondent's answers: ``answers`` maps question id → (level or None, comment).

    A draft keeps partial answers (a question left out keeps what was saved before). Submitting
    requires a level for every question of the framework; otherwise ValidationError names the
    missing questions and nothing is saved. After submitting, or once the round is closed,
    nothing can change.
    """
    respondent = (
        Respondent.objects.select_for_update().select_related("round").get(pk=respondent.pk)
    )
    if respondent.status == RespondentStatus.SUBMITTED:
        raise ValidationError(_("Your answers are already submitted and cannot be changed."))
    if not respondent.round.is_open:
        raise ValidationError(_("The round is closed: answers can no longer be changed."))
    questions = {
        q.pk: q
        for q in Question.objects.filter(dimension__framework_id=respondent.round.framework_id)
    }
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValidationError(_("Some answers are for questions that are not in this round."))
    existing = {a.question_id: a for a in respondent.answers.all()}
    actor = actor or respondent.user
    for question_id, (level, comment) in answers.items():
        if level is not None and not 1 <= level <= 5:
            raise ValidationError(_("A level is between 1 and 5."))
        answer = existing.get(question_id) or Answer(respondent=respondent, question_id=question_id)
        if level is None and not comment.strip() and answer.pk is None:
            continue
        if level is not None:
            answer.level = level
        answer.comment = comment.strip()
        validated_save(answer, actor=actor)
        existing[question_id] = answer
    if submit:
        missing = [
            q
            for pk, q in questions.items()
            if existing.get(pk) is None or existing[pk].level is None
        ]
        if missing:
            # Roll back the draft writes too: a refused submission saves nothing.
            raise ValidationError(
                _("Answer every question before you submit. Missing: %(questions)s")
                % {"questions": "; ".join(q.text for q in missing)}
            )
        respondent.status = RespondentStatus.SUBMITTED
        respondent.submitted_at = timezone.now()
        validated_save(respondent, actor=actor)
    return respondent


@transaction.atomic
def assessment_round_close(*, round: AssessmentRound, actor: User | None) -> AssessmentRound:
    """Close the round: only submitted answers count in its scores from now on."""
    round = _locked_round(round)
    if not round.is_open:
        raise ValidationError(_("The round is already closed."))
    round.status = RoundStatus.CLOSED
    round.closed_at = timezone.now()
    return validated_save(round, actor=actor)
