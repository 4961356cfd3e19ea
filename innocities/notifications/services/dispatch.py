"""The dispatcher: claims due rows of the outbox, sends them, marks them.

What can still go wrong (at-least-once delivery, by design):
- A worker that crashes after the SMTP server accepted a message but before the row is
  marked ``sent`` leaves the row in ``sending``; ten minutes later another pass reclaims it
  and sends that one e-mail again. Nothing is lost; each row is marked right after its own
  send, so at most the one message in flight (or one digest) per crashed worker goes twice.
  Rows claimed but not yet sent are reclaimed and sent once.
- A reclaimed row whose first worker was only slow (more than ten minutes on one batch, which
  the task time limit of five minutes forbids) could be sent by both.
- Digest rows of one person claimed by two workers at once (possible only when the person's
  rows are split by ``skip_locked``) go out as two digests instead of one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from innocities.accounts.models import User
from innocities.core.mail import build_email
from innocities.notifications.models import (
    Category,
    Delivery,
    Notification,
    NotificationPreference,
    NotificationStatus,
)
from innocities.notifications.services.preferences import ALL_CATEGORIES, unsubscribe_token

logger = logging.getLogger(__name__)

CLAIM_TIMEOUT = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5
BACKOFF = dt.timedelta(minutes=5)


# --- dispatch -------------------------------------------------------------------------------


@dataclass
class DispatchResult:
    sent: int = 0
    emails: int = 0
    failed: int = 0
    retried: int = 0
    cancelled: int = 0
    ids: list[int] = field(default_factory=list)


def _due(now: dt.datetime) -> Q:
    # A row left in `sending` past the timeout belongs to a worker that died (the task time
    # limit is 5 minutes): it is taken over.
    return Q(status=NotificationStatus.PENDING, send_after__lte=now) | Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def _claim(now: dt.datetime, batch_size: int) -> list[int]:
    """Flip up to ``batch_size`` due rows to ``sending`` in one short transaction.

    ``skip_locked`` lets a second worker take the next rows instead of waiting or taking the
    same ones. The digest rows of the people in the batch come along, so one digest carries
    all of a person's due rows.
    """
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(_due(now))
            .order_by("send_after", "id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return []
        digest_people = set(
            Notification.objects.filter(pk__in=ids)
            .exclude(delivery=Delivery.IMMEDIATE)
            .values_list("recipient_id", flat=True)
        )
        if digest_people:
            ids += list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(_due(now), recipient_id__in=digest_people)
                .exclude(delivery=Delivery.IMMEDIATE)
                .exclude(pk__in=ids)
                .values_list("id", flat=True)
            )
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.SENDING, claimed_at=now
        )
    return ids


def _links(user: User, category: str) -> dict[str, str]:
    token = unsubscribe_token(user=user, category=category)
    return {
        "settings_url": settings.SITE_URL + reverse("notifications:settings"),
        "list_url": settings.SITE_URL + reverse("notifications:list"),
        "unsubscribe_url": settings.SITE_URL
        + reverse("notifications:unsubscribe", kwargs={"token": token}),
    }


def _headers(links: dict[str, str]) -> dict[str, str]:
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL.
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def build_reminder_email(notification: Notification) -> EmailMultiAlternatives:
    user = notification.recipient
    links = _links(user, notification.category)
    return build_email(
        "reminder",
        to=[user.email],
        context={
            "notification": notification,
            "user": user,
            "item_url": settings.SITE_URL + notification.url,
            **links,
        },
        language=user.language,
        headers=_headers(links),
    )


# Reminders about initiatives (and their benefits' follow-ups) belong to no programme: a digest
# groups them under their own heading, not with the cluster meetings (the group without a title).
INITIATIVE_CATEGORIES = (Category.GATE, Category.ASSUMPTION, Category.BENEFIT)


def build_digest_email(user: User, notifications: list[Notification]) -> EmailMultiAlternatives:
    groups: dict[str, list[Notification]] = defaultdict(list)
    with translation.override(user.language or "sv"):
        initiatives = gettext("Innovation initiatives")
    for n in notifications:
        if n.program:
            groups[n.program.title].append(n)
        elif n.category in INITIATIVE_CATEGORIES:
            groups[initiatives].append(n)
        else:
            groups[""].append(n)
    links = _links(user, ALL_CATEGORIES)
    return build_email(
        "digest",
        to=[user.email],
        context={
            "user": user,
            "groups": sorted(groups.items(), key=lambda g: (g[0] == "", g[0])),
            "count": len(notifications),
            "site_url": settings.SITE_URL,
            **links,
        },
        language=user.language,
        headers=_headers(links),
    )


def _mark(ids: list[int], now: dt.datetime, **values: Any) -> int:
    # Only rows still claimed by this pass: a row another worker reclaimed is not ours.
    return Notification.objects.filter(
        pk__in=ids, status=NotificationStatus.SENDING, claimed_at=now
    ).update(**values)


def _fail(rows: list[Notification], now: dt.datetime, error: Exception) -> tuple[int, int]:
    failed = retried = 0
    for row in rows:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            failed += _mark(
                [row.pk],
                now,
                status=NotificationStatus.FAILED,
                attempts=attempts,
                last_error=repr(error)[:2000],
            )
        else:
            retried += _mark(
                [row.pk],
                now,
                status=NotificationStatus.PENDING,
                attempts=attempts,
                last_error=repr(error)[:2000],
                send_after=now + BACKOFF * 2 ** (attempts - 1),
            )
    return failed, retried


def dispatch_due(
    *, now: dt.datetime | None = None, batch_size: int = 100, max_batches: int = 1000
) -> DispatchResult:
    """Send what is due: claim a batch, send each e-mail (or digest), mark it; repeat.

    At-least-once: see the module docstring for the one window where an e-mail can go twice.
    """
    now = now or timezone.now()
    result = DispatchResult()
    connection = get_connection()
    for _ in range(max_batches):
        ids = _claim(now, batch_size)
        if not ids:
            break
        rows = list(
            Notification.objects.filter(pk__in=ids, status=NotificationStatus.SENDING)
            .select_related("recipient", "rule", "program")
            .order_by("send_after", "id")
        )
        prefs = NotificationPreference.objects.filter(
            user_id__in={r.recipient_id for r in rows}
        ).in_bulk(field_name="user_id")
        immediate: list[Notification] = []
        digests: dict[int, list[Notification]] = defaultdict(list)
        stale: list[int] = []
        for row in rows:
            pref = prefs.get(row.recipient_id) or NotificationPreference(user=row.recipient)
            # Re-checked at sending time: an unsubscribe may have come after the scan.
            if not row.recipient.is_active or not pref.wants(row.category):
                stale.append(row.pk)
            elif row.delivery == Delivery.IMMEDIATE:
                immediate.append(row)
            else:
                digests[row.recipient_id].append(row)
        result.cancelled += _mark(stale, now, status=NotificationStatus.CANCELLED)
        batches = [[row] for row in immediate] + list(digests.values())
        for group in batches:
            try:
                if len(group) == 1 and group[0].delivery == Delivery.IMMEDIATE:
                    message = build_reminder_email(group[0])
                else:
                    message = build_digest_email(group[0].recipient, group)
                connection.send_messages([message])
            except Exception as error:  # one bad e-mail (or SMTP hiccup) must not stop the batch
                logger.warning("reminder e-mail failed for %s: %r", [r.pk for r in group], error)
                failed, retried = _fail(group, now, error)
                result.failed += failed
                result.retried += retried
                continue
            marked = _mark(
                [r.pk for r in group], now, status=NotificationStatus.SENT, sent_at=timezone.now()
            )
            result.sent += marked
            result.emails += 1
            result.ids.extend(r.pk for r in group)
    return result
