"""Self-assessment pages.

Who: a municipality's coordinators, the managers of a cluster it is an open member of, and
administrators open, manage and close rounds (others who can read get 403); its viewers read
rounds and results; respondents answer their own questionnaire (anyone else: 404). Outside
the municipality: 404. Rounds are fetched by id and then checked against the municipality;
respondents and answers are reached through their round.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innocities.accounts.models import User
from innocities.core.permissions import Roles, roles_for
from municipalities.assessments.forms import AnswerForm, RespondentForm, RoundOpenForm
from municipalities.assessments.models import (
    AssessmentRound,
    LevelDescription,
    Question,
    Respondent,
    RespondentRole,
    RespondentStatus,
)
from municipalities.assessments.selectors import round_scores
from municipalities.assessments.services import (
    assessment_answers_save,
    assessment_respondent_add,
    assessment_respondent_invite,
    assessment_round_close,
    assessment_round_open,
)
from municipalities.models import Municipality
from municipalities.selectors import can_manage_people
from programs.forms import add_service_error


def may_manage(roles: Roles, municipality: Municipality) -> bool:
    """Open, manage and close rounds: as EDIT on the municipality's programmes, or above."""
    return municipality.pk in roles.coordinator_municipality_ids or can_manage_people(
        roles, municipality
    )


def _levels(request: HttpRequest, municipality: Municipality) -> tuple[bool, bool]:
    roles = roles_for(request)
    manage = may_manage(roles, municipality)
    return manage, manage or municipality.pk in roles.viewer_municipality_ids


def _get_municipality(request: HttpRequest, pk: int, *, manage: bool) -> Municipality:
    municipality = Municipality.objects.filter(pk=pk).first()
    if municipality is None:
        raise Http404
    can_manage, can_read = _levels(request, municipality)
    if not can_read:
        raise Http404
    if manage and not can_manage:
        raise PermissionDenied
    request.can_manage_assessments = can_manage  # type: ignore[attr-defined]
    return municipality


def _get_round(
    request: HttpRequest, pk: int, *, manage: bool = False
) -> tuple[AssessmentRound, Respondent | None]:
    """The round and the person's own respondent row (if any): 404 outside, 403 below."""
    round = (
        AssessmentRound.objects.select_related("municipality", "framework", "opened_by")
        .filter(pk=pk)
        .first()
    )
    if round is None:
        raise Http404
    respondent = round.respondents.filter(user_id=request.user.pk).first()
    can_manage, can_read = _levels(request, round.municipality)
    if not (can_read or respondent):
        raise Http404
    if manage and not can_manage:
        raise PermissionDenied
    request.can_manage_assessments = can_manage  # type: ignore[attr-defined]
    return round, respondent


def _detail_url(round: AssessmentRound) -> str:
    return reverse("assessments:detail", kwargs={"pk": round.pk})


@require_GET
def round_list(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = _get_municipality(request, pk, manage=False)
    rounds = list(municipality.assessment_rounds.select_related("framework"))
    return render(
        request,
        "assessments/list.html",
        {
            "municipality": municipality,
            "rounds": rounds,
            "can_manage": request.can_manage_assessments,  # type: ignore[attr-defined]
        },
    )


@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = _get_municipality(request, pk, manage=True)
    form = RoundOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            round = assessment_round_open(
                municipality=municipality, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The round is open: now add respondents."))
            return redirect(reverse("assessments:respondents", kwargs={"pk": round.pk}))
    return render(request, "assessments/open.html", {"municipality": municipality, "form": form})


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round, own = _get_round(request, pk)
    can_manage = request.can_manage_assessments  # type: ignore[attr-defined]
    respondents = list(round.respondents.select_related("user").order_by("user__full_name", "pk"))
    show_results = not round.is_open or can_manage
    scores = round_scores(round) if show_results else []
    # Managers of its clusters and administrators go on to tailor a programme from the round.
    can_tailor = not round.is_open and can_manage_people(roles_for(request), round.municipality)
    return render(
        request,
        "assessments/detail.html",
        {
            "round": round,
            "municipality": round.municipality,
            "own": own,
            "respondents": respondents,
            "submitted": sum(r.status == RespondentStatus.SUBMITTED for r in respondents),
            "scores": scores,
            "show_results": show_results,
            "can_manage": can_manage,
            "can_tailor": can_tailor,
            "role_labels": list(RespondentRole.choices),
        },
    )


@require_http_methods(["GET", "POST"])
def respondents(request: HttpRequest, pk: int) -> HttpResponse:
    round, _own = _get_round(request, pk, manage=True)
    people = (
        User.objects.filter(
            is_active=True, municipality_memberships__municipality_id=round.municipality_id
        )
        .exclude(assessment_respondents__round=round)
        .order_by("full_name", "email")
    )
    form = RespondentForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["user"]:
                respondent = assessment_respondent_add(
                    round=round, user=data["user"], role=data["role"], actor=request.user
                )
            else:
                respondent, _invited = assessment_respondent_invite(
                    round=round,
                    email=data["email"],
                    full_name=data["full_name"],
                    role=data["role"],
                    actor=request.user,
                    language=request.LANGUAGE_CODE,
                )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("%(person)s was added as a respondent.") % {"person": respondent.user}
            )
            return redirect(reverse("assessments:respondents", kwargs={"pk": round.pk}))
    current = list(round.respondents.select_related("user").order_by("user__full_name", "pk"))
    return render(
        request,
        "assessments/respondents.html",
        {"round": round, "municipality": round.municipality, "form": form, "current": current},
    )


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    round, respondent = _get_round(request, pk)
    if respondent is None:
        raise Http404
    dimensions = list(round.framework.dimensions.order_by("position", "pk"))
    questions = list(
        Question.objects.filter(dimension__framework_id=round.framework_id).order_by(
            "dimension__position", "position", "pk"
        )
    )
    levels: dict[int, list[LevelDescription]] = {}
    for level in LevelDescription.objects.filter(dimension__framework_id=round.framework_id):
        levels.setdefault(level.dimension_id, []).append(level)
    saved = {a.question_id: (a.level, a.comment) for a in respondent.answers.all()}
    locked = respondent.status == RespondentStatus.SUBMITTED or not round.is_open
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial_answers=saved,
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            assessment_answers_save(
                respondent=respondent, answers=form.answers(), submit=submit, actor=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if submit:
                messages.success(request, _("Thank you: your answers are submitted."))
                return redirect(_detail_url(round))
            messages.success(request, _("Your draft is saved."))
            return redirect(reverse("assessments:answer", kwargs={"pk": round.pk}))
    if locked:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "assessments/answer.html",
        {
            "round": round,
            "municipality": round.municipality,
            "respondent": respondent,
            "form": form,
            "sections": form.sections(dimensions, levels),
            "locked": locked,
        },
    )


@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round, _own = _get_round(request, pk, manage=True)
    try:
        assessment_round_close(round=round, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The round is closed and its results are final."))
    return redirect(_detail_url(round))
