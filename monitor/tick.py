"""One monitoring tick: read (``reads``), decide (exhaustion, queue, plantime, scaling), alert, scale.

This module only wires the pure decisions to TFC, the state store, Slack and ECS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError

from monitor.config import MonitorConfig
from monitor.ecs import ScaleAction, desired_count, set_desired
from monitor.emf import COUNT, SECONDS, line
from monitor.exhaustion import Event, observe
from monitor.messages import pool_message, slow_plan_message
from monitor.plantime import PlanTime, plan_times, slow
from monitor.queue import PoolQueue, queues
from monitor.reads import PoolCounts, read_pools, read_runs, run_times
from monitor.scaling import Demand, Recommendation, recommend
from monitor.state import MonitorStore, PoolRecord
from notifier.config import NotifierConfig
from notifier.recipients import choose
from notifier.slack import SlackPort
from tfc.client import TfcClient

ALERT_LOOKBACK = timedelta(hours=1)  # plans that ended before this are history, not alerts


@dataclass(frozen=True, slots=True)
class PoolReport:
    counts: PoolCounts
    queue: PoolQueue
    exhausted: bool
    event: str | None
    alert: str  # "sent", "would send", "no slack", "failed: <slack error>", "lost race", "" (nothing to send)
    recommendation: Recommendation
    scaling: ScaleAction | None = None


@dataclass(frozen=True, slots=True)
class SlowPlan:
    plan: PlanTime
    channel: str
    action: str  # "sent", "would send", "already sent", "no slack", "failed: <slack error>"


@dataclass
class TickReport:
    at: datetime
    pools: list[PoolReport] = field(default_factory=list)
    slow_plans: list[SlowPlan] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """A pool could not be read or a message could not be sent."""
        return bool(self.errors) or any(p.alert.startswith("failed") for p in self.pools) or any(
            s.action.startswith("failed") for s in self.slow_plans)

    @property
    def alerting(self) -> bool:
        """A pool is exhausted, or a slow plan is still planning or was announced in this tick."""
        return any(p.exhausted for p in self.pools) or any(
            not s.plan.finished or s.action in ("sent", "would send") for s in self.slow_plans)


class Tick:
    def __init__(self, client: TfcClient, store: MonitorStore, config: MonitorConfig, notifier: NotifierConfig,
                 *, slack: SlackPort | None, ecs: Any = None, dry_run: bool = False) -> None:
        self.client, self.store, self.config, self.notifier = client, store, config, notifier
        self.slack, self.ecs, self.dry_run = slack, ecs, dry_run

    def run(self, now: datetime) -> TickReport:
        report = TickReport(now)
        pools = read_pools(self.client, report.errors)
        live, recent = read_runs(self.client)
        by_pool = queues(live, now)
        times = run_times(recent)
        for counts in pools:
            report.pools.append(self._pool(counts, by_pool.get(counts.id, PoolQueue()), times.get(counts.id), now))
        measured = plan_times([*live, *recent], self.config.plan_selector, now)
        fresh = [p for p in slow(measured, self.config.plan_threshold) if p.ended >= now - ALERT_LOOKBACK]
        report.slow_plans = [self._slow_plan(p, now) for p in fresh]
        return report

    def _send(self, channel: str, message: dict[str, Any]) -> str:
        """The outcome of one Slack message; a Slack error fails this message, not the tick."""
        if self.dry_run:
            return "would send"
        if self.slack is None:
            return "no slack"
        try:
            self.slack.post(channel, message)
        except SlackApiError as exc:
            return f"failed: {exc.response.get('error', 'slack error')}"
        return "sent"

    def _pool(self, counts: PoolCounts, queue: PoolQueue, run_time: timedelta | None, now: datetime) -> PoolReport:
        record = self.store.pool(counts.id)
        state, event = observe(record.state, counts.idle, now, self.config.window)
        target = self.config.ecs_services.get(counts.name)
        current = desired_count(self.ecs, target) if target is not None and self.ecs is not None else None
        demand = Demand(counts.busy, queue.waiting_workspaces, counts.size if current is None else current, run_time)
        rec = recommend(demand, self.config.scale, record.last_needed, now)
        alert = ""
        if not self.dry_run and not self.store.save_pool(counts.id, PoolRecord(state, rec.last_needed, record.version)):
            # another invocation saved this pool since we read it: it owns this observation and its alert
            return PoolReport(counts, queue, state.exhausted, None, "lost race", rec)
        if event is not None:
            since = state.episode_since if event is Event.EXHAUSTED else record.state.episode_since
            message = pool_message(event, counts.name, counts.busy, queue, since, now)
            alert = self._send(self.config.oncall_channel, message)
        scaling = None
        if target is not None and self.ecs is not None:
            scaling = set_desired(self.ecs, target, rec.desired, dry_run=self.dry_run or not self.config.scale_apply)
        return PoolReport(counts, queue, state.exhausted, event.value if event else None, alert, rec, scaling)

    def _slow_plan(self, plan: PlanTime, now: datetime) -> SlowPlan:
        recipient = choose(None, plan.owner, None, self.notifier, lambda _: None)
        if not self.dry_run and not self.store.claim(f"slow-plan#{plan.run_id}", now):
            return SlowPlan(plan, recipient.channel, "already sent")
        org = self.client.settings.require_organization()
        link = f"{self.notifier.app_url}/app/{org}/{plan.workspace}/runs/{plan.run_id}"
        note = None if plan.owner in self.notifier.team_channels else recipient.reason
        message = slow_plan_message(plan, self.config.plan_threshold, link, note)
        return SlowPlan(plan, recipient.channel, self._send(recipient.channel, message))


def metric_lines(report: TickReport, namespace: str) -> list[str]:
    """EMF lines: one per pool and one for the slow plans."""
    lines = []
    for pool in report.pools:
        c, q = pool.counts, pool.queue
        lines.append(line(namespace, report.at, {"Pool": c.name}, {
            "IdleAgents": (c.idle, COUNT), "BusyAgents": (c.busy, COUNT), "UnknownAgents": (c.unknown, COUNT),
            "ErroredAgents": (c.errored, COUNT), "QueuedRuns": (q.waiting_runs, COUNT),
            "OldestQueuedSeconds": (q.oldest_wait.total_seconds() if q.oldest_wait else 0, SECONDS),
            "Exhausted": (int(pool.exhausted), COUNT), "DesiredAgents": (pool.recommendation.desired, COUNT)}))
    longest = max((s.plan.took.total_seconds() for s in report.slow_plans), default=0)
    lines.append(line(namespace, report.at, {}, {"SlowPlans": (len(report.slow_plans), COUNT),
                                                 "SlowestPlanSeconds": (longest, SECONDS)}))
    return lines
