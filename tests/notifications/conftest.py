from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo

import pytest

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def at(day: dt.date, hour: int = 7, minute: int = 0) -> dt.datetime:
    """A moment in Stockholm: the tests simulate the beat running at that time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def default_rules(db) -> None:
    """The seeded rules. A transactional test elsewhere in the run flushes the table the data
    migration filled, so they are put back here (the migration's own list, idempotently)."""
    from django.apps import apps

    for name in ("0002_default_rules", "0004_initiative_rules"):
        migration = importlib.import_module(f"innocities.notifications.migrations.{name}")
        migration.seed(apps, None)
