"""Slack messages for the on-call channel (pool exhausted / recovered) and owning teams (slow plans)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from monitor.exhaustion import Event
from monitor.plantime import PlanTime
from monitor.queue import PoolQueue


def minutes(delta: timedelta) -> str:
    """``4 min 30 s`` below ten minutes, ``42 min``, ``2 h 5 min``."""
    seconds = int(delta.total_seconds())
    total = seconds // 60
    if total < 10 and seconds % 60:
        return f"{total} min {seconds % 60} s"
    return f"{total} min" if total < 120 else f"{total // 60} h {total % 60} min"


def inert(text: str) -> str:
    """TFC data in Slack mrkdwn: ``<!channel>``, links and mentions become plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}


def pool_message(event: Event, pool: str, busy: int, queue: PoolQueue, since: datetime | None,
                 now: datetime) -> dict[str, Any]:
    name = inert(pool)
    if event is Event.EXHAUSTED:
        lasted = f" for {minutes(now - since)}" if since else ""
        waiting = (f"{queue.waiting_runs} runs waiting, the oldest for {minutes(queue.oldest_wait)}"
                   if queue.oldest_wait is not None else "no runs waiting")
        text = f"Agent pool {name} exhausted: no idle agent{lasted} ({busy} busy; {waiting})"
        emoji = ":rotating_light:"
    else:
        text = f"Agent pool {name} recovered: idle agents again ({busy} busy, {queue.waiting_runs} runs waiting)"
        emoji = ":white_check_mark:"
    return {"text": text, "blocks": [_section(f"{emoji} *{text}*")]}


def slow_plan_message(plan: PlanTime, threshold: timedelta, link: str, note: str | None) -> dict[str, Any]:
    state = "took" if plan.finished else "has been planning for"
    workspace = inert(plan.workspace)
    text = f"{workspace}: plan {state} {minutes(plan.took)} (threshold {minutes(threshold)})"
    body = f":snail: *{workspace}*: plan {state} {minutes(plan.took)} (threshold {minutes(threshold)})\n" \
           f"<{link}|Open the run>" + (f"\n_{note}_" if note else "")
    return {"text": text, "blocks": [_section(body)]}
