from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from innocities.accounts.models import User
from municipalities.assessments.models import (
    AssessmentRound,
    Framework,
    Respondent,
    RespondentStatus,
    RoundStatus,
)
from municipalities.assessments.services import (
    assessment_answers_save,
    assessment_respondent_add,
    assessment_respondent_invite,
    assessment_round_close,
    assessment_round_open,
)
from municipalities.models import Country, Municipality, MunicipalityMembership, MunicipalityRole
from tests.assessments.helpers import make_round, questions


def test_opening_a_round_uses_the_active_framework(world):
    round = assessment_round_open(
        municipality=world.ale, actor=world.coordinator, title=" Vår 2026 ", closes_on=None
    )
    assert round.framework == Framework.objects.get(is_active=True)
    assert (round.title, round.status, round.opened_by) == ("Vår 2026", "open", world.coordinator)
    assert round.history.first().history_user == world.coordinator


def test_opening_a_round_refuses_a_closing_date_in_the_past(world):
    with pytest.raises(ValidationError) as error:
        assessment_round_open(
            municipality=world.ale,
            actor=world.coordinator,
            title="Old",
            closes_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "closes_on" in error.value.error_dict
    assert not AssessmentRound.objects.exists()


def test_opening_a_round_without_an_active_framework_is_refused(world):
    Framework.objects.update(is_active=False)
    with pytest.raises(ValidationError):
        assessment_round_open(
            municipality=world.ale, actor=world.coordinator, title="X", closes_on=None
        )


def test_only_people_of_the_municipality_can_be_respondents_and_only_once(world):
    round = make_round(world)
    with pytest.raises(ValidationError):
        assessment_respondent_add(
            round=round, user=world.other_coordinator, role="staff", actor=world.coordinator
        )
    with pytest.raises(ValidationError):
        assessment_respondent_add(
            round=round, user=world.viewer, role="staff", actor=world.coordinator
        )
    with pytest.raises(ValidationError):
        assessment_respondent_add(
            round=round, user=world.viewer, role="mayor", actor=world.coordinator
        )
    assert round.respondents.count() == 2


def test_inviting_a_new_person_makes_them_a_viewer_and_a_respondent(world):
    round = make_round(world)
    respondent, invited = assessment_respondent_invite(
        round=round,
        email="Ny.Person@ale.se",
        full_name="Ny Person",
        role="political",
        actor=world.coordinator,
    )
    assert invited
    user = User.objects.get(email="ny.person@ale.se")
    assert respondent.user == user and respondent.role == "political"
    assert MunicipalityMembership.objects.get(user=user, municipality=world.ale).role == (
        MunicipalityRole.VIEWER
    )


def test_inviting_without_a_name_for_an_unknown_address_saves_nothing(world):
    round = make_round(world)
    with pytest.raises(ValidationError):
        assessment_respondent_invite(
            round=round, email="nobody@ale.se", full_name="", role="staff", actor=world.coordinator
        )
    assert not User.objects.filter(email="nobody@ale.se").exists()


def test_a_draft_keeps_partial_answers_and_submitting_completes_them(world):
    round = make_round(world)
    respondent = round.respondents.get(user=world.viewer)
    all_questions = questions(round)
    first, rest = all_questions[0], all_questions[1:]
    assessment_answers_save(respondent=respondent, answers={first.pk: (2, "Tveksam")}, submit=False)
    assert respondent.answers.get().level == 2
    # A draft that leaves the first question out keeps what was saved before.
    assessment_answers_save(
        respondent=respondent, answers={q.pk: (4, "") for q in rest}, submit=True
    )
    respondent.refresh_from_db()
    assert respondent.status == RespondentStatus.SUBMITTED and respondent.submitted_at
    assert respondent.answers.get(question=first).comment == "Tveksam"
    assert respondent.answers.count() == len(all_questions)


def test_submitting_with_missing_answers_is_refused_and_nothing_is_lost(world):
    round = make_round(world)
    respondent = round.respondents.get(user=world.viewer)
    all_questions = questions(round)
    assessment_answers_save(
        respondent=respondent, answers={all_questions[0].pk: (3, "")}, submit=False
    )
    with pytest.raises(ValidationError) as error:
        assessment_answers_save(
            respondent=respondent,
            answers={q.pk: (5, "") for q in all_questions[1:-1]},
            submit=True,
        )
    assert all_questions[-1].text in error.value.messages[0]
    respondent.refresh_from_db()
    assert respondent.status == RespondentStatus.DRAFT
    # The earlier draft is intact, and the refused submission saved nothing.
    assert list(respondent.answers.values_list("level", flat=True)) == [3]


def test_answers_cannot_change_after_submitting_or_closing(world):
    round = make_round(world)
    respondent = round.respondents.get(user=world.viewer)
    full = {q.pk: (3, "") for q in questions(round)}
    assessment_answers_save(respondent=respondent, answers=full, submit=True)
    with pytest.raises(ValidationError):
        assessment_answers_save(respondent=respondent, answers=full, submit=False)
    other = round.respondents.get(user=world.coordinator)
    assessment_round_close(round=round, actor=world.coordinator)
    with pytest.raises(ValidationError):
        assessment_answers_save(respondent=other, answers=full, submit=False)
    assert not other.answers.exists()


def test_answers_for_questions_outside_the_framework_are_refused(world):
    round = make_round(world)
    respondent = round.respondents.get(user=world.viewer)
    with pytest.raises(ValidationError):
        assessment_answers_save(respondent=respondent, answers={999999: (3, "")}, submit=False)
    with pytest.raises(ValidationError):
        assessment_answers_save(
            respondent=respondent, answers={questions(round)[0].pk: (6, "")}, submit=False
        )
    assert not respondent.answers.exists()


def test_closing_a_round_once(world):
    round = make_round(world)
    closed = assessment_round_close(round=round, actor=world.coordinator)
    assert closed.status == RoundStatus.CLOSED and closed.closed_at
    with pytest.raises(ValidationError):
        assessment_round_close(round=round, actor=world.coordinator)
    with pytest.raises(ValidationError):
        assessment_respondent_add(
            round=round,
            user=Respondent.objects.first().user,
            role="staff",
            actor=world.coordinator,
        )


def test_a_respondent_invited_in_norway_reads_bokmal_and_in_sweden_swedish(world):
    round = make_round(world)
    assessment_respondent_invite(
        round=round, email="ny@ale.se", full_name="Ny", role="staff", actor=world.coordinator
    )
    Municipality.objects.filter(pk=world.ale.pk).update(country=Country.NORWAY, skr_group="")
    round.municipality.refresh_from_db()
    assessment_respondent_invite(
        round=round, email="ny@ale.no", full_name="Ny", role="staff", actor=world.coordinator
    )
    assessment_respondent_invite(
        round=round,
        email="chosen@ale.no",
        full_name="Vald",
        role="staff",
        actor=world.coordinator,
        language="en",
    )

    languages = dict(User.objects.values_list("email", "language"))
    assert (languages["ny@ale.se"], languages["ny@ale.no"]) == ("sv", "nb")
    assert languages["chosen@ale.no"] == "en"
