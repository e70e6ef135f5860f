"""What stands before every sandbox request, as at TFC: rate limits and (optionally) injected faults."""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Budget:
    """A non-blocking token bucket: ``take()`` says whether a request may pass, or how long to wait."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, float, int]:
        """(allowed, seconds until a token is available, tokens remaining)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True, 0.0, int(self._tokens)
            return False, (1 - self._tokens) / self.rate, 0


@dataclass(frozen=True, slots=True)
class LimitRule:
    name: str
    per_second: float  # the rate
    limit_header: int  # what X-RateLimit-Limit says
    capacity: float


def limit_for(method: str, path: str, per_second: float) -> LimitRule:
    """TFC's budget for an endpoint: 30/s generally, 30/min for run lists, 10/min for notification verify."""
    parts = path.strip("/").split("/")[2:]  # after api/v2
    if method == "GET" and len(parts) == 3 and parts[0] in ("workspaces", "organizations") and parts[2] == "runs":
        return LimitRule("run-lists", 30 / 60, 30, 30)
    if method == "POST" and parts[:1] == ["notification-configurations"] and parts[-2:] == ["actions", "verify"]:
        return LimitRule("notification-verify", 10 / 60, 10, 10)
    return LimitRule("general", per_second, int(per_second), per_second)


class Fault(StrEnum):
    SERVER_ERROR = "server-error"  # 503, nothing done
    RATE_LIMITED = "rate-limited"  # 429, nothing done
    DROP = "drop"  # the connection is closed without a response, nothing done


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Fractions of requests that fail, decided per (seed, method, path, n-th time seen) so runs are reproducible
    whatever the threads' interleaving. A fault is decided before the request is handled: it never
    half-applies an action."""

    server_errors: float = 0.0
    rate_limits: float = 0.0
    drops: float = 0.0
    seed: int = 0

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """``5xx=0.05,429=0.02,drop=0.01,seed=7``"""
        names = {"5xx": "server_errors", "429": "rate_limits", "drop": "drops", "seed": "seed"}
        values: dict[str, float | int] = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            key, sep, raw = item.partition("=")
            if not sep or key not in names:
                raise ValueError(f"bad fault {item!r}: use 5xx=F,429=F,drop=F,seed=N")
            values[names[key]] = int(raw) if key == "seed" else float(raw)
        spec = cls(**values)  # type: ignore[arg-type]
        if spec.server_errors + spec.rate_limits + spec.drops > 1:
            raise ValueError("fault fractions add up to more than 1")
        return spec


class FaultInjector:
    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._seen: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self.injected: dict[Fault, int] = dict.fromkeys(Fault, 0)

    def draw(self, method: str, path: str) -> Fault | None:
        with self._lock:
            n = self._seen.get((method, path), 0)
            self._seen[(method, path)] = n + 1
        digest = hashlib.sha256(f"{self.spec.seed}|{method}|{path}|{n}".encode()).digest()
        x = random.Random(digest).random()
        s = self.spec
        fault = None
        if x < s.server_errors:
            fault = Fault.SERVER_ERROR
        elif x < s.server_errors + s.rate_limits:
            fault = Fault.RATE_LIMITED
        elif x < s.server_errors + s.rate_limits + s.drops:
            fault = Fault.DROP
        if fault is not None:
            with self._lock:
                self.injected[fault] += 1
        return fault
