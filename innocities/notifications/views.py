from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from innocities.core.forms import call_service, posted
from innocities.core.ratelimits import rate_limited
from innocities.notifications.forms import PreferenceForm
from innocities.notifications.models import Category, NotificationPreference
from innocities.notifications.selectors import notifications_scheduled, notifications_sent
from innocities.notifications.services import (
    ALL_CATEGORIES,
    preference_unsubscribe,
    preference_update,
    unsubscribe_read,
)


@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    instance = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        posted(request), instance=instance or NotificationPreference(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, preference_update, user=request.user, **form.cleaned_data)
        if saved is not None:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@require_GET
def list_view(request: HttpRequest) -> HttpResponse:
    scheduled = notifications_scheduled(user=request.user)[:100]
    page = Paginator(notifications_sent(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"scheduled": scheduled, "page": page})


# The token is the authorisation: mail clients POST the one-click unsubscribe (RFC 8058)
# without a session or a CSRF token.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("unsubscribe", methods=("GET", "POST"))
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe_read(token)
    if found is None:
        raise Http404
    user, category = found
    label = _("all reminders") if category == ALL_CATEGORIES else Category(category).label
    if request.method == "POST":
        preference_unsubscribe(user=user, category=category)
        return render(request, "notifications/unsubscribed.html", {"label": label})
    # No address on the page: whoever holds the link learns nothing about whose it is.
    return render(request, "notifications/unsubscribe.html", {"label": label})
