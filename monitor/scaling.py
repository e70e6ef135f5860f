"""How many agents a pool should have (docs/monitoring.md, "Autoscaling").

    waves    = 1 + floor(target_wait / run_time)          queued runs one new agent can start within the wait
    extra    = ceil(queued_workspaces / waves)
    raw      = busy + extra + headroom
    desired  = clamp(raw, min_agents, max_agents)

``run_time`` is the median plan and apply time seen recently (``default_run_time`` without data). Scaling out
is immediate. Scaling in waits until demand has stayed below the current size for ``scale_in_cooldown``
(``last_needed`` is the last time ``raw`` reached the current size; a pool seen for the first time starts its
cooldown then). Runs waiting for confirmation hold no agent: they are not busy and not queued.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class ScalePolicy:
    min_agents: int = 1
    max_agents: int = 100
    headroom: int = 1  # idle agents to keep for the next run
    target_wait: timedelta = timedelta(minutes=2)
    default_run_time: timedelta = timedelta(minutes=5)
    scale_in_cooldown: timedelta = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Demand:
    busy: int
    queued_workspaces: int
    current: int  # agents the pool has now (idle + busy + unknown), or the service's desired count
    run_time: timedelta | None = None


@dataclass(frozen=True, slots=True)
class Recommendation:
    desired: int
    raw: int
    current: int
    held: bool  # a scale-in held back by the cooldown
    last_needed: datetime
    reason: str


def waves(target_wait: timedelta, run_time: timedelta) -> int:
    return 1 + math.floor(target_wait / run_time)


def recommend(demand: Demand, policy: ScalePolicy, last_needed: datetime | None, now: datetime) -> Recommendation:
    measured = demand.run_time
    run_time = measured if measured is not None and measured > timedelta(0) else policy.default_run_time
    extra = math.ceil(demand.queued_workspaces / waves(policy.target_wait, run_time))
    raw = demand.busy + extra + policy.headroom
    desired = min(max(raw, policy.min_agents), policy.max_agents)
    needed = now if last_needed is None or raw >= demand.current else last_needed
    formula = (f"{demand.busy} busy + {extra} for {demand.queued_workspaces} queued + {policy.headroom} headroom"
               f" = {raw}")
    if desired < demand.current and now - needed < policy.scale_in_cooldown:
        wait = needed + policy.scale_in_cooldown - now
        return Recommendation(demand.current, raw, demand.current, True, needed,
                              f"{formula}; scale-in held for {math.ceil(wait.total_seconds() / 60)} min (cooldown)")
    bounded = "" if desired == raw else f", bounded to {desired} (min {policy.min_agents}, max {policy.max_agents})"
    return Recommendation(desired, raw, demand.current, False, needed, formula + bounded)
