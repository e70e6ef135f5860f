"""Queue depth per pool and plan durations: what counts, what does not, and the percentiles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.messages import minutes
from monitor.plantime import (
    PlanTime,
    matches,
    percentile,
    plan_times,
    planning_time,
    slow,
    slowest_workspaces,
    stage_times,
)
from monitor.queue import PoolQueue, queues, waiting_since
from tests.monitor.runs import NOW, run, workspace

MIN = timedelta(minutes=1)
A, B = workspace("a"), workspace("b")

CONFIRMATION = ["planned", "cost_estimated", "policy_checked", "post_plan_completed", "planned_and_saved",
                "policy_override", "policy_soft_failed", "confirmed", "discarded", "applied", "errored"]


@pytest.mark.parametrize("status", CONFIRMATION)
def test_runs_that_hold_no_agent_do_not_count(status: str) -> None:
    assert queues([run("r1", status, A)], NOW) == {}


@pytest.mark.parametrize("status", ["pending", "plan_queued", "queuing", "apply_queued", "queuing_apply"])
def test_waiting_statuses(status: str) -> None:
    assert queues([run("r1", status, A, created_min_ago=7)], NOW) == {
        "apool-a": PoolQueue(waiting_runs=1, waiting_workspaces=1, running_runs=0, oldest_wait=7 * MIN)}


@pytest.mark.parametrize("status", ["fetching", "planning", "applying"])
def test_running_statuses(status: str) -> None:
    assert queues([run("r1", status, A)], NOW) == {"apool-a": PoolQueue(running_runs=1)}


@pytest.mark.parametrize(("current", "counted"), [(None, True), ("r1", True), ("r0", False)])
def test_a_pending_run_behind_another_run_waits_for_its_workspace(current: str | None, counted: bool) -> None:
    ws = workspace("a", current=current)
    expected = {"apool-a": PoolQueue(1, 1, 0, 30 * MIN)} if counted else {}
    assert queues([run("r1", "pending", ws)], NOW) == expected


def test_the_current_run_rule_is_for_pending_runs_only() -> None:
    ws = workspace("a", current="r0")
    assert queues([run("r1", "plan_queued", ws)], NOW)["apool-a"].waiting_runs == 1


def test_only_agent_mode_workspaces_with_a_pool_count() -> None:
    remote, no_pool = workspace("r", mode="remote"), workspace("n", pool=None)
    assert queues([run("r1", "plan_queued", remote), run("r2", "plan_queued", no_pool)], NOW) == {}


def test_a_run_without_its_workspace_is_skipped() -> None:
    bare = run("r1", "plan_queued", A)
    assert queues([type(bare)(id="r1", status="plan_queued")], NOW) == {}


def test_runs_queued_behind_a_running_run_need_no_new_agent() -> None:
    runs = [run("r1", "planning", A), run("r2", "pending", A, created_min_ago=3),
            run("r3", "plan_queued", B, created_min_ago=9), run("r4", "pending", B, created_min_ago=2),
            run("r5", "planned", workspace("c"))]
    assert queues(runs, NOW) == {"apool-a": PoolQueue(waiting_runs=3, waiting_workspaces=1, running_runs=1,
                                                      oldest_wait=9 * MIN)}


def test_pools_are_separate() -> None:
    other = workspace("x", pool="apool-b")
    result = queues([run("r1", "plan_queued", A), run("r2", "apply_queued", other, created_min_ago=4)], NOW)
    assert result["apool-b"] == PoolQueue(1, 1, 0, 4 * MIN)
    assert result["apool-a"].waiting_runs == 1


def test_the_wait_starts_when_the_run_entered_its_status() -> None:
    queued = run("r1", "apply_queued", A, created_min_ago=40, stamps={"planning-at": 38, "apply-queued-at": 6})
    assert waiting_since(queued) == NOW - 6 * MIN
    assert queues([queued], NOW)["apool-a"].oldest_wait == 6 * MIN
    assert waiting_since(run("r2", "plan_queued", A, created_min_ago=12)) == NOW - 12 * MIN


def test_a_clock_ahead_of_ours_is_no_negative_wait() -> None:
    assert queues([run("r1", "plan_queued", A, created_min_ago=-1)], NOW)["apool-a"].oldest_wait == timedelta(0)


PLAN_CASES = [
    ("planned", {"planning-at": 10, "planned-at": 4}, (6 * MIN, True)),
    ("planned_and_finished", {"planning-at": 10, "planned-and-finished-at": 5}, (5 * MIN, True)),
    ("errored", {"planning-at": 10, "errored-at": 9}, (1 * MIN, True)),
    ("applied", {"planning-at": 20, "planned-at": 15, "confirmed-at": 10, "applying-at": 9, "applied-at": 2},
     (5 * MIN, True)),
    ("errored", {"planning-at": 20, "planned-at": 18, "applying-at": 9, "errored-at": 2}, (2 * MIN, True)),
    ("planning", {"planning-at": 7}, (7 * MIN, False)),
    ("planned", {"planning-at": 7, "planned-at": 7}, (timedelta(0), True)),  # an end at the start is an end
    ("canceled", {"planning-at": 7, "canceled-at": 3}, (4 * MIN, True)),
    ("plan_queued", {"plan-queued-at": 7}, None),
    ("errored", {"errored-at": 7}, None),
    ("discarded", {"planning-at": 7}, None),  # no end recorded and not planning: unknown
    ("planned", {"planning-at": 7, "errored-at": 9}, None),  # an end before the start is not this plan's end
]


@pytest.mark.parametrize(("status", "stamps", "expected"), PLAN_CASES)
def test_planning_time(status: str, stamps: dict[str, float], expected: tuple[timedelta, bool] | None) -> None:
    assert planning_time(run("r1", status, A, stamps=stamps), NOW) == expected


@pytest.mark.parametrize(("tags", "selector", "expected"), [
    (("tier:dev",), ("tier:dev",), True), (("tier:dev", "owner:net"), ("tier:dev",), True),
    (("tier:prod",), ("tier:dev",), False), (("tier:dev",), ("tier:dev", "owner:net"), False),
    ((), (), True), (("tier:devel",), ("tier:dev",), False)])
def test_selector(tags: tuple[str, ...], selector: tuple[str, ...], expected: bool) -> None:
    assert matches(tags, selector) is expected


def test_plan_times_select_workspaces_and_keep_owners() -> None:
    dev = workspace("dev-a", tags=("tier:dev", "owner:network"))
    prod = workspace("prod-a", tags=("tier:prod",))
    runs = [run("r1", "planned", dev, stamps={"planning-at": 9, "planned-at": 3}),
            run("r2", "planned", prod, stamps={"planning-at": 9, "planned-at": 1}),
            run("r3", "planning", dev, stamps={"planning-at": 2}),
            run("r1", "planned", dev, stamps={"planning-at": 9, "planned-at": 3})]  # seen twice: once
    times = plan_times(runs, ("tier:dev",), NOW)
    assert times == [PlanTime("r1", "dev-a", "network", 6 * MIN, True, NOW - 9 * MIN),
                     PlanTime("r3", "dev-a", "network", 2 * MIN, False, NOW - 2 * MIN)]
    assert times[0].ended == NOW - 3 * MIN
    assert slow(times, 4 * MIN) == times[:1]
    assert slow(times, 6 * MIN) == []  # longer than the threshold, not equal


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([m * MIN for m in range(1, 204)], 50) == 102 * MIN  # ceil(0.5 * 203)
    assert percentile([3 * MIN, MIN, 2 * MIN], 0) == MIN  # rank 1 at least
    values = [m * MIN for m in range(1, 21)]
    assert percentile(values, 50) == 10 * MIN
    assert percentile(values, 95) == 19 * MIN
    assert percentile(values, 100) == 20 * MIN
    assert percentile([3 * MIN], 95) == 3 * MIN
    assert percentile([MIN, 2 * MIN], 1) == MIN


def test_slowest_workspaces_by_p95_from_finished_plans() -> None:
    def plan(ws: str, minutes: float, finished: bool = True) -> PlanTime:
        return PlanTime(f"r-{ws}-{minutes}", ws, None, minutes * MIN, finished, NOW)

    times = [plan("a", 1), plan("a", 2), plan("a", 9), plan("b", 5), plan("b", 5), plan("c", 30, finished=False),
             plan("d", 5), plan("d", 4)]
    rows = slowest_workspaces(times)
    assert [(r.workspace, r.plans, r.p50, r.p95, r.slowest) for r in rows] == [
        ("a", 3, 2 * MIN, 9 * MIN, 9 * MIN), ("b", 2, 5 * MIN, 5 * MIN, 5 * MIN), ("d", 2, 4 * MIN, 5 * MIN, 5 * MIN)]
    assert [r.workspace for r in slowest_workspaces(times, limit=1)] == ["a"]


def test_slowest_workspaces_use_p50_and_p95_and_show_twenty() -> None:
    hundred = [PlanTime(f"r{m}", "big", None, m * MIN, True, NOW) for m in range(1, 101)]
    row = slowest_workspaces(hundred)[0]
    assert (row.plans, row.p50, row.p95, row.slowest) == (100, 50 * MIN, 95 * MIN, 100 * MIN)
    many = [PlanTime(f"r{i}", f"ws-{i:02d}", None, i * MIN, True, NOW) for i in range(25)]
    assert [r.workspace for r in slowest_workspaces(many)] == [f"ws-{i:02d}" for i in range(24, 4, -1)]


def test_stage_times_hold_an_agent_for_plan_and_apply() -> None:
    applied = run("r1", "applied", A, stamps={"planning-at": 20, "planned-at": 17, "applying-at": 9, "applied-at": 5})
    assert stage_times(applied) == [3 * MIN, 4 * MIN]
    assert stage_times(run("r2", "planning", A, stamps={"planning-at": 3})) == []
    assert stage_times(run("r3", "errored", A, stamps={"applying-at": 9, "errored-at": 8})) == [MIN]
    applying = run("r4", "applying", A, stamps={"planning-at": 9, "planned-at": 8, "applying-at": 2})
    assert stage_times(applying) == [MIN]  # the apply has not ended
    instant = run("r5", "applied", A, stamps={"planning-at": 9, "planned-at": 8, "applying-at": 2, "applied-at": 2})
    assert stage_times(instant) == [MIN, timedelta(0)]


def test_an_empty_queue() -> None:
    assert PoolQueue() == PoolQueue(waiting_runs=0, waiting_workspaces=0, running_runs=0, oldest_wait=None)


@pytest.mark.parametrize(("seconds", "text"), [(0, "0 min"), (59, "0 min 59 s"), (270, "4 min 30 s"), (540, "9 min"),
                                               (599, "9 min 59 s"), (600, "10 min"), (659, "10 min"),
                                               (119 * 60, "119 min"), (120 * 60, "2 h 0 min"), (125 * 60, "2 h 5 min")])
def test_durations_in_messages(seconds: int, text: str) -> None:
    assert minutes(timedelta(seconds=seconds)) == text


def test_tfc_names_are_inert_in_slack() -> None:
    from monitor.exhaustion import Event
    from monitor.messages import pool_message, slow_plan_message

    message = pool_message(Event.RECOVERED, "<!channel> & co", 2, PoolQueue(), None, NOW)
    assert message["text"] == "Agent pool &lt;!channel&gt; &amp; co recovered: idle agents again (2 busy, 0 runs waiting)"
    plan = PlanTime("run-1", "<@U1>", None, 5 * MIN, True, NOW)
    assert "<@U1>" not in str(slow_plan_message(plan, 4 * MIN, "https://x/run-1", None))
