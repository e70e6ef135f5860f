"""Which Lambda event is which: a Function URL request (payload format 2.0) or an EventBridge schedule.

Routing is strict: the webhook handler acts only on HTTP-shaped events, the sweep only on scheduled ones.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    headers: Mapping[str, str]  # names lower-cased, as Function URLs deliver them
    body: bytes  # the raw bytes the caller sent

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def http_request(event: Mapping[str, Any]) -> HttpRequest | None:
    """The request a Function URL event carries, or ``None`` when the event is not one (or its body is unreadable)."""
    if event.get("version") != "2.0":
        return None
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, Mapping) else None
    headers = event.get("headers")
    if not isinstance(http, Mapping) or not isinstance(http.get("method"), str) or not isinstance(headers, Mapping):
        return None
    raw = event.get("body")
    if raw is not None and not isinstance(raw, str):
        return None
    try:
        body = base64.b64decode(raw or "", validate=True) if event.get("isBase64Encoded") is True else (
            (raw or "").encode())
    except (binascii.Error, ValueError):
        return None
    return HttpRequest(str(http["method"]).upper(), {str(k).lower(): str(v) for k, v in headers.items()}, body)


def is_scheduled(event: Mapping[str, Any]) -> bool:
    """An EventBridge scheduled event (``source: aws.events``, ``detail-type: Scheduled Event``)."""
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"
