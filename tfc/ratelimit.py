"""Client-side rate limiting shared by every thread of one client.

TFC allows 30 requests/second per user and 30 requests/minute on the two run-list endpoints
(TFC-API.md §3). A :class:`TokenBucket` hands out reservations under a lock and sleeps outside it, so
concurrent callers queue fairly and the client never sends faster than the budget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

# Signed blob downloads (plan JSON, state files) go to the archivist host, not the API: they are not TFC API
# requests and get their own budget so they never spend the API's 30/s.
DEFAULT_DOWNLOAD_RATE = 100.0

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` saved up; ``acquire`` blocks until one is free."""

    def __init__(self, rate: float, capacity: float, *, clock: Clock, sleep: Sleep) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be > 0 and capacity >= 1")
        self._rate = rate
        self._capacity = capacity
        self._clock = clock
        self._sleep = sleep
        self._tokens = capacity
        self._updated = clock()
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take a token now and return how long the caller must wait before using it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            self._tokens -= 1
            wait = 0.0 if self._tokens >= 0 else -self._tokens / self._rate
            return max(wait, self._blocked_until - now)

    def acquire(self) -> None:
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)

    def block_for(self, seconds: float) -> None:
        """Hold every caller back for ``seconds`` (TFC answered 429 with a reset time)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)
