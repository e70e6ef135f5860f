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
    LOST = "lost"  # the request is handled (an apply happens), then the connection is closed: the response is lost
    LOST_5XX = "lost-5xx"  # the request is handled, then 502 is answered in place of its response

    @property
    def after_handling(self) -> bool:
        return self in (Fault.LOST, Fault.LOST_5XX)


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Fractions of requests that fail, decided per (seed, method, path, n-th time seen) so runs are reproducible
    whatever the threads' interleaving. 5xx, 429 and drop faults are decided and answered before the request
    is handled: they never half-apply an action. ``lost`` and ``lost5xx`` are the other failure a client must
    survive: the action happens and its response does not arrive. ``only`` limits every fault to requests
    whose method and path contain it (``only=/actions/apply``)."""

    server_errors: float = 0.0
    rate_limits: float = 0.0
    drops: float = 0.0
    lost_responses: float = 0.0
    lost_5xx: float = 0.0
    seed: int = 0
    only: str = ""

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """``5xx=0.05,429=0.02,drop=0.01,lost=0.01,lost5xx=0.01,only=/actions/apply,seed=7``"""
        names = {"5xx": "server_errors", "429": "rate_limits", "drop": "drops", "lost": "lost_responses",
                 "lost5xx": "lost_5xx", "seed": "seed", "only": "only"}
        values: dict[str, float | int | str] = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            key, sep, raw = item.partition("=")
            if not sep or key not in names:
                raise ValueError(f"bad fault {item!r}: use 5xx=F,429=F,drop=F,lost=F,lost5xx=F,only=PATH,seed=N")
            values[names[key]] = raw if key == "only" else int(raw) if key == "seed" else float(raw)
        spec = cls(**values)  # type: ignore[arg-type]
        if spec.server_errors + spec.rate_limits + spec.drops + spec.lost_responses + spec.lost_5xx > 1:
            raise ValueError("fault fractions add up to more than 1")
        return spec


class FaultInjector:
    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self._seen: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self.injected: dict[Fault, int] = dict.fromkeys(Fault, 0)
        self._fractions = (spec.server_errors, spec.rate_limits, spec.drops, spec.lost_responses, spec.lost_5xx)

    def draw(self, method: str, path: str) -> Fault | None:
        if self.spec.only and self.spec.only not in f"{method} {path}":
            return None
        with self._lock:
            n = self._seen.get((method, path), 0)
            self._seen[(method, path)] = n + 1
        digest = hashlib.sha256(f"{self.spec.seed}|{method}|{path}|{n}".encode()).digest()
        x = random.Random(digest).random()
        fault = None
        bound = 0.0
        for kind, fraction in zip(Fault, self._fractions, strict=True):
            bound += fraction
            if x < bound:
                fault = kind
                break
        if fault is not None:
            with self._lock:
                self.injected[fault] += 1
        return fault
