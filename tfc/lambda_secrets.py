"""Secrets for the Lambda handlers from AWS Secrets Manager or SSM Parameter Store, never from plain settings.

A handler that needs ``TFE_TOKEN`` is deployed with ``TFE_TOKEN_SECRET_ARN`` (a Secrets Manager secret) or
``TFE_TOKEN_SSM_PARAMETER`` (a SecureString parameter) instead of the value, so the token never sits in the
function's configuration or in Terraform state. A value set directly (``TFE_TOKEN``) still wins: that is how the CLI,
tests and local runs pass it. Fetched values are kept for a few minutes per warm container, so a rotation is picked
up without a cold start and an invocation every minute does not call the secret store every minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from tfc.errors import ConfigError
from tfc.redact import register_secret

SECRET_ARN_SUFFIX = "_SECRET_ARN"  # noqa: S105 - a variable-name suffix, not a secret
SSM_PARAMETER_SUFFIX = "_SSM_PARAMETER"
CACHE_SECONDS = 300.0

_cache: dict[tuple[str, str], tuple[float, str]] = {}


def _default_client(service: str) -> Any:
    import boto3  # the Lambda runtime provides it; imported here so the CLI never pays for it

    return boto3.client(service)


def _fetch(kind: str, reference: str, client_for: Callable[[str], Any]) -> str:
    if kind == "secretsmanager":
        answer = client_for("secretsmanager").get_secret_value(SecretId=reference)
        value = answer.get("SecretString")
    else:
        value = client_for("ssm").get_parameter(Name=reference, WithDecryption=True)["Parameter"]["Value"]
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{reference}: the secret is empty or not a string")
    return value


def with_secrets(environ: Mapping[str, str], names: Iterable[str], *,
                 client_for: Callable[[str], Any] = _default_client,
                 clock: Callable[[], float] = time.monotonic) -> dict[str, str]:
    """``environ`` plus each of ``names`` read from its ``NAME_SECRET_ARN`` or ``NAME_SSM_PARAMETER``, when not set.

    A name that is set nowhere stays unset (the handler decides whether it is required). The error for a secret that
    cannot be read names the variable and the reference, never a value.
    """
    resolved = dict(environ)
    for name in names:
        if resolved.get(name):
            continue
        if resolved.get(name + SECRET_ARN_SUFFIX):
            kind, reference = "secretsmanager", resolved[name + SECRET_ARN_SUFFIX]
        elif resolved.get(name + SSM_PARAMETER_SUFFIX):
            kind, reference = "ssm", resolved[name + SSM_PARAMETER_SUFFIX]
        else:
            continue
        cached = _cache.get((kind, reference))
        if cached is not None and clock() - cached[0] < CACHE_SECONDS:
            resolved[name] = cached[1]
            continue
        try:
            value = _fetch(kind, reference, client_for)
        except ConfigError:
            raise
        except Exception as exc:  # botocore's errors: access denied, not found, throttled
            raise ConfigError(f"{name}: cannot read {reference} from {kind}: {type(exc).__name__}") from None
        register_secret(value)  # masked in every log line and error from now on
        _cache[(kind, reference)] = (clock(), value)
        resolved[name] = value
    return resolved
