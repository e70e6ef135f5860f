"""How long plans took, from the run's status timestamps: ``planning-at`` to the first status after planning.

A run still planning has taken ``now - planning-at`` so far, so a slow plan is caught before it ends.
Percentiles use the nearest-rank method (p95 of 20 plans is the 19th fastest).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tfc.models import Run

# Statuses a run can reach straight from planning (TFC-API.md §5 status-timestamps).
PLAN_ENDS = ("planned-at", "planned-and-finished-at", "planned-and-saved-at", "cost-estimating-at",
             "policy-checking-at", "post-plan-running-at", "errored-at", "canceled-at", "force-canceled-at",
             "discarded-at")


@dataclass(frozen=True, slots=True)
class PlanTime:
    run_id: str
    workspace: str
    owner: str | None  # the workspace's owner: tag value
    took: timedelta
    finished: bool
    started: datetime

    @property
    def ended(self) -> datetime:
        """When planning ended (for a plan still running: now, as of the measurement)."""
        return self.started + self.took


def planning_time(run: Run, now: datetime) -> tuple[timedelta, bool] | None:
    """(duration, finished) of the run's plan; ``None`` when it never started planning."""
    start = run.status_timestamps.get("planning-at")
    if start is None:
        return None
    ends = [t for key in PLAN_ENDS if (t := run.status_timestamps.get(key)) is not None and t >= start]
    if ends:
        return min(ends) - start, True
    return (now - start, False) if run.status == "planning" else None


def matches(tags: Sequence[str], selector: Sequence[str]) -> bool:
    """The workspace has every tag of the selector (``tier:dev`` or ``tier:dev,team:net``)."""
    return all(tag in tags for tag in selector)


def plan_times(runs: Iterable[Run], selector: Sequence[str], now: datetime) -> list[PlanTime]:
    """Plan durations of runs in workspaces matching the selector, one per run."""
    out: dict[str, PlanTime] = {}
    for run in runs:
        ws = run.workspace
        if ws is None or not matches(ws.tag_names, selector):
            continue
        measured = planning_time(run, now)
        if measured is not None:
            took, finished = measured
            out[run.id] = PlanTime(run.id, ws.name, ws.tag_value("owner"), took, finished,
                                   run.status_timestamps["planning-at"])
    return sorted(out.values(), key=lambda p: (-p.took, p.run_id))


def slow(times: Iterable[PlanTime], threshold: timedelta) -> list[PlanTime]:
    return [t for t in times if t.took > threshold]


def percentile(values: Sequence[timedelta], pct: float) -> timedelta:
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class WorkspacePlans:
    workspace: str
    plans: int
    p50: timedelta
    p95: timedelta
    slowest: timedelta


def slowest_workspaces(times: Iterable[PlanTime], limit: int = 20) -> list[WorkspacePlans]:
    """Finished plans per workspace, slowest p95 first."""
    by_ws: dict[str, list[timedelta]] = {}
    for t in times:
        if t.finished:
            by_ws.setdefault(t.workspace, []).append(t.took)
    rows = [WorkspacePlans(ws, len(v), percentile(v, 50), percentile(v, 95), max(v)) for ws, v in by_ws.items()]
    return sorted(rows, key=lambda r: (-r.p95, -r.p50, r.workspace))[:limit]


def stage_times(run: Run) -> list[timedelta]:
    """Finished plan and apply stages of a run: each held an agent for this long."""
    out = []
    plan = planning_time(run, run.created_at or datetime.min)
    if plan is not None and plan[1]:
        out.append(plan[0])
    start = run.status_timestamps.get("applying-at")
    ends = [t for key in ("applied-at", "errored-at", "canceled-at", "force-canceled-at")
            if start is not None and (t := run.status_timestamps.get(key)) is not None and t >= start]
    if start is not None and ends:
        out.append(min(ends) - start)
    return out
