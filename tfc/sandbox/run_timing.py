"""Status timestamps for scenario runs with a given planning duration (scenario ``planning_minutes``).

A run still ``planning`` started planning ``planning_minutes`` ago; a run past planning started planning when it
was created and left planning ``planning_minutes`` later (``planned-at``, ``planned-and-finished-at`` or
``errored-at``). These replace the planning part of the backfilled timestamps; the other states keep theirs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

BEFORE_PLANNING = frozenset({"pending", "fetching", "plan_queued", "queuing"})
END_KEY = {"errored": "errored-at", "planned_and_finished": "planned-and-finished-at"}


def planning_stamps(status: str, created: datetime, now: datetime, minutes: float) -> dict[str, datetime] | str:
    """The run's status timestamps, or a problem with the combination (for a file:line error)."""
    took = timedelta(minutes=minutes)
    if status in BEFORE_PLANNING:
        return f"a run in status {status!r} has not started planning"
    if status == "planning":
        if now - took < created:
            return "the run would have started planning before it was created (raise minutes_ago)"
        return {"planning-at": now - took}
    end = created + took
    if end > now:
        return "the plan would end in the future (raise minutes_ago or lower planning_minutes)"
    return {"planning-at": created, END_KEY.get(status, "planned-at"): end}
