"""Keeping secrets out of text: registered secrets, bearer credentials and signed URLs become ``***``.

The client registers its token here; :func:`redact` is applied by the CLI's error boundary and by a filter on the
loggers of httpx and httpcore, which otherwise log every request URL at INFO (a signed archivist URL is a secret)
and, at DEBUG, the response headers (a server may echo ``Authorization``).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Final
from urllib.parse import urlsplit

MASK: Final = "***"
# Every logger httpx 0.28 and httpcore 1.x log through; a filter on a logger sees only its own records.
HTTP_LOGGERS: Final = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
# Paths whose URLs are safe to log: the API itself. Anything else (archivist objects, state and plan blobs on
# TFE's own host) may be a signed URL and is logged as scheme://host/*** only.
SAFE_PATH_PREFIX: Final = "/api/"
MIN_SECRET_LENGTH: Final = 4  # shorter values would mask ordinary words

_URL = re.compile(r"""(?i)\bhttps?://[^\s'"<>\\]+""")
_BEARER = re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]+")
_HEADERS = re.compile(r"(?s)(_headers\.\w+ ).*$")

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str) -> None:
    """Remember a secret (a token, a signing secret) so that :func:`redact` masks it from now on."""
    if len(value) >= MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(value)


def redact_url(url: str) -> str:
    """``url`` if it is an API URL (query dropped), else only its scheme and host: its path may be signed."""
    parts = urlsplit(url)
    if parts.path.startswith(SAFE_PATH_PREFIX) and not parts.query:
        return url
    if parts.path.startswith(SAFE_PATH_PREFIX):
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{MASK}"
    return f"{parts.scheme}://{parts.netloc}/{MASK}"


def redact(text: str) -> str:
    """``text`` with every registered secret, bearer credential and non-API URL masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    return _URL.sub(lambda m: redact_url(m.group(0)), text)


class HttpLogRedactor(logging.Filter):
    """Rewrites each httpx/httpcore record into its redacted text; header dumps are dropped entirely."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: log its template only
            message = str(record.msg)
        record.msg = redact(_HEADERS.sub(rf"\g<1>{MASK}", message))
        record.args = ()
        return True


_FILTER: Final = HttpLogRedactor()


def install_http_log_redaction() -> None:
    """Attach the redactor to every httpx/httpcore logger (idempotent)."""
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
