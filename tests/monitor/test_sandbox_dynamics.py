"""The sandbox's agent timelines (saturated, recovering, flapping) and scenario planning durations."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.monitor.harness import Clock, scenario_sandbox
from tfc.errors import ConfigError
from tfc.sandbox import Sandbox
from tfc.sandbox.agent_dynamics import Timeline
from tfc.sandbox.run_timing import planning_stamps

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("steps", "repeat", "minute", "idle"), [
    (((0, 0),), None, 0, 0),
    (((0, 0),), None, 500, 0),
    (((2, 0),), None, 1.99, None),  # before the first step the scenario's statuses stand
    (((0, 0), (12, 3)), None, 11.99, 0),
    (((0, 0), (12, 3)), None, 12, 3),
    (((0, 0), (3, 1)), 5, 2.99, 0),
    (((0, 0), (3, 1)), 5, 3, 1),
    (((0, 0), (3, 1)), 5, 4.99, 1),
    (((0, 0), (3, 1)), 5, 5, 0),
    (((0, 0), (3, 1)), 5, 13, 1),
])
def test_timeline(steps: tuple[tuple[float, int], ...], repeat: float | None, minute: float, idle: int | None) -> None:
    assert Timeline(T0, steps, repeat).idle_at(T0 + timedelta(minutes=minute)) == idle


def statuses(sandbox: Sandbox, pool: str) -> Counter[str]:
    with sandbox.client() as client:
        pool_id = next(p.id for p in client.list_agent_pools() if p.name == pool)
        return Counter(a.status for a in client.list_agents(pool_id))


def test_agents_change_state_as_the_clock_moves() -> None:
    clock = Clock()
    with scenario_sandbox(clock) as sandbox:
        seen = {}
        for minute in (0, 29, 30, 31):
            clock.at(minute)
            seen[minute] = statuses(sandbox, "busy-pool")
        flapping = []
        for minute in range(10):
            clock.at(minute)
            flapping.append(statuses(sandbox, "flappy-pool")["idle"])
    assert seen[0] == Counter(busy=4) and seen[29] == Counter(busy=4)
    assert seen[30] == seen[31] == Counter(busy=2, idle=2)
    assert flapping == [0, 0, 0, 1, 1, 0, 0, 0, 1, 1]


def test_unknown_and_errored_agents_keep_their_status(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("organization: o\nagent_pools:\n  - name: p\n    agents: {idle: 1, busy: 1, unknown: 2, errored: 1}"
                    "\n    timeline: [{minute: 0, idle: 5}]\nworkspaces: []\n")
    sandbox = Sandbox.from_scenario(path, rate_limit=None, clock=Clock())
    try:
        assert statuses(sandbox, "p") == Counter(idle=2, unknown=2, errored=1)  # idle is capped by live agents
    finally:
        sandbox.close()


@pytest.mark.parametrize(("pool", "message"), [
    ("    timeline: []", "agent_pools[0].timeline: expected a list"),
    ("    timeline: [{minute: -1, idle: 0}]", "agent_pools[0].timeline[0]: expected {minute: M >= 0, idle: N >= 0}"),
    ("    timeline: [{minute: 1, idle: true}]", "agent_pools[0].timeline[0]"),
    ("    timeline: [{minute: 1, idle: 0, busy: 2}]", "agent_pools[0].timeline[0]"),
    ("    timeline: [3]", "agent_pools[0].timeline[0]"),
    ("    timeline: [{minute: 0, idle: 0}]\n    repeat_minutes: 0", "agent_pools[0].repeat_minutes: expected a positive"),
    ("    timelines: []", "unknown key(s) timelines"),
])
def test_bad_timelines_name_file_line_and_field(tmp_path: Path, pool: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"organization: o\nagent_pools:\n  - name: p\n    agents: {{busy: 1}}\n{pool}\nworkspaces: []\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml:\d+: ") as caught:
        Sandbox.from_scenario(path, rate_limit=None)
    assert message in str(caught.value)


NOW = T0 + timedelta(hours=1)
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(("status", "created_ago", "minutes", "expected"), [
    ("planning", 10, 7, {"planning-at": NOW - 7 * MIN}),
    ("planning", 10, 10, {"planning-at": NOW - 10 * MIN}),
    ("planned", 10, 7, {"planning-at": NOW - 10 * MIN, "planned-at": NOW - 3 * MIN}),
    ("planned_and_finished", 10, 7, {"planning-at": NOW - 10 * MIN, "planned-and-finished-at": NOW - 3 * MIN}),
    ("errored", 10, 10, {"planning-at": NOW - 10 * MIN, "errored-at": NOW}),
    ("applied", 10, 4, {"planning-at": NOW - 10 * MIN, "planned-at": NOW - 6 * MIN}),
    ("planning", 10, 11, "before it was created"),
    ("planned", 10, 11, "would end in the future"),
    ("plan_queued", 10, 2, "has not started planning"),
    ("pending", 10, 2, "has not started planning"),
])
def test_planning_stamps(status: str, created_ago: int, minutes: float, expected: object) -> None:
    result = planning_stamps(status, NOW - created_ago * MIN, NOW, minutes)
    if isinstance(expected, str):
        assert isinstance(result, str) and expected in result
    else:
        assert result == expected


def test_a_bad_planning_duration_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("organization: o\nworkspaces:\n  - name: w\n    runs:\n"
                    "      - {status: planned, minutes_ago: 3, planning_minutes: 5}\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml:5: workspaces\[0\]\.runs\[0\]\.planning_minutes: the plan would end"):
        Sandbox.from_scenario(path, rate_limit=None)
