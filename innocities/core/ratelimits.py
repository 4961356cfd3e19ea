"""The portal's own rate limits (inviting people, unsubscribing), counted as allauth counts
logins and password resets: the rates are ``settings.RATE_LIMITS`` (``ACCOUNT_RATE_LIMITS``),
the counters live in the shared cache, and a refusal is the 429 page (``templates/429.html``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.core import ratelimit
from django.http import HttpRequest, HttpResponse

from innocities.core.security_log import security_event

View = Callable[..., HttpResponse]


def rate_limited(
    action: str, *, per_user: bool = False, methods: tuple[str, ...] = ("POST",)
) -> Callable[[View], View]:
    """Count each ``methods`` request of the view against ``action``'s rate (by address, and by
    person when ``per_user``); over the rate the person gets the 429 page and the view does
    not run."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                user = request.user if per_user and request.user.is_authenticated else None
                refused = ratelimit.consume_or_429(
                    request, action=action, user=user, limit_get=request.method == "GET"
                )
                if refused is not None:
                    security_event("ratelimit.refused", request=request, limit=action)
                    return refused
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
