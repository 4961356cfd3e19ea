"""Writes for calendar feeds: the secret token behind a person's feed URLs."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from innocities.accounts.models import User
from innocities.core.services import validated_save
from innocities.feeds.models import CalendarToken

# 32 random bytes: 43 URL-safe characters, beyond guessing.
SECRET_BYTES = 32


def _new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def calendar_token_for(user: User) -> CalendarToken:
    """The person's token, created on first use.

    Two requests racing to create it both end with the same row: the loser reads the
    winner's.
    """
    token = CalendarToken.objects.filter(user=user).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return validated_save(
                CalendarToken(user=user, secret=_new_secret(), created_at=timezone.now()),
                actor=user,
            )
    except (IntegrityError, ValidationError):
        # Lost the race: the other request created it (full_clean or the constraint noticed).
        return CalendarToken.objects.get(user=user)


@transaction.atomic
def calendar_token_reset(*, user: User, actor: User | None = None) -> CalendarToken:
    """Give the person a new secret; every URL with the old one answers 404 from now on.

    ``actor`` is who asked (the history's author): the person, unless staff did it for them.
    """
    token = CalendarToken.objects.select_for_update().filter(user=user).first()
    if token is None:
        token = CalendarToken(user=user)
    token.secret = _new_secret()
    token.created_at = timezone.now()
    return validated_save(token, actor=actor or user)
