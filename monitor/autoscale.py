"""`tfc agents recommend`: the desired agent count per pool now, and optionally setting an ECS service to it.

Reads as a tick does (``reads``), decides with ``scaling.recommend``; the scale-in cooldown's history lives in the
same state as the tick's, and is written only when the recommendation is acted on (``apply``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from monitor.config import MonitorConfig
from monitor.ecs import ScaleAction, desired_count, set_desired
from monitor.queue import PoolQueue, queues
from monitor.reads import PoolCounts, read_pools, read_runs, run_times
from monitor.scaling import Demand, Recommendation, recommend
from monitor.state import MonitorStore
from tfc.client import TfcClient
from tfc.errors import UsageError


@dataclass(frozen=True, slots=True)
class PoolRecommendation:
    counts: PoolCounts
    queue: PoolQueue
    recommendation: Recommendation
    scaling: ScaleAction | None


def recommend_pools(client: TfcClient, store: MonitorStore, config: MonitorConfig, now: datetime, *,
                    ecs: Any = None, apply: bool = False,
                    only: Sequence[str] = ()) -> tuple[list[PoolRecommendation], list[str]]:
    """(recommendations, read errors); a pool named in ``only`` or ``config.ecs_services`` must exist."""
    errors: list[str] = []
    pools = read_pools(client, errors)
    names = {p.name for p in pools}
    unknown = sorted((set(only) | set(config.ecs_services)) - names)
    if unknown and not errors:
        raise UsageError(f"no agent pool named {', '.join(unknown)} (pools: {', '.join(sorted(names)) or 'none'})")
    live, recent = read_runs(client)
    by_pool, times = queues(live, now), run_times(recent)
    out = []
    for counts in pools:
        if only and counts.name not in only:
            continue
        queue = by_pool.get(counts.id, PoolQueue())
        record = store.pool(counts.id)
        target = config.ecs_services.get(counts.name)
        current = desired_count(ecs, target) if target is not None and ecs is not None else None
        demand = Demand(counts.busy, queue.waiting_workspaces, counts.size if current is None else current,
                        times.get(counts.id))
        rec = recommend(demand, config.scale, record.last_needed, now)
        scaling = None
        if target is not None and ecs is not None:
            scaling = set_desired(ecs, target, rec.desired, dry_run=not apply)
        if apply:
            store.save_pool(counts.id, replace(record, last_needed=rec.last_needed))
        out.append(PoolRecommendation(counts, queue, rec, scaling))
    return out, errors
