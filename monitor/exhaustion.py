"""When a pool counts as exhausted: a sustained window with no idle agent, and hysteresis on the way back.

    ok → exhausted   when every observation for ``exhausted_after`` (default 10 min) saw no idle agent
    exhausted → ok   when every observation for ``recovered_after`` (default 5 min) saw at least
                     ``recover_idle`` idle agents (default 1)

One observation against the current state starts a streak; one observation for it ends the streak. A streak
also restarts when observations are more than ``max_gap`` apart (a missed invocation proves nothing about the
minutes in between). Each flip is one event, so a pool flapping faster than the windows pages nobody, and
a pool that stays exhausted pages once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class Event(StrEnum):
    EXHAUSTED = "exhausted"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class Window:
    exhausted_after: timedelta = timedelta(minutes=10)
    recovered_after: timedelta = timedelta(minutes=5)
    recover_idle: int = 1
    max_gap: timedelta = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PoolState:
    exhausted: bool = False
    streak_since: datetime | None = None  # first observation of the current streak against ``exhausted``
    last_seen: datetime | None = None
    episode_since: datetime | None = None  # when the current exhaustion began (its streak's start)


def observe(state: PoolState, idle: int, now: datetime, window: Window) -> tuple[PoolState, Event | None]:
    """The state after seeing ``idle`` idle agents at ``now``, and the event this observation causes."""
    against = idle >= window.recover_idle if state.exhausted else idle == 0
    if not against:
        return replace(state, streak_since=None, last_seen=now), None
    broken = state.last_seen is None or now - state.last_seen > window.max_gap
    since = now if state.streak_since is None or broken else state.streak_since
    needed = window.recovered_after if state.exhausted else window.exhausted_after
    if now - since < needed:
        return replace(state, streak_since=since, last_seen=now), None
    if state.exhausted:
        return PoolState(exhausted=False, last_seen=now), Event.RECOVERED
    return PoolState(exhausted=True, last_seen=now, episode_since=since), Event.EXHAUSTED
