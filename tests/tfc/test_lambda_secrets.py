"""Handler secrets from Secrets Manager and SSM (moto in server mode), a direct value winning, errors without values."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from tfc import lambda_secrets
from tfc.errors import ConfigError
from tfc.lambda_secrets import with_secrets


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    lambda_secrets._cache.clear()
    yield
    lambda_secrets._cache.clear()


def test_secrets_come_from_secrets_manager_and_ssm(moto_endpoint: str) -> None:
    arn = boto3.client("secretsmanager").create_secret(Name="tfc/token", SecretString="tfe-canary-1")["ARN"]
    boto3.client("ssm").put_parameter(Name="/tfc/slack", Value="xoxb-canary", Type="SecureString")
    env = {"TFE_TOKEN_SECRET_ARN": arn, "SLACK_BOT_TOKEN_SSM_PARAMETER": "/tfc/slack", "OTHER": "x"}
    resolved = with_secrets(env, ["TFE_TOKEN", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"])
    assert resolved["TFE_TOKEN"] == "tfe-canary-1"
    assert resolved["SLACK_BOT_TOKEN"] == "xoxb-canary"
    assert "SLACK_SIGNING_SECRET" not in resolved
    assert env == {"TFE_TOKEN_SECRET_ARN": arn, "SLACK_BOT_TOKEN_SSM_PARAMETER": "/tfc/slack", "OTHER": "x"}


def test_a_direct_value_wins_and_nothing_is_fetched() -> None:
    def no_client(service: str) -> None:
        raise AssertionError(f"{service} must not be called")

    env = {"TFE_TOKEN": "direct", "TFE_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:x"}
    assert with_secrets(env, ["TFE_TOKEN"], client_for=no_client)["TFE_TOKEN"] == "direct"


class _CountingSecrets:
    def __init__(self) -> None:
        self.calls = 0
        self.value = "v1"

    def get_secret_value(self, SecretId: str) -> dict[str, str]:
        self.calls += 1
        return {"SecretString": self.value}


def test_values_are_cached_for_a_few_minutes_then_refetched() -> None:
    store, now = _CountingSecrets(), [0.0]
    env = {"TFE_TOKEN_SECRET_ARN": "arn:x"}

    def fetch() -> str:
        return with_secrets(env, ["TFE_TOKEN"], client_for=lambda _: store, clock=lambda: now[0])["TFE_TOKEN"]

    assert fetch() == "v1" and store.calls == 1
    store.value, now[0] = "v2", lambda_secrets.CACHE_SECONDS - 1
    assert fetch() == "v1" and store.calls == 1
    now[0] = lambda_secrets.CACHE_SECONDS
    assert fetch() == "v2" and store.calls == 2


def test_unreadable_or_empty_secrets_are_config_errors_naming_the_variable(moto_endpoint: str) -> None:
    with pytest.raises(ConfigError, match=r"TFE_TOKEN: cannot read arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf from secretsmanager: ResourceNotFoundException"):
        with_secrets({"TFE_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf"},
                     ["TFE_TOKEN"])
    binary_only = _CountingSecrets()
    binary_only.value = ""  # a secret stored as SecretBinary has no SecretString
    with pytest.raises(ConfigError, match="arn:binary: the secret is empty or not a string"):
        with_secrets({"TFE_TOKEN_SECRET_ARN": "arn:binary"}, ["TFE_TOKEN"], client_for=lambda _: binary_only)
