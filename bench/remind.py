"""Benchmark: reminder ticks on the sandbox demo (308 pending runs by 21 authors) and on a generated organization
with 2,000 pending runs over 100 commits by 25 authors.

TFC's conditions are emulated (50 ms latency, 30 requests/s); Slack is a local stand-in that answers
chat.postMessage, users.lookupByEmail and users.info and keeps the largest message. Prints, per tick: TFC
requests, Slack calls, messages sent, the largest message (blocks, characters of text) and wall time, for the
first tick (everyone due) and the next one ten minutes later (everyone backed off).

    .venv/bin/python bench/remind.py [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import yaml

from notifier.config import NotifierConfig, Person
from notifier.pending import pending_runs
from notifier.slack import SlackPort
from notifier.state import FileStore
from notifier.tick import run_tick
from tfc.sandbox import Sandbox
from tfc.sandbox.demo import AUTHORS, DEMO_AUTHOR, TEAMS

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Slack(BaseHTTPRequestHandler):
    calls: ClassVar[dict[str, int]] = {}
    largest: ClassVar[tuple[int, int]] = (0, 0)  # (blocks, characters of text)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        method = self.path.rsplit("/", 1)[-1]
        Slack.calls[method] = Slack.calls.get(method, 0) + 1
        body: dict[str, Any] = {"ok": True, "ts": "1.1"}
        if method == "users.lookupByEmail":
            body["user"] = {"id": f"U{Slack.calls[method]:06d}"}
        elif method == "users.info":
            body["user"] = {"id": "U", "tz": "Europe/Berlin"}
        elif method == "chat.postMessage":
            params = json.loads(raw) if raw.startswith("{") else {k: v[0] for k, v in parse_qs(raw).items()}
            blocks = params["blocks"] if isinstance(params["blocks"], list) else json.loads(params["blocks"])
            chars = len(params["text"]) + sum(len(b["text"]["text"]) for b in blocks if "text" in b) + sum(
                len(e["text"]) for b in blocks if b["type"] == "context" for e in b["elements"])
            Slack.largest = max(Slack.largest, (len(blocks), chars))
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


def large_scenario(path: Path, runs: int = 2000, commits: int = 100, authors: int = 25) -> Path:
    """``runs`` workspaces, each with one planned run, over ``commits`` commits by ``authors`` people."""
    rng = random.Random(7)
    shas = [f"{rng.getrandbits(160):040x}" for _ in range(commits)]
    logins = [f"dev{n:02d}" for n in range(authors)]
    workspaces = []
    for n in range(runs):
        c = n % commits if n < commits * 2 else rng.randrange(commits)
        workspaces.append({
            "name": f"svc-{n:04d}", "tags": [f"tier:{rng.choice(['dev', 'staging', 'prod'])}",
                                           f"type:{rng.choice(['deploy', 'region', 'network'])}",
                                           f"owner:{rng.choice(TEAMS)}"],
            "runs": [{"status": "planned", "commit": shas[c], "author": logins[c % authors],
                      "message": f"change {c}: tighten the policy for service group {c}", "branch": "main",
                      "minutes_ago": rng.randint(40, 3000),
                      "changes": [{"address": "aws_s3_bucket.b", "actions": ["update"], "before": {"x": 1},
                                   "after": {"x": 2}}]}]})
    path.write_text(yaml.safe_dump({"organization": "large", "workspaces": workspaces}, sort_keys=False))
    return path


def bench(label: str, sandbox: Sandbox, config: NotifierConfig, slack_url: str, tmp: str) -> None:
    with sandbox.client(rate_limit_per_second=30.0) as client:
        store = FileStore(Path(tmp) / f"{label}.json")
        pending = pending_runs(client)
        commits = len({p.commit for p in pending})
        print(f"\n{label}: {len(pending):,} pending runs over {commits} commits")
        print(f"{'':22} {'TFC requests':>13} {'Slack calls':>12} {'messages':>9} {'largest (blocks, chars)':>24} "
              f"{'seconds':>8}")
        for tick, moment in (("first tick", MONDAY_10), ("next tick (+10 min)", MONDAY_10 + timedelta(minutes=10))):
            slack = SlackPort.connect("xoxb-bench", slack_url)
            Slack.calls.clear()
            Slack.largest = (0, 0)
            before = client.stats.requests
            started = time.perf_counter()
            outcomes = run_tick(client, store, slack, config, moment)
            seconds = time.perf_counter() - started
            sent = sum(1 for o in outcomes if o.action == "sent")
            blocks, chars = Slack.largest
            print(f"{tick:22} {client.stats.requests - before:13d} {sum(Slack.calls.values()):12d} {sent:9d} "
                  f"{f'{blocks}, {chars:,}':>24} {seconds:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slack)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slack_url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    print(f"latency {args.latency_ms:.0f} ms · 30 requests/s")
    people = {login: Person(login, slack_id=f"U{n:03d}") for n, login in enumerate(AUTHORS[:10])}
    people |= {login: Person(login, email=f"{login}@example.com") for login in AUTHORS[10:]}
    people[DEMO_AUTHOR] = Person(DEMO_AUTHOR, slack_id="UMARIA")
    people |= {f"dev{n:02d}": Person(f"dev{n:02d}", slack_id=f"UDEV{n:02d}") for n in range(15)}
    people |= {f"dev{n:02d}": Person(f"dev{n:02d}", email=f"dev{n:02d}@example.com") for n in range(15, 20)}
    config = NotifierConfig(team_channels={team: f"#{team}" for team in TEAMS}, people=people)  # dev20+: channels
    latency = args.latency_ms / 1000
    with tempfile.TemporaryDirectory() as tmp:
        demo = Sandbox.from_scenario("demo", latency_s=latency, rate_limit=30.0, clock=lambda: MONDAY_10)
        bench("demo", demo, config, slack_url, tmp)
        scenario = large_scenario(Path(tmp) / "large.yaml")
        large = Sandbox.from_scenario(scenario, latency_s=latency, rate_limit=30.0, clock=lambda: MONDAY_10)
        bench("generated", large, config, slack_url, tmp)
    server.shutdown()


if __name__ == "__main__":
    main()
