"""The reminders' world: the sandbox demo served over HTTP, a local Slack Web API, DynamoDB in moto."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from notifier.lambda_handler import handler
from notifier.slack import signature
from tests.local_services import SlackServer
from tfc.sandbox import Sandbox

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
        yield {"env": env, "slack": slack, "sandbox": sandbox, "slack_url": slack_url}


def tick(world: dict[str, Any], moment: datetime) -> dict[str, Any]:
    return handler({"source": "aws.events", "detail-type": "Scheduled Event", "time": moment.isoformat()}, None,
                   environ=world["env"], now=moment)


def reminders_to(slack: SlackServer, channel: str) -> list[dict[str, Any]]:
    return [p for p in slack.posted() if p["channel"] == channel and "waiting for you" in p["text"]]


def blocks_of(posted: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = posted["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def signed(body: bytes | str, now: datetime, secret: str = SECRET) -> dict[str, Any]:
    """A Function URL event carrying ``body``, signed as Slack signs."""
    raw = body.encode() if isinstance(body, str) else body
    stamp = str(int(now.timestamp()))
    return {"headers": {"x-slack-request-timestamp": stamp, "x-slack-signature": signature(secret, stamp, raw)},
            "requestContext": {"http": {"method": "POST"}}, "rawPath": "/",
            "body": base64.b64encode(raw).decode(), "isBase64Encoded": True}  # as Function URLs pass form bodies


def slack_request(payload: Any, now: datetime, secret: str = SECRET) -> dict[str, Any]:
    return signed("payload=" + quote(json.dumps(payload)), now, secret)
