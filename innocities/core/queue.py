"""Handing work to Celery without letting a broker outage reach the person."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Queue ``task`` once the current transaction commits (a worker must see the rows).

    If the broker is down, the request still succeeds: the row that describes the work is
    already saved, and the periodic scans pick up what is left (reports stay queued, an
    invitation can be sent again from the invite page). Only the log says it happened.
    """

    def publish() -> None:
        try:
            task.delay(*args)
        except (BrokerError, OSError):
            logger.warning("broker unavailable: %s%r not queued now", task.name, args)

    transaction.on_commit(publish)
