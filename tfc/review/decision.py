"""The pure decision for one run: approve by rule, leave for a person, or skip — always with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tfc.client import CONFIRMABLE_STATUSES
from tfc.review.changes import Change, PlanChanges
from tfc.review.wildcard import Wildcard


class Verdict(StrEnum):
    APPROVE = "approve"  # every change is allowed by a --wildcard rule
    REVIEW = "needs-review"  # left for a person (who may approve the group interactively when it is reviewable)
    FAILED = "failed"  # the run failed before it could be applied (e.g. an errored plan)
    SKIP = "skip"  # nothing to do: superseded, already applied or confirmed, discarded…


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    reason: str
    rule: str | None = None


POLICY_STATUSES = frozenset({"policy_override", "policy_soft_failed", "post_plan_awaiting_decision"})
PAST_CONFIRMATION = frozenset(
    {"confirmed", "apply_queued", "queuing_apply", "pre_apply_running", "pre_apply_completed", "applying", "applied"}
)
ENDED_UNAPPLIED = frozenset({"discarded", "canceled", "force_canceled"})
UNREVIEWABLE_REASONS_MAX = 3


def decide_plan(changes: PlanChanges | None, rules: Sequence[Wildcard], *, unreadable: str | None = None) -> Decision:
    """Decide a confirmable, current run from its plan. ``changes`` is None when the plan could not be read."""
    if changes is None:
        return Decision(Verdict.REVIEW, f"plan could not be read: {unreadable or 'no JSON output'}")
    if changes.errored:
        return Decision(Verdict.REVIEW, "the plan reports errors")
    if changes.unmodelled:
        return Decision(Verdict.REVIEW, f"the plan holds what no rule can judge: {'; '.join(changes.unmodelled)}")
    actionable = changes.actionable
    if not actionable:
        if changes.drift:
            return Decision(Verdict.REVIEW, f"drift only: {len(changes.drift)} resource(s) changed outside Terraform")
        return Decision(Verdict.REVIEW, "empty plan: nothing to apply")
    if not changes.resources:
        outputs = len(changes.outputs)
        return Decision(Verdict.REVIEW, f"outputs only: {outputs} output change(s), never approved by a rule")
    if not rules:
        return Decision(Verdict.REVIEW, "no --wildcard rule given")
    used: list[str] = []
    unmatched: list[Change] = []
    for change in actionable:
        rule = next((r for r in rules if r.matches(change.action, change.parts)), None)
        if rule is None:
            unmatched.append(change)
        elif rule.text not in used:
            used.append(rule.text)
    if unmatched:
        shown = ", ".join(f"{c.action} {c.address}" for c in unmatched[:UNREVIEWABLE_REASONS_MAX])
        more = len(unmatched) - UNREVIEWABLE_REASONS_MAX
        suffix = f" and {more} more" if more > 0 else ""
        return Decision(Verdict.REVIEW, f"not covered by any --wildcard: {shown}{suffix}")
    return Decision(Verdict.APPROVE, f"all {len(actionable)} change(s) match", rule=", ".join(used))


NOTHING_TO_APPLY = "nothing TFC would apply (no changes, drift only or outputs only); look at the plan"


def decide_unconfirmable(status: str, *, has_changes: bool | None = None) -> Decision:
    """A current run of the commit that cannot be confirmed: why it is reported and not applied.

    ``has_changes`` is the plan's own flag, when the plan was read with the run.
    """
    if status == "errored":
        return Decision(Verdict.FAILED, "the run errored")
    if status in POLICY_STATUSES:
        return Decision(Verdict.REVIEW, f"policy check needs a person ({status})")
    if status in CONFIRMABLE_STATUSES:
        if has_changes is False:
            return Decision(Verdict.REVIEW, f"{status} with {NOTHING_TO_APPLY}")
        return Decision(Verdict.REVIEW, f"TFC does not let this token confirm it (status {status}, "
                                        "actions.is-confirmable false)")
    if status == "planned_and_finished":
        return Decision(Verdict.REVIEW, f"planned and finished: {NOTHING_TO_APPLY}")
    if status == "applied":
        return Decision(Verdict.SKIP, "already applied")
    if status in PAST_CONFIRMATION:
        return Decision(Verdict.SKIP, f"already confirmed (status {status})")
    if status in ENDED_UNAPPLIED:
        return Decision(Verdict.SKIP, f"ended without an apply (status {status})")
    return Decision(Verdict.REVIEW, f"not planned yet (status {status}): review it once it has planned")


def superseded(current_run_id: str | None) -> Decision:
    newer = f"run {current_run_id}" if current_run_id else "another run"
    return Decision(Verdict.SKIP, f"superseded: {newer} is the workspace's current run")
