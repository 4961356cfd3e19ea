"""Sending now what waits only for its hour (``send_reminders --now``).

The scan schedules each reminder for the recipient's preferred hour (08:00 unless they chose
another), so a reminder found at 15:00 goes out the next morning. An operator checking the
set-up, or someone trying the portal, wants to see it now: this brings forward every scheduled
reminder whose only reason to wait is the hour. A pause, a weekly digest's Monday and a
digest's holiday still hold: ``send_after`` is asked again with the recipient's current hour
as if it were the preferred one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from innocities.notifications.models import (
    Notification,
    NotificationPreference,
    NotificationStatus,
)
from innocities.notifications.timing import send_after, zone
from municipalities.selectors import user_countries

BATCH = 500


def reminders_release_now(
    *, now: dt.datetime | None = None, recipient_ids: Collection[int] | None = None
) -> int:
    """Move scheduled reminders that wait only for the preferred hour to ``now`` (only those
    of ``recipient_ids`` if given); returns how many. In batches, each its own short
    transaction."""
    now = now or timezone.now()
    pending = Notification.objects.filter(status=NotificationStatus.PENDING, send_after__gt=now)
    if recipient_ids is not None:
        pending = pending.filter(recipient_id__in=recipient_ids)
    released = 0
    last_id = 0
    while True:
        with transaction.atomic():
            rows = list(
                pending.select_for_update(skip_locked=True)
                .filter(pk__gt=last_id)
                .select_related("recipient")
                .order_by("pk")[:BATCH]
            )
            if not rows:
                return released
            last_id = rows[-1].pk
            recipient_ids = {row.recipient_id for row in rows}
            prefs = NotificationPreference.objects.filter(user_id__in=recipient_ids).in_bulk(
                field_name="user_id"
            )
            countries = user_countries(recipient_ids)
            changed = []
            for row in rows:
                pref = prefs.get(row.recipient_id)
                tz_name = row.recipient.time_zone
                earliest = send_after(
                    now=now,
                    time_zone=tz_name,
                    hour=now.astimezone(zone(tz_name)).hour,
                    delivery=row.delivery,
                    paused_until=pref.paused_until if pref else None,
                    country=countries.get(row.recipient_id, "SE"),
                )
                if earliest < row.send_after:
                    row.send_after = max(earliest, now)
                    changed.append(row)
            Notification.objects.bulk_update(changed, ["send_after"])
            released += len(changed)
