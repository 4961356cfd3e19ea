"""Outbox retention: old reminders that are done with are deleted, a batch at a time.

A row goes once ``NOTIFICATION_RETENTION_DAYS`` (about 13 months) have passed since it was sent
(``sent_at``) or, never sent, since it was due (``send_after``): sent, cancelled, replaced
(superseded) and failed rows alike. Failed ones go too: the dispatcher logged each failure when
it happened and the admin lists them (status *Failed*) for those 13 months; after that nobody
acts on them, and they would hold a person's address and subjects for ever. Pending rows, and
rows being sent, are never touched.

Why a deleted row cannot come back: the unique key (rule, object, recipient, occurrence) is
what stops a second send, and a row is deleted only when its occurrence's date is also older
than the retention, a date the scan no longer reminds of (``scan.earliest_occurrence``).

Each batch is one short ``DELETE … WHERE id IN (SELECT id … LIMIT n)``, its own transaction:
no lock is held between batches, and the scan and the dispatcher never wait for more than a
batch. A run stops at the first short batch of each status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from innocities.notifications.models import Notification, NotificationStatus
from innocities.notifications.services.scan import earliest_occurrence
from innocities.notifications.timing import local_today

# Status → the moment its age counts from. Each pair leads an index (notification_sent_idx,
# notification_due_idx), so a batch reads the rows it deletes and, at most, the few kept for
# their occurrence ("7 days before" reminders sent in the retention's last week).
PRUNED = {
    NotificationStatus.SENT: "sent_at",
    NotificationStatus.CANCELLED: "send_after",
    NotificationStatus.SUPERSEDED: "send_after",
    NotificationStatus.FAILED: "send_after",
}
BATCH_SIZE = 1000
# A night's run: at most this many batches (2,000,000 rows; about 50 ms a batch of 1,000 on a
# 300,000-row outbox), well inside the task's time limit. A larger backlog (the first run on an
# old outbox) takes more nights, or ``manage.py prune_outbox``.
MAX_BATCHES = 2000


@dataclass
class PruneResult:
    deleted: int = 0
    batches: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def outbox_prune(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> PruneResult:
    """Delete sent, cancelled, replaced and failed reminders older than the retention.

    In batches of at most ``batch_size`` rows, each its own transaction; at most
    ``max_batches`` in one run (the next run goes on). Safe to run at any time and as often as
    wanted; a second run right after deletes nothing.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    # Occurrences sort as ISO dates ("2025-01-31", "2025-01-31#02"), so "older than the
    # earliest date a scan reminds of" is a string comparison the database can make.
    occurrence_before = earliest_occurrence(local_today(now)).isoformat()
    result = PruneResult()
    for status, moment in PRUNED.items():
        old = Notification.objects.filter(
            status=status, **{f"{moment}__lt": cutoff}, occurrence__lt=occurrence_before
        )
        deleted = batch_size
        result.by_status[status] = 0
        while deleted == batch_size and result.batches < max_batches:
            with transaction.atomic():
                # Oldest first, along the index: a batch reads the rows it deletes.
                batch = old.order_by(moment).values("pk")[:batch_size]
                deleted, _by_model = Notification.objects.filter(pk__in=batch).delete()
            result.batches += 1
            result.by_status[status] += deleted
            result.deleted += deleted
    return result
