from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from innocities.accounts.models import User
from innocities.reports.templatetags.report_labels import dimension_name
from municipalities.assessments.models import (
    Answer,
    AssessmentRound,
    Dimension,
    Respondent,
    RespondentStatus,
    default_round_title,
)
from municipalities.assessments.services import assessment_round_open
from municipalities.models import Country, Municipality
from tests import factories as f
from tests.assessments.helpers import close, make_round, questions, submit_levels
from tests.concurrency import someone_else_inserts_first


def _url(name: str, pk: int) -> str:
    return reverse(f"assessments:{name}", kwargs={"pk": pk})


# --- list and open ------------------------------------------------------------------------


def test_viewer_sees_the_rounds_of_their_municipality(world, as_persona):
    make_round(world, title="Vår 2026")
    response = as_persona("viewer").get(_url("list", world.ale.pk))
    assert response.status_code == 200
    assert "Vår 2026" in response.content.decode()


def test_outsider_and_other_coordinator_get_404_on_the_list(world, as_persona):
    for persona in ("outsider", "other_coordinator", "partner"):
        assert as_persona(persona).get(_url("list", world.ale.pk)).status_code == 404


def test_coordinator_opens_a_round(world, as_persona):
    response = as_persona("coordinator").post(
        _url("open", world.ale.pk), {"title": "Höst 2026", "closes_on": ""}
    )
    round = AssessmentRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("respondents", round.pk)
    assert round.municipality == world.ale and round.opened_by == world.coordinator


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "closes_on": ""},
        {"title": "x" * 201, "closes_on": ""},
        {"title": "Ok", "closes_on": "not a date"},
        {"title": "Ok", "closes_on": "2001-01-01"},
    ],
)
def test_opening_with_bad_input_re_renders_and_saves_nothing(world, as_persona, data):
    response = as_persona("coordinator").post(_url("open", world.ale.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not AssessmentRound.objects.exists()


def test_viewer_cannot_open_a_round(world, as_persona):
    response = as_persona("viewer").post(_url("open", world.ale.pk), {"title": "X"})
    assert response.status_code == 403
    assert not AssessmentRound.objects.exists()


def test_list_answers_405_to_post(world, as_persona):
    assert as_persona("coordinator").post(_url("list", world.ale.pk)).status_code == 405


# --- respondents ----------------------------------------------------------------------------


def test_coordinator_adds_a_person_of_the_municipality(world, as_persona):
    round = make_round(world)
    Respondent.objects.filter(user=world.viewer).delete()
    response = as_persona("coordinator").post(
        _url("respondents", round.pk), {"user": world.viewer.pk, "role": "staff"}
    )
    assert response.status_code == 302
    assert round.respondents.get(user=world.viewer).role == "staff"


def test_manager_invites_a_new_respondent_by_email(world, as_persona):
    round = make_round(world)
    response = as_persona("manager").post(
        _url("respondents", round.pk),
        {"email": "kommunrad@ale.se", "full_name": "Kim Kommunråd", "role": "political"},
    )
    assert response.status_code == 302
    assert round.respondents.get(user__email="kommunrad@ale.se").role == "political"


@pytest.mark.parametrize(
    "data",
    [
        {"role": "staff"},  # neither a person nor an e-mail
        {"email": "not-an-email", "role": "staff"},
        {"email": "new@ale.se", "full_name": "", "role": "staff"},  # unknown: needs a name
        {"email": "x@ale.se", "full_name": "X", "role": "mayor"},
    ],
)
def test_adding_respondents_with_bad_input_re_renders_and_saves_nothing(world, as_persona, data):
    round = make_round(world)
    response = as_persona("coordinator").post(_url("respondents", round.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert round.respondents.count() == 2


def test_people_of_another_municipality_cannot_be_picked(world, as_persona):
    round = make_round(world)
    response = as_persona("coordinator").post(
        _url("respondents", round.pk), {"user": world.other_coordinator.pk, "role": "staff"}
    )
    assert response.status_code == 200
    assert not round.respondents.filter(user=world.other_coordinator).exists()


def test_viewer_cannot_manage_respondents_and_outsiders_get_404(world, as_persona):
    round = make_round(world)
    assert as_persona("viewer").get(_url("respondents", round.pk)).status_code == 403
    assert as_persona("other_manager").get(_url("respondents", round.pk)).status_code == 404


# --- answering ------------------------------------------------------------------------------


def _answers(round, level: int | None = 3, skip_last: bool = False) -> dict[str, str]:
    data = {}
    items = questions(round)
    for question in items[:-1] if skip_last else items:
        if level is not None:
            data[f"q{question.pk}"] = str(level)
        data[f"c{question.pk}"] = ""
    return data


def test_respondent_sees_the_questionnaire_with_level_descriptions_in_english(world, as_persona):
    round = make_round(world)
    client = as_persona("viewer")
    client.cookies["django_language"] = "en"
    response = client.get(_url("answer", round.pk), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Innovation culture and leadership" in body
    assert "Data is a strategic asset" in body


def test_respondent_saves_a_draft_then_submits(world, as_persona):
    round = make_round(world)
    client = as_persona("viewer")
    first = questions(round)[0]
    response = client.post(
        _url("answer", round.pk),
        {f"q{first.pk}": "2", f"c{first.pk}": "Vi har börjat", "draft": ""},
    )
    assert response.status_code == 302
    respondent = round.respondents.get(user=world.viewer)
    assert respondent.answers.get().comment == "Vi har börjat"
    assert respondent.status == RespondentStatus.DRAFT

    response = client.post(_url("answer", round.pk), {**_answers(round, 4), "submit": ""})
    assert response.status_code == 302
    respondent.refresh_from_db()
    assert respondent.status == RespondentStatus.SUBMITTED
    assert set(respondent.answers.values_list("level", flat=True)) == {4}


def test_submitting_with_missing_answers_shows_what_is_missing_and_saves_nothing(world, as_persona):
    round = make_round(world)
    missing = questions(round)[-1]
    response = as_persona("viewer").post(
        _url("answer", round.pk), {**_answers(round, 4, skip_last=True), "submit": ""}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert missing.text_sv in body or missing.text_en in body  # in the person's own language
    respondent = round.respondents.get(user=world.viewer)
    assert respondent.status == RespondentStatus.DRAFT
    assert not respondent.answers.exists()


def test_an_invalid_level_re_renders_and_saves_nothing(world, as_persona):
    round = make_round(world)
    first = questions(round)[0]
    response = as_persona("viewer").post(
        _url("answer", round.pk), {f"q{first.pk}": "9", "draft": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Answer.objects.exists()


def test_answering_after_submitting_is_refused(world, as_persona):
    round = make_round(world)
    respondent = round.respondents.get(user=world.viewer)
    submit_levels(respondent, {}, default=3)
    response = as_persona("viewer").post(
        _url("answer", round.pk), {**_answers(round, 5), "draft": ""}
    )
    assert response.status_code == 200
    assert set(respondent.answers.values_list("level", flat=True)) == {3}


def test_only_the_respondent_reaches_the_questionnaire(world, as_persona):
    round = make_round(world)
    for persona in ("manager", "admin", "outsider", "other_coordinator"):
        assert as_persona(persona).get(_url("answer", round.pk)).status_code == 404


def test_answer_page_answers_405_to_put(world, as_persona):
    round = make_round(world)
    assert as_persona("viewer").put(_url("answer", round.pk)).status_code == 405


# --- detail and close -----------------------------------------------------------------------


def test_viewer_sees_no_results_while_the_round_is_open_but_the_coordinator_does(world, as_persona):
    round = make_round(world)
    submit_levels(round.respondents.get(user=world.viewer), {"culture": 2})
    viewer_page = as_persona("viewer").get(_url("detail", round.pk))
    assert viewer_page.status_code == 200 and not viewer_page.context["show_results"]
    coordinator_page = as_persona("coordinator").get(_url("detail", round.pk))
    assert coordinator_page.context["show_results"]
    assert coordinator_page.context["scores"][1].mean == 2.0


def test_closed_round_shows_results_and_change_to_readers(world, as_persona):
    earlier = make_round(world, title="2025", opened_at=timezone.now() - dt.timedelta(days=100))
    submit_levels(earlier.respondents.get(user=world.viewer), {"culture": 2})
    close(earlier)
    round = make_round(world, title="2026")
    submit_levels(round.respondents.get(user=world.viewer), {"culture": 4})
    close(round)
    response = as_persona("viewer").get(_url("detail", round.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "▲ 2.0" in body or "▲ 2,0" in body


def test_coordinator_closes_the_round(world, as_persona):
    round = make_round(world)
    response = as_persona("coordinator").post(_url("close", round.pk))
    assert response.status_code == 302
    round.refresh_from_db()
    assert not round.is_open


def test_closing_twice_shows_a_message_not_an_error(world, as_persona):
    round = close(make_round(world))
    response = as_persona("coordinator").post(_url("close", round.pk), follow=True)
    assert response.status_code == 200
    assert "already closed" in response.content.decode() or "redan stängd" in (
        response.content.decode()
    )


def test_close_answers_405_to_get_403_to_viewer_404_to_outsider(world, as_persona):
    round = make_round(world)
    assert as_persona("coordinator").get(_url("close", round.pk)).status_code == 405
    assert as_persona("viewer").post(_url("close", round.pk)).status_code == 403
    assert as_persona("other_manager").post(_url("close", round.pk)).status_code == 404
    round.refresh_from_db()
    assert round.is_open


def test_detail_answers_405_to_post_and_404_to_outsiders(world, as_persona):
    round = make_round(world)
    assert as_persona("coordinator").post(_url("detail", round.pk)).status_code == 405
    assert as_persona("outsider").get(_url("detail", round.pk)).status_code == 404


def _respondents(round, count: int) -> None:
    users = [f.UserFactory() for _ in range(count)]
    items = questions(round)
    respondents = Respondent.objects.bulk_create(
        Respondent(
            round=round,
            user=user,
            role=("political", "management", "staff")[i % 3],
            status=RespondentStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for i, user in enumerate(users)
    )
    Answer.objects.bulk_create(
        Answer(respondent=r, question=q, level=1 + (r.pk + q.pk) % 5)
        for r in respondents
        for q in items
    )


@pytest.mark.parametrize("count", [3, 30])
def test_detail_query_count_does_not_grow_with_respondents(
    world, as_persona, django_assert_max_num_queries, count
):
    earlier = close(make_round(world, opened_at=timezone.now() - dt.timedelta(days=30)))
    _respondents(earlier, count)
    round = make_round(world)
    _respondents(round, count)
    client = as_persona("coordinator")
    with django_assert_max_num_queries(11):
        response = client.get(_url("detail", round.pk))
    assert response.status_code == 200
    assert len(response.context["respondents"]) == count + 2


@pytest.mark.parametrize("count", [1, 10])
def test_list_query_count_does_not_grow_with_rounds(
    world, as_persona, django_assert_max_num_queries, count
):
    for i in range(count):
        make_round(world, title=f"Round {i}")
    client = as_persona("viewer")
    with django_assert_max_num_queries(7):
        response = client.get(_url("list", world.ale.pk))
    assert len(response.context["rounds"]) == count


# --- two people at once -------------------------------------------------------------------


def test_a_respondent_added_by_someone_else_at_the_same_moment_is_a_form_error(world, as_persona):
    round = make_round(world)
    Respondent.objects.filter(user=world.viewer).delete()

    def other_coordinator_adds() -> Respondent:
        return Respondent.objects.create(round=round, user=world.viewer, role="management")

    with someone_else_inserts_first("assessments_respondent", other_coordinator_adds) as race:
        response = as_persona("coordinator").post(
            _url("respondents", round.pk), {"user": world.viewer.pk, "role": "staff"}
        )
    assert race, "the other addition did not happen: the test proves nothing"
    assert response.status_code == 200
    form = response.context["form"]
    assert "Someone else changed this at the same moment" in " ".join(form.non_field_errors())
    assert form["role"].value() == "staff"
    assert not round.respondents.filter(user=world.viewer).exists()


# --- Norwegian, default titles, the results page ---------------------------------------------


def _in_norway(municipality) -> None:
    Municipality.objects.filter(pk=municipality.pk).update(country=Country.NORWAY, skr_group="")


def test_a_norwegian_reader_answers_and_reads_results_in_bokmal(world, as_persona):
    round = make_round(world)
    submit_levels(round.respondents.get(user=world.viewer), {"culture": 2})
    close(round)
    User.objects.filter(pk=world.viewer.pk).update(language="nb")
    client = as_persona("viewer")
    answer_page = client.get(_url("answer", round.pk), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Innovasjonskultur og ledelse" in answer_page
    assert "Data er en strategisk ressurs" in answer_page  # a level description
    assert "Oppmuntrer ledere medarbeiderne" in answer_page  # a question
    assert "Innovationskultur och ledarskap" not in answer_page
    detail = client.get(_url("detail", round.pk), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Innovasjonskultur og ledelse" in detail


def test_the_open_form_suggests_a_title_in_the_municipality_s_language(world, as_persona):
    today = timezone.localdate()
    response = as_persona("coordinator").get(_url("open", world.ale.pk))
    title = response.context["form"]["title"].value()
    assert title == default_round_title("sv", today)
    assert title.startswith("Självskattning ") and title in response.content.decode()

    _in_norway(world.ale)
    response = as_persona("coordinator").get(_url("open", world.ale.pk))
    assert response.context["form"]["title"].value() == default_round_title("nb", today)
    assert response.context["form"]["title"].value().startswith("Egenvurdering ")


def test_a_round_opened_without_a_title_gets_the_default_one(world):
    _in_norway(world.ale)
    world.ale.refresh_from_db()
    round = assessment_round_open(municipality=world.ale, actor=world.coordinator, title=" ")
    assert round.title == default_round_title("nb", timezone.localdate())


def _closed_round_with_answers(world):
    """Management answers 4 and staff 2 in culture; only staff answers… nothing differs
    elsewhere: every other dimension is 3 for both."""
    round = make_round(world)
    submit_levels(round.respondents.get(user=world.coordinator), {"culture": 4})
    submit_levels(round.respondents.get(user=world.viewer), {"culture": 2})
    return close(round)


def _chart_values(body: str, code: str) -> tuple[str, list[str]]:
    svg = re.search(rf'<svg id="chart-{code}"[^>]*>.*?</svg>', body, re.S)
    assert svg, f"no chart for {code}"
    label = re.search(r'role="img" aria-label="([^"]+)"', svg.group(0))
    assert label, f"the chart for {code} has no accessible name"
    return label.group(1), re.findall(r'class="chart-value"[^>]*>([^<]+)</text>', svg.group(0))


def _table_values(body: str, code: str) -> list[str]:
    row = re.search(rf'<tr id="score-{code}">.*?</tr>', body, re.S)
    assert row, f"no table row for {code}"
    cells = re.findall(r'class="text-end role-mean"[^>]*>(.*?)</td>', row.group(0))
    return [cell for cell in cells if "visually-hidden" not in cell]


def test_each_dimension_has_a_chart_with_a_name_and_the_table_s_numbers(world, as_persona):
    round = _closed_round_with_answers(world)
    client = as_persona("viewer")
    client.cookies["django_language"] = "en"
    response = client.get(_url("detail", round.pk), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    scores = response.context["scores"]
    assert len(scores) == 8
    for score in scores:
        label, values = _chart_values(body, score.code)
        assert values == _table_values(body, score.code)
        assert score.dimension.name_en in label
        assert f"mean of all respondents {score.mean:.1f}" in label
    label, values = _chart_values(body, "culture")
    assert values == ["4.0", "2.0"]  # management, staff: political did not answer
    assert "Political no answers" in label and "Management 4.0" in label
    assert "Staff 2.0" in label
    assert 'id="dimension-culture-heading"' in body


def test_results_show_a_gap_only_between_two_different_roles(world, as_persona):
    round = make_round(world)
    # Only staff answers culture differently; management's answers are a draft.
    submit_levels(round.respondents.get(user=world.viewer), {"culture": 2})
    client = as_persona("coordinator")
    client.cookies["django_language"] = "en"
    body = client.get(_url("detail", round.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "fewer than two roles answered" in body
    assert not re.search(r"\(([^()<>]+) – \1\)", body)

    closed = _closed_round_with_answers(world)
    body = client.get(_url("detail", closed.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = re.search(r'<tr id="score-culture">.*?</tr>', body, re.S).group(0)
    assert "2.0" in row and "Management highest, Staff lowest" in row
    strategy = re.search(r'<tr id="score-strategy">.*?</tr>', body, re.S).group(0)
    assert "no difference between roles" in strategy
    assert not re.search(r"\(([^()<>]+) – \1\)", body)
    assert "Politisk – Politisk" not in body


def test_the_results_table_scrolls_by_keyboard_and_headings_are_in_order(world, as_persona):
    round = _closed_round_with_answers(world)
    body = as_persona("viewer").get(_url("detail", round.pk)).content.decode()
    container = re.search(r'<div class="results-scroll[^"]*"([^>]*)>', body)
    assert container, "the results table is not in its scroll container"
    attributes = container.group(1)
    assert 'tabindex="0"' in attributes and 'role="region"' in attributes
    assert "aria-labelledby=" in attributes or "aria-label=" in attributes
    assert "css/assessment.css" in body
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", body)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert levels.count(3) == 8  # one per dimension's chart
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1, levels
    assert ' style="' not in body and "<script>" not in body


def test_the_admin_edits_the_framework_in_all_three_languages(world, as_persona):
    dimension = Dimension.objects.get(framework__is_active=True, code="culture")
    page = as_persona("admin").get(
        reverse("admin:assessments_dimension_change", args=[dimension.pk])
    )
    body = page.content.decode()
    assert page.status_code == 200
    for field in ("name_sv", "name_en", "name_nb", "description_nb"):
        assert f'name="{field}"' in body, field
    assert 'name="questions-0-text_nb"' in body and 'name="levels-0-text_nb"' in body
    assert "Innovasjonskultur og ledelse" in body


def test_frozen_report_figures_name_a_dimension_in_bokmal():
    frozen = {"name_sv": "Kultur", "name_en": "Culture", "name_nb": "Kultur og ledelse"}
    with translation.override("nb"):
        assert dimension_name(frozen) == "Kultur og ledelse"
        # A report frozen before the Norwegian names existed falls back to Swedish.
        assert dimension_name({"name_sv": "Kultur", "name_en": "Culture"}) == "Kultur"
