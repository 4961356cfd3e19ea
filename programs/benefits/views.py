"""The benefit register of one initiative, its forms, and a benefit owner's own list.

Reading needs READ on the initiative; adding, editing, ending, removing benefits and planning
follow-up dates needs EDIT; recording a follow-up is for the initiative's editors and for the
benefit's owner (``programs.benefits.permissions.may_record_followup``). Benefits are fetched
through their initiative and follow-ups through their benefit, so an id from elsewhere is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from innocities.accounts.models import User
from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.permissions import Level, roles_for
from programs.benefits import services
from programs.benefits.forms import BenefitForm, EndForm, PlanForm, RecordForm
from programs.benefits.models import Benefit
from programs.benefits.permissions import (
    get_benefit_for_user,
    get_benefit_to_record,
    may_record_followup,
)
from programs.benefits.selectors import owed_followups, register
from programs.initiatives.models import Initiative
from programs.initiatives.permissions import get_initiative_for_user


def register_url(initiative: Initiative | int, benefit: Benefit | None = None) -> str:
    pk = initiative if isinstance(initiative, int) else initiative.pk
    url = reverse("benefits:register", kwargs={"pk": pk})
    return f"{url}#benefit-{benefit.pk}" if benefit is not None else url


def _day(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _actor(request: HttpRequest) -> User:
    # Signed in: LoginRequiredMiddleware, and the getter found a role.
    return cast(User, request.user)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a register page with what the initiatives' breadcrumbs need."""
    initiative: Initiative = context["initiative"]
    crumbs = {
        "owner_municipality": initiative.municipality,
        "owner_cluster": initiative.cluster,
        "initiative_pk": initiative.pk,
        "initiative_title": initiative.title,
    }
    return render(request, f"benefits/{template}", {**crumbs, **context})


# --- the register -------------------------------------------------------------------------


@require_GET
def register_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Every benefit of the initiative with its owner, indicator, baseline → target, what is
    realised so far and the next follow-up. Everyone who may read the initiative."""
    initiative, level = get_initiative_for_user(request, pk)
    today = timezone.localdate()
    data = register(initiative, today=today)
    user_id = request.user.pk
    return _page(
        request,
        "register.html",
        {
            "initiative": initiative,
            "data": data,
            "can_edit": level >= Level.EDIT,
            "recordable": {
                row.benefit.pk
                for row in data.rows
                if not row.benefit.is_ended
                and may_record_followup(level=level, benefit=row.benefit, user_id=user_id)
            },
            "today": today,
        },
    )


# --- adding and editing benefits -----------------------------------------------------------


def _benefit_form_page(
    request: HttpRequest, initiative: Initiative, benefit: Benefit | None = None
) -> HttpResponse:
    form = BenefitForm(posted(request), initiative=initiative, instance=benefit)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.benefit_save,
            initiative=initiative,
            actor=_actor(request),
            benefit=benefit,
            **form.service_kwargs(),
        )
        if saved is not None:
            messages.success(
                request, _("The benefit “%(title)s” was saved.") % {"title": saved.title}
            )
            return redirect(register_url(initiative, saved))
        if benefit is not None:
            benefit.refresh_from_db()
    return _page(
        request, "benefit_form.html", {"initiative": initiative, "benefit": benefit, "form": form}
    )


@require_http_methods(["GET", "POST"])
def benefit_create(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_initiative_for_user(request, pk, level=Level.EDIT).obj
    return _benefit_form_page(request, initiative)


@require_http_methods(["GET", "POST"])
def benefit_edit(request: HttpRequest, pk: int, benefit_pk: int) -> HttpResponse:
    access = get_benefit_for_user(request, pk, benefit_pk, level=Level.EDIT)
    return _benefit_form_page(request, access.initiative, access.benefit)


@require_http_methods(["GET", "POST"])
def benefit_end(request: HttpRequest, pk: int, benefit_pk: int) -> HttpResponse:
    """End a benefit (no longer followed up), or follow an ended one up again."""
    access = get_benefit_for_user(request, pk, benefit_pk, level=Level.EDIT)
    benefit = access.benefit
    if benefit.is_ended:
        if request.method == "POST":
            if call_service_or_message(
                request, services.benefit_reopen, benefit=benefit, actor=_actor(request)
            ):
                messages.success(
                    request, _("The benefit is followed up again: plan its follow-up dates.")
                )
            return redirect(register_url(access.initiative, benefit))
        return _page(
            request, "end_form.html", {"initiative": access.initiative, "benefit": benefit}
        )
    form = EndForm(posted(request), initial=EndForm.initial_today())
    if request.method == "POST" and form.is_valid():
        ended = call_service(
            form,
            services.benefit_end,
            benefit=benefit,
            actor=_actor(request),
            **form.cleaned_data,
        )
        if ended is not None:
            messages.success(request, _("The benefit is no longer followed up."))
            return redirect(register_url(access.initiative, benefit))
        benefit.refresh_from_db()
    return _page(
        request,
        "end_form.html",
        {"initiative": access.initiative, "benefit": benefit, "form": form},
    )


@require_POST
def benefit_remove(request: HttpRequest, pk: int, benefit_pk: int) -> HttpResponse:
    access = get_benefit_for_user(request, pk, benefit_pk, level=Level.EDIT)
    title = access.benefit.title
    if call_service_or_message(
        request, services.benefit_remove, benefit=access.benefit, actor=_actor(request)
    ):
        messages.success(request, _("The benefit “%(title)s” was removed.") % {"title": title})
        return redirect(register_url(access.initiative))
    return redirect(register_url(access.initiative, access.benefit))


# --- follow-ups ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def followup_plan(request: HttpRequest, pk: int, benefit_pk: int) -> HttpResponse:
    """Plan follow-up dates: the owner is reminded before each."""
    access = get_benefit_for_user(request, pk, benefit_pk, level=Level.EDIT)
    benefit = access.benefit
    form = PlanForm(posted(request), benefit=benefit)
    if request.method == "POST" and form.is_valid():
        planned = call_service(
            form,
            services.followup_plan,
            benefit=benefit,
            actor=_actor(request),
            dates=form.cleaned_data["dates"],
        )
        if planned is not None:
            if planned.added:
                messages.success(
                    request,
                    _("Follow-ups planned: %(dates)s.")
                    % {"dates": ", ".join(_day(f.due_on) for f in planned.added)},
                )
            if planned.already:
                messages.info(
                    request,
                    _("Already planned, left as they were: %(dates)s.")
                    % {"dates": ", ".join(_day(day) for day in planned.already)},
                )
            return redirect(register_url(access.initiative, benefit))
    return _page(
        request,
        "plan_form.html",
        {
            "initiative": access.initiative,
            "benefit": benefit,
            "form": form,
            "followups": benefit.followups.order_by("due_on"),
        },
    )


@require_POST
def followup_unplan(
    request: HttpRequest, pk: int, benefit_pk: int, followup_pk: int
) -> HttpResponse:
    access = get_benefit_for_user(request, pk, benefit_pk, level=Level.EDIT)
    followup = get_object_or_404(access.benefit.followups, pk=followup_pk)
    if call_service_or_message(
        request, services.followup_unplan, followup=followup, actor=_actor(request)
    ):
        messages.success(
            request,
            _("The follow-up on %(day)s was removed.") % {"day": _day(followup.due_on)},
        )
    return redirect("benefits:plan", pk=access.initiative.pk, benefit_pk=access.benefit.pk)


@require_http_methods(["GET", "POST"])
def followup_record(request: HttpRequest, pk: int, benefit_pk: int) -> HttpResponse:
    """Record a follow-up: the initiative's editors, and the benefit's owner. ``?followup=``
    names the planned (or recorded, to correct it) follow-up to start from."""
    access = get_benefit_to_record(request, pk, benefit_pk)
    benefit = access.benefit
    chosen = None
    wanted = request.GET.get("followup", "")
    if wanted.isdigit():
        chosen = benefit.followups.filter(pk=wanted).first()
    form = RecordForm(
        posted(request), benefit=benefit, initial=RecordForm.initial_for(benefit, chosen)
    )
    if request.method == "POST" and form.is_valid():
        recorded = call_service(
            form,
            services.followup_record,
            benefit=benefit,
            actor=_actor(request),
            **form.cleaned_data,
        )
        if recorded is not None:
            messages.success(
                request,
                _("The follow-up of “%(title)s” on %(day)s was recorded.")
                % {"title": benefit.title, "day": _day(recorded.due_on)},
            )
            if access.can_edit:
                return redirect(register_url(access.initiative, benefit))
            return redirect("benefits:mine")
    return _page(
        request,
        "record_form.html",
        {
            "initiative": access.initiative,
            "benefit": benefit,
            "form": form,
            "can_edit": access.can_edit,
        },
    )


# --- a benefit owner's own list --------------------------------------------------------------


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The benefits a person owns and the follow-ups they owe: where the reminder e-mail
    lands. Everyone signed in; a person who owns none sees an empty list."""
    today = timezone.localdate()
    return render(
        request,
        "benefits/mine.html",
        {"data": owed_followups(request.user, roles_for(request), today=today), "today": today},
    )
