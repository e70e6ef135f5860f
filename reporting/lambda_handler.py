"""AWS Lambda entry point for the monthly usage report: a thin adapter from event + environment to a run.

Environment: TFE_TOKEN (or TFE_TOKEN_SECRET_ARN / TFE_TOKEN_SSM_PARAMETER), TFE_ORGANIZATION, TFE_HOSTNAME or
TFE_ADDRESS (as the CLI), REPORT_BUCKET,
REPORT_PREFIX (default ``usage-reports/``), REPORT_DAYS (365), REPORT_TAG_KEY (``type``), FORECAST_MONTHS (12),
optionally ACCOUNT_MAP (``s3://bucket/key`` or a file path, the CLI's ``--account-map`` format), RENEWAL_DATE
(YYYY-MM-DD), and SLACK_BOT_TOKEN + SLACK_CHANNEL to post the summary with a link to index.html.

Links: a presigned URL signed with the function role's temporary credentials dies with them (hours, not the
days it asks for), so none is posted. With REPORT_LINK_BASE_URL (e.g. a CloudFront distribution or internal
site serving the bucket) the link is ``<base>/<key>`` and lasts as long as the object; without it the link
opens the object in the S3 console, which also lasts as long as the object and needs an AWS sign-in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import boto3
from botocore.exceptions import ClientError

from reporting.accounts import AccountMap, parse_account_map
from reporting.series import Period
from reporting.usage import artifacts, run_usage_report, summary_text
from tfc.client import TfcClient
from tfc.errors import ConfigError
from tfc.lambda_secrets import with_secrets
from tfc.settings import SettingsFlags, resolve_settings

CONTENT_TYPES = {".csv": "text/csv", ".png": "image/png", ".json": "application/json",
                 ".html": "text/html; charset=utf-8"}


class S3Store:
    """The usage cache as one S3 object."""

    def __init__(self, s3: Any, bucket: str, key: str) -> None:
        self.s3, self.bucket, self.key = s3, bucket, key

    def read(self) -> bytes | None:
        try:
            body: bytes = self.s3.get_object(Bucket=self.bucket, Key=self.key)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return body

    def write(self, data: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=data, ContentType="application/json")

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def handler(event: Mapping[str, Any], context: Any, *, environ: Mapping[str, str] | None = None,
            clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> dict[str, Any]:
    # TFE_TOKEN and SLACK_BOT_TOKEN from Secrets Manager / SSM when deployed (TFE_TOKEN_SECRET_ARN, …)
    env = with_secrets(os.environ if environ is None else environ, ["TFE_TOKEN", "SLACK_BOT_TOKEN"])
    os.environ.setdefault("MPLCONFIGDIR", "/tmp/matplotlib")  # noqa: S108 - Lambda's only writable directory
    bucket = env["REPORT_BUCKET"]
    prefix = env.get("REPORT_PREFIX", "usage-reports/")
    now = clock()
    period = Period.last_days(int(env.get("REPORT_DAYS", "365")), now.date())
    renewal = _renewal(env.get("RENEWAL_DATE", ""), period.end)
    settings = resolve_settings(SettingsFlags(), env)
    s3 = boto3.client("s3", endpoint_url=env.get("AWS_ENDPOINT_URL"))
    accounts = _account_map(s3, env["ACCOUNT_MAP"]) if env.get("ACCOUNT_MAP") else None
    with TfcClient(settings) as client:
        run = run_usage_report(client, S3Store(s3, bucket, f"{prefix}cache.json"), period, now=now,
                               tag_key=env.get("REPORT_TAG_KEY", "type"), accounts=accounts,
                               forecast_months=int(env.get("FORECAST_MONTHS", "12")), renewal_date=renewal)
    keys = []
    for name, content in artifacts(run.report).items():
        key = f"{prefix}{period.end.isoformat()}/{name}"
        s3.put_object(Bucket=bucket, Key=key, Body=content,
                      ContentType=CONTENT_TYPES.get(name[name.rfind("."):], "application/octet-stream"))
        keys.append(key)
    text = summary_text(run.report, run.stats)
    if env.get("RENEWAL_DATE") and renewal is None:
        text += f"\nRENEWAL_DATE {env['RENEWAL_DATE']} has passed: set the next renewal date"
    posted = False
    if env.get("SLACK_BOT_TOKEN") and env.get("SLACK_CHANNEL"):
        from slack_sdk import WebClient

        page = f"{prefix}{period.end.isoformat()}/index.html"
        slack = WebClient(token=env["SLACK_BOT_TOKEN"], base_url=env.get("SLACK_API_URL", WebClient.BASE_URL))
        slack.chat_postMessage(channel=env["SLACK_CHANNEL"],
                               text=f"{slack_text(text)}\n{link_line(env, s3.meta.region_name, bucket, page)}")
        posted = True
    return {"bucket": bucket, "keys": keys, "summary": run.report.summary(), "requests": run.stats.requests,
            "slack_posted": posted}


def _renewal(value: str, last_day: date) -> date | None:
    """RENEWAL_DATE, or None when unset or already past (a monthly job must not fail once the date passes)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"RENEWAL_DATE {value!r}: not a date (YYYY-MM-DD)") from None
    return day if day > last_day else None


def _account_map(s3: Any, where: str) -> AccountMap:
    """The account map from ``s3://bucket/key`` or a file (e.g. one packaged with the function)."""
    if where.startswith("s3://"):
        bucket, _, key = where[len("s3://"):].partition("/")
        data: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    else:
        data = Path(where).read_bytes()
    return parse_account_map(data, where)


def slack_text(text: str) -> str:
    """Text with TFC data in it, escaped as Slack asks (``&``, ``<``, ``>``) so it can neither ping nor link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link_line(env: Mapping[str, str], region: str | None, bucket: str, key: str) -> str:
    """The Slack line linking the report page, saying what the link needs and how long it lasts."""
    base = env.get("REPORT_LINK_BASE_URL", "").rstrip("/")
    if base:
        return f"Report: <{base}/{quote(key)}|index.html> (stays as long as the report is kept)"
    host = f"{region}.console.aws.amazon.com" if region else "console.aws.amazon.com"
    url = f"https://{host}/s3/object/{quote(bucket)}?prefix={quote(key, safe='')}"
    return (f"Report: <{url}|index.html in s3://{bucket}> (AWS console, sign-in needed; stays as long as the "
            "report is kept)")
