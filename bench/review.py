"""Benchmark: `tfc review` on the sandbox demo scenario vs a naive per-workspace script.

TFC's conditions are emulated: 50 ms latency per request and the 30 requests/s limit, on both the sandbox
(server side) and the client. Prints requests made and wall time for a dry-run review, for the apply that
follows it, and for the naive baseline (list workspaces, then per workspace: current run, plan, plan JSON).

    .venv/bin/python bench/review.py [--latency-ms 50] [--rate 30]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from tfc.client import TfcClient
from tfc.errors import TfcError
from tfc.review.assess import assess
from tfc.review.decision import Verdict
from tfc.review.execute import Outcome, apply_all
from tfc.review.selection import Filters, select_runs
from tfc.review.wildcard import parse_wildcard
from tfc.sandbox import Sandbox

COMMIT = "abcd1234"
RULE = "update:module.stack.*.access_controls"
TAG = "type:deploy"


def measured(client: TfcClient, work: Callable[[], Any]) -> tuple[Any, int, float]:
    before = client.stats.requests
    started = time.perf_counter()
    result = work()
    return result, client.stats.requests - before, time.perf_counter() - started


def naive(client: TfcClient) -> int:
    """What a script without the org runs list and includes does: one request chain per workspace."""
    selected = 0
    for workspace in client.list_workspaces():
        if TAG not in workspace.tag_names or workspace.current_run_id is None:
            continue
        try:
            run = client.get_run(workspace.current_run_id, include=("configuration_version.ingress_attributes",))
            if not (run.commit_sha or "").startswith(COMMIT) or not run.is_confirmable or run.plan_id is None:
                continue
            client.get_plan(run.plan_id)
            client.get_plan_json(run.plan_id)
        except TfcError:
            continue
        selected += 1
    return selected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate", type=float, default=30.0)
    args = parser.parse_args()
    rules = [parse_wildcard(RULE)]
    filters = Filters(include_tags=(TAG,))

    def fresh() -> tuple[Sandbox, TfcClient]:
        sandbox = Sandbox.from_scenario("demo", latency_s=args.latency_ms / 1000, rate_limit=args.rate)
        return sandbox, sandbox.client(rate_limit_per_second=args.rate)

    rows: list[tuple[str, int, float, str]] = []
    _, client = fresh()
    with client:
        selection, list_requests, list_seconds = measured(client, lambda: select_runs(client, COMMIT, filters))
        assessed, plan_requests, plan_seconds = measured(client, lambda: assess(client, selection.candidates, rules))
        approved = [a for a in assessed if a.decision.verdict is Verdict.APPROVE]
        review_requests = list_requests + plan_requests
        floor = list_requests + 2 * len(selection.candidates)
        rows.append(("review --dry-run (ours)", review_requests, list_seconds + plan_seconds,
                     f"{len(selection.candidates)} candidates, {len(approved)} approvable; "
                     f"{review_requests / floor:.2f}x of (list pages + 2/run)"))
        results, apply_requests, apply_seconds = measured(
            client, lambda: apply_all(client, approved, lambda _: f"bench: approved by {RULE}"))
        applied = sum(1 for r in results if r.outcome is Outcome.APPLYING)
        rows.append(("apply (ours)", apply_requests, apply_seconds,
                     f"{applied} applied; {apply_requests / max(applied, 1):.2f} requests/run"))
    _, client = fresh()
    with client:
        found, naive_requests, naive_seconds = measured(client, lambda: naive(client))
        rows.append(("review, naive per-workspace", naive_requests, naive_seconds, f"{found} found"))

    print(f"demo scenario · latency {args.latency_ms:.0f} ms · {args.rate:.0f} requests/s on client and sandbox")
    print(f"{'':32} {'requests':>9} {'seconds':>8} {'req/limit':>10}  notes")
    for name, requests, seconds, note in rows:
        ideal = requests / args.rate
        print(f"{name:32} {requests:9d} {seconds:8.1f} {seconds / ideal:9.2f}x  {note}")
    ours = rows[0]
    base = rows[2]
    print(f"review vs naive: {base[1] / ours[1]:.1f}x fewer requests, {base[2] / ours[2]:.1f}x faster")


if __name__ == "__main__":
    main()
