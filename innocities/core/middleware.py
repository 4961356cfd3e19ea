from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserLanguageMiddleware:
    """Use a signed-in person's own language and time zone.

    LocaleMiddleware has already picked a language from the cookie or the browser; a signed-in
    person's saved preference wins unless they just switched with the language menu (the
    cookie then matches what they asked for, and the switch view saves it to the profile).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(ZoneInfo(user.time_zone))
            except (ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        timezone.deactivate()
        return response


# Features the portal never uses, switched off for every page (and anything it might embed).
# WebAuthn (passkeys) keeps its default: allowed for the portal itself.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (the Content-Security-Policy comes from django-csp)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# How often a session notes that its person is still there: a write at most once a minute,
# not on every request.
_SEEN_EVERY = 60


def _idle_limit(user: Any) -> int:
    if user.is_staff or user.is_superuser:
        return int(settings.SESSION_IDLE_TIMEOUT_STAFF)
    return int(settings.SESSION_IDLE_TIMEOUT)


def note_session_start(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """At login (``user_logged_in``): the session is fresh, and lives no longer than the idle
    limit. Saved with the login itself, so the first page costs no extra write."""
    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())
        request.session.set_expiry(_idle_limit(user))


class SessionIdleTimeoutMiddleware:
    """Ends a session that has been idle too long: ``SESSION_IDLE_TIMEOUT`` (8 hours by
    default), ``SESSION_IDLE_TIMEOUT_STAFF`` (1 hour) for administrators, whose sessions reach
    everything. The cookie's age follows, so "remember me" never keeps a session for weeks.
    After AuthenticationMiddleware, before LoginRequiredMiddleware (which then asks the person
    to log in again)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limit = _idle_limit(user)
            now = int(time.time())
            last_seen = request.session.get("last_seen")
            if isinstance(last_seen, int) and now - last_seen > limit:
                logout(request)
            elif (
                not isinstance(last_seen, int)
                or now - last_seen >= _SEEN_EVERY
                # "Remember me" asked for longer than an administrator's limit.
                or request.session.get("_session_expiry", 0) > limit
            ):
                request.session["last_seen"] = now
                request.session.set_expiry(limit)
        return self.get_response(request)
