"""The recommendation formula, its bounds and the scale-in cooldown: a case table and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.scaling import Demand, ScalePolicy, recommend, waves

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
P = ScalePolicy(max_agents=20)  # min 1, max 20, headroom 1, target wait 2 min, default run 5 min, cooldown 15 min

CASES = [
    # (name, demand, policy, last_needed, desired, raw, held)
    ("busy agents plus headroom", Demand(3, 0, 4), P, None, 4, 4, False),
    ("runs slower than the target wait: one agent per queued workspace", Demand(3, 4, 4, 5 * MIN), P, None, 8, 8,
     False),
    ("fast runs: one agent starts several queued runs within the wait",
     Demand(3, 7, 4, 5 * MIN), ScalePolicy(target_wait=10 * MIN), None, 7, 7, False),
    ("a target wait equal to the run time gives two waves", Demand(0, 3, 1, 5 * MIN),
     ScalePolicy(target_wait=5 * MIN), None, 3, 3, False),
    ("a target wait just under the run time gives one wave", Demand(0, 3, 1, 5 * MIN),
     ScalePolicy(target_wait=5 * MIN - timedelta(seconds=1)), None, 4, 4, False),
    ("no run-time data: the default run time", Demand(0, 4, 1), ScalePolicy(target_wait=5 * MIN), None, 3, 3, False),
    ("a zero run time counts as no data", Demand(0, 4, 1, timedelta(0)), ScalePolicy(target_wait=5 * MIN), None, 3,
     3, False),
    ("a negative run time counts as no data", Demand(0, 4, 1, -MIN), ScalePolicy(target_wait=5 * MIN), None, 3, 3,
     False),
    ("headroom is configurable", Demand(2, 0, 2), ScalePolicy(headroom=3), None, 5, 5, False),
    ("bounded by max_agents", Demand(25, 4, 20), P, None, 20, 30, False),
    ("raised to min_agents", Demand(0, 0, 2), ScalePolicy(min_agents=2, headroom=0), None, 2, 0, False),
    ("exactly max_agents is allowed", Demand(19, 0, 20), P, None, 20, 20, False),
    ("scale-in is held within the cooldown", Demand(3, 0, 10), P, NOW - 5 * MIN, 10, 4, True),
    ("scale-in one second before the cooldown ends is held", Demand(3, 0, 10), P,
     NOW - 15 * MIN + timedelta(seconds=1), 10, 4, True),
    ("scale-in goes ahead once the cooldown has passed", Demand(3, 0, 10), P, NOW - 15 * MIN, 4, 4, False),
    ("a pool without history starts its cooldown now", Demand(3, 0, 10), P, None, 10, 4, True),
    ("scaling out ignores the cooldown", Demand(5, 0, 2), P, NOW, 6, 6, False),
    ("no change needs no cooldown", Demand(3, 0, 4), P, NOW, 4, 4, False),
]


@pytest.mark.parametrize(("demand", "policy", "last_needed", "desired", "raw", "held"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_recommendation(demand: Demand, policy: ScalePolicy, last_needed: datetime | None, desired: int, raw: int,
                        held: bool) -> None:
    rec = recommend(demand, policy, last_needed, NOW)
    assert (rec.desired, rec.raw, rec.held, rec.current) == (desired, raw, held, demand.current)


@pytest.mark.parametrize(("raw_busy", "current", "last_needed", "expected"), [
    (3, 4, NOW - 60 * MIN, NOW),  # demand (raw 4) reaches the size (4): needed now
    (4, 4, NOW - 60 * MIN, NOW),  # above the size
    (2, 4, NOW - 60 * MIN, NOW - 60 * MIN),  # below: the last time it was needed stays
    (2, 4, None, NOW),  # first sight
])
def test_last_needed(raw_busy: int, current: int, last_needed: datetime | None, expected: datetime) -> None:
    assert recommend(Demand(raw_busy, 0, current), P, last_needed, NOW).last_needed == expected


def test_the_documented_defaults() -> None:
    assert ScalePolicy() == ScalePolicy(min_agents=1, max_agents=100, headroom=1, target_wait=2 * MIN,
                                        default_run_time=5 * MIN, scale_in_cooldown=15 * MIN)


def test_reasons_show_the_formula() -> None:
    assert recommend(Demand(3, 4, 4), P, None, NOW).reason == "3 busy + 4 for 4 queued + 1 headroom = 8"
    assert recommend(Demand(25, 4, 20), P, None, NOW).reason.endswith(", bounded to 20 (min 1, max 20)")
    held = recommend(Demand(3, 0, 10), P, NOW - 5 * MIN, NOW)
    assert held.reason == "3 busy + 0 for 0 queued + 1 headroom = 4; scale-in held for 10 min (cooldown)"


@pytest.mark.parametrize(("target", "run", "expected"), [(0, 5, 1), (4, 5, 1), (5, 5, 2), (9, 5, 2), (10, 5, 3)])
def test_waves(target: int, run: int, expected: int) -> None:
    assert waves(target * MIN, run * MIN) == expected


demands = st.builds(Demand, st.integers(0, 50), st.integers(0, 50), st.integers(0, 60),
                    st.one_of(st.none(), st.integers(1, 60).map(lambda m: m * MIN)))
policies = st.builds(lambda lo, span, head, wait: ScalePolicy(lo, lo + span, head, wait * MIN),
                     st.integers(0, 5), st.integers(0, 40), st.integers(0, 3), st.integers(0, 30))
ages = st.one_of(st.none(), st.integers(0, 60).map(lambda m: NOW - m * MIN))


@given(demands, policies, ages)
def test_bounds_or_held(demand: Demand, policy: ScalePolicy, last_needed: datetime | None) -> None:
    rec = recommend(demand, policy, last_needed, NOW)
    if rec.held:
        assert rec.desired == demand.current > min(max(rec.raw, policy.min_agents), policy.max_agents)
    else:
        assert rec.desired == min(max(rec.raw, policy.min_agents), policy.max_agents)
        assert policy.min_agents <= rec.desired <= policy.max_agents


@given(demands, policies, st.integers(1, 20))
def test_more_queued_never_means_fewer_agents(demand: Demand, policy: ScalePolicy, more: int) -> None:
    busier = Demand(demand.busy, demand.queued_workspaces + more, demand.current, demand.run_time)
    assert recommend(busier, policy, NOW, NOW).desired >= recommend(demand, policy, NOW, NOW).desired


@given(demands, policies)
def test_every_queued_workspace_is_served_within_the_target_wait(demand: Demand, policy: ScalePolicy) -> None:
    """With the extra agents, the last queued run starts within the target wait (runs take ``run_time``)."""
    rec = recommend(demand, policy, None, NOW)
    extra = rec.raw - demand.busy - policy.headroom
    run_time = demand.run_time or policy.default_run_time
    if demand.queued_workspaces:
        rounds = -(-demand.queued_workspaces // extra)
        assert (rounds - 1) * run_time <= policy.target_wait
        fewer = extra - 1
        assert fewer == 0 or (-(-demand.queued_workspaces // fewer) - 1) * run_time > policy.target_wait
    else:
        assert extra == 0
