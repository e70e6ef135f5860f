"""The Lambda's doors: only EventBridge ticks; every HTTP request is a Slack interaction that must be signed
(401, empty body) and well formed (400), never an exception; an empty signing secret refuses everything."""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from notifier.lambda_handler import handler
from tests.notifier.conftest import SECRET, TUESDAY_10, signed, slack_request, tick
from tfc.sandbox.demo import DEMO_COMMIT

ENV = {"SLACK_SIGNING_SECRET": SECRET, "STATE_TABLE": "reminders",
       "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}  # nothing listens: a request that got that far fails loudly
URL_GET = {"version": "2.0", "rawPath": "/", "headers": {"host": "abc.lambda-url.eu-west-1.on.aws"},
           "requestContext": {"http": {"method": "GET", "path": "/"}}, "isBase64Encoded": False}


@pytest.mark.parametrize("event", [
    URL_GET,  # a plain GET: AWS omits "body"
    {**URL_GET, "source": "aws.events"},  # HTTP-shaped, whatever it claims
    {"source": "aws.events", "body": ""},
    {"httpMethod": "GET", "path": "/", "headers": None},  # API Gateway v1
    {"source": "aws.s3"}, {}, {"time": "2026-11-24T10:00:00Z"},
])
def test_anything_but_a_scheduled_event_is_an_interaction_that_needs_a_signature(world: dict[str, Any],
                                                                                  event: dict[str, Any]) -> None:
    assert handler(event, None, environ=world["env"], now=TUESDAY_10) == {"statusCode": 401, "body": ""}
    assert world["slack"].calls == []  # no tick: nothing posted, nobody looked up


def test_a_scheduled_event_ticks(world: dict[str, Any]) -> None:
    assert tick(world, TUESDAY_10)["reminders"]


@pytest.mark.parametrize("secret", ["", None])
def test_an_empty_or_missing_signing_secret_refuses_every_request_and_says_so_once(
        secret: str | None, caplog: pytest.LogCaptureFixture) -> None:
    import notifier.lambda_handler as module

    module._said.clear()
    env = {"STATE_TABLE": "reminders"} | ({"SLACK_SIGNING_SECRET": secret} if secret is not None else {})
    payload = {"type": "block_actions", "user": {"id": "UEVE"},
               "actions": [{"action_id": "snooze:1d", "block_id": f"commit:{DEMO_COMMIT}"}]}
    with caplog.at_level(logging.ERROR, logger="notifier.lambda_handler"):
        for _ in range(3):  # signed with the empty key, as an attacker would
            assert handler(slack_request(payload, TUESDAY_10, secret=""), None, environ=env, now=TUESDAY_10) == {
                "statusCode": 401, "body": ""}
    assert [r.getMessage() for r in caplog.records if r.name == "notifier.lambda_handler"] == [
        "SLACK_SIGNING_SECRET is unset or empty: every Slack interaction is refused (401)"]


def test_forged_and_stale_requests_are_refused(world: dict[str, Any]) -> None:
    payload = {"type": "block_actions", "user": {"id": "UEVE"},
               "actions": [{"action_id": "snooze:1d", "block_id": f"commit:{DEMO_COMMIT}"}]}
    for event in (slack_request(payload, TUESDAY_10, secret="guessed"),
                  slack_request(payload, TUESDAY_10 - timedelta(minutes=6)),
                  {**slack_request(payload, TUESDAY_10), "body": "%%%not base64", "isBase64Encoded": True},
                  {**slack_request(payload, TUESDAY_10), "headers": "x"}):
        assert handler(event, None, environ=world["env"], now=TUESDAY_10) == {"statusCode": 401, "body": ""}
    tick(world, TUESDAY_10)
    assert [r for r in world["slack"].posted() if r["channel"] == "UMARIA"]  # not snoozed


SNOOZE = {"action_id": "snooze:1h", "block_id": f"commit:{DEMO_COMMIT}", "value": DEMO_COMMIT}
REASSIGN = {"action_id": "reassign", "block_id": f"commit:{DEMO_COMMIT}", "selected_user": "UBOB"}


def payload(**changes: Any) -> str:
    base: dict[str, Any] = {"type": "block_actions", "user": {"id": "UMARIA"}, "actions": [SNOOZE]}
    return "payload=" + quote(json.dumps(base | changes))


@pytest.mark.parametrize("body", [
    b"\xff\xfe payload", b"", b"payload=", b"payload=not-json", b"payload=%5B1%2C2%5D", b"other=1",
    b"payload=" + quote(json.dumps({"a": [[[[]]]] * 3})).encode(),
    payload(type="view_submission").encode(), payload(user="UMARIA").encode(), payload(user={"id": 7}).encode(),
    payload(user={"id": "<!channel>"}).encode(), payload(actions=[]).encode(), payload(actions={}).encode(),
    payload(actions=[SNOOZE] * 6).encode(), payload(actions=["snooze:1h"]).encode(),
    payload(actions=[{**SNOOZE, "action_id": "snooze:99999999d"}]).encode(),
    payload(actions=[{**SNOOZE, "action_id": "delete"}]).encode(),
    payload(actions=[{**SNOOZE, "block_id": "commit:b"}]).encode(),  # a prefix matched every commit starting with b
    payload(actions=[{**SNOOZE, "block_id": f"commit:{DEMO_COMMIT.upper()}"}]).encode(),
    payload(actions=[{**SNOOZE, "value": "b" * 40}]).encode(),
    payload(actions=[{**SNOOZE, "block_id": None}]).encode(),
    payload(actions=[{**REASSIGN, "selected_user": "<!channel>"}]).encode(),
    payload(actions=[{**REASSIGN, "selected_user": "C0GENERAL"}]).encode(),  # a channel id
    payload(actions=[{**REASSIGN, "selected_user": ["UBOB"]}]).encode(),
    payload(actions=[{**REASSIGN, "selected_user": "U" + "A" * 5000}]).encode(),
    payload(response_url="https://evil.example/hook").encode(),
    payload(response_url=42).encode(),
    b"payload=" + b"x" * (300 * 1024),
])
def test_a_signed_but_malformed_body_gets_400_before_touching_state(body: bytes) -> None:
    assert handler(signed(body, TUESDAY_10), None, environ=ENV, now=TUESDAY_10) == {"statusCode": 400, "body": ""}


def test_a_prefix_in_block_id_changes_nothing(world: dict[str, Any]) -> None:
    body = payload(actions=[{**SNOOZE, "block_id": f"commit:{DEMO_COMMIT[:1]}"}])
    assert handler(signed(body, TUESDAY_10), None, environ=world["env"], now=TUESDAY_10)["statusCode"] == 400
    tick(world, TUESDAY_10)
    assert [r for r in world["slack"].posted() if r["channel"] == "UMARIA"]  # not snoozed


def test_a_valid_plain_body_is_accepted_too() -> None:
    """API Gateway passes form bodies as text (isBase64Encoded false); the signature covers the same bytes."""
    event = signed(payload(actions=[{**SNOOZE, "action_id": "nope"}]), TUESDAY_10)
    event |= {"body": base64.b64decode(event["body"]).decode(), "isBase64Encoded": False}
    assert handler(event, None, environ=ENV, now=TUESDAY_10)["statusCode"] == 400  # got past the signature


def test_the_signing_secret_may_come_from_secrets_manager(moto_endpoint: str, caplog: pytest.LogCaptureFixture) -> None:
    import boto3

    import notifier.lambda_handler as module

    arn = boto3.client("secretsmanager", endpoint_url=moto_endpoint).create_secret(
        Name="slack-signing", SecretString=SECRET)["ARN"]
    env = {"SLACK_SIGNING_SECRET_SECRET_ARN": arn, "STATE_TABLE": "reminders", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    event = signed(payload(actions=[{**SNOOZE, "action_id": "nope"}]), TUESDAY_10)
    assert handler(event, None, environ=env, now=TUESDAY_10)["statusCode"] == 400  # verified with the stored secret
    module._said.clear()
    missing = {**env, "SLACK_SIGNING_SECRET_SECRET_ARN": arn + "-gone"}
    with caplog.at_level(logging.ERROR, logger="notifier.lambda_handler"):
        assert handler(event, None, environ=missing, now=TUESDAY_10) == {"statusCode": 401, "body": ""}
        assert handler(event, None, environ=missing, now=TUESDAY_10) == {"statusCode": 401, "body": ""}
    mine = [r.getMessage() for r in caplog.records if r.name == "notifier.lambda_handler" and r.levelno >= logging.ERROR]
    assert len(mine) == 1 and "SLACK_SIGNING_SECRET: cannot read" in mine[0]
    assert SECRET not in caplog.text
