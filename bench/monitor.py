"""Benchmark: monitoring ticks at the target scale — 2 agent pools, 120 agents, 625 workspaces.

The scenario (generated) has 60 agents per pool (one pool saturated for 12 minutes, then recovering; the other
flapping), 625 agent-mode workspaces with three finished runs each (planning 1–9 minutes), 40 runs waiting for an
agent and 150 waiting for confirmation. TFC's latency is emulated on an injected clock that moves one minute per
tick; its rate limits are not, because twenty "minutes" of ticks run in seconds here (at one tick a minute the two
run-list requests use 2 of the 30 a minute TFC allows). Prints requests per tick (target ≤ 5), wall time, alerts,
and the requests of `tfc agents recommend`.

    .venv/bin/python bench/monitor.py [--ticks 20] [--latency-ms 50]
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # run as bench/monitor.py, this file would shadow the `monitor` package

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from monitor.autoscale import recommend_pools
from monitor.config import MonitorConfig
from monitor.scaling import ScalePolicy
from monitor.state import FileMonitorStore
from monitor.tick import Tick
from notifier.config import NotifierConfig
from tfc.sandbox import Sandbox

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def scenario(seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    pools = [
        {"name": "pool-a", "agents": {"idle": 10, "busy": 50}, "timeline": [{"minute": 0, "idle": 0},
                                                                           {"minute": 12, "idle": 6}]},
        {"name": "pool-b", "agents": {"idle": 10, "busy": 50}, "timeline": [{"minute": 0, "idle": 0},
                                                                           {"minute": 3, "idle": 2}],
         "repeat_minutes": 5},
    ]
    workspaces = []
    for i in range(625):
        tier = "dev" if i % 3 else "prod"
        runs: list[dict[str, Any]] = [
            {"status": "applied", "minutes_ago": 600 - k * 120, "planning_minutes": rng.randint(1, 9)}
            for k in range(3)]
        if i < 40:
            runs.append({"status": rng.choice(["plan_queued", "apply_queued"]), "minutes_ago": rng.randint(1, 20)})
        elif i < 190:  # (no runs still planning: the scenario sandbox's plan factories chain once per run)
            runs.append({"status": "planned", "minutes_ago": 30, "planning_minutes": rng.randint(1, 5)})
        workspaces.append({"name": f"ws-{i:03d}", "tags": [f"tier:{tier}", f"owner:team-{i % 12}"],
                           "agent_pool": "pool-a" if i % 2 else "pool-b", "runs": runs})
    return {"organization": "bench", "agent_pools": pools, "workspaces": workspaces}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    now = [START]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(yaml.safe_dump(scenario()))
        sandbox = Sandbox.from_scenario(path, latency_s=args.latency_ms / 1000, rate_limit=None,
                                        clock=lambda: now[0])
        store = FileMonitorStore(Path(tmp) / "state.json")
        requests, walls, events, statuses = [], [], [], set()
        try:
            for minute in range(args.ticks):
                now[0] = START + timedelta(minutes=minute)
                with sandbox.client() as client:
                    began = time.perf_counter()
                    report = Tick(client, store, MonitorConfig(), NotifierConfig(), slack=None).run(now[0])
                    walls.append(time.perf_counter() - began)
                    requests.append(client.stats.requests)
                    statuses |= set(client.stats.by_status)
                events += [f"minute {minute}: {p.counts.name} {p.event}" for p in report.pools if p.event]
                if minute == 0:
                    first = report
            with sandbox.client() as client:
                recs, _ = recommend_pools(client, store, MonitorConfig(scale=ScalePolicy(max_agents=80)), now[0])
                recommend_requests = client.stats.requests
        finally:
            sandbox.close()
    print(f"scale: 2 pools, {sum(p.counts.size + p.counts.errored for p in first.pools)} agents, 625 workspaces, "
          f"{sum(p.queue.waiting_runs for p in first.pools)} queued runs, latency {args.latency_ms:g} ms")
    print(f"requests per tick: min {min(requests)}, max {max(requests)} (target <= 5); "
          f"HTTP statuses seen: {sorted(statuses)}; run-list requests per minute at one tick a minute: 2 of 30")
    print(f"wall time per tick: median {statistics.median(walls) * 1000:.0f} ms, max {max(walls) * 1000:.0f} ms")
    print(f"slow dev plans at the first tick: {len(first.slow_plans)}")
    print("transitions: " + ("; ".join(events) or "none"))
    print(f"agents recommend: {recommend_requests} requests; "
          + "; ".join(f"{r.counts.name}: {r.recommendation.desired} ({r.recommendation.reason})" for r in recs))


if __name__ == "__main__":
    main()
