"""AWS Lambda entry point: a scheduled tick (EventBridge) or a Slack interaction (Function URL / API Gateway).

A thin adapter: event + environment in, summary out. It imports neither typer nor matplotlib.
Environment: TFE_TOKEN, TFE_ORGANIZATION, TFE_HOSTNAME or TFE_ADDRESS; STATE_TABLE (DynamoDB);
SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, optionally SLACK_API_URL; NOTIFIER_CONFIG (path of the YAML).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from notifier.config import load_config
from notifier.interactions import handle_interaction
from notifier.owners import notify_owners
from notifier.slack import SlackPort, verify_request
from notifier.state import DynamoStore
from notifier.tick import run_tick, tick_id
from tfc.client import TfcClient
from tfc.settings import SettingsFlags, resolve_settings


def _store(env: Mapping[str, str]) -> DynamoStore:
    dynamodb = boto3.resource("dynamodb", endpoint_url=env.get("AWS_ENDPOINT_URL"))
    return DynamoStore(dynamodb.Table(env["STATE_TABLE"]))


def handler(event: Mapping[str, Any], context: Any, *, environ: Mapping[str, str] | None = None,
            now: datetime | None = None) -> dict[str, Any]:
    env = dict(os.environ) if environ is None else dict(environ)
    moment = now or datetime.now(UTC)
    if "body" in event and "headers" in event:
        return _interaction(event, env, moment)
    scheduled = event.get("time")
    tick = tick_id(datetime.fromisoformat(str(scheduled).replace("Z", "+00:00")) if scheduled else moment)
    config = load_config(Path(env["NOTIFIER_CONFIG"]) if env.get("NOTIFIER_CONFIG") else None)
    slack = SlackPort.connect(env["SLACK_BOT_TOKEN"], env.get("SLACK_API_URL"))
    store = _store(env)
    with TfcClient(resolve_settings(SettingsFlags(), env)) as client:
        outcomes = run_tick(client, store, slack, config, moment, tick=tick)
        owners = notify_owners(client, store, slack, config, moment)
        requests = client.stats.requests
    return {"tick": tick, "reminders": [asdict(o) for o in outcomes],
            "owner_notifications": [{"run_id": f.run_id, "workspace": f.workspace, "channel": c, "action": a}
                                    for f, c, a in owners],
            "tfc_requests": requests, "slack_calls": slack.calls}


def _interaction(event: Mapping[str, Any], env: Mapping[str, str], now: datetime) -> dict[str, Any]:
    raw = str(event.get("body") or "")
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else raw.encode()
    headers = {str(k): str(v) for k, v in (event.get("headers") or {}).items()}
    if not verify_request(env["SLACK_SIGNING_SECRET"], headers, body, now=now.timestamp()):
        return {"statusCode": 401, "body": "invalid signature"}
    response = handle_interaction(body, _store(env), now)
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(response)}
