"""The backup's own settings, read from a mapping (the Lambda's environment or the CLI's flags and environment)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from tfc.errors import ConfigError

DEFAULT_PREFIX = "tfstate"
DEFAULT_STALE_AFTER = "24h"
_DURATION = re.compile(r"([1-9][0-9]*)([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str, *, name: str) -> timedelta:
    """``30m``, ``24h``, ``7d``; anything else is a ConfigError naming where it came from."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise ConfigError(f"{name}={text!r}: use a duration such as 30m, 24h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


@dataclass(frozen=True, slots=True)
class BucketSettings:
    bucket: str
    prefix: str
    kms_key_id: str | None


def bucket_settings(
    environ: Mapping[str, str], *, bucket: str | None = None, prefix: str | None = None
) -> BucketSettings:
    """Flags first, then ``BACKUP_BUCKET`` / ``BACKUP_PREFIX`` / ``BACKUP_KMS_KEY_ID``."""
    chosen = bucket or environ.get("BACKUP_BUCKET", "")
    if not chosen:
        raise ConfigError("no backup bucket: pass --bucket or set BACKUP_BUCKET")
    chosen_prefix = prefix if prefix is not None else environ.get("BACKUP_PREFIX", DEFAULT_PREFIX)
    return BucketSettings(chosen, chosen_prefix.strip("/"), environ.get("BACKUP_KMS_KEY_ID") or None)
