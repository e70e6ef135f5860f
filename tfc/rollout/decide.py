"""The rollout's decisions, pure: is a tier ready, did it succeed, what comes next. No I/O, no clock of its own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tfc.review.status import Stage, StatusLine


class Phase(StrEnum):
    PENDING = "pending"
    WAITING = "waiting for plans"
    APPLYING = "applying"
    SOAKING = "soaking"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    GATED = "waiting for a person"

    @property
    def finished(self) -> bool:
        return self in (Phase.SUCCEEDED, Phase.FAILED)


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    planning: tuple[str, ...]  # workspaces whose run of the commit has not finished planning
    missing: tuple[str, ...]  # tier workspaces with no run of the commit (yet)
    waiting_for_missing: bool  # the deadline for new runs has not passed, so the missing ones are waited for


def readiness(lines: Iterable[StatusLine], tier_workspaces: Iterable[str], now: datetime,
              new_runs_deadline: datetime | None) -> Readiness:
    """A tier is ready when none of its runs of the commit is still planning and no run is still expected.

    TFC creates the runs of one push together; a workspace of the tier without a run is waited for until
    ``new_runs_deadline`` (the commit's first run plus the plan timeout), then taken as not affected by the commit.
    """
    by_workspace = {line.workspace: line for line in lines}
    names = sorted(set(tier_workspaces))
    planning = tuple(n for n in names if n in by_workspace and by_workspace[n].stage is Stage.PLANNING)
    missing = tuple(n for n in names if n not in by_workspace)
    waiting = bool(missing) and (new_runs_deadline is None or now < new_runs_deadline)
    return Readiness(not planning and not waiting, planning, missing, waiting)


# A tier succeeded when every run of the commit in it ended in one of these; anything else names why not.
UNFINISHED = {
    Stage.ERRORED: "errored",
    Stage.NEEDS_CONFIRMATION: "left for a person (still waiting for confirmation)",
    Stage.NEEDS_ATTENTION: "waiting on a policy decision",
    Stage.APPLYING: "still applying",
    Stage.PLANNING: "still planning",
    Stage.DISCARDED: "discarded or canceled",
}


def tier_verdict(stages: Mapping[Stage, int]) -> tuple[bool, tuple[str, ...]]:
    """Success only when every run is applied, has no changes, or was superseded by a newer run."""
    reasons = tuple(f"{stages[stage]} run{'' if stages[stage] == 1 else 's'} {label}"
                    for stage, label in UNFINISHED.items() if stages.get(stage, 0))
    return not reasons, reasons


@dataclass(frozen=True, slots=True)
class Step:
    """What the rollout does next: work on ``tier``, stop at a gate, halt after a failure, or finish."""

    kind: str  # "tier", "gate", "halted", "done"
    tier: str | None = None


def next_step(tiers: Sequence[str], phases: Mapping[str, Phase], manual: Iterable[str],
              opened_gates: Iterable[str]) -> Step:
    """The first unfinished tier, unless an earlier one failed or it needs a person who has not said go."""
    gates, opened = set(manual), set(opened_gates)
    for tier in tiers:
        phase = phases.get(tier, Phase.PENDING)
        if phase is Phase.FAILED:
            return Step("halted", tier)
        if phase is Phase.SUCCEEDED:
            continue
        if tier in gates and tier not in opened:
            return Step("gate", tier)
        return Step("tier", tier)
    return Step("done")


def untouched(tiers: Sequence[str], phases: Mapping[str, Phase]) -> tuple[str, ...]:
    """Tiers the rollout has not started (nothing of theirs was applied)."""
    return tuple(t for t in tiers if phases.get(t, Phase.PENDING) in (Phase.PENDING, Phase.GATED))


def continue_command(commit: str, tiers: Sequence[str], argv_rest: Sequence[str], gate: str | None) -> str:
    """The exact command that resumes this rollout (opening ``gate`` when given)."""
    parts = ["tfc", "rollout", "--commit", commit, "--tiers", ",".join(tiers), *argv_rest, "--resume"]
    if gate is not None:
        parts += ["--approve-gate", gate]
    return " ".join(_quote(p) for p in parts)


def _quote(part: str) -> str:
    safe = all(c.isalnum() or c in "-_.,:/=@%+" for c in part)
    return part if safe and part else "'" + part.replace("'", "'\"'\"'") + "'"
