"""Benchmark: the state-backup sweep over the sandbox demo (625 workspaces), cold and up to date.

TFC's conditions are emulated (latency per request, 30 requests/s); S3 is moto in server mode on 127.0.0.1.
Prints TFC API requests, state downloads, S3 requests and wall time for a cold sweep (no backups: every state is
downloaded and written) and for the next sweep (everything up to date: the floor is the paged workspace list).

    .venv/bin/python -m bench.backup [--latency-ms 50]    (as a module: run as a file, this file would shadow the
                                                          backup package)
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from datetime import UTC, datetime, timedelta

import boto3
import httpx
from moto.server import ThreadedMotoServer

from backup.staleness import Outcome
from backup.store import BackupStore
from backup.sweep import sweep
from tfc.sandbox import Sandbox

BUCKET = "bench-state-backups"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_DEFAULT_REGION": "eu-west-1"})
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    httpx.post(f"{endpoint}/moto-api/reset")
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    sandbox = Sandbox.from_scenario("demo", latency_s=args.latency_ms / 1000, rate_limit=30.0)
    try:
        with sandbox.client(rate_limit_per_second=30.0) as client:
            print(f"demo scenario · latency {args.latency_ms:.0f} ms · 30 requests/s · S3 on moto")
            print(f"{'':12} {'workspaces':>10} {'backed up':>9} {'API requests':>12} {'downloads':>9} "
                  f"{'S3 requests':>11} {'seconds':>8}  side-loaded")
            for label in ("cold", "up to date"):
                store = BackupStore(s3, BUCKET)
                before = client.stats.requests
                started = time.perf_counter()
                report = sweep(client, store, prefix="tfstate", organization=sandbox.organization,
                               now=datetime.now(UTC), stale_after=timedelta(days=365 * 5))
                seconds = time.perf_counter() - started
                backed_up = report.count(Outcome.BACKED_UP) + report.count(Outcome.STALE)
                requests = client.stats.requests - before
                failed = report.count(Outcome.FAILED)
                print(f"{label:12} {len(report.items):>10} {backed_up:>9} {requests - backed_up:>12} {backed_up:>9} "
                      f"{store.requests:>11} {seconds:>8.2f}  {'yes' if report.side_loaded else 'no'}"
                      + (f"  ({failed} failed)" if failed else ""))
    finally:
        sandbox.close()
        moto.stop()


if __name__ == "__main__":
    main()
