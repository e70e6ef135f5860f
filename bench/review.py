"""Benchmark: `tfc review` against TFC's real floor, and against the fairest naive per-workspace script.

TFC's conditions are emulated: 50 ms latency per request and the 30 requests/s limit, on both the sandbox
(server side) and the client. The API floor of a step is its API requests / 30 s: nothing that respects the
limit can be faster. Archivist downloads (plan JSON behind a signed URL) are not API requests; they are
counted apart and have their own client budget.

Rows: a dry-run review (select + read every plan), the apply that follows (paged re-validation), and the naive
baseline — the same concurrency, the plan side-loaded with each run, the tag filter on the server: list the
tagged workspaces, then per workspace read its current run (with plan and commit) and its plan JSON.

    .venv/bin/python bench/review.py [--latency-ms 50] [--rate 30] [--scenario demo|scale|both]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tfc.client import TfcClient
from tfc.errors import TfcError
from tfc.models import Workspace
from tfc.review.assess import select_and_assess
from tfc.review.decision import Verdict
from tfc.review.execute import Outcome, apply_paged
from tfc.review.selection import Filters
from tfc.review.wildcard import parse_wildcard
from tfc.sandbox import Sandbox
from tfc.sandbox.demo import DEMO_COMMIT

RULE = "update:module.stack.*.access_controls"
TAG = "type:deploy"


@dataclass
class Row:
    name: str
    api: int
    downloads: int
    seconds: float
    rate_limited: int
    note: str

    def floor(self, rate: float) -> float:
        return self.api / rate


def measured(client: TfcClient, name: str, work: Callable[[], Any], note: Callable[[Any], str]) -> tuple[Any, Row]:
    requests, downloads, limited = client.stats.requests, client.stats.downloads, client.stats.rate_limited
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    fetched = client.stats.downloads - downloads
    row = Row(name, client.stats.requests - requests - fetched, fetched, seconds,
              client.stats.rate_limited - limited, note(result))
    return result, row


def naive(client: TfcClient) -> int:
    """The fairest per-workspace script: server-side tag filter, plan side-loaded, the client's concurrency."""

    def one(workspace: Workspace) -> bool:
        if workspace.current_run_id is None:
            return False
        try:
            run = client.get_run(workspace.current_run_id,
                                 include=("plan", "configuration_version.ingress_attributes"))
            if (run.commit_sha or "") != DEMO_COMMIT or not run.is_confirmable or run.plan_id is None:
                return False
            client.get_plan_json(run.plan_id)
        except TfcError:
            return False
        return True

    return sum(client.map(one, list(client.list_workspaces(tags=[TAG]))))


def scenario_rows(scenario: str, latency_ms: float, rate: float) -> list[Row]:
    rules = [parse_wildcard(RULE)]
    filters = Filters(include_tags=(TAG,))

    def fresh() -> TfcClient:
        sandbox = Sandbox.from_scenario(scenario, latency_s=latency_ms / 1000, rate_limit=rate)
        return sandbox.client(rate_limit_per_second=rate)

    rows: list[Row] = []
    with fresh() as client:
        def review() -> Any:
            return select_and_assess(client, DEMO_COMMIT, filters, rules)

        (_, assessed), row = measured(
            client, "review --dry-run (ours)", review,
            lambda result: f"{len(result[0].candidates)} candidates, "
                           f"{sum(1 for a in result[1] if a.decision.verdict is Verdict.APPROVE)} approvable")
        rows.append(row)
        approved = [a for a in assessed if a.decision.verdict is Verdict.APPROVE]
        (results, _), row = measured(
            client, "apply (ours, paged)", lambda: apply_paged(client, approved, lambda _: f"bench: {RULE}",
                                                               commit=DEMO_COMMIT),
            lambda done: (f"{sum(1 for r in done[0] if r.outcome is Outcome.APPLYING)} applied; "
                          f"max re-validation→apply window {done[1].max_window:.2f} s, "
                          f"{done[1].reread} re-read alone, {done[1].list_requests} list requests"))
        applied = sum(1 for r in results if r.outcome is Outcome.APPLYING)
        row.note += f"; {row.api / max(applied, 1):.3f} API requests/run"
        rows.append(row)
    with fresh() as client:
        _, row = measured(client, "review, naive per-workspace", lambda: naive(client), lambda n: f"{n} found")
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--scenario", choices=("demo", "scale", "both"), default="both")
    args = parser.parse_args()
    for scenario in ("demo", "scale") if args.scenario == "both" else (args.scenario,):
        rows = scenario_rows(scenario, args.latency_ms, args.rate)
        print(f"\n{scenario} scenario · latency {args.latency_ms:.0f} ms · {args.rate:.0f} requests/s on client "
              "and sandbox")
        print(f"{'':30} {'API req':>8} {'archivist':>9} {'seconds':>8} {'API floor':>9} {'wall/floor':>10} "
              f"{'429s':>5}  notes")
        for row in rows:
            floor = row.floor(args.rate)
            print(f"{row.name:30} {row.api:8d} {row.downloads:9d} {row.seconds:8.1f} {floor:8.1f}s "
                  f"{row.seconds / floor:9.2f}x {row.rate_limited:5d}  {row.note}")
        ours, base = rows[0], rows[2]
        print(f"review vs naive: {base.api / ours.api:.2f}x fewer API requests, "
              f"{base.seconds / ours.seconds:.2f}x faster")
        both, floor = ours.seconds + rows[1].seconds, ours.floor(args.rate) + rows[1].floor(args.rate)
        print(f"review + apply: {both:.1f} s against an API floor of {floor:.1f} s ({both / floor:.2f}x)")


if __name__ == "__main__":
    main()
