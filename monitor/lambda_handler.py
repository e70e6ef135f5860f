"""AWS Lambda entry point: one monitoring tick per EventBridge schedule event (``source: aws.events``).

A thin adapter: event + environment in, EMF lines on stdout and a summary out; any other event is rejected before
anything is read. Every environment variable it reads is listed in docs/monitoring.md; the tokens may come from
Secrets Manager or SSM (``tfc.lambda_secrets``). It imports neither typer nor matplotlib.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

from monitor.config import from_env
from monitor.report import to_document
from monitor.state import DynamoMonitorStore
from monitor.tick import Tick, metric_lines
from notifier.config import load_config
from notifier.slack import SlackPort
from tfc.client import TfcClient
from tfc.errors import ConfigError
from tfc.lambda_secrets import with_secrets
from tfc.settings import SettingsFlags, resolve_settings

SECRETS = ("TFE_TOKEN", "SLACK_BOT_TOKEN")  # each may come from NAME_SECRET_ARN or NAME_SSM_PARAMETER


def handler(event: Mapping[str, Any], context: Any, *, environ: Mapping[str, str] | None = None,
            now: datetime | None = None) -> dict[str, Any]:
    if not isinstance(event, Mapping) or event.get("source") != "aws.events":
        source = event.get("source") if isinstance(event, Mapping) else type(event).__name__
        raise ValueError(f"monitor: expected an EventBridge scheduled event (source aws.events), got {source!r}")
    env = with_secrets(os.environ if environ is None else environ, SECRETS)
    table = env.get("MONITOR_STATE_TABLE")
    if not table:
        raise ConfigError("MONITOR_STATE_TABLE is not set")
    config = from_env(env)
    notifier = load_config(Path(path) if (path := env.get("NOTIFIER_CONFIG")) else None)
    token = env.get("SLACK_BOT_TOKEN")
    slack = SlackPort.connect(token, env.get("SLACK_API_URL")) if token else None
    endpoint = env.get("AWS_ENDPOINT_URL")
    store = DynamoMonitorStore(boto3.resource("dynamodb", endpoint_url=endpoint).Table(table))
    ecs = boto3.client("ecs", endpoint_url=endpoint) if config.ecs_services else None
    moment = now or datetime.now(UTC)
    with TfcClient(resolve_settings(SettingsFlags(), env)) as client:
        report = Tick(client, store, config, notifier, slack=slack, ecs=ecs).run(moment)
        requests = client.stats.requests
    for entry in metric_lines(report, config.namespace):
        sys.stdout.write(entry + "\n")
    return {**to_document(report), "tfc_requests": requests, "slack_calls": slack.calls if slack else 0}
