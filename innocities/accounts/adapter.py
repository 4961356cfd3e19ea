from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class InvitationOnlyAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: administrators and programme managers invite people."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
