"""What a tick reads from TFC: pools with their agents' statuses, and the runs that matter (list requests only).

Reads: the pool list, one agents list per pool, the organization's runs that wait for or hold an agent (by status,
so the many runs waiting for confirmation are not paged through), and the newest page of all runs (plans that
ended between two ticks, recent plan and apply times). Five requests for two pools.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

from monitor.plantime import stage_times
from monitor.queue import RUNNING, WAITING
from tfc.client import TfcClient
from tfc.errors import TfcError
from tfc.models import Run

RECENT_RUNS = 100  # one page: plans that ended between two ticks are among the newest runs


@dataclass(frozen=True, slots=True)
class PoolCounts:
    id: str
    name: str
    idle: int = 0
    busy: int = 0
    unknown: int = 0
    errored: int = 0  # errored and exited: they do not count against capacity

    @property
    def size(self) -> int:
        return self.idle + self.busy + self.unknown


def read_pools(client: TfcClient, errors: list[str]) -> list[PoolCounts]:
    out = []
    for pool in client.list_agent_pools():
        try:
            statuses = [agent.status for agent in client.list_agents(pool.id)]
        except TfcError as exc:
            errors.append(f"agent pool {pool.name}: {exc}")
            continue
        out.append(PoolCounts(pool.id, pool.name, statuses.count("idle"), statuses.count("busy"),
                              statuses.count("unknown"), statuses.count("errored") + statuses.count("exited")))
    return out


def read_runs(client: TfcClient) -> tuple[list[Run], list[Run]]:
    """(runs waiting for or holding an agent, the newest runs) with their workspaces: two list requests."""
    live = list(client.list_org_runs(statuses=sorted(WAITING | RUNNING), include=("workspace",)))
    recent = list(islice(client.list_org_runs(include=("workspace",)), RECENT_RUNS))
    return live, recent


def run_times(runs: Iterable[Run]) -> dict[str, timedelta]:
    """Pool id → median time a plan or apply stage held an agent."""
    samples: dict[str, list[timedelta]] = {}
    for run in runs:
        if run.workspace is not None and run.workspace.agent_pool_id is not None:
            samples.setdefault(run.workspace.agent_pool_id, []).extend(stage_times(run))
    return {pool: statistics.median_low(times) for pool, times in samples.items() if times}
