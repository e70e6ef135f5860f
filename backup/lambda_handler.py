"""AWS Lambda entry points: ``webhook`` (Function URL, payload format 2.0) and ``sweep`` (EventBridge schedule).

Thin adapters: event + environment in, reply out; the environment is documented in docs/backup.md. Routing is
strict: ``webhook`` acts only on a signed Function URL request, ``sweep`` only on a scheduled event. Importing this
module loads neither typer nor matplotlib.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import boto3

from backup.events import http_request, is_scheduled
from backup.settings import DEFAULT_STALE_AFTER, bucket_settings, parse_duration
from backup.store import BackupStore
from backup.sweep import summary_text
from backup.sweep import sweep as run_sweep
from backup.webhook import UNAUTHORIZED, Backend, handle_webhook
from tfc.client import TfcClient
from tfc.errors import ConfigError
from tfc.lambda_secrets import with_secrets
from tfc.settings import SettingsFlags, resolve_settings

log = logging.getLogger("backup")
# botocore logs request bodies at DEBUG (the state itself): whatever level the function's logging is set to, it
# stays at WARNING. httpx's request lines (a state download URL is a secret) are redacted by the TFC client's log
# filter (tfc/redact.py), not silenced here, so every module keeps one rule.
for _name in ("botocore", "boto3", "urllib3"):
    logging.getLogger(_name).setLevel(logging.WARNING)
REFUSED = {"statusCode": 403, "body": ""}


@functools.cache
def _log_once(message: str) -> None:
    """A configuration error is logged once per container, not once per request."""
    log.error(message)


def _environ(environ: Mapping[str, str] | None) -> dict[str, str]:
    return dict(os.environ) if environ is None else dict(environ)


@contextlib.contextmanager
def _connect(env: Mapping[str, str]) -> Iterator[Backend]:
    """The TFC client and the bucket for one invocation (secrets are kept a few minutes per container)."""
    bucket = bucket_settings(env)
    s3 = boto3.client("s3", endpoint_url=env.get("AWS_ENDPOINT_URL"))
    settings = resolve_settings(SettingsFlags(), with_secrets(env, ["TFE_TOKEN"]))
    with TfcClient(settings) as client:
        yield Backend(client, BackupStore(s3, bucket.bucket, kms_key_id=bucket.kms_key_id), bucket.prefix)


def webhook(event: Mapping[str, Any], context: Any, *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = _environ(environ)
    request = http_request(event)
    if request is None:
        log.warning("webhook: refused an event that is not a Function URL request (payload format 2.0)")
        return UNAUTHORIZED.as_lambda()
    try:
        token = with_secrets(env, ["WEBHOOK_TOKEN"]).get("WEBHOOK_TOKEN", "").strip()
    except ConfigError as exc:  # names the variable and the secret's reference, never a value
        log.error("webhook: %s: every request is refused", exc)
        return UNAUTHORIZED.as_lambda()
    if not token:
        _log_once("webhook: WEBHOOK_TOKEN (or WEBHOOK_TOKEN_SECRET_ARN) is empty: every request is refused")
        return UNAUTHORIZED.as_lambda()
    return handle_webhook(request, token, lambda: _connect(env)).as_lambda()


def sweep(event: Mapping[str, Any], context: Any, *, environ: Mapping[str, str] | None = None,
          now: datetime | None = None) -> dict[str, Any]:
    if not is_scheduled(event):
        log.warning("sweep: refused an event that is not an EventBridge scheduled event")
        return REFUSED
    env = _environ(environ)
    stale_after = parse_duration(env.get("BACKUP_STALE_AFTER") or DEFAULT_STALE_AFTER, name="BACKUP_STALE_AFTER")
    with _connect(env) as backend:
        organization = backend.client.settings.require_organization()
        report = run_sweep(backend.client, backend.store, prefix=backend.prefix, organization=organization,
                           now=now or datetime.now(UTC), stale_after=stale_after)
        requests = {"tfc_requests": backend.client.stats.requests, "s3_requests": backend.store.requests}
    posted = report.attention and _post_summary(env, summary_text(report))
    counts = {kind.value: report.count(kind) for kind in sorted({i.outcome for i in report.items})}
    log.info("sweep of %s: %s", organization, counts)
    return {"organization": organization, "outcomes": counts, "attention": report.attention,
            "slack_posted": posted, "side_loaded": report.side_loaded, **requests}


def _post_summary(env: Mapping[str, str], text: str) -> bool:
    token, channel = with_secrets(env, ["SLACK_BOT_TOKEN"]).get("SLACK_BOT_TOKEN", ""), env.get("SLACK_CHANNEL", "")
    if not token or not channel:
        log.warning("sweep: something is stale or failed, but SLACK_BOT_TOKEN/SLACK_CHANNEL are not set")
        return False
    from notifier.slack import SlackPort  # only when there is something to say

    block = {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}
    SlackPort.connect(token, env.get("SLACK_API_URL") or None).post(channel, {"text": text[:3000], "blocks": [block]})
    return True
