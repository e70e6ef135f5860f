"""Agent pools whose agents change state over time: saturated, recovering, flapping (scenario ``timeline``).

A pool's timeline says how many of its live agents (idle or busy in the scenario) are idle from a minute on,
counted from the moment the scenario was loaded on the world's clock; the rest are busy. With ``repeat_minutes``
the timeline starts over (a flapping pool). Unknown, errored and exited agents keep their status. Statuses are
recomputed whenever a client reads the pool, so a test that moves the injected clock sees the pool change. While
a pool's timeline gives it no idle agent, queued runs of its workspaces (``plan_queued``, ``apply_queued``) wait.

    timeline: [{minute: 0, idle: 0}]                                  # saturated from the start
    timeline: [{minute: 0, idle: 0}, {minute: 12, idle: 3}]          # recovering after 12 minutes
    timeline: [{minute: 0, idle: 0}, {minute: 3, idle: 1}]           # flapping:
    repeat_minutes: 5                                                 #   3 min saturated, 2 min not, again
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from tfc.errors import ConfigError
from tfc.sandbox.world import AgentPoolRec, RunRec, World
from tfc.yamllines import LINE

LIVE = ("idle", "busy")
ErrorAt = Callable[[Any, str, str], ConfigError]  # (node, field, problem): the scenario's file:line error


@dataclass(frozen=True, slots=True)
class Timeline:
    start: datetime
    steps: tuple[tuple[float, int], ...]  # (minute, idle agents), by minute
    repeat_minutes: float | None = None

    def idle_at(self, now: datetime) -> int | None:
        """Idle agents at ``now``; ``None`` before the first step (the scenario's statuses stand)."""
        minute = (now - self.start) / timedelta(minutes=1)
        if self.repeat_minutes:
            minute %= self.repeat_minutes
        idle = None
        for at, count in self.steps:
            if at <= minute:
                idle = count
        return idle


_TIMELINES: WeakKeyDictionary[World, dict[str, Timeline]] = WeakKeyDictionary()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse(node: dict[str, Any], field: str, now: datetime, error: ErrorAt) -> Timeline:
    """A timeline from a scenario pool's ``timeline`` and ``repeat_minutes``; ``error`` names file:line and field."""
    raw_steps = node["timeline"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise error(node, f"{field}.timeline", "expected a list of {minute: M, idle: N}")
    steps = []
    for index, step in enumerate(raw_steps):
        if not isinstance(step, dict) or set(step) - {"minute", "idle", LINE} or not _number(step.get("minute")) \
                or step["minute"] < 0 or not isinstance(step.get("idle"), int) or isinstance(step["idle"], bool) \
                or step["idle"] < 0:
            raise error(step if isinstance(step, dict) else node, f"{field}.timeline[{index}]",
                        "expected {minute: M >= 0, idle: N >= 0}")
        steps.append((float(step["minute"]), int(step["idle"])))
    repeat = node.get("repeat_minutes")
    if repeat is not None and (not _number(repeat) or repeat <= 0):
        raise error(node, f"{field}.repeat_minutes", "expected a positive number of minutes")
    return Timeline(now, tuple(sorted(steps)), float(repeat) if repeat is not None else None)


def attach(world: World, pool: AgentPoolRec, timeline: Timeline) -> None:
    """Give the pool its timeline; queued runs of its workspaces start only while it has idle agents."""
    _TIMELINES.setdefault(world, {})[pool.id] = timeline
    world.agent_free = lambda run: agent_free(world, run)


def agent_free(world: World, run: RunRec) -> bool:
    """A queued run in a workspace whose pool has a timeline starts only when the timeline gives idle agents."""
    pool_id = world.workspaces[run.workspace_id].agent_pool_id
    timeline = _TIMELINES.get(world, {}).get(pool_id or "")
    if timeline is None:
        return True
    idle = timeline.idle_at(world.clock())
    return idle is None or idle > 0


def refresh(world: World, pool: AgentPoolRec) -> None:
    """Set the pool's live agents' statuses for the world's clock (callers hold the world's lock)."""
    timeline = _TIMELINES.get(world, {}).get(pool.id)
    if timeline is None:
        return
    now = world.clock()
    idle = timeline.idle_at(now)
    if idle is None:
        return
    live = [world.agents[a] for a in pool.agent_ids if world.agents[a].status in LIVE]
    for index, agent in enumerate(live):
        agent.status = "idle" if index < idle else "busy"
        agent.last_ping_at = now
