"""Benchmark: requests/second the sandbox sustains on this machine, and its memory with the demo loaded.

It must never be the bottleneck of the review benchmark: at least 10x TFC's 30 requests/s.

    .venv/bin/python bench/sandbox.py [--seconds 3] [--threads 8]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import httpx

from tfc.sandbox import Sandbox, _InProcessTransport

LIST_MIX = ("/api/v2/organizations/demo-org/runs?filter[status]=planned&include=plan,workspace&page[size]=20",
            "/api/v2/organizations/demo-org/workspaces?page[size]=20", "/api/v2/ping")
SCALE_MIX = ("/api/v2/organizations/demo-org/runs?filter[status]=planned&include=plan,workspace&page[size]=20",
             "/api/v2/organizations/demo-org/workspaces?include=current_state_version&page[size]=100&page[number]=15",
             "/api/v2/ping")


def hammer(base: str, token: str, seconds: float, threads: int,
           transport: httpx.BaseTransport | None, paths: tuple[str, ...]) -> tuple[int, float]:
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> int:
        done = 0
        with httpx.Client(base_url=base, transport=transport, headers={"Authorization": f"Bearer {token}"}) as http:
            while time.perf_counter() < deadline:
                path = paths[done % len(paths)]
                response = http.get(path)
                if response.status_code == 307:  # plan JSON: follow to the archivist, as the client does
                    response = http.get(response.headers["location"])
                    done += 1
                assert response.status_code in (200, 204), response.status_code
                done += 1
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(worker, range(threads)))
    return total, time.perf_counter() - started


def client_process(base: str, token: str, seconds: float, threads: int, paths: tuple[str, ...]) -> tuple[int, float]:
    """Load from a separate process, so the server is not billed for the client's share of the GIL."""
    done = subprocess.run([sys.executable, __file__, "--load", base, token, str(seconds), str(threads),
                           json.dumps(paths)], capture_output=True, text=True, check=True)
    count, elapsed = json.loads(done.stdout)
    return int(count), float(elapsed)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--load":
        base, token, seconds, threads, paths = sys.argv[2:7]
        print(json.dumps(hammer(base, token, float(seconds), int(threads), None, tuple(json.loads(paths)))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    tracemalloc.start()
    started = time.perf_counter()
    sandbox = Sandbox.from_scenario("demo", rate_limit=None)
    built = time.perf_counter() - started
    loaded, _ = tracemalloc.get_traced_memory()
    with sandbox.client(rate_limit_per_second=10_000) as client:  # generate every state-version history
        workspaces = sum(1 for _ in client.list_workspaces())
    histories, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"demo scenario ({workspaces} workspaces) built in {built:.2f} s; memory {loaded / 2**20:.1f} MiB, "
          f"{histories / 2**20:.1f} MiB with every state-version history generated (peak {peak / 2**20:.1f} MiB)")
    with sandbox.client(rate_limit_per_second=10_000) as client:
        runs = [r for r in client.list_org_runs(statuses=["planned"]) if r.plan_id]
    review_mix = tuple(p for r in runs[:50] for p in (f"/api/v2/runs/{r.id}?include=plan,workspace",
                                                      f"/api/v2/plans/{r.plan_id}/json-output"))
    started = time.perf_counter()
    scale = Sandbox.from_scenario("scale", rate_limit=None)
    scale_built = time.perf_counter() - started
    started = time.perf_counter()
    with scale.client(rate_limit_per_second=10_000) as client:
        scale_workspaces = sum(1 for _ in client.list_workspaces())
        confirmable = sum(1 for r in client.list_org_runs(statuses=["planned"]) if r.is_confirmable)
    print(f"scale organization ({scale_workspaces} workspaces, {confirmable} runs awaiting confirmation) built in "
          f"{scale_built:.2f} s; listed with every state-version history in {time.perf_counter() - started:.2f} s")
    print(f"{'':76} {'requests':>9} {'seconds':>8} {'req/s':>8} {'x TFC 30/s':>11}")
    for mix_name, target, paths in (("review mix (run, plan JSON + archivist)", sandbox, review_mix),
                                    ("list mix (20 runs + includes, 20 ws, ping)", sandbox, LIST_MIX),
                                    ("list mix on the 1,500-workspace organization", scale, SCALE_MIX)):
        in_process = hammer(target.address, target.token, args.seconds, args.threads,
                            _InProcessTransport(target.wsgi_app), paths)
        with target.serve() as base:
            served = client_process(base, target.token, args.seconds, args.threads, paths)
        for where, (count, seconds) in (("in process", in_process), ("served, client in another process", served)):
            rate = count / seconds
            print(f"{mix_name + ', ' + where:76} {count:9d} {seconds:8.1f} {rate:8.0f} {rate / 30:10.1f}x")


if __name__ == "__main__":
    main()
