"""Daily resources-under-management series and their breakdowns: pure functions of workspace histories.

A workspace's count on a day is that of its latest state version created on or before the end of that day
(UTC); before its first version it counts nothing; from the day it was deleted it counts nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from reporting.counting import is_managed
from reporting.records import ResourceCount, WorkspaceHistory


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


def segments(history: WorkspaceHistory, period: Period) -> list[tuple[int, int, int]]:
    """(first day index, day index after the last, version index): which version counts on which days."""
    days = period.length
    starts = []
    for index, version in enumerate(history.versions):
        first = (version.created_at.astimezone(UTC).date() - period.start).days  # counts from its own day
        starts.append((max(0, first), index))
    stop = days
    if history.deleted_at is not None:
        stop = min(days, max(0, (history.deleted_at.astimezone(UTC).date() - period.start).days))
    out = []
    for n, (first, index) in enumerate(starts):
        following = starts[n + 1][0] if n + 1 < len(starts) else stop
        last = min(following, stop)
        if first < last:
            out.append((first, last, index))
    return out


def counts_by_day(
    history: WorkspaceHistory, days: Sequence[date], key: Callable[[ResourceCount], str | None]
) -> list[dict[str, int]]:
    """For each day, the workspace's managed instances grouped by ``key`` (None drops the resource)."""
    stamps = [v.created_at for v in history.versions]
    grouped = [_group(v.resources, key) for v in history.versions]
    out: list[dict[str, int]] = []
    for day in days:
        end = _end_of(day)
        if history.deleted_at is not None and history.deleted_at < end:
            out.append({})
            continue
        index = bisect.bisect_left(stamps, end) - 1
        out.append(grouped[index] if index >= 0 else {})
    return out


def _group(resources: Iterable[ResourceCount], key: Callable[[ResourceCount], str | None]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for r in resources:
        k = key(r)
        if k is not None and is_managed(r.type):
            totals[k] = totals.get(k, 0) + r.count
    return totals


def breakdown(
    histories: Iterable[WorkspaceHistory],
    period: Period,
    label: Callable[[WorkspaceHistory, ResourceCount], str | None],
) -> dict[str, list[int]]:
    """Daily managed instances per label, e.g. per resource type, provider, tag value or account.

    Versions hold for runs of days, so counts are added as differences at the run's ends and summed once:
    the work is per version, not per day.
    """
    days = period.length
    deltas: dict[str, list[int]] = {}
    for history in histories:
        for first, after, index in segments(history, period):
            version = history.versions[index]
            for name, value in _group(version.resources, lambda r, h=history: label(h, r)).items():  # type: ignore[misc]
                column = deltas.setdefault(name, [0] * (days + 1))
                column[first] += value
                column[after] -= value
    series = {}
    for name, column in deltas.items():
        running, values = 0, []
        for delta in column[:days]:
            running += delta
            values.append(running)
        series[name] = values
    return dict(sorted(series.items()))


def total_series(histories: Iterable[WorkspaceHistory], period: Period) -> list[tuple[date, int]]:
    totals = breakdown(histories, period, lambda h, r: "all").get("all", [0] * len(period.days()))
    return list(zip(period.days(), totals, strict=True))


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
    """(workspace, RUM on ``day``, id of the version counted) for every workspace, largest first."""
    rows = []
    for history in histories:
        (counts,) = counts_by_day(history, [day], lambda r: "all")
        end = _end_of(day)
        counted = [v for v in history.versions if v.created_at < end]
        deleted = history.deleted_at is not None and history.deleted_at < end
        rows.append((history.name, counts.get("all", 0), counted[-1].id if counted and not deleted else None))
    rows.sort(key=lambda row: (-row[1], row[0]))
    return rows


def top_n(series: Mapping[str, list[int]], n: int, other: str = "other") -> dict[str, list[int]]:
    """The ``n`` largest series (by their last value) and the rest summed as ``other``."""
    ranked = sorted(series.items(), key=lambda item: (-item[1][-1] if item[1] else 0, item[0]))
    kept = dict(ranked[:n])
    rest = [values for _, values in ranked[n:]]
    if rest:
        kept[other] = [sum(column) for column in zip(*rest, strict=True)]
    return kept
