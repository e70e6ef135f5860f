"""Daily resources-under-management series and their breakdowns: pure functions of workspace histories.

A workspace's count at the end of a day is that of its latest state version created on or before the end of
that day (UTC); before its first version it counts nothing; from the day it was deleted it counts nothing.
A day's peak also sees every version written during the day: 2 -> 102 -> 2 in one day peaks at 102.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from reporting.counting import is_managed, version_rum
from reporting.records import ResourceCount, VersionSummary, WorkspaceHistory


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.length)]

    @property
    def length(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_time(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @classmethod
    def last_days(cls, days: int, today: date) -> Period:
        return cls(today - timedelta(days=days - 1), today)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Daily:
    """One series over a period: the value at the end of each day, and the day's peak.

    The peak is the highest value the series reached during the day: the value it started the day with
    (carried from the day before) or the value after any state version written that day.
    """

    end: list[int]
    peak: list[int]


Values = Callable[[WorkspaceHistory, VersionSummary], Mapping[str, int]]


def counted_versions(history: WorkspaceHistory) -> list[VersionSummary]:
    """The versions that count, oldest first: not skipped, and written before the workspace was deleted."""
    deleted = history.deleted_at
    return [v for v in history.versions if v.skipped is None and (deleted is None or v.created_at < deleted)]


def _changes(histories: Iterable[WorkspaceHistory], values: Values) -> dict[str, dict[datetime, int]]:
    """Per label, how its value changes at each instant (simultaneous changes summed)."""
    changes: dict[str, dict[datetime, int]] = {}

    def add(label: str, when: datetime, delta: int) -> None:
        at = changes.setdefault(label, {})
        at[when] = at.get(when, 0) + delta

    for history in histories:
        previous: Mapping[str, int] = {}
        for version in counted_versions(history):
            current = values(history, version)
            for label in previous.keys() | current.keys():
                delta = current.get(label, 0) - previous.get(label, 0)
                if delta:
                    add(label, version.created_at, delta)
            previous = current
        if history.deleted_at is not None:
            for label, value in previous.items():
                if value:
                    add(label, history.deleted_at, -value)
    return changes


def _daily(changes: Mapping[datetime, int], period: Period) -> Daily:
    days = period.length
    opening, running = 0, 0
    within: dict[int, list[int]] = {}  # day index -> the values reached that day, in order
    for when, delta in sorted(changes.items()):
        index = (when.astimezone(UTC).date() - period.start).days
        if index >= days:
            break  # without it, later changes only fill days past the end, never read  # pragma: no mutate
        running += delta
        if index < 0:
            opening = running
        else:
            within.setdefault(index, []).append(running)
    end, peak = [], []
    value = opening
    for index in range(days):
        reached = within.get(index, [])
        peak.append(max([value, *reached]))
        value = reached[-1] if reached else value
        end.append(value)
    return Daily(end, peak)


def daily(histories: Iterable[WorkspaceHistory], period: Period, values: Values) -> dict[str, Daily]:
    """Every label's end-of-day and peak series. The work is per state version, not per day."""
    return {label: _daily(at, period) for label, at in sorted(_changes(histories, values).items())}


def breakdown(
    histories: Iterable[WorkspaceHistory],
    period: Period,
    label: Callable[[WorkspaceHistory, ResourceCount], str | None],
) -> dict[str, Daily]:
    """Daily managed instances per label, e.g. per resource type, provider, tag value or account."""
    return daily(histories, period, lambda h, v: _group(v.resources, lambda r: label(h, r)))


def _group(resources: Iterable[ResourceCount], key: Callable[[ResourceCount], str | None]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for r in resources:
        k = key(r)
        if k is not None and is_managed(r.type):
            totals[k] = totals.get(k, 0) + r.count
    return totals


def total_series(histories: Iterable[WorkspaceHistory], period: Period) -> Daily:
    """The organization's RUM: each version counts TFC's billable count where given (``version_rum``)."""
    return daily(histories, period, lambda h, v: {"all": version_rum(v)}).get(
        "all", Daily([0] * period.length, [0] * period.length))


def by_workspace(histories: Iterable[WorkspaceHistory], period: Period) -> dict[str, Daily]:
    return daily(histories, period, lambda h, v: {h.name: version_rum(v)})


def by_type(history: WorkspaceHistory, resource: ResourceCount) -> str:
    return resource.type


def by_provider(history: WorkspaceHistory, resource: ResourceCount) -> str:
    return resource.provider


def by_tag(key: str) -> Callable[[WorkspaceHistory, ResourceCount], str]:
    def label(history: WorkspaceHistory, resource: ResourceCount) -> str:
        return history.tag_value(key) or "(untagged)"

    return label


def by_account(mapping: Mapping[str, str]) -> Callable[[WorkspaceHistory, ResourceCount], str]:
    """The ``account:`` tag, or the mapping file's account for the workspace name, else "(unknown)"."""

    def label(history: WorkspaceHistory, resource: ResourceCount) -> str:
        return mapping.get(history.name) or history.tag_value("account") or "(unknown)"

    return label


def latest_per_workspace(histories: Iterable[WorkspaceHistory], day: date) -> list[tuple[str, int, str | None]]:
    """(workspace, RUM at the end of ``day``, id of the version counted) for every workspace, largest first."""
    rows = []
    end = _end_of(day)
    for history in histories:
        counted = [v for v in counted_versions(history) if v.created_at < end]
        deleted = history.deleted_at is not None and history.deleted_at < end
        version = counted[-1] if counted and not deleted else None
        rows.append((history.name, version_rum(version) if version else 0, version.id if version else None))
    rows.sort(key=lambda row: (-row[1], row[0]))
    return rows
