from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from clusters.models import Cluster, Meeting, MeetingStatus, RosterEntry
from innocities.accounts.models import User
from innocities.core.permissions import Level, program_level, roles_for, visible_clusters
from programs.models import Program
from programs.selectors import (
    ONGOING_PROGRAM_STATUSES,
    cluster_overviews,
    due_items,
    partner_tasks,
    program_rows,
)


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language (anyone, also on the login page); a signed-in person's profile keeps it."""
    response = django_set_language(request)
    language = request.POST.get("language")
    user = request.user
    if user.is_authenticated and language in dict(User._meta.get_field("language").choices):
        User.objects.filter(pk=user.pk).update(language=language)
    return response


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and docker-compose: the process answers and the database too."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: the failure may be in a context processor or the database.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The home page: one section for each role the person holds (they may hold several).

    Coordinators and viewers see their municipalities' ongoing programmes and what is due;
    programme managers their clusters' members and programmes (administrators: every
    cluster); other people on a roster (partner contacts, experts) their clusters and the
    tasks their organisation takes part in. Everyone with a role sees the coming meetings of
    the clusters they can read. The query count does not grow with the data.
    """
    roles = roles_for(request)
    today = timezone.localdate()
    # A section is shown when its key is not None (an empty list says "nothing here").
    context: dict[str, object] = {
        "has_role": bool(roles.is_admin or roles.rostered_cluster_ids or roles.municipality_ids),
        "today": today,
        "my_programs": None,
        "overviews": None,
        "rostered_clusters": None,
        "partner_tasks": None,
        "meetings": [],
    }
    if roles.municipality_ids:
        programs = (
            Program.objects.filter(
                municipality_id__in=roles.municipality_ids, status__in=ONGOING_PROGRAM_STATUSES
            )
            .select_related("municipality", "cluster")
            .order_by("municipality__name", "-starts_on", "pk")
        )
        rows = program_rows(programs, today=today)
        context["my_programs"] = [
            {"row": row, "can_edit": program_level(roles, row.program) >= Level.EDIT}
            for row in rows
        ]
        context["due"] = due_items([row.program.pk for row in rows], today=today)
    if roles.is_admin or roles.is_manager:
        clusters = (
            Cluster.objects.all()
            if roles.is_admin
            else Cluster.objects.filter(pk__in=roles.managed_cluster_ids)
        )
        context["overviews"] = cluster_overviews(clusters, today=today)
    read_only_clusters = roles.rostered_cluster_ids - roles.managed_cluster_ids
    if read_only_clusters and not roles.is_admin:
        context["rostered_clusters"] = list(Cluster.objects.filter(pk__in=read_only_clusters))
        # Only people who stand for an organisation (partner contacts) get its task list.
        if RosterEntry.objects.filter(
            user=request.user, ended_on__isnull=True, organisation__isnull=False
        ).exists():
            context["partner_tasks"] = partner_tasks(request.user)  # type: ignore[arg-type]
    if context["has_role"]:
        context["meetings"] = list(
            Meeting.objects.filter(
                cluster__in=visible_clusters(roles),
                status=MeetingStatus.SCHEDULED,
                starts_at__gte=timezone.now(),
            )
            .select_related("cluster")
            .order_by("starts_at", "pk")[:10]
        )
    return render(request, "core/dashboard.html", context)
