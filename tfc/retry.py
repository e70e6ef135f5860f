"""When and how long to wait before retrying a request: small pure functions, tested as tables."""

from __future__ import annotations

import random

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_SERVER_STATUSES = frozenset({500, 502, 503, 504})


def backoff_delay(
    attempt: int, *, rng: random.Random, initial: float = 0.5, maximum: float = 20.0, jitter: float = 0.5
) -> float:
    """Seconds before retry number ``attempt`` (1-based).

    ``min(maximum, initial * 2**(attempt-1))``, stretched by a random factor in ``[1, 1 + jitter)`` so
    that many threads that failed together do not retry together.
    """
    base: float = min(maximum, initial * 2.0 ** (attempt - 1))
    return base * (1 + jitter * rng.random())


def rate_limit_reset(response: httpx.Response) -> float | None:
    """Seconds TFC asks us to wait after a 429: ``X-RateLimit-Reset`` (float seconds), else ``Retry-After``."""
    for header in ("x-ratelimit-reset", "retry-after"):
        raw = response.headers.get(header)
        if raw is None:
            continue
        try:
            value = float(raw)
        except ValueError:
            continue
        if value >= 0:
            return value
    return None


def should_retry_status(method: str, status: int) -> bool:
    """429 is safe to retry for any method (TFC refused it before doing anything); 5xx only when idempotent."""
    if status == 429:
        return True
    return status in RETRYABLE_SERVER_STATUSES and method in IDEMPOTENT_METHODS


def should_retry_transport_error(method: str) -> bool:
    """A dropped connection may have reached TFC: only idempotent requests are retried blindly."""
    return method in IDEMPOTENT_METHODS
