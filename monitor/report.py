"""A tick's report as plain JSON data (the Lambda's return value and `tfc monitor --output json`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from monitor.tick import TickReport


def seconds(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds(), 1)


def to_document(report: TickReport) -> dict[str, Any]:
    return {
        "at": report.at.isoformat(),
        "alerting": report.alerting,
        "failed": report.failed,
        "pools": [{
            "id": p.counts.id, "name": p.counts.name, "idle": p.counts.idle, "busy": p.counts.busy,
            "unknown": p.counts.unknown, "errored": p.counts.errored,
            "queued_runs": p.queue.waiting_runs, "queued_workspaces": p.queue.waiting_workspaces,
            "running_runs": p.queue.running_runs, "oldest_wait_seconds": seconds(p.queue.oldest_wait),
            "exhausted": p.exhausted, "event": p.event, "alert": p.alert or None,
            "recommendation": {"desired": p.recommendation.desired, "raw": p.recommendation.raw,
                               "current": p.recommendation.current, "held": p.recommendation.held,
                               "reason": p.recommendation.reason},
            "scaling": None if p.scaling is None else {
                "cluster": p.scaling.cluster, "service": p.scaling.service, "before": p.scaling.before,
                "desired": p.scaling.desired, "action": p.scaling.action, "detail": p.scaling.detail},
        } for p in report.pools],
        "slow_plans": [{"run_id": s.plan.run_id, "workspace": s.plan.workspace, "owner": s.plan.owner,
                        "seconds": seconds(s.plan.took), "finished": s.plan.finished, "channel": s.channel,
                        "action": s.action} for s in report.slow_plans],
        "errors": list(report.errors),
    }
