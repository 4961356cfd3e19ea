from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from innocities.core.security_log import security_event


class InvitationOnlyAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: administrators and programme managers invite people."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Says when: the login_failed rate (settings.RATE_LIMITS) allows five wrong passwords
        # per address in five minutes.
        "too_many_login_attempts": _(
            "Too many failed attempts to log in with this address. Wait five minutes and try "
            "again, or reset your password."
        ),
    }

    def validation_error(self, code: str, *args: object) -> Any:
        if code == "too_many_login_attempts":
            security_event("login.locked", request=getattr(self, "request", None))
        return super().validation_error(code, *args)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
