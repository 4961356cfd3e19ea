"""Writes for reminders: the scan that fills the outbox (``scan``), the dispatcher that empties
it (``dispatch``), the retention job that deletes old rows (``retention``), and a person's
preferences and unsubscribe (``preferences``)."""

from __future__ import annotations

from innocities.notifications.services.dispatch import (
    MAX_ATTEMPTS,
    DispatchResult,
    build_digest_email,
    build_reminder_email,
    dispatch_due,
)
from innocities.notifications.services.preferences import (
    ALL_CATEGORIES,
    preference_unsubscribe,
    preference_update,
    unsubscribe_read,
    unsubscribe_token,
)
from innocities.notifications.services.release import reminders_release_now
from innocities.notifications.services.retention import PruneResult, outbox_prune
from innocities.notifications.services.scan import ScanResult, reminders_scan

__all__ = [
    "ALL_CATEGORIES",
    "MAX_ATTEMPTS",
    "DispatchResult",
    "PruneResult",
    "ScanResult",
    "build_digest_email",
    "build_reminder_email",
    "dispatch_due",
    "outbox_prune",
    "preference_unsubscribe",
    "preference_update",
    "reminders_release_now",
    "reminders_scan",
    "unsubscribe_read",
    "unsubscribe_token",
]
