"""Benchmark: `tfc usage report` on the sandbox demo (625 workspaces, a year of state versions).

TFC's conditions are emulated: 50 ms latency per request and 30 requests/s, on both the sandbox and the
client. Prints requests and wall time for a first run (empty cache) and for re-runs a day later: after a
quiet day with 20 applies, and after a busy one with the 258-workspace deploy change applied. The daily
peak is computed from the versions already listed, so it adds no request (936 / 27 / 275 before and after).

    .venv/bin/python bench/usage.py [--latency-ms 50] [--rate 30]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reporting.cache import LocalStore
from reporting.series import Period
from reporting.usage import UsageRun, run_usage_report
from tfc.client import CONFIRMABLE_STATUSES, TfcClient
from tfc.sandbox import Sandbox
from tfc.sandbox.demo import DEMO_COMMIT


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def timed(client: TfcClient, store: LocalStore, clock: Clock) -> tuple[UsageRun, float]:
    started = time.perf_counter()
    run = run_usage_report(client, store, Period.last_days(365, clock.now.date()), now=clock.now)
    return run, time.perf_counter() - started


def apply_waiting(client: TfcClient, *, commit: str | None, limit: int) -> int:
    runs = [r for r in client.list_org_runs(statuses=CONFIRMABLE_STATUSES)
            if r.is_confirmable and (commit is None or r.commit_sha == commit)
            and (commit is not None or r.commit_sha != DEMO_COMMIT)][:limit]
    client.map(lambda r: client.apply_run(r.id), runs)
    return len(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate", type=float, default=30.0)
    args = parser.parse_args()
    clock = Clock()
    sandbox = Sandbox.from_scenario("demo", latency_s=args.latency_ms / 1000, rate_limit=args.rate, clock=clock)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sandbox.client(rate_limit_per_second=args.rate) as client:
        store = LocalStore(Path(tmp) / "cache.json")
        first, seconds = timed(client, store, clock)
        rows.append(("first run (empty cache)", first, seconds, ""))
        clock.now += timedelta(days=1)
        applied = apply_waiting(client, commit=None, limit=20)
        quiet, seconds = timed(client, store, clock)
        rows.append(("re-run a day later (quiet)", quiet, seconds, f"{applied} applies since"))
        clock.now += timedelta(days=1)
        applied = apply_waiting(client, commit=DEMO_COMMIT, limit=1000)
        busy, seconds = timed(client, store, clock)
        rows.append(("re-run a day later (busy)", busy, seconds, f"{applied} applies since"))
    base = first.stats.requests
    print(f"demo scenario · latency {args.latency_ms:.0f} ms · {args.rate:.0f} requests/s on client and sandbox")
    print(f"{'':30} {'requests':>9} {'of first':>9} {'seconds':>8} {'versions':>9} {'state files':>12}  notes")
    for name, run, secs, note in rows:
        s = run.stats
        print(f"{name:30} {s.requests:9d} {s.requests / base:8.1%} {secs:8.1f} {s.versions_fetched:9d} "
              f"{s.state_files_downloaded:12d}  {note}")
    last = rows[-1][1].report
    print(f"RUM today: peak {last.peak_today:,}, end of day {last.today:,}; workspaces: {first.stats.workspaces}; "
          f"{last.sources.billable:,} of {last.sources.versions:,} versions counted from billable-rum-count")


if __name__ == "__main__":
    main()
