"""AWS Lambda entry point: a scheduled tick (EventBridge) or a Slack interaction (Function URL / API Gateway).

Routing is by event source, never by shape alone: only an EventBridge event (``source: aws.events``) with
nothing HTTP about it ticks. Everything else is treated as an HTTP request from Slack: it must carry a valid
signature (else 401, empty body) and a well-formed body (else 400); a missing or empty signing secret refuses
every request and says so once in the log.

A thin adapter: event + environment in, summary out. It imports neither typer nor matplotlib.
Environment: TFE_TOKEN, TFE_ORGANIZATION, TFE_HOSTNAME or TFE_ADDRESS; STATE_TABLE (DynamoDB);
SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, optionally SLACK_API_URL; NOTIFIER_CONFIG (path of the YAML). The three
secrets may be given as NAME_SECRET_ARN or NAME_SSM_PARAMETER instead (``tfc.lambda_secrets``).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from notifier.config import load_config
from notifier.interactions import SLACK_RESPONSE_URL, BadInteraction, apply_interaction, parse_interaction
from notifier.owners import notify_owners
from notifier.slack import SlackPort, reply, verify_request
from notifier.state import open_store
from notifier.tick import run_tick, tick_id
from tfc.client import TfcClient
from tfc.errors import ConfigError
from tfc.lambda_secrets import with_secrets
from tfc.settings import SettingsFlags, resolve_settings

log = logging.getLogger(__name__)
HTTP_KEYS = frozenset({"headers", "body", "requestContext", "httpMethod", "rawPath", "routeKey"})
UNAUTHORIZED = {"statusCode": 401, "body": ""}
TICK_SECRETS = ("TFE_TOKEN", "SLACK_BOT_TOKEN")  # each may come as NAME_SECRET_ARN / NAME_SSM_PARAMETER
INTERACTION_SECRETS = ("SLACK_SIGNING_SECRET",)
_said: set[str] = set()


def _once(message: str) -> None:
    if message not in _said:
        _said.add(message)
        log.error(message)


def is_schedule(event: Mapping[str, Any]) -> bool:
    return event.get("source") == "aws.events" and not HTTP_KEYS & event.keys()


def handler(event: Mapping[str, Any], context: Any, *, environ: Mapping[str, str] | None = None,
            now: datetime | None = None) -> dict[str, Any]:
    env = dict(os.environ) if environ is None else dict(environ)
    moment = now or datetime.now(UTC)
    if not isinstance(event, Mapping) or not is_schedule(event):
        try:
            env = with_secrets(env, INTERACTION_SECRETS)
        except ConfigError as exc:  # names the variable and the reference, never a value
            _once(f"{exc}: every Slack interaction is refused (401)")
            return UNAUTHORIZED
        return _interaction(event if isinstance(event, Mapping) else {}, env, moment)
    return _tick(event, with_secrets(env, TICK_SECRETS), moment)


def _tick(event: Mapping[str, Any], env: Mapping[str, str], moment: datetime) -> dict[str, Any]:
    """The report of one tick; a recipient Slack refused is in it as "failed", not raised (no platform retry)."""
    scheduled = event.get("time")
    tick = tick_id(datetime.fromisoformat(str(scheduled).replace("Z", "+00:00")) if scheduled else moment)
    config = load_config(Path(env["NOTIFIER_CONFIG"]) if env.get("NOTIFIER_CONFIG") else None)
    slack = SlackPort.connect(env["SLACK_BOT_TOKEN"], env.get("SLACK_API_URL"))
    store = open_store(f"dynamodb://{env['STATE_TABLE']}", env)
    with TfcClient(resolve_settings(SettingsFlags(), env)) as client:
        outcomes = run_tick(client, store, slack, config, moment)
        notices = notify_owners(client, store, slack, config, moment)
        requests = client.stats.requests
    failed = sum(1 for o in outcomes if o.action == "failed") + sum(1 for n in notices if n.action == "failed")
    return {"tick": tick, "failed": failed, "reminders": [asdict(o) for o in outcomes],
            "owner_notifications": [{"run_id": n.failure.run_id, "workspace": n.failure.workspace,
                                     "channel": n.channel, "action": n.action, "detail": n.detail}
                                    for n in notices],
            "tfc_requests": requests, "slack_calls": slack.calls}


def _interaction(event: Mapping[str, Any], env: Mapping[str, str], now: datetime) -> dict[str, Any]:
    secret = env.get("SLACK_SIGNING_SECRET") or ""
    if not secret:
        _once("SLACK_SIGNING_SECRET is unset or empty: every Slack interaction is refused (401)")
        return UNAUTHORIZED
    raw = event.get("body")
    headers = event.get("headers")
    if not isinstance(raw, str) or not isinstance(headers, Mapping):
        return UNAUTHORIZED
    try:
        body = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else raw.encode()
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return UNAUTHORIZED  # nothing we could have signed
    if not verify_request(secret, {str(k): str(v) for k, v in headers.items()}, body, now=now.timestamp()):
        return UNAUTHORIZED
    hosts = [SLACK_RESPONSE_URL]
    if env.get("SLACK_API_URL"):  # a local Slack (tests) or a proxy answers response URLs too
        parts = urlsplit(env["SLACK_API_URL"])
        hosts.append(f"{parts.scheme}://{parts.netloc}/")
    try:
        interaction = parse_interaction(body, hosts)
    except BadInteraction as exc:
        log.warning("signed Slack interaction refused: %s", exc)
        return {"statusCode": 400, "body": ""}
    text = apply_interaction(interaction, open_store(f"dynamodb://{env['STATE_TABLE']}", env), now)
    if interaction.response_url and reply(interaction.response_url, text):
        return {"statusCode": 200, "body": ""}
    reply_body = {"response_type": "ephemeral", "replace_original": False, "text": text}
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(reply_body)}
