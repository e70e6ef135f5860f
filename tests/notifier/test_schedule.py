"""Business hours, weekdays, holidays and the next opening, as a table with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifier.config import Hours
from notifier.schedule import is_open, is_working_day, next_opening

BERLIN = Hours(timezone="Europe/Berlin", start=time(9), end=time(18), holidays_country="DE")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "open_", "opening"),
    [
        ("2026-11-24 09:30", True, "2026-11-24 09:30"),  # Tuesday 10:30 in Berlin
        ("2026-11-24 07:30", False, "2026-11-24 08:00"),  # 08:30 Berlin: opens at 09:00 Berlin = 08:00 UTC
        ("2026-11-24 07:59:59", False, "2026-11-24 08:00"),  # a second before opening
        ("2026-11-24 08:00", True, "2026-11-24 08:00"),  # the opening time itself is open
        ("2026-11-24 16:59:59", True, "2026-11-24 16:59:59"),  # a second before closing
        ("2026-11-24 17:00", False, "2026-11-25 08:00"),  # the closing time itself is closed: next morning
        ("2026-11-24 22:00", False, "2026-11-25 08:00"),  # 23:00: next morning, not at night
        ("2026-11-23 23:30", False, "2026-11-24 08:00"),  # 00:30 Tuesday in Berlin: the same local day
        ("2026-11-27 17:30", False, "2026-11-30 08:00"),  # Friday 18:30: Monday morning
        ("2026-11-28 10:00", False, "2026-11-30 08:00"),  # Saturday in hours: Monday
        ("2026-12-24 23:30", False, "2026-12-28 08:00"),  # 25th and 26th are holidays in Germany, then Sunday
        ("2026-12-25 10:00", False, "2026-12-28 08:00"),  # a holiday on a Friday, inside the hours
    ],
)
def test_business_hours(moment: str, open_: bool, opening: str) -> None:
    assert is_open(utc(moment), BERLIN) is open_
    assert next_opening(utc(moment), BERLIN) == utc(opening)


def test_a_persons_own_time_zone_wins() -> None:
    assert is_open(utc("2026-11-24 15:00"), BERLIN, "America/New_York")  # 10:00 in New York
    assert not is_open(utc("2026-11-24 09:30"), BERLIN, "America/New_York")  # 04:30 there
    assert next_opening(utc("2026-11-24 09:30"), BERLIN, "America/New_York") == utc("2026-11-24 14:00")


def test_holidays_follow_the_country_and_subdivision() -> None:
    epiphany = datetime(2026, 1, 6).date()  # a Tuesday; a holiday in Bavaria, not in Berlin
    assert is_working_day(epiphany, Hours(holidays_country="DE", holidays_subdivision="BE"))
    assert not is_working_day(epiphany, Hours(holidays_country="DE", holidays_subdivision="BY"))
    assert is_working_day(datetime(2026, 12, 25).date(), Hours())  # no country: no holidays


def test_weekdays_are_configurable() -> None:
    sunday_only = Hours(weekdays=(6,))
    assert is_open(utc("2026-11-29 10:00"), sunday_only) and not is_open(utc("2026-11-30 10:00"), sunday_only)
    assert next_opening(utc("2026-11-30 10:00"), sunday_only) == utc("2026-12-06 09:00")
    with pytest.raises(ValueError, match="no working day"):
        next_opening(utc("2026-11-30 10:00"), Hours(weekdays=()))


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)))
def test_the_next_opening_is_open_not_before_now_and_nothing_opens_earlier(moment: datetime) -> None:
    opening = next_opening(moment, BERLIN)
    assert opening >= moment and is_open(opening, BERLIN)
    assert opening == moment or not is_open(opening - timedelta(seconds=1), BERLIN)
