"""A rollout, step by step: wait for a tier's plans, review and apply them as `tfc review` does, verify, soak, promote.

Every step is saved before the next starts, and every verdict comes from TFC's runs as they are now, so a resumed
rollout re-reads what happened meanwhile and never applies anything twice (the review re-validates each run, and a
run that was applied is no longer confirmable).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from tfc.client import CONFIRMABLE_STATUSES, RUN_INCLUDES, TfcClient
from tfc.models import Run
from tfc.review.assess import Group, assess, group
from tfc.review.audit import AuditLog
from tfc.review.execute import Outcome
from tfc.review.selection import Filters, partition, select_runs
from tfc.review.session import apply_approved, approve, record_unapplied, tally
from tfc.review.status import Stage, StatusLine, commit_status
from tfc.review.wildcard import Wildcard
from tfc.rollout.decide import Phase, Readiness, next_step, readiness, tier_verdict, untouched
from tfc.rollout.state import RolloutState, StateFile

Report = Callable[[str], None]
Ask = Callable[[int, Group], str]


@dataclass(frozen=True)
class Options:
    prefix: str
    tiers: tuple[str, ...]
    rules: tuple[Wildcard, ...]
    filters: Filters = field(default_factory=Filters)
    manual: frozenset[str] = frozenset()
    soak: timedelta = timedelta()
    plan_timeout: timedelta = timedelta(minutes=30)
    wait_timeout: timedelta = timedelta(hours=2)
    poll_seconds: float = 10.0

    def tier_filters(self, tier: str) -> Filters:
        return replace(self.filters, include_tags=(*self.filters.include_tags, f"tier:{tier}"))


@dataclass
class RolloutEnd:
    """How this invocation ended: "done", "halted", "gate" (waiting for a person) — with the tier concerned."""

    kind: str
    tier: str | None = None
    untouched: tuple[str, ...] = ()
    reviewed: dict[str, list[str]] = field(default_factory=dict)


class Rollout:
    def __init__(self, client: TfcClient, options: Options, store: StateFile, state: RolloutState, audit: AuditLog,
                 *, report: Report, ask: Ask | None = None, now: Callable[[], datetime] | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        import time

        self.client, self.options, self.store, self.state, self.audit = client, options, store, state, audit
        self.report, self.ask = report, ask
        self.now = now or (lambda: datetime.now(UTC))
        self.sleep = sleep or time.sleep
        self._search = options.prefix

    # -- reading TFC ---------------------------------------------------------------------------------------------

    def commit_runs(self) -> list[Run]:
        """Every run of the commit, one paged read of the organization's runs list (its 30/minute budget)."""
        runs = [r for r in self.client.list_org_runs(commit=self._search, include=RUN_INCLUDES)
                if (r.commit_sha or "").lower().startswith(self.options.prefix)]
        shas = {(r.commit_sha or "").lower() for r in runs}
        if len(shas) == 1:
            self._search = shas.pop()  # the full SHA from now on: an exact server-side filter
        return runs

    def tier_workspaces(self, tier: str) -> list[str]:
        filters = self.options.tier_filters(tier)
        return sorted(ws.name for ws in self.client.list_workspaces(tags=filters.include_tags,
                                                                    exclude_tags=filters.exclude_tags)
                      if filters.admits(ws))

    def tier_lines(self, tier: str, names: Sequence[str]) -> tuple[list[StatusLine], list[Run]]:
        runs = self.commit_runs()
        wanted = set(names)
        lines = [line for line in commit_status(runs, self.options.prefix) if line.workspace in wanted]
        return lines, runs

    # -- the steps -----------------------------------------------------------------------------------------------

    def run(self) -> RolloutEnd:
        while True:
            step = next_step(self.options.tiers, self.state.phases(), self.options.manual, self.state.opened_gates)
            if step.kind == "done":
                return RolloutEnd("done")
            if step.kind == "halted":
                return RolloutEnd("halted", step.tier, untouched(self.options.tiers, self.state.phases()))
            assert step.tier is not None
            record = self.state.record(step.tier)
            if step.kind == "gate":
                record.phase = Phase.GATED
                self._save()
                return RolloutEnd("gate", step.tier, untouched(self.options.tiers, self.state.phases()))
            self._tier(step.tier)

    def _save(self) -> None:
        self.store.save(self.state)

    def _tier(self, tier: str) -> None:
        record = self.state.record(tier)
        if record.phase in (Phase.PENDING, Phase.GATED):
            record.phase, record.started_at = Phase.WAITING, self.now().isoformat()
            self._save()
            self.report(f"tier {tier}: started")
        names = self.tier_workspaces(tier)
        if record.phase is Phase.WAITING:
            ready = self._wait_for_plans(tier, names)
            if not ready.ready:
                self._fail(tier, [f"{len(ready.planning)} run(s) still planning after the plan timeout: "
                                  + ", ".join(ready.planning[:10])])
                return
            record.phase = Phase.APPLYING
            self._save()
        if record.phase is Phase.APPLYING:
            self._apply(tier)
            lines = self._wait_for_applies(tier, names)
            record.finished_at = self.now().isoformat()
            stages = Counter(line.stage for line in lines)
            record.counts = {str(stage): count for stage, count in stages.items()}
            ok, reasons = tier_verdict(stages)
            if not ok:
                self._fail(tier, list(reasons))
                return
            record.phase = Phase.SOAKING if self.options.soak > timedelta() else Phase.SUCCEEDED
            self._save()
            superseded = stages.get(Stage.SUPERSEDED, 0)
            note = f" ({superseded} superseded by a newer run, not applied)" if superseded else ""
            self.report(f"tier {tier}: {stages.get(Stage.APPLIED, 0)} applied, {stages.get(Stage.NO_CHANGES, 0)} "
                        f"without changes{note}")
        if record.phase is Phase.SOAKING:
            self._soak(tier, names)

    def _wait_for_plans(self, tier: str, names: Sequence[str]) -> Readiness:
        record = self.state.record(tier)
        started = datetime.fromisoformat(record.started_at or self.now().isoformat())
        give_up = started + self.options.plan_timeout
        while True:
            lines, runs = self.tier_lines(tier, names)
            first = min((r.created_at for r in runs if r.created_at is not None), default=None)
            deadline = (first if first is not None else started) + self.options.plan_timeout
            state = readiness(lines, names, self.now(), deadline)
            if state.ready or self.now() >= give_up:
                if state.missing and not state.waiting_for_missing:
                    self.report(f"tier {tier}: {len(state.missing)} workspace(s) have no run of the commit "
                                "(not affected by it)")
                return state
            self.report(f"tier {tier}: waiting for {len(state.planning)} plan(s) and {len(state.missing)} "
                        "workspace(s) without a run yet")
            self.sleep(self.options.poll_seconds)

    def _apply(self, tier: str) -> None:
        selection = select_runs(self.client, self.options.prefix, self.options.tier_filters(tier))
        assessed = assess(self.client, selection.candidates, self.options.rules)
        groups = group(assessed)
        approved = approve(groups, self.ask)
        record_unapplied(self.audit, selection, assessed, approved)
        # confirmed here, followed in _wait_for_applies: one way of waiting, whether this invocation confirmed the
        # runs or one that was interrupted did
        results = apply_approved(self.client, selection, approved, self.audit, wait=False,
                                 poll_interval=self.options.poll_seconds) if approved else []
        record = self.state.record(tier)
        record.applied = sorted({*record.applied, *(r.item.run.id for r in results
                                                    if r.outcome in (Outcome.APPLYING, Outcome.APPLIED))})
        self._save()
        counted = tally(selection, assessed, approved, results, dry_run=False)
        self.report(f"tier {tier}: {counted.text()}")

    def _wait_for_applies(self, tier: str, names: Sequence[str]) -> list[StatusLine]:
        """The tier's runs once none is applying (a resumed rollout follows applies it started before)."""
        give_up = self.now() + self.options.wait_timeout
        while True:
            lines, _ = self.tier_lines(tier, names)
            if not any(line.stage is Stage.APPLYING for line in lines) or self.now() >= give_up:
                return lines
            self.sleep(self.options.poll_seconds)

    def _soak(self, tier: str, names: Sequence[str]) -> None:
        record = self.state.record(tier)
        finished = datetime.fromisoformat(record.finished_at or self.now().isoformat())
        remaining = (finished + self.options.soak - self.now()).total_seconds()
        if remaining > 0:
            self.report(f"tier {tier}: soaking for {remaining:.0f} s")
            self.sleep(remaining)
        wanted = set(names)
        errored = [r for r in self.client.list_org_runs(statuses=("errored",), include=RUN_INCLUDES)
                   if r.workspace is not None and r.workspace.name in wanted
                   and r.created_at is not None and r.created_at > finished]
        if errored:
            names_ = sorted({r.workspace.name for r in errored if r.workspace is not None})
            self._fail(tier, [f"{len(errored)} run(s) errored during the soak: {', '.join(names_[:10])}"])
            return
        record.phase = Phase.SUCCEEDED
        self._save()
        self.report(f"tier {tier}: soak passed")

    def _fail(self, tier: str, reasons: list[str]) -> None:
        record = self.state.record(tier)
        record.phase, record.reasons = Phase.FAILED, reasons
        record.finished_at = record.finished_at or self.now().isoformat()
        self._save()
        self.report(f"tier {tier}: FAILED: {'; '.join(reasons)}")


def tier_of(run: Run, tiers: Sequence[str]) -> str | None:
    """The run's workspace's tier: tag, when it is one of ``tiers``."""
    tags = run.workspace.tag_names if run.workspace is not None else ()
    return next((tag.split(":", 1)[1] for tag in tags if tag.startswith("tier:") and tag.split(":", 1)[1] in tiers),
                None)


def stages_by_tier(runs: Sequence[Run], prefix: str, tiers: Sequence[str]) -> dict[str, dict[str, int]]:
    """Where each tier's workspaces stand for the commit, from one read of the commit's runs (workspaces included)."""
    tier_by_workspace = {r.workspace.name: tier_of(r, tiers) for r in runs if r.workspace is not None}
    counts: dict[str, Counter[str]] = {tier: Counter() for tier in tiers}
    for line in commit_status(runs, prefix):
        tier = tier_by_workspace.get(line.workspace)
        if tier is not None:
            counts[tier][str(line.stage)] += 1
    return {tier: dict(sorted(c.items())) for tier, c in counts.items()}


def promotion_plan(client: TfcClient, options: Options) -> list[dict[str, object]]:
    """What a rollout would do, tier by tier, from the runs as they are now; applies and saves nothing."""
    plan: list[dict[str, object]] = []
    confirmable = list(client.list_org_runs(statuses=CONFIRMABLE_STATUSES, include=RUN_INCLUDES))
    shas = {sha for r in confirmable if (sha := (r.commit_sha or "").lower()).startswith(options.prefix)}
    others = list(client.list_org_runs(commit=shas.pop() if len(shas) == 1 else options.prefix, include=RUN_INCLUDES))
    for tier in options.tiers:  # the same two reads serve every tier: a plan needs no fresher data than that
        selection = partition(confirmable, others, options.prefix, options.tier_filters(tier))
        groups = group(assess(client, selection.candidates, options.rules))
        verdicts = Counter(str(g.decision.verdict) for g in groups for _ in g.members)
        plan.append({"tier": tier, "gate": tier in options.manual, "confirmable": len(selection.candidates),
                     "by_decision": dict(sorted(verdicts.items())), "not_confirmable": len(selection.reported)})
    return plan
