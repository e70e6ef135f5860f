"""Notifier settings: business hours, backoff, people and team channels (a YAML file; docs/reminders.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from tfc.errors import ConfigError

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

    def person(self, login: str) -> Person | None:
        return self.people.get(login) or next((p for p in self.people.values() if p.email == login), None)


def _time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: expected HH:MM, got {value!r}") from None


def _zone(name: str, where: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown time zone {name!r}") from None
    return name


def load_config(path: Path | None) -> NotifierConfig:
    if path is None:
        return NotifierConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the notifier configuration: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"{path}:{mark.line + 1 if mark else '?'}: not valid YAML") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping")
    hours_raw = raw.get("business_hours") or {}
    days = hours_raw.get("weekdays", ["mon", "tue", "wed", "thu", "fri"])
    if any(d not in WEEKDAYS for d in days):
        raise ConfigError(f"{path}: business_hours.weekdays: use {', '.join(WEEKDAYS)}")
    hours = Hours(
        timezone=_zone(str(hours_raw.get("timezone", "UTC")), f"{path}: business_hours.timezone"),
        start=_time(hours_raw.get("start", "09:00"), f"{path}: business_hours.start"),
        end=_time(hours_raw.get("end", "18:00"), f"{path}: business_hours.end"),
        weekdays=tuple(WEEKDAYS.index(d) for d in days),
        holidays_country=hours_raw.get("holidays_country"),
        holidays_subdivision=hours_raw.get("holidays_subdivision"),
    )
    backoff_raw = raw.get("backoff") or {}
    backoff = Backoff(**{k: int(v) for k, v in backoff_raw.items()
                         if k in ("grace_minutes", "first_interval_minutes", "cap_minutes")})
    people = {}
    for login, entry in (raw.get("people") or {}).items():
        entry = entry if isinstance(entry, dict) else {"slack": entry}
        zone = entry.get("timezone")
        people[str(login)] = Person(str(login), entry.get("slack"), entry.get("email"),
                                    _zone(zone, f"{path}: people.{login}.timezone") if zone else None)
    return NotifierConfig(hours=hours, backoff=backoff, default_channel=str(raw.get("default_channel",
                          "#tfc-reminders")), team_channels={str(k): str(v) for k, v in
                          (raw.get("team_channels") or {}).items()}, people=people,
                          app_url=str(raw.get("app_url", "https://app.terraform.io")).rstrip("/"))
