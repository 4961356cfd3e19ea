"""Reads for the notifications pages."""

from __future__ import annotations

from django.db.models import QuerySet

from innocities.accounts.models import User
from innocities.notifications.models import Notification, NotificationStatus

SCHEDULED = (NotificationStatus.PENDING, NotificationStatus.SENDING)
DONE = (NotificationStatus.SENT, NotificationStatus.FAILED)


def notifications_scheduled(*, user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user, status__in=SCHEDULED)
        .select_related("program")
        .order_by("send_after", "id")
    )


def notifications_sent(*, user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient=user, status__in=DONE)
        .select_related("program")
        .order_by("-sent_at", "-send_after", "-id")
    )
