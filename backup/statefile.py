"""Is a downloaded blob a Terraform state file? The facts a backup is keyed and checked by."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass


class InvalidState(ValueError):
    """The bytes are not a Terraform state file (the message says what is wrong, never the content)."""


@dataclass(frozen=True, slots=True)
class StateFacts:
    serial: int
    lineage: str
    terraform_version: str
    sha256: str  # hex digest of the exact bytes


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def read_state(body: bytes) -> StateFacts:
    """``serial`` (an integer ≥ 0), ``lineage`` and ``terraform_version`` (non-empty strings), or InvalidState."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidState("not JSON") from None
    if not isinstance(document, dict):
        raise InvalidState("not a JSON object")
    serial = document.get("serial")
    if not isinstance(serial, int) or isinstance(serial, bool) or serial < 0:
        raise InvalidState("no integer serial")
    lineage, version = document.get("lineage"), document.get("terraform_version")
    if not isinstance(lineage, str) or not lineage:
        raise InvalidState("no lineage")
    if not isinstance(version, str) or not version:
        raise InvalidState("no terraform_version")
    return StateFacts(serial, lineage, version, sha256_hex(body))
