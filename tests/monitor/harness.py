"""A scenario sandbox on an injected clock, and ticks against it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import MonitorConfig
from monitor.state import MonitorStore
from monitor.tick import Tick, TickReport
from notifier.config import load_config
from notifier.slack import SlackPort
from tfc.sandbox import Sandbox

HERE = Path(__file__).parent
SCENARIO = HERE / "scenario.yaml"
NOTIFIER = HERE / "notifier.yaml"
START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def at(self, minute: float) -> datetime:
        self.now = START + timedelta(minutes=minute)
        return self.now


@contextmanager
def scenario_sandbox(clock: Clock) -> Iterator[Sandbox]:
    sandbox = Sandbox.from_scenario(SCENARIO, rate_limit=None, clock=clock)
    try:
        yield sandbox
    finally:
        sandbox.close()


def tick(sandbox: Sandbox, store: MonitorStore, slack: SlackPort | None, now: datetime,
         config: MonitorConfig | None = None, **kwargs: object) -> tuple[TickReport, int]:
    """One tick with its own client; (report, requests it made)."""
    with sandbox.client(rate_limit_per_second=10_000) as client:
        report = Tick(client, store, config or MonitorConfig(), load_config(NOTIFIER), slack=slack,
                      **kwargs).run(now)  # type: ignore[arg-type]
        return report, client.stats.requests
