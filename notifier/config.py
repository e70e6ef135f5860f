"""Notifier settings: business hours, backoff, people and team channels (a YAML file; docs/reminders.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml

from tfc.errors import ConfigError
from tfc.yamllines import LINE, LineLoader

SLACK_ID = re.compile(r"[UW][A-Z0-9]{2,30}")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Person:
    login: str  # the VCS login TFC records as the commit's sender
    slack_id: str | None = None
    email: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Hours:
    timezone: str = "UTC"
    start: time = time(9, 0)
    end: time = time(18, 0)
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    holidays_country: str | None = None
    holidays_subdivision: str | None = None


@dataclass(frozen=True, slots=True)
class Backoff:
    grace_minutes: int = 30  # a run must have waited this long before its first reminder
    first_interval_minutes: int = 60  # then 1 h, 2 h, 4 h, … up to the cap
    cap_minutes: int = 24 * 60


@dataclass(frozen=True, slots=True)
class NotifierConfig:
    hours: Hours = Hours()
    backoff: Backoff = Backoff()
    default_channel: str = "#tfc-reminders"
    team_channels: dict[str, str] = field(default_factory=dict)  # owner tag value -> channel
    people: dict[str, Person] = field(default_factory=dict)  # login or email -> person
    app_url: str = "https://app.terraform.io"
    state: str | None = None  # dynamodb://TABLE or a file, shared with the Lambda (the CLI's --state default)

    def person(self, login: str) -> Person | None:
        return self.people.get(login) or next((p for p in self.people.values() if p.email == login), None)


class _Reader:
    """Reads one mapping of the file, naming ``file:line: key`` in every error."""

    def __init__(self, path: Path, raw: Any, where: str, line: int = 1) -> None:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}:{line}: {where or 'the file'}: expected a mapping")
        self.path, self.where = path, where
        self.line = int(raw.pop(LINE, line))
        self.raw = raw

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}:{self.line}: {self.where}{'.' if self.where else ''}{key}: {problem}")

    def text(self, key: str, default: str | None = None, limit: int = 200) -> str | None:
        value = self.raw.get(key, default)
        if value is not None and (not isinstance(value, str) or not value or len(value) > limit):
            raise self.fail(key, f"expected text (1 to {limit} characters), got {_show(value)}")
        return value

    def time(self, key: str, default: str) -> time:
        value = self.raw.get(key, default)
        try:
            return time.fromisoformat(value) if isinstance(value, str) else _reject()
        except ValueError:
            raise self.fail(key, f"expected \"HH:MM\" (quoted), got {_show(value)}") from None

    def zone(self, key: str, default: str | None = None) -> str | None:
        name = self.text(key, default, 64)
        if name is not None:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                raise self.fail(key, f"unknown time zone {name!r}") from None
        return name

    def minutes(self, key: str, default: int, low: int, high: int) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"expected whole minutes from {low} to {high:,}, got {_show(value)}")
        return value

    def mapping(self, key: str) -> _Reader:
        return _Reader(self.path, self.raw.get(key), f"{self.where}.{key}" if self.where else key, self.line)


def _reject() -> time:
    raise ValueError


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def load_config(path: Path | None) -> NotifierConfig:
    """The settings in ``path`` (defaults without one); any bad value is a ConfigError naming file:line and key."""
    if path is None:
        return NotifierConfig()
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506 - a SafeLoader
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the notifier configuration: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the notifier configuration is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"{path}:{mark.line + 1 if mark else '?'}: not valid YAML") from None
    top = _Reader(path, raw, "")
    hours_raw = top.mapping("business_hours")
    days = hours_raw.raw.get("weekdays", ["mon", "tue", "wed", "thu", "fri"])
    if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days):
        raise hours_raw.fail("weekdays", f"a non-empty list of {', '.join(WEEKDAYS)}")
    hours = Hours(timezone=hours_raw.zone("timezone", "UTC") or "UTC", start=hours_raw.time("start", "09:00"),
                  end=hours_raw.time("end", "18:00"), weekdays=tuple(sorted({WEEKDAYS.index(d) for d in days})),
                  holidays_country=hours_raw.text("holidays_country", limit=3),
                  holidays_subdivision=hours_raw.text("holidays_subdivision", limit=10))
    if hours.start >= hours.end:
        raise hours_raw.fail("end", f"must be after start ({hours.start:%H:%M})")
    if hours.holidays_country:
        try:
            holidays.country_holidays(hours.holidays_country, subdiv=hours.holidays_subdivision)
        except NotImplementedError:
            raise hours_raw.fail("holidays_country", f"no holiday calendar for {hours.holidays_country!r}"
                                 + (f" / {hours.holidays_subdivision!r}" if hours.holidays_subdivision else "")
                                 ) from None
    backoff_raw = top.mapping("backoff")
    backoff = Backoff(grace_minutes=backoff_raw.minutes("grace_minutes", 30, 0, 7 * 24 * 60),
                      first_interval_minutes=backoff_raw.minutes("first_interval_minutes", 60, 10, 7 * 24 * 60),
                      cap_minutes=backoff_raw.minutes("cap_minutes", 24 * 60, 10, 30 * 24 * 60))
    channels = top.mapping("team_channels")
    people_raw = top.mapping("people")
    people = {}
    for login in list(people_raw.raw):
        entry = people_raw.raw[login]
        person = _Reader(path, entry if isinstance(entry, dict) else {"slack": entry}, f"people.{login}",
                         people_raw.line)
        slack_id = person.text("slack", limit=32)
        if slack_id is not None and not SLACK_ID.fullmatch(slack_id):
            raise person.fail("slack", f"expected a Slack user id (U…), got {_show(slack_id)}")
        people[str(login)] = Person(str(login), slack_id, person.text("email", limit=254), person.zone("timezone"))
    return NotifierConfig(hours=hours, backoff=backoff,
                          default_channel=top.text("default_channel", "#tfc-reminders", 80) or "#tfc-reminders",
                          team_channels={str(k): channels.text(str(k), limit=80) or "" for k in channels.raw},
                          people=people,
                          app_url=(top.text("app_url", "https://app.terraform.io") or "").rstrip("/"),
                          state=top.text("state", limit=300))
