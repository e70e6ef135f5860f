"""TFC's notification signature: lowercase hex HMAC-SHA512 of the raw request body, keyed with the token."""

from __future__ import annotations

import hashlib
import hmac
import re

HEADER = "X-TFE-Notification-Signature"
_HEX_SHA512 = re.compile(r"[0-9a-f]{128}")


def sign(body: bytes, token: str) -> str:
    return hmac.new(token.encode(), body, hashlib.sha512).hexdigest()


def verify_signature(body: bytes, signature: str | None, token: str) -> bool:
    """True only for a well-formed signature of exactly ``body`` under a non-empty ``token`` (constant time)."""
    if not token or signature is None or _HEX_SHA512.fullmatch(signature) is None:
        return False
    return hmac.compare_digest(sign(body, token), signature)
