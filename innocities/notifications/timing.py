"""When a reminder may go: the person's hour in their time zone, their pause, and digests'
working days (public holidays in Sweden or Norway; weekly digests on Monday)."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import holidays

from innocities.notifications.models import Delivery

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
HOLIDAY_COUNTRIES = ("SE", "NO")


def local_today(now: dt.datetime) -> dt.date:
    """The portal's day: reminders are computed for the calendar day in Stockholm."""
    return now.astimezone(STOCKHOLM).date()


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "Europe/Stockholm")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return STOCKHOLM


@functools.cache
def _holidays(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country if country in HOLIDAY_COUNTRIES else "SE")


def is_holiday(day: dt.date, country: str = "SE") -> bool:
    return day in _holidays(country)


def _digest_day_ok(day: dt.date, delivery: str, country: str) -> bool:
    if delivery == Delivery.IMMEDIATE:
        return True
    if is_holiday(day, country):
        return False
    # A weekly digest goes on Monday, or on the first working day after a Monday holiday.
    return delivery != Delivery.WEEKLY or day.weekday() < 5


def send_after(
    *,
    now: dt.datetime,
    time_zone: str,
    hour: int,
    delivery: str,
    paused_until: dt.date | None,
    country: str = "SE",
) -> dt.datetime:
    """The first moment at or after ``now`` that the person wants mail.

    That is ``hour`` o'clock in their time zone, on a day not before ``paused_until``; for
    digests a day that is not a public holiday, and for weekly digests the Monday (or the
    next working day). If ``now`` is within the chosen hour, the answer is ``now``'s hour.
    """
    tz = zone(time_zone)
    local = now.astimezone(tz)
    day = local.date()
    if local.hour > hour:
        day += dt.timedelta(days=1)
    if paused_until is not None and paused_until > day:
        day = paused_until
    if delivery == Delivery.WEEKLY:
        # The week's digest: the coming Monday, unless this is the Monday's hour already.
        day += dt.timedelta(days=(7 - day.weekday()) % 7)
    for _ in range(30):
        if _digest_day_ok(day, delivery, country):
            break
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
