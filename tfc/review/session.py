"""One review from approval to applied: who approved what, what is left for a person, the audited applies.

The terminal stays in the CLI: asking a person about a group is a callback, progress is reported through
callbacks, and nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfc.client import TfcClient
from tfc.review.assess import Assessed, Group
from tfc.review.audit import AuditLog
from tfc.review.decision import Verdict
from tfc.review.execute import Result, apply_all, wait_for
from tfc.review.selection import Selection

BY_A_PERSON = "review by a person"


@dataclass(frozen=True, slots=True)
class Approval:
    item: Assessed
    by: str  # "rule …" or "review by a person"


def approve(groups: Sequence[Group], ask: Callable[[int, Group], str] | None) -> dict[str, Approval]:
    """Runs to apply by run id. Rule-approved groups need no prompt; with ``ask``, a person answers
    "approve", "skip" or "quit" for each group they can review (quit skips the rest)."""
    approved: dict[str, Approval] = {}
    asking = ask is not None
    for number, grp in enumerate(groups, 1):
        if grp.decision.verdict is Verdict.APPROVE:
            approved.update((item.run.id, Approval(item, f"rule {grp.decision.rule}")) for item in grp.members)
        elif asking and ask is not None and grp.reviewable:
            answer = ask(number, grp)
            if answer == "quit":
                asking = False
            elif answer == "approve":
                approved.update((item.run.id, Approval(item, BY_A_PERSON)) for item in grp.members)
    return approved


def left_for_a_person(selection: Selection, assessed: Sequence[Assessed], approved: dict[str, Approval]) -> int:
    """Runs nobody approved, plus the commit's runs that failed or wait on a policy override."""
    unapproved = sum(1 for item in assessed if item.run.id not in approved)
    return unapproved + sum(1 for r in selection.reported if r.decision.verdict in (Verdict.REVIEW, Verdict.FAILED))


def apply_comment(commit: str | None, approved_by: str, user: str) -> str:
    return f"Applied by tfc review for commit {(commit or '')[:12]}: approved by {approved_by} (run by {user})."


def record_unapplied(audit: AuditLog, selection: Selection, assessed: Sequence[Assessed],
                     approved: dict[str, Approval]) -> None:
    for item in assessed:
        if item.run.id not in approved:
            audit.record(commit=selection.commit, workspace=item.workspace.name, run_id=item.run.id,
                         plan_hash=item.plan_hash, decision=str(item.decision.verdict), rule=item.decision.rule,
                         reason=item.decision.reason, outcome="not-applied")
    for reported in selection.reported:
        audit.record(commit=selection.commit, workspace=reported.workspace.name, run_id=reported.run.id,
                     plan_hash=None, decision=str(reported.decision.verdict), rule=None,
                     reason=reported.decision.reason, outcome="not-applied")


def apply_approved(
    client: TfcClient,
    selection: Selection,
    approved: dict[str, Approval],
    audit: AuditLog,
    *,
    wait: bool,
    poll_interval: float,
    on_applied: Callable[[Result], None] | None = None,
    on_completed: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Apply every approved run (each audited as it finishes); with ``wait``, follow them to the end."""

    def record(result: Result, event: str) -> None:
        item = result.item
        audit.record(event=event, commit=selection.commit, workspace=item.workspace.name, run_id=item.run.id,
                     plan_hash=item.plan_hash, decision="approve", rule=approved[item.run.id].by,
                     outcome=str(result.outcome), detail=result.detail)

    def applied(result: Result) -> None:
        record(result, "apply")
        if on_applied is not None:
            on_applied(result)

    def completed(result: Result) -> None:
        record(result, "completed")
        if on_completed is not None:
            on_completed(result)

    def comment(item: Assessed) -> str:
        return apply_comment(selection.commit, approved[item.run.id].by, audit.user)

    results = apply_all(client, [a.item for a in approved.values()], comment, on_done=applied)
    if wait:
        results = wait_for(client, results, poll_seconds=poll_interval, on_done=completed)
    return results
