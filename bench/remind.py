"""Benchmark: one reminder tick on the sandbox demo (308 pending runs by 21 authors).

TFC's conditions are emulated (50 ms latency, 30 requests/s); Slack is a local stand-in that answers
chat.postMessage and users.lookupByEmail. Prints TFC requests, Slack calls and wall time for the first tick
(everyone due) and the next one ten minutes later (everyone backed off).

    .venv/bin/python bench/remind.py [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

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

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = self.path.rsplit("/", 1)[-1]
        Slack.calls[method] = Slack.calls.get(method, 0) + 1
        body: dict[str, Any] = {"ok": True, "ts": "1.1"}
        if method == "users.lookupByEmail":
            body["user"] = {"id": f"U{Slack.calls[method]:06d}"}
        elif method == "users.info":
            body["user"] = {"id": "U", "tz": "Europe/Berlin"}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=50.0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slack)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slack_url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    people = {login: Person(login, slack_id=f"U{n:03d}") for n, login in enumerate(AUTHORS[:10])}
    people |= {login: Person(login, email=f"{login}@example.com") for login in AUTHORS[10:]}
    people[DEMO_AUTHOR] = Person(DEMO_AUTHOR, slack_id="UMARIA")
    config = NotifierConfig(team_channels={team: f"#{team}" for team in TEAMS}, people=people)
    sandbox = Sandbox.from_scenario("demo", latency_s=args.latency_ms / 1000, rate_limit=30.0,
                                    clock=lambda: MONDAY_10)
    with tempfile.TemporaryDirectory() as tmp, sandbox.client(rate_limit_per_second=30.0) as client:
        store = FileStore(Path(tmp) / "state.json")
        pending = len(pending_runs(client))
        print(f"demo scenario · latency {args.latency_ms:.0f} ms · 30 requests/s · {pending} pending runs")
        print(f"{'':26} {'TFC requests':>13} {'Slack calls':>12} {'messages':>9} {'seconds':>8}")
        for label, moment in (("first tick", MONDAY_10), ("next tick (+10 min)", MONDAY_10 + timedelta(minutes=10))):
            slack = SlackPort.connect("xoxb-bench", slack_url)
            Slack.calls.clear()
            before = client.stats.requests
            started = time.perf_counter()
            outcomes = run_tick(client, store, slack, config, moment)
            seconds = time.perf_counter() - started
            sent = sum(1 for o in outcomes if o.action == "sent")
            print(f"{label:26} {client.stats.requests - before:13d} {sum(Slack.calls.values()):12d} {sent:9d} "
                  f"{seconds:8.2f}")
    server.shutdown()


if __name__ == "__main__":
    main()
