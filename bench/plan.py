"""Benchmark: `tfc plan` for a change affecting 261 workspaces, `--canaries auto` vs `all`, on the demo.

The change is a module used by 261 ``type:deploy`` workspaces of the sandbox demo (each also watching its own
directory). TFC's conditions are emulated: latency per request and the 30 requests/s limit on both sides;
runs finish at once (lifecycle 0), so the figures are the client's requests and wall time, not agent time.

    .venv/bin/python bench/plan.py [--latency-ms 50] [--rate 30] [--concurrency 10]
"""

from __future__ import annotations

import argparse
import time

from tfc.plan.canaries import AUTO_CAP, Affected, choose
from tfc.plan.runner import Planner, Target
from tfc.plan.summary import summarise
from tfc.sandbox import Sandbox

AFFECTED = 261
ARCHIVE = b"\x1f\x8b" + bytes(2_000)  # what the upload weighs matters little here: the sandbox checks the magic


def measure(mode: int | None, args: argparse.Namespace) -> tuple[int, int, int, float]:
    sandbox = Sandbox.from_scenario("demo", latency_s=args.latency_ms / 1000, rate_limit=args.rate)
    with sandbox.client(rate_limit_per_second=args.rate) as client:
        started = time.perf_counter()
        deploys = sorted((ws for ws in client.list_workspaces() if ws.has_tag("type:deploy")),
                         key=lambda ws: ws.name)[:AFFECTED]
        by_name = {ws.name: ws for ws in deploys}
        affected = [Affected(ws.name, f"envs/{ws.name}", (f"/envs/{ws.name}/*.tf", "/modules/stack/*.tf"),
                             ws.tag_names) for ws in deploys]
        choice = choose(affected, mode)
        planner = Planner(client, ARCHIVE, concurrency=args.concurrency, poll_s=0.2)
        results = planner.plan([Target(by_name[c.name], len(c.stands_for)) for c in choice.canaries])
        summary = summarise(results, [], affected=len(affected))
        elapsed = time.perf_counter() - started
        return len(results), client.stats.requests, len(summary.groups), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    print(f"change affecting {AFFECTED} type:deploy workspaces of the demo; latency {args.latency_ms:.0f} ms, "
          f"{args.rate:.0f} req/s, concurrency {args.concurrency}")
    figures = {}
    for label, mode in (("auto", AUTO_CAP), ("all", None)):
        planned, requests, groups, elapsed = measure(mode, args)
        figures[label] = (requests, elapsed)
        print(f"--canaries {label:4}: {planned:3} plans, {groups:3} groups, {requests:5} requests, {elapsed:6.1f} s")
    (auto_r, auto_t), (all_r, all_t) = figures["auto"], figures["all"]
    print(f"all / auto: {all_r / auto_r:.1f}x requests, {all_t / auto_t:.1f}x wall time")


if __name__ == "__main__":
    main()
