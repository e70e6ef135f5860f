"""When a person may be reminded: their business hours, weekdays and public holidays; else the next opening."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from notifier.config import Hours


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


def is_working_day(day: date, hours: Hours) -> bool:
    if day.weekday() not in hours.weekdays:
        return False
    if hours.holidays_country:
        return day not in _holidays(hours.holidays_country, hours.holidays_subdivision, day.year)
    return True


def is_open(moment: datetime, hours: Hours, timezone: str | None = None) -> bool:
    local = moment.astimezone(ZoneInfo(timezone or hours.timezone))
    return is_working_day(local.date(), hours) and hours.start <= local.time() < hours.end


def next_opening(moment: datetime, hours: Hours, timezone: str | None = None) -> datetime:
    """``moment`` itself when open, else the start of the next working day's hours (in UTC)."""
    zone = ZoneInfo(timezone or hours.timezone)
    if is_open(moment, hours, timezone):
        return moment
    local = moment.astimezone(zone)
    day = local.date()
    if local.time() >= hours.start:
        day += timedelta(days=1)
    for _ in range(366):  # 365 or 367: a working day comes within a week, or never  # pragma: no mutate
        if is_working_day(day, hours):
            return datetime.combine(day, hours.start, tzinfo=zone).astimezone(moment.tzinfo)
        day += timedelta(days=1)
    raise ValueError("no working day within a year: check business_hours.weekdays")
