"""Read every candidate's plan (concurrently, within the rate limit), decide it, and group equal plans."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tfc.client import TfcClient
from tfc.errors import TfcError
from tfc.models import Run, Workspace
from tfc.review.changes import PlanChanges, plan_changes
from tfc.review.decision import Decision, Verdict, decide_plan
from tfc.review.grouping import Substitution, plan_hash, plan_signature
from tfc.review.selection import Candidate
from tfc.review.wildcard import Wildcard


@dataclass(frozen=True, slots=True)
class Assessed:
    run: Run
    workspace: Workspace
    decision: Decision
    changes: PlanChanges | None
    plan_hash: str | None
    signature: str  # equal signatures = equal plans once each workspace's own identifiers are substituted
    substitutions: tuple[Substitution, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    signature: str
    members: tuple[Assessed, ...]

    @property
    def example(self) -> Assessed:
        return self.members[0]

    @property
    def decision(self) -> Decision:
        return self.example.decision

    @property
    def substitutions(self) -> tuple[Substitution, ...]:
        """What differs between the members: equal signatures mean the same substitutions, the same number of times."""
        return self.example.substitutions

    @property
    def reviewable(self) -> bool:
        """A person may approve it here: the plan was read, is not errored, holds nothing the tool does not model,
        and changes a resource."""
        changes = self.example.changes
        return changes is not None and not changes.errored and not changes.unmodelled and bool(changes.resources)


def assess_one(client: TfcClient, candidate: Candidate, rules: Sequence[Wildcard]) -> Assessed:
    run, workspace = candidate.run, candidate.workspace
    if run.plan_id is None:
        decision = decide_plan(None, rules, unreadable="the run has no plan")
        return Assessed(run, workspace, decision, None, None, f"unreadable:{run.id}")
    try:
        document = client.get_plan_json(run.plan_id)
        if document is None:
            raise TfcError("TFC has no JSON output for the plan yet")
        changes = plan_changes(document, plan_id=run.plan_id)
    except TfcError as exc:
        decision = decide_plan(None, rules, unreadable=str(exc))
        return Assessed(run, workspace, decision, None, None, f"unreadable:{run.id}")
    decision = decide_plan(changes, rules)
    signature = plan_signature(changes, workspace, extra=[str(decision.verdict), decision.rule, changes.unmodelled])
    return Assessed(run, workspace, decision, changes, plan_hash(document), signature.digest, signature.substitutions)


def assess(
    client: TfcClient,
    candidates: Sequence[Candidate],
    rules: Sequence[Wildcard],
    *,
    on_done: Callable[[Assessed], None] | None = None,
) -> list[Assessed]:
    def work(candidate: Candidate) -> Assessed:
        result = assess_one(client, candidate, rules)
        if on_done is not None:
            on_done(result)
        return result

    return client.map(work, candidates)


def group(assessed: Sequence[Assessed]) -> list[Group]:
    """Groups in a stable order: auto-approved first, then by size (largest first), then by first workspace."""
    buckets: dict[str, list[Assessed]] = {}
    for item in assessed:
        buckets.setdefault(item.signature, []).append(item)
    groups = [Group(sig, tuple(sorted(items, key=lambda a: a.workspace.name))) for sig, items in buckets.items()]
    order = {Verdict.APPROVE: 0, Verdict.REVIEW: 1}
    groups.sort(key=lambda g: (order.get(g.decision.verdict, 2), -len(g.members), g.example.workspace.name))
    return groups
