"""AWS Lambda entry point for the monthly usage report: a thin adapter from event + environment to a run.

Environment: TFE_TOKEN, TFE_ORGANIZATION, TFE_HOSTNAME or TFE_ADDRESS (as the CLI), REPORT_BUCKET,
REPORT_PREFIX (default ``usage-reports/``), REPORT_DAYS (365), REPORT_TAG_KEY (``type``), FORECAST_MONTHS (12),
and optionally SLACK_BOT_TOKEN + SLACK_CHANNEL to post the summary with links to the charts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from reporting.series import Period
from reporting.usage import artifacts, run_usage_report, summary_text
from tfc.client import TfcClient
from tfc.settings import SettingsFlags, resolve_settings

LINK_LIFETIME_S = 7 * 24 * 3600
CONTENT_TYPES = {".csv": "text/csv", ".png": "image/png", ".json": "application/json"}


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


def handler(event: Mapping[str, Any], context: Any, *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    env = dict(os.environ) if environ is None else dict(environ)
    bucket = env["REPORT_BUCKET"]
    prefix = env.get("REPORT_PREFIX", "usage-reports/")
    now = datetime.now(UTC)
    period = Period.last_days(int(env.get("REPORT_DAYS", "365")), now.date())
    settings = resolve_settings(SettingsFlags(), env)
    s3 = boto3.client("s3", endpoint_url=env.get("AWS_ENDPOINT_URL"))
    with TfcClient(settings) as client:
        run = run_usage_report(client, S3Store(s3, bucket, f"{prefix}cache.json"), period, now=now,
                               tag_key=env.get("REPORT_TAG_KEY", "type"),
                               forecast_months=int(env.get("FORECAST_MONTHS", "12")))
    keys = []
    for name, content in artifacts(run.report).items():
        key = f"{prefix}{period.end.isoformat()}/{name}"
        s3.put_object(Bucket=bucket, Key=key, Body=content,
                      ContentType=CONTENT_TYPES.get(name[name.rfind("."):], "application/octet-stream"))
        keys.append(key)
    text = summary_text(run.report, run.stats)
    posted = False
    if env.get("SLACK_BOT_TOKEN") and env.get("SLACK_CHANNEL"):
        from slack_sdk import WebClient

        links = [f"<{_link(s3, bucket, key)}|{key.rsplit('/', 1)[1]}>" for key in keys if key.endswith(".png")]
        slack = WebClient(token=env["SLACK_BOT_TOKEN"], base_url=env.get("SLACK_API_URL", WebClient.BASE_URL))
        slack.chat_postMessage(channel=env["SLACK_CHANNEL"], text=text + "\nCharts: " + " · ".join(links))
        posted = True
    return {"bucket": bucket, "keys": keys, "summary": run.report.summary(), "requests": run.stats.requests,
            "slack_posted": posted}


def _link(s3: Any, bucket: str, key: str) -> str:
    url: str = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                         ExpiresIn=LINK_LIFETIME_S)
    return url
