"""End to end against the scenario sandbox: pools that saturate, recover and flap; queues; slow plans; Slack."""

from __future__ import annotations

import json
from pathlib import Path

from monitor.emf import COUNT, SECONDS
from monitor.state import FileMonitorStore
from monitor.tick import metric_lines
from notifier.slack import SlackPort
from tests.local_services import SlackServer
from tests.monitor.harness import Clock, scenario_sandbox, tick


def posts(slack: SlackServer) -> list[tuple[str, str]]:
    return [(str(p["channel"]), str(p["text"])) for p in slack.posted()]


def test_forty_minutes_of_ticks(tmp_path: Path, slack_server: tuple[SlackServer, str]) -> None:
    server, url = slack_server
    slack = SlackPort.connect("xoxb-test", url)
    clock = Clock()
    store = FileMonitorStore(tmp_path / "monitor.json")
    alerting, requests, events = {}, set(), []
    with scenario_sandbox(clock) as sandbox:
        world = sandbox.world
        queued_at = min(r.timestamps[f"{r.status.replace('_', '-')}-at"] for r in world.runs.values()
                        if r.status in ("plan_queued", "apply_queued")
                        and world.workspaces[r.workspace_id].agent_pool_id is not None)
        for minute in range(41):
            report, made = tick(sandbox, store, slack, clock.at(minute))
            requests.add(made)
            alerting[minute] = report.alerting
            events += [(minute, p.counts.name, p.event, p.alert) for p in report.pools if p.event]
            if minute == 0:
                first = report
    assert requests == {5}  # pools, two agents lists, non-final runs, recent final runs
    assert events == [(10, "busy-pool", "exhausted", "sent"), (35, "busy-pool", "recovered", "sent")]
    assert [m for m, a in alerting.items() if a] == [0, *range(10, 35)]
    sent = posts(server)
    assert sent[:2] == [("#team-network", "dev-network: plan took 7 min (threshold 4 min)"),
                        ("#platform", "dev-orphan: plan took 4 min 30 s (threshold 4 min)")]
    assert [c for c, _ in sent[2:]] == ["#tfc-oncall", "#tfc-oncall"]
    assert sent[2][1].startswith("Agent pool busy-pool exhausted: no idle agent for 10 min (4 busy; 2 runs waiting, "
                                 "the oldest for 1")  # 10 minutes later than at minute 0
    assert sent[3][1] == "Agent pool busy-pool recovered: idle agents again (2 busy, 0 runs waiting)"  # they ran
    assert "_dev-orphan has no owner" not in json.dumps(server.posted()[1])  # the reason comes from the notifier
    assert "workspace has no owner: tag" in json.dumps(server.posted()[1]["blocks"])
    busy = next(p for p in first.pools if p.counts.name == "busy-pool")
    assert (busy.counts.idle, busy.counts.busy, busy.queue.waiting_runs, busy.queue.waiting_workspaces,
            busy.queue.oldest_wait) == (0, 4, 2, 2, clock.at(0) - queued_at.replace(microsecond=0))  # TFC: seconds
    flappy = next(p for p in first.pools if p.counts.name == "flappy-pool")
    assert (flappy.counts.idle, flappy.queue.waiting_runs) == (0, 0)
    assert sorted((s.plan.workspace, s.action) for s in first.slow_plans) == [("dev-network", "sent"),
                                                                              ("dev-orphan", "sent")]


def test_a_dry_run_sends_and_saves_nothing(tmp_path: Path) -> None:
    clock = Clock()
    store = FileMonitorStore(tmp_path / "monitor.json")
    with scenario_sandbox(clock) as sandbox:
        for minute in (0, 5, 10, 11):
            report, _ = tick(sandbox, store, None, clock.at(minute), dry_run=True)
    assert not (tmp_path / "monitor.json").exists()
    assert all(not p.exhausted and p.event is None for p in report.pools)  # no history: the window never fills
    assert [s.action for s in report.slow_plans] == ["would send", "would send"]


def test_without_slack_the_alert_is_reported_not_lost_silently(tmp_path: Path) -> None:
    clock = Clock()
    store = FileMonitorStore(tmp_path / "monitor.json")
    with scenario_sandbox(clock) as sandbox:
        reports = [tick(sandbox, store, None, clock.at(m))[0] for m in range(11)]
    busy = next(p for p in reports[10].pools if p.counts.name == "busy-pool")
    assert (busy.event, busy.alert, busy.exhausted) == ("exhausted", "no slack", True)


def test_metric_lines_are_embedded_metric_format(tmp_path: Path) -> None:
    clock = Clock()
    with scenario_sandbox(clock) as sandbox:
        report, _ = tick(sandbox, FileMonitorStore(tmp_path / "s.json"), None, clock.at(0))
    lines = [json.loads(entry) for entry in metric_lines(report, "Test/NS")]
    wait = next(p.queue.oldest_wait for p in report.pools if p.counts.name == "busy-pool")
    assert wait is not None
    seconds = wait.total_seconds()
    pool = next(entry for entry in lines if entry.get("Pool") == "busy-pool")
    directive = pool["_aws"]["CloudWatchMetrics"][0]
    assert pool["_aws"]["Timestamp"] == int(clock.now.timestamp() * 1000)
    assert directive["Namespace"] == "Test/NS" and directive["Dimensions"] == [["Pool"]]
    units = {m["Name"]: m["Unit"] for m in directive["Metrics"]}
    assert units["OldestQueuedSeconds"] == SECONDS and units["IdleAgents"] == COUNT
    assert {k: pool[k] for k in units} == {"IdleAgents": 0, "BusyAgents": 4, "UnknownAgents": 0, "ErroredAgents": 0,
                                           "QueuedRuns": 2, "OldestQueuedSeconds": seconds, "Exhausted": 0,
                                           "DesiredAgents": 7}  # 4 busy + 2 queued + 1 headroom
    org = lines[-1]
    assert org["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]]
    assert (org["SlowPlans"], org["SlowestPlanSeconds"]) == (2, 420.0)


def test_a_slack_error_fails_one_message_not_the_tick(tmp_path: Path, slack_server: tuple[SlackServer, str]) -> None:
    server, url = slack_server
    server.handlers["chat.postMessage"] = lambda params: (
        {"ok": False, "error": "channel_not_found"} if params.get("channel") == "#team-network" else
        {"ok": True, "channel": params.get("channel"), "ts": "1.1"})
    clock = Clock()
    with scenario_sandbox(clock) as sandbox:
        report, _ = tick(sandbox, FileMonitorStore(tmp_path / "s.json"), SlackPort.connect("xoxb-test", url),
                         clock.at(0))
    assert sorted((s.plan.workspace, s.action) for s in report.slow_plans) == [
        ("dev-network", "failed: channel_not_found"), ("dev-orphan", "sent")]
    assert report.failed and not report.errors
