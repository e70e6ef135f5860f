"""DynamoDB state on moto (server mode): overlapping invocations alert once; the Lambda handler; ECS scaling."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from datetime import datetime
from typing import Any

import boto3
import pytest

from monitor.config import EcsTarget, MonitorConfig
from monitor.lambda_handler import handler
from monitor.state import DynamoMonitorStore, PoolRecord
from monitor.tick import TickReport
from notifier.slack import SlackPort
from tests.local_services import SlackServer
from tests.monitor.harness import NOTIFIER, Clock, scenario_sandbox, tick
from tfc.errors import ConfigError


@pytest.fixture
def table(moto_endpoint: str) -> Any:
    dynamodb = boto3.resource("dynamodb", endpoint_url=moto_endpoint)
    dynamodb.create_table(TableName="monitor", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    return dynamodb.Table("monitor")


class Overlapping:
    """Two invocations that both read every pool's state before either writes it."""

    def __init__(self, inner: DynamoMonitorStore, barrier: threading.Barrier) -> None:
        self.inner, self.barrier = inner, barrier

    def pool(self, pool_id: str) -> PoolRecord:
        record = self.inner.pool(pool_id)
        self.barrier.wait(timeout=20)
        return record

    def save_pool(self, pool_id: str, record: PoolRecord) -> bool:
        return self.inner.save_pool(pool_id, record)

    def claim(self, key: str, now: datetime) -> bool:
        return self.inner.claim(key, now)


def test_two_overlapping_invocations_alert_once(table: Any, slack_server: tuple[SlackServer, str]) -> None:
    server, url = slack_server
    slack = SlackPort.connect("xoxb-test", url)
    store = DynamoMonitorStore(table)
    clock = Clock()
    with scenario_sandbox(clock) as sandbox:

        def overlapping(now: datetime) -> list[TickReport]:
            barrier = threading.Barrier(2)
            with ThreadPoolExecutor(2) as pool:
                futures = [pool.submit(tick, sandbox, Overlapping(store, barrier), slack, now) for _ in range(2)]
                return [f.result()[0] for f in futures]

        first = overlapping(clock.at(0))
        for minute in range(1, 10):
            tick(sandbox, store, slack, clock.at(minute))
        tenth = overlapping(clock.at(10))
        after = tick(sandbox, store, slack, clock.at(11))[0]
    slow = sorted(s.action for r in first for s in r.slow_plans)
    assert slow == ["already sent", "already sent", "sent", "sent"]
    assert sorted(p.alert for r in first for p in r.pools) == ["", "", "lost race", "lost race"]
    busy = sorted(p.alert for r in tenth for p in r.pools if p.counts.name == "busy-pool")
    assert busy == ["lost race", "sent"]
    oncall = [p["text"] for p in server.posted() if p["channel"] == "#tfc-oncall"]
    assert len(oncall) == 1 and oncall[0].startswith("Agent pool busy-pool exhausted")
    assert [p.exhausted for p in after.pools if p.counts.name == "busy-pool"] == [True]
    assert len(server.posted()) == 3  # two slow plans and one exhaustion, however the invocations interleave


def test_a_stale_version_does_not_overwrite(table: Any) -> None:
    store = DynamoMonitorStore(table)
    assert store.save_pool("apool-1", PoolRecord())
    assert not store.save_pool("apool-1", PoolRecord())  # version 0 again: someone saved already
    saved = store.pool("apool-1")
    assert saved.version == 1
    assert store.save_pool("apool-1", saved) and not store.save_pool("apool-1", saved)
    assert store.pool("apool-1").version == 2


@pytest.fixture
def served(moto_endpoint: str, table: Any, slack_server: tuple[SlackServer, str]) -> Iterator[dict[str, str]]:
    clock = Clock()
    with scenario_sandbox(clock) as sandbox, sandbox.serve() as base_url:
        yield {"TFE_ADDRESS": base_url, "TFE_TOKEN": sandbox.token, "TFE_ORGANIZATION": "acme",
               "MONITOR_STATE_TABLE": "monitor", "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack_server[1],
               "NOTIFIER_CONFIG": str(NOTIFIER), "AWS_ENDPOINT_URL": moto_endpoint, "AWS_DEFAULT_REGION": "eu-west-1",
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "HOME": "/nonexistent"}


SCHEDULED = {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
             "time": "2026-11-25T09:00:00Z", "resources": ["arn:aws:events:eu-west-1:1:rule/monitor"], "detail": {}}


def test_the_lambda_runs_a_tick_and_prints_metrics(served: dict[str, str],
                                                   slack_server: tuple[SlackServer, str]) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        result = handler(SCHEDULED, None, environ=served, now=Clock().at(0))
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [entry.get("Pool") for entry in lines] == ["busy-pool", "flappy-pool", None]
    assert result["tfc_requests"] == 5
    assert result["alerting"] is True
    assert sorted((s["workspace"], s["channel"], s["action"]) for s in result["slow_plans"]) == [
        ("dev-network", "#team-network", "sent"), ("dev-orphan", "#platform", "sent")]
    assert result["slack_calls"] == 2 and len(slack_server[0].posted()) == 2
    json.dumps(result)  # the return value is JSON


@pytest.mark.parametrize("event", [
    {"source": "aws.s3", "detail-type": "Object Created"},
    {"body": "payload=%7B%7D", "headers": {"content-type": "application/x-www-form-urlencoded"}},
    {},
    {"source": "aws.events ", "detail-type": "Scheduled Event"},
])
def test_the_lambda_rejects_anything_but_a_schedule(event: dict[str, Any], served: dict[str, str],
                                                    slack_server: tuple[SlackServer, str]) -> None:
    with pytest.raises(ValueError, match="expected an EventBridge scheduled event"):
        handler(event, None, environ=served)
    assert slack_server[0].calls == []


@pytest.mark.parametrize(("name", "value", "message"), [
    ("MONITOR_EXHAUSTED_MINUTES", "ten", "MONITOR_EXHAUSTED_MINUTES: expected a number, got 'ten'"),
    ("MONITOR_RECOVERED_MINUTES", "0", "MONITOR_RECOVERED_MINUTES: must be at least 1"),
    ("MONITOR_SCALE_APPLY", "yes", "MONITOR_SCALE_APPLY: expected true or false"),
    ("MONITOR_RECOVER_IDLE", "0", "MONITOR_RECOVER_IDLE: must be at least 1"),
    ("MONITOR_ECS_SERVICES", "busy-pool=cluster", "MONITOR_ECS_SERVICES: 'busy-pool=cluster': expected"),
    ("MONITOR_MIN_AGENTS", "150", "MONITOR_MIN_AGENTS (150) is above MONITOR_MAX_AGENTS (100)"),
    ("MONITOR_STATE_TABLE", "", "MONITOR_STATE_TABLE is not set"),
])
def test_bad_settings_name_the_variable(name: str, value: str, message: str, served: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        handler(SCHEDULED, None, environ={**served, name: value})


@pytest.fixture
def ecs(moto_endpoint: str) -> Any:
    client = boto3.client("ecs", endpoint_url=moto_endpoint)
    client.create_cluster(clusterName="agents")
    client.register_task_definition(family="tfc-agent", containerDefinitions=[
        {"name": "agent", "image": "hashicorp/tfc-agent:latest", "memory": 512}])
    client.create_service(cluster="agents", serviceName="busy", taskDefinition="tfc-agent", desiredCount=2)
    return client


def service_count(ecs: Any) -> int:
    return int(ecs.describe_services(cluster="agents", services=["busy"])["services"][0]["desiredCount"])


@pytest.mark.parametrize(("apply", "action", "after"), [(False, "would set", 2), (True, "set", 7)])
def test_scaling_an_ecs_service(ecs: Any, table: Any, apply: bool, action: str, after: int) -> None:
    config = MonitorConfig(ecs_services={"busy-pool": EcsTarget("agents", "busy")}, scale_apply=apply)
    clock = Clock()
    with scenario_sandbox(clock) as sandbox:
        report, _ = tick(sandbox, DynamoMonitorStore(table), None, clock.at(0), config, ecs=ecs)
    busy = next(p for p in report.pools if p.counts.name == "busy-pool")
    assert busy.recommendation.current == 2  # the service's desired count, read fresh
    assert busy.scaling is not None
    assert (busy.scaling.before, busy.scaling.desired, busy.scaling.action) == (2, 7, action)
    assert service_count(ecs) == after
    assert next(p for p in report.pools if p.counts.name == "flappy-pool").scaling is None


def test_a_missing_service_is_a_failed_action_not_a_crash(ecs: Any, table: Any) -> None:
    config = MonitorConfig(ecs_services={"busy-pool": EcsTarget("agents", "nope")}, scale_apply=True)
    clock = Clock()
    with scenario_sandbox(clock) as sandbox:
        report, _ = tick(sandbox, DynamoMonitorStore(table), None, clock.at(0), config, ecs=ecs)
    busy = next(p for p in report.pools if p.counts.name == "busy-pool")
    assert busy.scaling is not None and busy.scaling.action == "failed"
    assert "no active service nope in cluster agents" in busy.scaling.detail


def test_agents_recommend_sets_the_service_only_with_apply(ecs: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from tests.monitor.harness import SCENARIO
    from tfc.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    args = ["--sandbox", str(SCENARIO), "agents", "recommend", "--pool", "busy-pool", "--ecs", "busy-pool=agents/busy",
            "--output", "json"]
    assert main(args) == 0
    dry = json.loads(capsys.readouterr().out)["pools"][0]
    assert (dry["current"], dry["desired"], dry["scaling"]["action"], service_count(ecs)) == (2, 7, "would set", 2)
    assert main([*args, "--apply"]) == 0
    applied = json.loads(capsys.readouterr().out)["pools"][0]
    assert (applied["scaling"]["action"], applied["scaling"]["before"], service_count(ecs)) == ("set", 2, 7)
    assert main([*args, "--apply"]) == 0
    assert json.loads(capsys.readouterr().out)["pools"][0]["scaling"]["action"] == "unchanged"


def test_the_lambda_reads_its_tokens_from_secrets_manager(served: dict[str, str], moto_endpoint: str) -> None:
    from tfc import lambda_secrets

    lambda_secrets._cache.clear()
    secrets = boto3.client("secretsmanager", endpoint_url=moto_endpoint)
    tfe = secrets.create_secret(Name="tfe-token", SecretString=served["TFE_TOKEN"])["ARN"]
    slack = secrets.create_secret(Name="slack-token", SecretString="xoxb-from-secrets")["ARN"]
    env = {k: v for k, v in served.items() if k not in ("TFE_TOKEN", "SLACK_BOT_TOKEN")}
    with redirect_stdout(io.StringIO()):
        result = handler(SCHEDULED, None, environ={**env, "TFE_TOKEN_SECRET_ARN": tfe, "SLACK_BOT_TOKEN_SECRET_ARN": slack},
                         now=Clock().at(0))
    lambda_secrets._cache.clear()
    assert result["tfc_requests"] == 5 and result["slack_calls"] == 2
