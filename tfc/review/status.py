"""Where each workspace stands for one commit: a stage per run, counted for ``tfc status``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tfc.models import Run

APPLYING_STATUSES = frozenset(
    {"confirmed", "apply_queued", "queuing_apply", "pre_apply_running", "pre_apply_completed", "applying",
     "post_apply_running", "post_apply_completed"}
)


class Stage(StrEnum):
    PLANNING = "planning"
    NEEDS_CONFIRMATION = "needs confirmation"
    NEEDS_ATTENTION = "needs attention"  # policy checks waiting for an override
    APPLYING = "applying"
    APPLIED = "applied"
    NO_CHANGES = "no changes"
    ERRORED = "errored"
    DISCARDED = "discarded"
    SUPERSEDED = "superseded"

    @property
    def in_progress(self) -> bool:
        return self in (Stage.PLANNING, Stage.APPLYING)


ORDER = list(Stage)


def stage_of(run: Run) -> Stage:
    status = run.status
    workspace = run.workspace
    current = workspace.current_run_id if workspace else None
    final = status in ("applied", "planned_and_finished", "errored", "discarded", "canceled", "force_canceled")
    if current and current != run.id and not final and status not in APPLYING_STATUSES:
        return Stage.SUPERSEDED
    if status == "applied":
        return Stage.APPLIED
    if status == "planned_and_finished":
        return Stage.NO_CHANGES
    if status == "errored":
        return Stage.ERRORED
    if status in ("discarded", "canceled", "force_canceled"):
        return Stage.DISCARDED
    if status in APPLYING_STATUSES:
        return Stage.APPLYING
    if run.is_confirmable:
        return Stage.NEEDS_CONFIRMATION
    if status in ("policy_override", "policy_soft_failed", "post_plan_awaiting_decision"):
        return Stage.NEEDS_ATTENTION
    return Stage.PLANNING


@dataclass(frozen=True, slots=True)
class StatusLine:
    workspace: str
    run_id: str
    status: str
    stage: Stage


def commit_status(runs: Iterable[Run], prefix: str) -> list[StatusLine]:
    """The latest run of the commit per workspace, classified; sorted by stage then workspace."""
    latest: dict[str, Run] = {}
    for run in runs:
        if not (run.commit_sha or "").lower().startswith(prefix):
            continue
        key = run.workspace.name if run.workspace else (run.workspace_id or run.id)
        known = latest.get(key)
        if known is None or (run.created_at and known.created_at and run.created_at > known.created_at):
            latest[key] = run
    lines = [StatusLine(name, run.id, run.status, stage_of(run)) for name, run in latest.items()]
    lines.sort(key=lambda line: (ORDER.index(line.stage), line.workspace))
    return lines


def stage_counts(lines: Iterable[StatusLine]) -> dict[str, int]:
    counts = Counter(line.stage for line in lines)
    return {str(stage): counts[stage] for stage in ORDER if counts[stage]}
