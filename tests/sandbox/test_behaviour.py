"""Lifecycle and queueing, rate limits, fault injection, webhooks and scenario files."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from tfc.client import TfcClient
from tfc.errors import ConfigError
from tfc.sandbox import FaultSpec, Sandbox
from tfc.sandbox.webhooks import SIGNATURE_HEADER, sign

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "tfc-samples"
SCENARIO = """\
organization: acme
token: acme-token
agent_pools:
  - name: agents
    agents: {idle: 1, busy: 2}
workspaces:
  - name: net-prod
    tags: [type:network, tier:prod, "owner:networking"]
    agent_pool: agents
    state_versions:
      - days_ago: 30
        resources:
          - {type: aws_subnet, name: private, count: 3}
          - {type: data.aws_region, name: current, count: 1}
    runs:
      - status: applied
        commit: "1111111111111111111111111111111111111111"
        minutes_ago: 600
      - status: planned
        commit: "2222222222222222222222222222222222222222"
        author: jdoe
        changes:
          - address: aws_subnet.private[3]
            actions: [create]
            after: {cidr_block: 10.0.3.0/24}
"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO)
    return path


def test_scenario_loads_and_apply_follows_the_plan(scenario_file: Path) -> None:
    sandbox = Sandbox.from_scenario(scenario_file, rate_limit=None)
    with sandbox.client() as client:
        ws = client.get_workspace_by_name("net-prod")
        run = client.get_run(ws.current_run_id or "")
        assert (run.status, run.is_confirmable, run.commit_sha) == ("planned", True, "2" * 40)
        assert run.plan is not None and run.plan.resource_additions == 1
        client.apply_run(run.id)
        state = client.get_current_state_version(ws.id)
        assert state is not None and state.resources is not None
        assert {r.type: r.count for r in state.resources} == {"aws_subnet": 4, "data.aws_region": 1}


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ("status: planned\n", "status: planed\n", "workspaces[0].runs[1].status: unknown status 'planed'"),
        ("name: net-prod\n", "nam: net-prod\n", "workspaces[0]: unknown key(s) nam"),
        ("agent_pool: agents\n", "agent_pool: nope\n", "workspaces[0].agent_pool: no agent pool named 'nope'"),
        ("count: 3}", "count: three}", "resources[0].count: expected int, got str"),
        ("actions: [create]", "actions: [upsert]", "changes[0].actions: expected a list of"),
    ],
)
def test_bad_scenarios_name_file_line_and_field(tmp_path: Path, replace: str, by: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace(replace, by, 1))
    with pytest.raises(ConfigError) as caught:
        Sandbox.from_scenario(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:") and message in text
    line = int(text.split(":")[1])
    assert 1 < line <= SCENARIO.count("\n")


def test_not_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("organization: acme\nworkspaces: [\n  - {name: x\n")
    with pytest.raises(ConfigError, match=r"broken.yaml:\d+: not valid YAML"):
        Sandbox.from_scenario(path)


def test_a_burst_above_the_limit_gets_429_with_headers() -> None:
    sandbox = Sandbox.from_scenario("demo", rate_limit=5)
    statuses = []
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox.wsgi_app), base_url=sandbox.address) as http:
        for _ in range(12):
            response = http.get("/api/v2/organizations/demo-org/agent-pools",
                                headers={"Authorization": f"Bearer {sandbox.token}"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                limited = response
    assert statuses[:5] == [200] * 5 and 429 in statuses
    assert limited.headers["X-RateLimit-Limit"] == "5"
    assert float(limited.headers["X-RateLimit-Reset"]) > 0
    assert limited.json()["errors"][0]["status"] == 429


def test_run_lists_have_the_tighter_per_minute_budget() -> None:
    sandbox = Sandbox.from_scenario("demo", rate_limit=1000)
    with httpx.Client(transport=httpx.WSGITransport(app=sandbox.wsgi_app), base_url=sandbox.address) as http:
        codes = [http.get("/api/v2/organizations/demo-org/runs", params={"page[size]": 1},
                          headers={"Authorization": f"Bearer {sandbox.token}"}).status_code for _ in range(32)]
    assert codes.count(200) == 30 and codes[-1] == 429


def test_the_client_rides_out_rate_limits_and_faults() -> None:
    faults = FaultSpec(server_errors=0.1, rate_limits=0.1, drops=0.05, seed=3)
    sandbox = Sandbox.from_scenario("demo", rate_limit=None, faults=faults)
    client = TfcClient(sandbox.settings(rate_limit_per_second=10_000), transport=_transport(sandbox),
                       sleep=lambda _: None)
    names = [w.name for w in client.list_workspaces()]
    assert len(names) == 625
    assert sandbox.injector is not None and sum(sandbox.injector.injected.values()) > 0
    assert client.stats.retries > 0


def _transport(sandbox: Sandbox) -> httpx.BaseTransport:
    from tfc.sandbox import _InProcessTransport

    return _InProcessTransport(sandbox.wsgi_app)


def test_faults_are_reproducible_from_the_seed() -> None:
    def statuses() -> list[int]:
        sandbox = Sandbox.from_scenario("demo", rate_limit=None, faults=FaultSpec(server_errors=0.2, rate_limits=0.1,
                                                                                  drops=0.1, seed=11))
        transport = _transport(sandbox)
        out = []
        with httpx.Client(transport=transport, base_url=sandbox.address) as http:
            for page in range(1, 30):
                try:
                    out.append(http.get("/api/v2/organizations/demo-org/workspaces", params={"page[number]": page},
                                        headers={"Authorization": f"Bearer {sandbox.token}"}).status_code)
                except httpx.TransportError:
                    out.append(-1)
        return out

    first, second = statuses(), statuses()
    assert first == second
    assert {200, 503, 429, -1} <= set(first)


def test_signature_vectors() -> None:
    vectors = json.loads((SAMPLES / "notification-signature-vectors.json").read_text())
    for vector in vectors["vectors"]:
        body = (SAMPLES / vector["body_file"]).read_bytes()
        assert sign(body, vectors["token"]) == vector["signature"]


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    _Receiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver.received
    server.shutdown()
    server.server_close()


def test_webhooks_fire_signed_on_run_triggers(scenario_file: Path, receiver: Any) -> None:
    url, received = receiver
    sandbox = Sandbox.from_scenario(scenario_file, rate_limit=None)
    with sandbox.client() as client:
        ws = client.get_workspace_by_name("net-prod")
        config = client.create_notification_configuration(
            ws.id, name="backup", url=url, token="hook-secret", triggers=["run:completed", "run:errored"])
        assert received and json.loads(received[0][1])["notifications"][0]["trigger"] == "verification"
        verified = client.verify_notification_configuration(config.id)
        assert verified.id == config.id
        client.apply_run(ws.current_run_id or "")
    triggers = [json.loads(body)["notifications"][0]["trigger"] for _, body in received]
    assert triggers == ["verification", "verification", "run:completed"]
    for headers, body in received:
        expected = hmac.new(b"hook-secret", body, hashlib.sha512).hexdigest()
        assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    payload = json.loads(received[-1][1])
    assert payload["payload_version"] == 1 and payload["workspace_name"] == "net-prod"
    assert payload["notifications"][0]["run_status"] == "applied"


def test_served_on_a_real_port(sandbox: Sandbox, sandbox_server: str) -> None:
    response = httpx.get(f"{sandbox_server}/api/v2/organizations/demo-org/workspaces",
                         headers={"Authorization": f"Bearer {sandbox.token}"}, params={"page[size]": 2})
    assert response.status_code == 200 and len(response.json()["data"]) == 2
    with sandbox.client(rate_limit_per_second=1000) as client:
        run = next(iter(client.list_org_runs(statuses=["planned"])))
        assert client.get_plan_json(run.plan_id or "") is not None  # archivist at localhost: no token sent
