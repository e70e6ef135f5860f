"""A served sandbox with a small scenario, a bucket on moto, and the webhook Lambda behind a local Function URL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from backup import lambda_handler
from tfc.client import TfcClient
from tfc.sandbox import Sandbox

BUCKET = "state-backups"
WEBHOOK_TOKEN = "hook-secret-0123456789"
SCENARIO = """\
organization: acme
token: acme-token-abcdef0123456789
workspaces:
  - name: net-prod
    state_versions:
      - days_ago: 30
        resources:
          - {type: aws_subnet, name: private, count: 3}
    runs:
      - status: planned
        commit: "2222222222222222222222222222222222222222"
        changes:
          - address: aws_subnet.private[3]
            actions: [create]
            after: {cidr_block: 10.0.3.0/24}
  - name: app-dev
    state_versions:
      - days_ago: 3
        resources:
          - {type: aws_instance, name: web, count: 1}
    runs:
      - status: planned
        commit: "3333333333333333333333333333333333333333"
        changes:
          - address: aws_instance.api
            actions: [create]
            after: {ami: ami-1}
  - name: fresh
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO)
    return path


@dataclass
class World:
    sandbox: Sandbox
    address: str
    s3: Any
    env: dict[str, str]

    def client(self) -> TfcClient:
        return self.sandbox.client(rate_limit_per_second=1000)

    def object_keys(self) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET)
        return sorted(item["Key"] for item in listed.get("Contents") or ())

    def body(self, key: str) -> bytes:
        return bytes(self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())


@pytest.fixture
def world(scenario_file: Path, moto_endpoint: str) -> Iterator[World]:
    sandbox = Sandbox.from_scenario(scenario_file, rate_limit=None)
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    kms_key = boto3.client("kms", endpoint_url=moto_endpoint).create_key(Description="backups")["KeyMetadata"]["Arn"]
    lambda_handler._log_once.cache_clear()
    with sandbox.serve() as address:
        env = {"TFE_ADDRESS": address, "TFE_TOKEN": sandbox.token, "TFE_ORGANIZATION": "acme",
               "BACKUP_BUCKET": BUCKET, "BACKUP_PREFIX": "tfstate", "WEBHOOK_TOKEN": WEBHOOK_TOKEN,
               "AWS_ENDPOINT_URL": moto_endpoint, "HOME": "/nonexistent",
               "BACKUP_KMS_KEY_ID": kms_key}
        yield World(sandbox, address, s3, env)
    sandbox.close()
