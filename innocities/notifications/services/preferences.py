"""A person's preferences and the signed one-click unsubscribe."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from innocities.accounts.models import User
from innocities.notifications.models import (
    Category,
    Notification,
    NotificationPreference,
    NotificationStatus,
)
from innocities.notifications.timing import send_after
from municipalities.selectors import user_countries

ALL_CATEGORIES = "all"
# An unsubscribe link works for 90 days: long enough for a mail read late, short enough that
# a forwarded or leaked old mail does not keep working for ever.
UNSUBSCRIBE_VALID_FOR = dt.timedelta(days=90)
_UNSUBSCRIBE_CONTEXT = b"innocities.notifications.unsubscribe"


# --- unsubscribe ----------------------------------------------------------------------------


def _fernet() -> MultiFernet:
    """Encryption keys derived from SECRET_KEY (and its fallbacks, so rotating the key does
    not break the links already sent)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    hashlib.sha256(_UNSUBSCRIBE_CONTEXT + key.encode()).digest()
                )
            )
            for key in keys
        ]
    )


def unsubscribe_token(*, user: User, category: str) -> str:
    """An encrypted, dated token naming a person and a category (or ``all``): it works
    without a login for ``UNSUBSCRIBE_VALID_FOR``, and nobody can read whose it is."""
    payload = json.dumps({"u": user.pk, "c": category}, separators=(",", ":")).encode()
    return _fernet().encrypt(payload).decode("ascii")


def unsubscribe_read(token: str) -> tuple[User, str] | None:
    """The person and category a token names, or None when it is tampered with, expired or
    names nobody active."""
    if len(token) % 4:  # base64 decoding would forgive trailing characters; a link must not
        return None
    try:
        data = json.loads(
            _fernet().decrypt(token.encode("ascii"), ttl=int(UNSUBSCRIBE_VALID_FOR.total_seconds()))
        )
        user_id, category = int(data["u"]), str(data["c"])
    except (InvalidToken, UnicodeEncodeError, ValueError, KeyError, TypeError):
        return None
    if category != ALL_CATEGORIES and category not in Category.values:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, category) if user else None


@transaction.atomic
def preference_unsubscribe(*, user: User, category: str) -> NotificationPreference:
    """Turn off a category (or every category) and cancel what is scheduled for it."""
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    categories = Category.values if category == ALL_CATEGORIES else [category]
    for name in categories:
        setattr(pref, NotificationPreference.FIELD_FOR_CATEGORY[name], False)
    pref.full_clean()
    pref.save()
    Notification.objects.filter(
        recipient=user, category__in=categories, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.CANCELLED)
    return pref


@transaction.atomic
def preference_update(
    *,
    user: User,
    tasks: bool,
    milestones: bool,
    meetings: bool,
    progress_updates: bool,
    gates: bool,
    assumptions: bool,
    delivery: str,
    hour: int,
    paused_until: dt.date | None,
    benefits: bool = True,
    statistics: bool = True,
    now: dt.datetime | None = None,
) -> NotificationPreference:
    """Save a person's preferences and re-time what is scheduled for them.

    Categories turned off cancel their scheduled rows; the rest get a new ``send_after`` from
    the new hour, delivery and pause (deferred, never dropped).
    """
    now = now or timezone.now()
    pref, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    pref.tasks, pref.milestones, pref.meetings = tasks, milestones, meetings
    pref.progress_updates, pref.gates, pref.assumptions = progress_updates, gates, assumptions
    pref.benefits, pref.statistics = benefits, statistics
    pref.delivery, pref.hour = delivery, hour
    pref.paused_until = paused_until
    pref.full_clean()
    pref.save()
    off = [c for c in Category.values if not pref.wants(c)]
    Notification.objects.filter(
        recipient=user, category__in=off, status=NotificationStatus.PENDING
    ).update(status=NotificationStatus.CANCELLED)
    country = user_countries([user.pk]).get(user.pk, "SE")
    new_time = send_after(
        now=now,
        time_zone=user.time_zone,
        hour=pref.hour,
        delivery=pref.delivery,
        paused_until=pref.paused_until,
        country=country,
    )
    Notification.objects.filter(recipient=user, status=NotificationStatus.PENDING).update(
        send_after=new_time, delivery=pref.delivery
    )
    return pref
