"""Runs waiting for an agent, per pool, from one organization runs list (with workspaces included).

A run is *waiting* in ``pending``, ``plan_queued``, ``queuing``, ``apply_queued`` or ``queuing_apply``, and
*running* (it holds an agent) in ``fetching``, ``planning`` or ``applying``. Runs waiting for confirmation (or
a policy override, or in any other resting state) hold no agent and count as neither; nor does a ``pending`` run
that is not its workspace's current run: it waits behind another run of its workspace (perhaps one waiting for
confirmation), not for an agent. Only workspaces in agent
execution mode with a pool count; a workspace runs one run at a time, so agent demand is counted in
workspaces: a workspace with a running run needs no further agent for the runs queued behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tfc.models import Run

WAITING = frozenset({"pending", "plan_queued", "queuing", "apply_queued", "queuing_apply"})
RUNNING = frozenset({"fetching", "planning", "applying"})


@dataclass(frozen=True, slots=True)
class PoolQueue:
    waiting_runs: int = 0
    waiting_workspaces: int = 0  # workspaces with a waiting run and no running one: each needs an agent
    running_runs: int = 0
    oldest_wait: timedelta | None = None


def waiting_since(run: Run) -> datetime | None:
    """When the run entered its current status (TFC's ``<status>-at``), else when it was created."""
    return run.status_timestamps.get(f"{run.status.replace('_', '-')}-at") or run.created_at


def queues(runs: Iterable[Run], now: datetime) -> dict[str, PoolQueue]:
    """Pool id → its queue; pools with nothing waiting or running are absent."""
    waiting: dict[str, list[Run]] = {}
    running: dict[str, list[Run]] = {}
    for run in runs:
        ws = run.workspace
        if ws is None or ws.execution_mode != "agent" or ws.agent_pool_id is None:
            continue
        if run.status == "pending" and ws.current_run_id not in (None, run.id):
            continue
        if run.status in WAITING:
            waiting.setdefault(ws.agent_pool_id, []).append(run)
        elif run.status in RUNNING:
            running.setdefault(ws.agent_pool_id, []).append(run)
    out = {}
    for pool in waiting.keys() | running.keys():
        queued = waiting.get(pool, [])
        busy_ws = {r.workspace_id for r in running.get(pool, [])}
        starts = [t for r in queued if (t := waiting_since(r)) is not None]
        out[pool] = PoolQueue(
            waiting_runs=len(queued),
            waiting_workspaces=len({r.workspace_id for r in queued} - busy_ws),
            running_runs=len(running.get(pool, [])),
            oldest_wait=max(now - min(starts), timedelta(0)) if starts else None,
        )
    return out
