from __future__ import annotations

import datetime as dt

from django.utils import timezone

from municipalities.assessments.models import Answer, Respondent
from municipalities.assessments.selectors import latest_scores, latest_scores_for, round_scores
from municipalities.models import MunicipalityRole
from tests import factories as f
from tests.assessments.helpers import close, make_round, questions, submit_levels


def _ale_person(world, email: str):
    user = f.UserFactory(email=email)
    f.MunicipalityMembershipFactory(user=user, municipality=world.ale, role=MunicipalityRole.VIEWER)
    return user


def _two_rounds(world):
    earlier = make_round(world, title="2025", opened_at=timezone.now() - dt.timedelta(days=200))
    coordinator, viewer = earlier.respondents.order_by("pk")
    submit_levels(coordinator, {"culture": 3})
    submit_levels(viewer, {"culture": 1})
    close(earlier, timezone.now() - dt.timedelta(days=150))

    current = make_round(world, title="2026")
    coordinator, viewer = current.respondents.order_by("pk")  # management, staff
    submit_levels(coordinator, {"culture": 4})
    submit_levels(viewer, {"culture": 2})
    politician = Respondent.objects.create(
        round=current, user=_ale_person(world, "pol@ale.se"), role="political"
    )
    submit_levels(politician, {"culture": 1})
    # A draft does not count, however high it answers.
    draft = Respondent.objects.create(
        round=current, user=_ale_person(world, "draft@ale.se"), role="staff"
    )
    for question in questions(current):
        Answer.objects.create(respondent=draft, question=question, level=5)
    return earlier, current


def test_round_scores_give_mean_spread_role_means_gap_and_change(world):
    _earlier, current = _two_rounds(world)
    scores = {score.code: score for score in round_scores(current)}
    culture = scores["culture"]
    assert culture.mean == 2.3  # 4 × (4, 2, 1) / 12
    assert culture.spread == 1.25
    assert culture.respondents == 3
    assert culture.role_means == {"management": 4.0, "staff": 2.0, "political": 1.0}
    assert culture.gap == 3.0
    assert culture.gap_roles == ("management", "political")
    assert culture.change == 0.3  # 2.33 now against 2.0 in the previous closed round
    strategy = scores["strategy"]
    assert (strategy.mean, strategy.spread, strategy.gap, strategy.change) == (3.0, 0.0, 0.0, 0.0)
    assert list(scores) == [
        "strategy",
        "culture",
        "balance",
        "uncertainty",
        "helix",
        "pilots",
        "sustainability",
        "data",
    ]


def test_the_first_round_has_no_change_and_unanswered_rounds_have_no_means(world):
    earlier, _current = _two_rounds(world)
    assert all(score.change is None for score in round_scores(earlier))
    empty = make_round(world, title="Empty")
    score = round_scores(empty)[0]
    assert (score.mean, score.spread, score.respondents, score.change) == (None, None, 0, None)


def test_latest_scores_come_from_the_latest_closed_round(world):
    _earlier, current = _two_rounds(world)
    assert latest_scores(world.ale)["culture"] == 2.0  # the 2026 round is still open
    close(current)
    scores = latest_scores(world.ale)
    assert scores["culture"] == 2.3
    assert scores["strategy"] == 3.0
    assert len(scores) == 8
    assert latest_scores(world.lerum) == {}


def test_round_scores_use_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    _earlier, current = _two_rounds(world)
    with django_assert_max_num_queries(4):
        round_scores(current)


def test_latest_scores_for_many_municipalities_at_once(world, django_assert_max_num_queries):
    _earlier, current = _two_rounds(world)
    close(current)
    lerum_round = close(make_round(world, municipality=world.lerum, title="Lerum 2026"))
    with django_assert_max_num_queries(2):
        scores = latest_scores_for([world.ale.pk, world.alingsas.pk, world.lerum.pk])
    assert set(scores) == {world.ale.pk, world.lerum.pk}  # Alingsås has no closed round
    assert scores[world.ale.pk].round == current
    assert scores[world.ale.pk].means == latest_scores(world.ale)
    # A closed round nobody answered has a round but no means.
    assert (scores[world.lerum.pk].round, scores[world.lerum.pk].means) == (lerum_round, {})
    assert latest_scores_for([]) == {}


def test_a_role_gap_needs_answers_from_at_least_two_roles(world):
    round = make_round(world)
    staff = round.respondents.get(user=world.viewer)
    submit_levels(staff, {"culture": 2})
    second_staff = Respondent.objects.create(
        round=round, user=_ale_person(world, "staff2@ale.se"), role="staff"
    )
    submit_levels(second_staff, {"culture": 4})
    culture = {score.code: score for score in round_scores(round)}["culture"]
    assert culture.role_means == {"staff": 3.0}
    assert (culture.gap, culture.gap_roles, culture.gap_labels) == (None, None, None)


def test_tied_roles_have_no_gap_between_two_different_roles(world):
    round = make_round(world)
    for respondent in round.respondents.all():  # management and staff answer alike
        submit_levels(respondent, {}, default=3)
    for score in round_scores(round):
        assert score.gap == 0.0
        high, low = score.gap_roles
        assert high != low
        assert {high, low} == {"management", "staff"}
