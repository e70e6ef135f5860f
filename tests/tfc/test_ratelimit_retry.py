"""The client-side limiter and the retry policy, as tables with a fake clock."""

from __future__ import annotations

import random

import httpx
import pytest

from tfc.ratelimit import TokenBucket
from tfc.retry import backoff_delay, rate_limit_reset, should_retry_status, should_retry_transport_error

from .helpers import FakeClock


def test_bucket_allows_a_burst_then_paces_at_the_rate() -> None:
    """After `capacity` immediate tokens, callers are spaced 1/rate apart."""
    clock = FakeClock(now=0.0)
    bucket = TokenBucket(10.0, 3, clock=clock, sleep=clock.sleep)
    for _ in range(6):
        bucket.acquire()
    assert clock.sleeps == pytest.approx([0.1, 0.1, 0.1])
    assert clock.now == pytest.approx(0.3)


def test_requests_never_exceed_the_rate_over_a_window() -> None:
    """300 acquisitions at 30/s with burst 10 take at least (300-10)/30 seconds."""
    clock = FakeClock(now=0.0)
    bucket = TokenBucket(30.0, 10, clock=clock, sleep=clock.sleep)
    for _ in range(300):
        bucket.acquire()
    assert clock.now >= (300 - 10) / 30 - 1e-9


def test_block_for_holds_everyone_back() -> None:
    """After a 429 reset, the next acquire waits the reset even with tokens in the bucket."""
    clock = FakeClock(now=0.0)
    bucket = TokenBucket(30.0, 10, clock=clock, sleep=clock.sleep)
    bucket.block_for(2.0)
    bucket.acquire()
    assert clock.sleeps == [2.0]


@pytest.mark.parametrize(("attempt", "low", "high"), [(1, 0.5, 0.75), (2, 1.0, 1.5), (3, 2.0, 3.0), (10, 20.0, 30.0)])
def test_backoff_doubles_with_jitter_up_to_a_cap(attempt: int, low: float, high: float) -> None:
    """min(20, 0.5 * 2**(n-1)) stretched by up to 50%."""
    rng = random.Random(1)
    for _ in range(50):
        assert low <= backoff_delay(attempt, rng=rng) < high


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-RateLimit-Reset": "0.75"}, 0.75),
        ({"Retry-After": "3"}, 3.0),
        ({"X-RateLimit-Reset": "soon"}, None),
        ({}, None),
    ],
)
def test_rate_limit_reset_header(headers: dict[str, str], expected: float | None) -> None:
    """The reset header is read as seconds to wait."""
    assert rate_limit_reset(httpx.Response(429, headers=headers)) == expected


@pytest.mark.parametrize(
    ("method", "status", "retry"),
    [
        ("GET", 429, True),
        ("POST", 429, True),
        ("GET", 503, True),
        ("GET", 500, True),
        ("POST", 503, False),
        ("GET", 404, False),
        ("GET", 409, False),
        ("DELETE", 502, True),
    ],
)
def test_which_statuses_are_retried(method: str, status: int, retry: bool) -> None:
    """429 always; 5xx only for idempotent methods; 4xx never."""
    assert should_retry_status(method, status) is retry


def test_transport_errors_are_retried_only_for_idempotent_methods() -> None:
    """A dropped POST may have reached TFC, so it is not retried blindly."""
    assert should_retry_transport_error("GET") and not should_retry_transport_error("POST")
