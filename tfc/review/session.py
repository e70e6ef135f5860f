"""One review from approval to applied: who approved what, what is left for a person, the audited applies.

The terminal stays in the CLI: asking a person about a group is a callback, progress is reported through
callbacks, and nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfc.client import TfcClient
from tfc.errors import ExitCode, TfcError
from tfc.review.assess import Assessed, Group
from tfc.review.audit import AuditLog
from tfc.review.decision import Verdict
from tfc.review.execute import DEFAULT_WAIT_TIMEOUT, Outcome, Result, apply_all, wait_for
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


@dataclass(frozen=True, slots=True)
class Tally:
    """Every run of the commit in the selection, counted by how it ended."""

    applied: int = 0  # confirmed by us (applying, or applied when followed)
    would_apply: int = 0  # approved in a dry run
    failed: int = 0  # errored runs, refused or failed applies
    left_for_a_person: int = 0
    changed_since_review: int = 0
    still_running: int = 0  # confirmed by us, not finished at the --wait deadline
    nothing_to_do: int = 0  # already applied or confirmed, superseded, discarded

    @property
    def exit_code(self) -> ExitCode:
        unfinished = self.failed + self.left_for_a_person + self.changed_since_review + self.still_running
        return ExitCode.ATTENTION if unfinished else ExitCode.OK

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}

    def text(self) -> str:
        labels = (("applied", "applied"), ("would_apply", "would be applied"), ("failed", "failed"),
                  ("left_for_a_person", "left for a person"), ("changed_since_review", "changed since review"),
                  ("still_running", "still running"), ("nothing_to_do", "nothing to do"))
        return ", ".join(f"{getattr(self, name)} {label}" for name, label in labels
                         if getattr(self, name) or name in ("applied", "left_for_a_person", "failed"))


RESULT_FIELD = {Outcome.APPLYING: "applied", Outcome.APPLIED: "applied", Outcome.APPLY_FAILED: "failed",
                Outcome.FAILED: "failed", Outcome.SKIPPED: "changed_since_review", Outcome.RUNNING: "still_running",
                Outcome.ELSEWHERE: "nothing_to_do"}
VERDICT_FIELD = {Verdict.REVIEW: "left_for_a_person", Verdict.FAILED: "failed", Verdict.SKIP: "nothing_to_do"}


def tally(selection: Selection, assessed: Sequence[Assessed], approved: dict[str, Approval],
          results: Sequence[Result] | None, *, dry_run: bool) -> Tally:
    """Count every run; ``results`` is None when nothing was applied (a dry run, or the person said no)."""
    counts = dict.fromkeys(Tally.__slots__, 0)
    for reported in selection.reported:
        counts[VERDICT_FIELD[reported.decision.verdict]] += 1
    counts["left_for_a_person"] += sum(1 for item in assessed if item.run.id not in approved)
    if results is None:
        counts["would_apply" if dry_run else "left_for_a_person"] += len(approved)
    else:
        for result in results:
            counts[RESULT_FIELD[result.outcome]] += 1
    return Tally(**counts)


def tfc_identity(client: TfcClient) -> str:
    """Who TFC thinks we are, for the audit log; an unreadable identity is recorded as such, not guessed."""
    try:
        return client.current_user()
    except TfcError as exc:
        return f"unknown ({exc})"


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
    wait_timeout: float = DEFAULT_WAIT_TIMEOUT,
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
        results = wait_for(client, results, poll_seconds=poll_interval, timeout_seconds=wait_timeout,
                           on_done=completed)
    return results
