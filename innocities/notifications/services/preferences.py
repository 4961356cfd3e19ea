"""A person's preferences and the signed one-click unsubscribe."""

from __future__ import annotations

import datetime as dt

from django.core import signing
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

UNSUBSCRIBE_SALT = "innocities.notifications.unsubscribe"
ALL_CATEGORIES = "all"


# --- unsubscribe ----------------------------------------------------------------------------


def unsubscribe_token(*, user: User, category: str) -> str:
    """A signed token naming a person and a category (or ``all``): no login needed to use it."""
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=False)


def unsubscribe_read(token: str) -> tuple[User, str] | None:
    """The person and category a token names, or None when it is tampered with or stale."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, category = int(data["u"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
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
