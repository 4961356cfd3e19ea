"""Calendar feeds: public URLs with a person's secret token, and the page that shows them.

The feeds are public (calendar programs cannot log in): the token is the credential. A wrong,
reset or deactivated person's token answers 404, like a cluster the token's owner may not read,
so a feed URL never says whether a token or a cluster exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clusters.permissions import get_cluster_for_roles, load_roles, visible_clusters
from innocities.core.permissions import roles_for
from innocities.feeds import selectors
from innocities.feeds.ical import absolute, build_calendar
from innocities.feeds.models import CalendarToken
from innocities.feeds.services import calendar_token_for, calendar_token_reset

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _token_or_404(secret: str) -> CalendarToken:
    token = (
        CalendarToken.objects.select_related("user")
        .filter(secret=secret, user__is_active=True)
        .first()
    )
    if token is None:
        raise Http404
    return token


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The URL is a secret: keep the feed out of shared caches and search engines, and make
    # clients ask again each time, so a reset link stops working at once for them too.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_not_required
@require_GET
def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    owner = _token_or_404(token).user
    roles = load_roles(owner)
    since = selectors.feed_start()
    with translation.override(owner.language):
        body = build_calendar(
            _("Innocities – %(name)s") % {"name": owner.get_full_name()},
            meetings=selectors.user_feed_meetings(owner, roles, since=since),
            tasks=selectors.user_feed_tasks(owner, roles, since=timezone.localdate(since)),
            milestones=selectors.user_feed_milestones(
                owner, roles, since=timezone.localdate(since)
            ),
            gates=selectors.user_feed_gates(roles, since=timezone.localdate(since)),
        )
    return _calendar_response(body, "innocities.ics")


@login_not_required
@require_GET
def cluster_feed(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    owner = _token_or_404(token).user
    roles = load_roles(owner)
    cluster = get_cluster_for_roles(roles, pk).obj
    since = selectors.feed_start()
    with translation.override(owner.language):
        body = build_calendar(
            _("Innocities – %(cluster)s") % {"cluster": cluster.name},
            meetings=selectors.cluster_feed_meetings(cluster, since=since),
            # The cluster's joint initiatives' decision points, as far as the owner may see.
            gates=selectors.user_feed_gates(roles, since=timezone.localdate(since)).filter(
                cluster=cluster
            ),
        )
    return _calendar_response(body, f"innocities-cluster-{cluster.pk}.ics")


@require_GET
def settings_page(request: HttpRequest) -> HttpResponse:
    token = calendar_token_for(request.user)  # type: ignore[arg-type]
    clusters = [
        (
            cluster,
            absolute(reverse("feeds:cluster", kwargs={"pk": cluster.pk, "token": token.secret})),
        )
        for cluster in visible_clusters(roles_for(request)).order_by("name")
    ]
    return render(
        request,
        "feeds/settings.html",
        {
            "feed_url": absolute(reverse("feeds:user", kwargs={"token": token.secret})),
            "cluster_feeds": clusters,
        },
    )


@require_POST
def reset(request: HttpRequest) -> HttpResponse:
    calendar_token_reset(user=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _(
            "Your calendar link was reset. Subscribe again with the new link: the old one no longer works."
        ),
    )
    return redirect("feeds:settings")
