"""The exhaustion window and its hysteresis: a case table on an injected clock, and a reference model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.exhaustion import Event, PoolState, Window, observe

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
E, R = Event.EXHAUSTED, Event.RECOVERED


DEFAULT = Window()


def run(observations: list[tuple[float, int]], window: Window = DEFAULT) -> tuple[list[tuple[float, Event]], PoolState]:
    """Feed (minute, idle agents) observations; return (minute, event) for every event and the final state."""
    state = PoolState()
    events = []
    for minute, idle in observations:
        state, event = observe(state, idle, T0 + timedelta(minutes=minute), window)
        if event is not None:
            events.append((minute, event))
    return events, state


def every_minute(start: int, end: int, idle: int) -> list[tuple[float, int]]:
    return [(m, idle) for m in range(start, end + 1)]


CASES = [
    ("one busy minute is not an alert", [(0, 0), (1, 3)], Window(), []),
    ("nine minutes without an idle agent are not enough", every_minute(0, 9, 0), Window(), []),
    ("ten minutes without an idle agent: exhausted, at exactly ten", every_minute(0, 10, 0), Window(), [(10, E)]),
    ("a pool that stays exhausted alerts once", every_minute(0, 45, 0), Window(), [(10, E)]),
    ("an idle agent restarts the window",
     [*every_minute(0, 5, 0), (6, 1), *every_minute(7, 17, 0)], Window(), [(17, E)]),
    ("an idle agent one minute before the window ends restarts it",
     [*every_minute(0, 9, 0), (10, 2), *every_minute(11, 20, 0)], Window(), []),
    ("recovery needs five minutes of idle agents, exactly five",
     every_minute(0, 10, 0) + every_minute(11, 16, 1), Window(), [(10, E), (16, R)]),
    ("four minutes of idle agents do not recover",
     every_minute(0, 10, 0) + every_minute(11, 15, 1), Window(), [(10, E)]),
    ("a flapping pool does not recover or page again",
     every_minute(0, 10, 0) + [(m, m % 2) for m in range(11, 60)], Window(), [(10, E)]),
    ("a flapping pool that never had ten busy minutes pages nobody",
     [(m, int(m % 4 == 3)) for m in range(0, 60)], Window(), []),
    ("a busy minute during recovery restarts it",
     every_minute(0, 10, 0) + every_minute(11, 13, 1) + [(14, 0)] + every_minute(15, 20, 1), Window(),
     [(10, E), (20, R)]),
    ("recover_idle=2: one idle agent is not a recovery",
     every_minute(0, 10, 0) + every_minute(11, 30, 1), Window(recover_idle=2), [(10, E)]),
    ("recover_idle=2: two idle agents for five minutes recover",
     every_minute(0, 10, 0) + every_minute(11, 16, 2), Window(recover_idle=2), [(10, E), (16, R)]),
    ("recover_idle=2: one idle agent still counts as not exhausted before the alert",
     [*every_minute(0, 5, 0), (6, 1), *every_minute(7, 15, 0)], Window(recover_idle=2), []),
    ("after a recovery a new exhaustion needs a full window again",
     every_minute(0, 10, 0) + every_minute(11, 16, 1) + every_minute(17, 26, 0) + every_minute(27, 27, 0),
     Window(), [(10, E), (16, R), (27, E)]),
    ("observations five minutes apart keep the streak", [(0, 0), (5, 0), (10, 0)], Window(), [(10, E)]),
    ("a gap longer than max_gap restarts the streak",
     [(0, 0), (4, 0), (8, 0), (14, 0), (18, 0), (22, 0), (24, 0)], Window(), [(24, E)]),
    ("a gap restarts the recovery streak too",
     [*every_minute(0, 10, 0), (11, 1), (13, 1), (19, 1), (22, 1), (24, 1)], Window(), [(10, E), (24, R)]),
    ("custom windows: exhausted after 3, recovered after 2",
     every_minute(0, 3, 0) + every_minute(4, 6, 1), Window(timedelta(minutes=3), timedelta(minutes=2)),
     [(3, E), (6, R)]),
]


@pytest.mark.parametrize(("observations", "window", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_window_and_hysteresis(observations: list[tuple[float, int]], window: Window,
                               expected: list[tuple[float, Event]]) -> None:
    events, _ = run(observations, window)
    assert events == expected


def test_the_episode_starts_where_its_streak_started() -> None:
    _, state = run(every_minute(0, 3, 1) + every_minute(4, 14, 0))
    assert state == PoolState(exhausted=True, streak_since=None, last_seen=T0 + timedelta(minutes=14),
                              episode_since=T0 + timedelta(minutes=4))


def test_recovery_clears_the_episode_and_the_streak() -> None:
    _, state = run(every_minute(0, 10, 0) + every_minute(11, 16, 1))
    assert state == PoolState(exhausted=False, last_seen=T0 + timedelta(minutes=16))


def test_an_observation_for_the_current_state_clears_the_streak() -> None:
    _, state = run([(0, 0), (1, 0), (2, 4)])
    assert state == PoolState(exhausted=False, streak_since=None, last_seen=T0 + timedelta(minutes=2))


def test_a_streak_remembers_its_start() -> None:
    _, state = run([(0, 1), (1, 0), (2, 0)])
    assert state.streak_since == T0 + timedelta(minutes=1)
    assert state.last_seen == T0 + timedelta(minutes=2)


def reference(idles: list[int], exhaust: int, recover: int, recover_idle: int) -> list[bool]:
    """Exhausted after minute t: every minute of the last ``exhaust`` saw no idle agent (entering), or not every
    minute of the last ``recover`` saw ``recover_idle`` idle agents (staying)."""
    out, exhausted = [], False
    for t in range(len(idles)):
        if not exhausted and t >= exhaust and all(i == 0 for i in idles[t - exhaust: t + 1]):
            exhausted = True
        elif exhausted and t >= recover and all(i >= recover_idle for i in idles[t - recover: t + 1]):
            exhausted = False
        out.append(exhausted)
    return out


@settings(max_examples=300, deadline=None)
@given(idles=st.lists(st.integers(0, 3), max_size=80), exhaust=st.integers(1, 12), recover=st.integers(1, 8),
       recover_idle=st.integers(1, 3))
def test_minute_by_minute_matches_the_reference(idles: list[int], exhaust: int, recover: int,
                                                recover_idle: int) -> None:
    window = Window(timedelta(minutes=exhaust), timedelta(minutes=recover), recover_idle)
    state, seen = PoolState(), []
    expected = reference(idles, exhaust, recover, recover_idle)
    for t, idle in enumerate(idles):
        before = state.exhausted
        state, event = observe(state, idle, T0 + timedelta(minutes=t), window)
        seen.append(state.exhausted)
        assert (event is not None) == (state.exhausted != before)
        assert event is None or event == (E if state.exhausted else R)
    assert seen == expected
