"""Self-assessment pages.

Who: a municipality's coordinators, the managers of a cluster it is an open member of, and
administrators open, manage and close rounds (EDIT on the municipality; others who can read
get 403); its viewers read rounds and results; respondents answer their own questionnaire
(anyone else: 404). Outside the municipality: 404. Rounds are reached through
``get_round_for_user``; respondents and answers through their round.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innocities.accounts.models import User
from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.languages import municipality_language
from innocities.core.permissions import Level, roles_for
from innocities.core.ratelimits import rate_limited
from municipalities.assessments.forms import AnswerForm, RespondentForm, RoundOpenForm
from municipalities.assessments.models import (
    AssessmentRound,
    LevelDescription,
    Question,
    RespondentRole,
    RespondentStatus,
    default_round_title,
)
from municipalities.assessments.permissions import get_round_for_user
from municipalities.assessments.selectors import round_scores
from municipalities.assessments.services import (
    assessment_answers_save,
    assessment_respondent_add,
    assessment_respondent_invite,
    assessment_round_close,
    assessment_round_open,
)
from municipalities.permissions import get_municipality_for_user


def _detail_url(round: AssessmentRound) -> str:
    return reverse("assessments:detail", kwargs={"pk": round.pk})


@require_GET
def round_list(request: HttpRequest, pk: int) -> HttpResponse:
    municipality, level = get_municipality_for_user(request, pk)
    rounds = list(municipality.assessment_rounds.select_related("framework"))
    return render(
        request,
        "assessments/list.html",
        {"municipality": municipality, "rounds": rounds, "can_manage": level >= Level.EDIT},
    )


@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request, pk, level=Level.EDIT).obj
    # The title is stored and read by the whole municipality: suggest it in its language.
    title = default_round_title(municipality_language(municipality), timezone.localdate())
    form = RoundOpenForm(posted(request), initial={"title": title})
    if request.method == "POST" and form.is_valid():
        round = call_service(
            form,
            assessment_round_open,
            municipality=municipality,
            actor=request.user,
            **form.cleaned_data,
        )
        if round is not None:
            messages.success(request, _("The round is open: now add respondents."))
            return redirect(reverse("assessments:respondents", kwargs={"pk": round.pk}))
    return render(request, "assessments/open.html", {"municipality": municipality, "form": form})


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    (round, level), own = get_round_for_user(request, pk)
    can_manage = level >= Level.EDIT
    respondents = list(round.respondents.select_related("user").order_by("user__full_name", "pk"))
    show_results = not round.is_open or can_manage
    scores = round_scores(round) if show_results else []
    # Managers of its clusters and administrators go on to tailor a programme from the round.
    can_tailor = not round.is_open and roles_for(request).manages_municipality(
        round.municipality_id
    )
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
@rate_limited("invite", per_user=True)
def respondents(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_round_for_user(request, pk, level=Level.EDIT)[0].obj
    people = (
        User.objects.filter(
            is_active=True, municipality_memberships__municipality_id=round.municipality_id
        )
        .exclude(assessment_respondents__round=round)
        .order_by("full_name", "email")
    )
    form = RespondentForm(posted(request), people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            respondent = call_service(
                form,
                assessment_respondent_add,
                round=round,
                user=data["user"],
                role=data["role"],
                actor=request.user,
            )
        else:
            invited = call_service(
                form,
                assessment_respondent_invite,
                round=round,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                actor=request.user,
            )
            respondent = invited[0] if invited is not None else None
        if respondent is not None:
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
    (round, _level), respondent = get_round_for_user(request, pk)
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
    form = AnswerForm(posted(request), questions=questions, initial_answers=saved)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        saved_respondent = call_service(
            form,
            assessment_answers_save,
            respondent=respondent,
            answers=form.answers(),
            submit=submit,
            actor=request.user,
        )
        if saved_respondent is not None:
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
    round = get_round_for_user(request, pk, level=Level.EDIT)[0].obj
    if call_service_or_message(request, assessment_round_close, round=round, actor=request.user):
        messages.success(request, _("The round is closed and its results are final."))
    return redirect(_detail_url(round))
