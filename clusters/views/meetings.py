"""Cluster meetings: everyone who may read the cluster sees them; managers plan them and mark
attendance; invitees reply. Times are entered and shown in the person's own time zone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusters import ical, services
from clusters.forms import AttendanceForm, MeetingForm, ReplyForm
from clusters.models import Cluster, Meeting, MeetingParticipant, MeetingStatus, Reply
from clusters.permissions import get_cluster_for_user, get_meeting_for_user
from clusters.selectors import cluster_meetings
from innocities.core.forms import call_service, call_service_or_message, posted
from innocities.core.permissions import Access, Level
from innocities.core.ratelimits import rate_limited


@require_GET
def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    cluster, level = get_cluster_for_user(request, pk)
    coming, past = cluster_meetings(cluster)
    return render(
        request,
        "clusters/meetings.html",
        {
            "cluster": cluster,
            "coming_meetings": coming,
            "past_meetings": past,
            "can_manage": level >= Level.MANAGE,
        },
    )


def _detail_context(
    request: HttpRequest,
    access: Access[Cluster],
    meeting: Meeting,
    reply_form: ReplyForm | None = None,
) -> dict[str, Any]:
    participants = list(meeting.participants.select_related("user"))
    mine = next((p for p in participants if p.user_id == request.user.pk), None)
    return {
        "cluster": access.obj,
        "meeting": meeting,
        "participants": participants,
        "my_participation": mine,
        "reply_form": reply_form or ReplyForm(),
        "can_manage": access.can_manage,
    }


@require_GET
def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    access, meeting = get_meeting_for_user(request, pk, meeting_pk)
    return render(
        request, "clusters/meeting_detail.html", _detail_context(request, access, meeting)
    )


def _meeting_form_page(
    request: HttpRequest, cluster: Cluster, meeting: Meeting | None
) -> HttpResponse:
    # The page title names the meeting as saved, not as the (maybe invalid) form changed it.
    saved_title = meeting.title if meeting else ""
    initial = {}
    need = request.GET.get("need", "")
    if meeting is None and need.isdigit():
        # "Plan a joint activity" on the shared-needs page; an unknown id is simply not offered.
        initial["need"] = cluster.needs.filter(pk=int(need)).values_list("pk", flat=True).first()
    form = MeetingForm(posted(request), instance=meeting, cluster=cluster, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.meeting_save,
            meeting=form.instance,
            invitees=list(form.cleaned_data["invitees"]),
            actor=request.user,
        )
        if saved is not None:
            messages.success(
                request,
                _("The meeting was saved. Invitations are on their way by e-mail.")
                if meeting is None
                else _("The meeting was saved."),
            )
            return redirect("clusters:meeting_detail", pk=cluster.pk, meeting_pk=saved.pk)
    return render(
        request,
        "clusters/meeting_form.html",
        {"cluster": cluster, "form": form, "meeting": meeting, "saved_title": saved_title},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    cluster = get_cluster_for_user(request, pk, level=Level.MANAGE).obj
    return _meeting_form_page(request, cluster, None)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    access, meeting = get_meeting_for_user(request, pk, meeting_pk, level=Level.MANAGE)
    return _meeting_form_page(request, access.obj, meeting)


@require_POST
def meeting_cancel(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    access, meeting = get_meeting_for_user(request, pk, meeting_pk, level=Level.MANAGE)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.info(request, _("The meeting was already cancelled."))
    elif call_service_or_message(
        request, services.meeting_cancel, meeting=meeting, actor=request.user
    ):
        messages.success(request, _("The meeting was cancelled."))
    return redirect("clusters:meeting_detail", pk=access.obj.pk, meeting_pk=meeting.pk)


@require_POST
def meeting_reply(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    """An invitee accepts or declines. With htmx only the reply box is swapped."""
    access, meeting = get_meeting_for_user(request, pk, meeting_pk)
    cluster = access.obj
    participant: MeetingParticipant | None = meeting.participants.filter(
        user_id=request.user.pk
    ).first()
    if participant is None:
        raise PermissionDenied
    form = ReplyForm(request.POST)
    saved = False
    if meeting.status == MeetingStatus.CANCELLED:
        form.add_error(None, _("The meeting is cancelled: there is nothing to reply to."))
    elif form.is_valid():
        saved = (
            call_service(
                form,
                services.meeting_reply,
                participant=participant,
                reply=form.cleaned_data["reply"],
            )
            is not None
        )
    if request.htmx:
        return render(
            request,
            "clusters/_meeting_reply.html",
            {
                "cluster": cluster,
                "meeting": meeting,
                "my_participation": participant,
                "reply_form": form if not saved else ReplyForm(),
                "just_saved": saved,
            },
        )
    if saved:
        messages.success(request, _("Your reply was saved."))
        return redirect("clusters:meeting_detail", pk=cluster.pk, meeting_pk=meeting.pk)
    return render(
        request,
        "clusters/meeting_detail.html",
        _detail_context(request, access, meeting, reply_form=form),
    )


@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    access, meeting = get_meeting_for_user(request, pk, meeting_pk, level=Level.MANAGE)
    cluster = access.obj
    form = AttendanceForm(posted(request), participants=meeting.participants.select_related("user"))
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form,
            services.meeting_mark_attendance,
            meeting=meeting,
            attendance=form.attendance(),
            actor=request.user,
        )
        if changed is not None:
            messages.success(
                request, _("Attendance was saved (%(count)d changed).") % {"count": changed}
            )
            return redirect("clusters:meeting_detail", pk=cluster.pk, meeting_pk=meeting.pk)
    return render(
        request,
        "clusters/meeting_attendance.html",
        {"cluster": cluster, "meeting": meeting, "form": form},
    )


# The token is the authorisation: an invitee replies from the e-mail without logging in. A
# GET only shows the choice, because mail scanners open links; the POST records it.
@login_not_required
@require_http_methods(["GET", "POST"])
@rate_limited("rsvp", methods=("GET", "POST"))
def meeting_rsvp(request: HttpRequest, token: str) -> HttpResponse:
    try:
        participant = ical.meeting_rsvp_read(token)
    except ical.RsvpRefused as refused:
        return render(
            request,
            "clusters/rsvp_refused.html",
            {"reason": refused.reason, "meeting": refused.meeting},
            status=410 if refused.meeting is not None else 404,
        )
    meeting = participant.meeting
    form = ReplyForm(posted(request), initial={"reply": request.GET.get("reply")})
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.meeting_reply, participant=participant, reply=form.cleaned_data["reply"]
        )
        if saved is not None:
            return render(
                request,
                "clusters/rsvp_done.html",
                {
                    "meeting": meeting,
                    "participant": saved,
                    "accepted": saved.reply == Reply.ACCEPTED,
                },
            )
    chosen = form["reply"].value()
    return render(
        request,
        "clusters/rsvp.html",
        {
            "meeting": meeting,
            "participant": participant,
            "form": form,
            "chosen": chosen if chosen in (Reply.ACCEPTED, Reply.DECLINED) else "",
        },
    )
