"""The planning calendar: on which days a programme's activities may start and fall due.

A planned date never lands on a weekend, a public holiday of the municipality's country
(Sweden: also midsummer, Christmas and New Year's Eve, when workplaces close), or in the
summer holiday weeks (``settings.PLANNING_HOLIDAY_WEEKS``, ISO week numbers; the July weeks by
default). Such a date moves to the next working day. Moving forward only, and never past a
later date's move, keeps the order of dates: a task due after it starts stays so.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Enough to cross any run of closed days (four holiday weeks and the weekends around them).
_MAX_SHIFT_DAYS = 60


@functools.cache
def _public_holidays(country: str, language: str = "en_US") -> holidays.HolidayBase:
    if country == "NO":
        return holidays.country_holidays("NO", categories=("public",), language=language)
    return holidays.country_holidays("SE", categories=("public", "de_facto"), language=language)


def _is_closed(day: dt.date, country: str) -> bool:
    return (
        day.weekday() >= 5
        or day in _public_holidays(country)
        or day.isocalendar().week in settings.PLANNING_HOLIDAY_WEEKS
    )


def closed_reason(day: dt.date, country: str = "SE") -> str:
    """Why ``day`` is not a working day, in the active language ("" when it is): the
    holiday's name, "weekend" or "holiday week"."""
    if day.weekday() >= 5:
        return _("weekend")
    # English on an English page; else the country's own language (Norwegian holiday names
    # read well enough on a Swedish page).
    english = (get_language() or "sv").startswith("en")
    language = "en_US" if english else ("no" if country == "NO" else "sv")
    name = _public_holidays(country, language).get(day)
    if name:
        return str(name)
    if day.isocalendar().week in settings.PLANNING_HOLIDAY_WEEKS:
        return _("holiday week")
    return ""


def is_working_day(day: dt.date, country: str = "SE") -> bool:
    return not _is_closed(day, country)


def next_working_day(day: dt.date, country: str = "SE") -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    candidate = day
    for _step in range(_MAX_SHIFT_DAYS):
        if is_working_day(candidate, country):
            return candidate
        candidate += dt.timedelta(days=1)
    # Only a misconfiguration (say, every week a holiday week) gets here: keep the date.
    return day
