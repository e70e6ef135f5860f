"""Reminders end to end: the sandbox demo, a local Slack Web API, DynamoDB in moto, the Lambda and the CLI."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from notifier.lambda_handler import handler
from notifier.slack import signature
from tests.local_services import SlackServer
from tfc.cli.app import main
from tfc.sandbox import Sandbox
from tfc.sandbox.demo import DEMO_COMMIT

TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
CONFIG = """\
business_hours: {timezone: UTC, start: "09:00", end: "18:00", holidays_country: US}
default_channel: "#tfc-reminders"
team_channels: {payments: "#payments", networking: "#networking"}
people:
  maria.garcia: {slack: UMARIA}
  alice.nguyen: {email: alice@example.com}
"""
SECRET = "slack-signing-secret"


@pytest.fixture
def world(tmp_path: Path, moto_endpoint: str, slack_server: tuple[SlackServer, str]) -> Iterator[dict[str, Any]]:
    slack, slack_url = slack_server
    slack.users_by_email["alice@example.com"] = {"id": "UALICE", "tz": "Europe/Paris"}
    boto3.resource("dynamodb", endpoint_url=moto_endpoint).create_table(
        TableName="reminders", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    (tmp_path / "notifier.yaml").write_text(CONFIG)
    sandbox = Sandbox.from_scenario("demo", rate_limit=None, clock=lambda: TUESDAY_10)
    with sandbox.serve() as base_url:
        env = {"TFE_ADDRESS": base_url, "TFE_TOKEN": sandbox.token, "TFE_ORGANIZATION": "demo-org",
               "STATE_TABLE": "reminders", "AWS_ENDPOINT_URL": moto_endpoint, "SLACK_BOT_TOKEN": "xoxb-test",
               "SLACK_API_URL": slack_url, "SLACK_SIGNING_SECRET": SECRET,
               "NOTIFIER_CONFIG": str(tmp_path / "notifier.yaml")}
        yield {"env": env, "slack": slack, "sandbox": sandbox}


def tick(world: dict[str, Any], moment: datetime) -> dict[str, Any]:
    return handler({"source": "aws.events", "time": moment.isoformat()}, None, environ=world["env"], now=moment)


def reminders_to(slack: SlackServer, channel: str) -> list[dict[str, Any]]:
    return [p for p in slack.posted() if p["channel"] == channel and "waiting for you" in p["text"]]


def test_a_tick_sends_one_message_per_person_with_the_scoped_command(world: dict[str, Any]) -> None:
    summary = tick(world, TUESDAY_10)
    slack: SlackServer = world["slack"]
    (maria,) = reminders_to(slack, "UMARIA")
    blocks = json.loads(maria["blocks"]) if isinstance(maria["blocks"], str) else maria["blocks"]
    text = json.dumps(blocks)
    assert f"tfc review --commit {DEMO_COMMIT[:12]}" in text
    assert text.count("--workspace ") == 268  # the 259 deploy and 9 region runs, nothing else
    assert len(reminders_to(slack, "UALICE")) == 1  # found through users.lookupByEmail
    recipients = [r["recipient"] for r in summary["reminders"] if r["action"] == "sent"]
    assert len(recipients) == len(set(recipients))  # one message per recipient
    assert summary["tfc_requests"] <= 12  # org-wide pages, no per-workspace polling


def test_backoff_and_retried_invocations_never_double_send(world: dict[str, Any]) -> None:
    tick(world, TUESDAY_10)
    slack: SlackServer = world["slack"]
    sent = len(slack.posted())
    assert all(r["action"] in ("backed off", "snoozed") for r in tick(world, TUESDAY_10 + timedelta(minutes=10))[
        "reminders"])
    assert len(slack.posted()) == sent
    later = TUESDAY_10 + timedelta(hours=1, minutes=5)  # maria's second reminder is due after 1 h
    results = [tick(world, later) for _ in range(3)]  # the scheduler retried the same tick three times
    assert len(reminders_to(slack, "UMARIA")) == 2
    for retried in results[1:]:  # stopped by the state the first one saved, or by its claim on the tick
        assert [r["action"] for r in retried["reminders"] if r["recipient"] == "user:UMARIA"] in (
            ["backed off"], ["already sent"])


def test_nothing_at_night_and_the_reminder_goes_out_next_morning(world: dict[str, Any]) -> None:
    night = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    summary = tick(world, night)
    assert world["slack"].posted() == [] or all("waiting for you" not in p["text"] for p in world["slack"].posted())
    assert {r["action"] for r in summary["reminders"]} <= {"outside hours", "snoozed"}
    tick(world, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert len(reminders_to(world["slack"], "UMARIA")) == 1


def slack_request(payload: dict[str, Any], now: datetime, secret: str = SECRET) -> dict[str, Any]:
    body = "payload=" + quote(json.dumps(payload))
    stamp = str(int(now.timestamp()))
    return {"headers": {"X-Slack-Request-Timestamp": stamp,
                        "X-Slack-Signature": signature(secret, stamp, body.encode())},
            "body": body, "isBase64Encoded": False}


def test_reassign_and_snooze_from_slack_buttons(world: dict[str, Any]) -> None:
    env = world["env"]
    reassign = {"type": "block_actions", "user": {"id": "UMARIA"},
                "actions": [{"action_id": "reassign", "block_id": f"commit:{DEMO_COMMIT}", "selected_user": "UBOB"}]}
    response = handler(slack_request(reassign, TUESDAY_10), None, environ=env, now=TUESDAY_10)
    assert response["statusCode"] == 200 and "reassigned to <@UBOB>" in json.loads(response["body"])["text"]
    tick(world, TUESDAY_10)
    assert reminders_to(world["slack"], "UBOB") and not reminders_to(world["slack"], "UMARIA")
    snooze = {"type": "block_actions", "user": {"id": "UBOB"},
              "actions": [{"action_id": "snooze:4h", "value": DEMO_COMMIT}]}
    handler(slack_request(snooze, TUESDAY_10), None, environ=env, now=TUESDAY_10)
    summary = tick(world, TUESDAY_10 + timedelta(hours=2))
    snoozed = [r for r in summary["reminders"] if r["action"] == "snoozed"]
    assert len(snoozed) == 268 and len(reminders_to(world["slack"], "UBOB")) == 1


def test_a_forged_slack_request_is_refused_and_changes_nothing(world: dict[str, Any]) -> None:
    forged = slack_request({"type": "block_actions", "user": {"id": "UEVE"},
                            "actions": [{"action_id": "snooze:1d", "value": DEMO_COMMIT}]}, TUESDAY_10,
                           secret="guessed")
    assert handler(forged, None, environ=world["env"], now=TUESDAY_10)["statusCode"] == 401
    stale = slack_request({"actions": []}, TUESDAY_10 - timedelta(minutes=6))
    assert handler(stale, None, environ=world["env"], now=TUESDAY_10)["statusCode"] == 401
    tick(world, TUESDAY_10)
    assert len(reminders_to(world["slack"], "UMARIA")) == 1  # not snoozed


def test_owner_routing_of_failures_once_each(world: dict[str, Any]) -> None:
    first = tick(world, TUESDAY_10)["owner_notifications"]
    assert len(first) == 7 and {n["action"] for n in first} == {"sent"}
    channels = {n["workspace"]: n["channel"] for n in first}
    assert set(channels.values()) <= {"#payments", "#networking", "#tfc-reminders"}
    again = tick(world, TUESDAY_10 + timedelta(minutes=10))["owner_notifications"]
    assert {n["action"] for n in again} == {"already sent"}
    texts = [p["text"] for p in world["slack"].posted() if "errored" in p["text"]]
    assert len(texts) == 7


def test_slack_rate_limits_are_honoured(world: dict[str, Any]) -> None:
    slack: SlackServer = world["slack"]
    slack.rate_limit_next, slack.retry_after = 1, 1
    started = time.monotonic()
    tick(world, TUESDAY_10)
    assert time.monotonic() - started >= 1  # waited for Retry-After
    assert len(reminders_to(slack, "UMARIA")) == 1


def test_cli_dry_run_snooze_reassign_list(world: dict[str, Any], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    state = str(tmp_path / "remind.json")
    assert main(["remind", "snooze", "--commit", DEMO_COMMIT[:10], "--for", "2h", "--state", state]) == 0
    assert main(["remind", "reassign", "--commit", "f00dfeed", "--to", "UBOB", "--state", state]) == 0
    capsys.readouterr()
    assert main(["remind", "list", "--state", state, "--output", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {(o["kind"], o["value"] if o["kind"] == "reassign" else "") for o in listed} == {
        ("snooze", ""), ("reassign", "UBOB")}
    assert main(["--sandbox", "demo", "--rate-limit", "10000", "remind", "run", "--dry-run", "--state", state,
                 "--output", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sum(1 for r in out["reminders"] if r["action"] == "snoozed") >= 268
    assert world["slack"].posted() == []  # a dry run sends nothing
