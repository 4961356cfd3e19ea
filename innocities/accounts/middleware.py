"""A second factor for the people who can see and change the most."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from innocities.core.permissions import roles_for

# What a person who must set up a second factor may still reach: allauth's second-factor
# pages (``mfa_*``: set up, recovery codes, security keys, and the login step itself), the
# password confirmation allauth asks for before a factor is added, logging out, the language
# switch and the health check. Static files are served before the URLconf (whitenoise).
SETUP_VIEWS = frozenset(
    {"account_logout", "account_reauthenticate", "set_language", "core:healthz"}
)

# The kinds that make allauth ask for a code (or a key) at login. Recovery codes alone do not.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def has_second_factor(user: AbstractBaseUser) -> bool:
    """An authenticator app or a security key: what allauth's login step asks for. One query."""
    return is_mfa_enabled(user, SECOND_FACTORS)


def must_set_up_second_factor(request: HttpRequest) -> bool:
    """An administrator or programme manager without a second factor.

    Decided from ``request.roles``, which every portal page loads for its menu anyway, so the
    check costs no query for anyone else and one for administrators and programme managers.
    """
    if not request.user.is_authenticated:
        return False
    return roles_for(request).is_admin_or_manager and not has_second_factor(request.user)


class RequireSecondFactorMiddleware:
    """Sends an administrator or programme manager who has no second factor to set one up,
    with a message saying why; until they have, every other page (the admin too) does the same.

    After ``RolesMiddleware`` (it reads ``request.roles``), ``MessageMiddleware`` and allauth's
    ``AccountMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in SETUP_VIEWS or view_name.startswith("mfa_"):
            return None
        if not must_set_up_second_factor(request):
            return None
        messages.warning(
            request,
            _(
                "Administrators and programme managers protect their account with a second "
                "factor. Set up an authenticator app (or add a security key) to continue."
            ),
        )
        url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the setup page into a fragment of the page: load it whole.
            return HttpResponseClientRedirect(url)
        return redirect(url)
