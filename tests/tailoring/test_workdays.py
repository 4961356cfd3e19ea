from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from programs.workdays import closed_reason, is_working_day, next_working_day


@pytest.mark.parametrize(
    ("day", "country", "expected"),
    [
        (dt.date(2027, 3, 3), "SE", dt.date(2027, 3, 3)),  # an ordinary Wednesday
        (dt.date(2027, 3, 6), "SE", dt.date(2027, 3, 8)),  # Saturday → Monday
        (dt.date(2027, 3, 26), "SE", dt.date(2027, 3, 30)),  # Good Friday → past Easter Monday
        (dt.date(2027, 6, 25), "SE", dt.date(2027, 6, 28)),  # Midsummer Eve (de facto) → Monday
        (dt.date(2027, 6, 25), "NO", dt.date(2027, 6, 25)),  # an ordinary Friday in Norway
        (dt.date(2027, 5, 17), "NO", dt.date(2027, 5, 18)),  # Constitution Day
        (dt.date(2027, 5, 17), "SE", dt.date(2027, 5, 17)),
        (dt.date(2027, 12, 24), "SE", dt.date(2027, 12, 27)),  # Christmas Eve, the weekend
        (dt.date(2027, 7, 14), "SE", dt.date(2027, 8, 9)),  # week 28 → Monday of week 32
        (dt.date(2027, 7, 14), "NO", dt.date(2027, 8, 9)),
    ],
)
def test_next_working_day_skips_weekends_holidays_and_the_july_weeks(day, country, expected):
    assert next_working_day(day, country) == expected
    assert is_working_day(expected, country)


def test_the_holiday_weeks_are_a_setting(settings):
    settings.PLANNING_HOLIDAY_WEEKS = frozenset({10})
    assert next_working_day(dt.date(2027, 7, 14), "SE") == dt.date(2027, 7, 14)
    assert next_working_day(dt.date(2027, 3, 10), "SE") == dt.date(2027, 3, 15)  # week 10


def test_moving_to_working_days_never_changes_the_order_of_dates():
    day, previous = dt.date(2026, 12, 1), None
    for _step in range(800):
        moved = next_working_day(day, "SE")
        assert moved >= day
        if previous is not None:
            assert moved >= previous
        previous, day = moved, day + dt.timedelta(days=1)


def test_closed_reason_names_the_holiday_in_the_page_language():
    with translation.override("sv"):
        assert closed_reason(dt.date(2027, 6, 25), "SE") == "Midsommarafton"
        assert closed_reason(dt.date(2027, 3, 6), "SE") == "helg"
        assert closed_reason(dt.date(2027, 7, 14), "SE") == "semestervecka"
        assert closed_reason(dt.date(2027, 3, 3), "SE") == ""
    with translation.override("en"):
        assert closed_reason(dt.date(2027, 6, 25), "SE") == "Midsummer Eve"
        assert closed_reason(dt.date(2028, 5, 17), "NO") == "Constitution Day"
