"""Plan the canaries: at most ``concurrency`` speculative runs in flight, each read when it ends; the runs we
started are canceled on Ctrl-C or timeout, so no agent keeps planning for nobody."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tfc.client import TfcClient
from tfc.errors import ApiError, Conflict, MalformedResponse, TfcError, TransportError
from tfc.models import Run, Workspace
from tfc.plan.summary import PlanResult
from tfc.review.changes import plan_changes

SUCCEEDED = frozenset({"planned_and_finished", "planned_and_saved"})
ENDED = SUCCEEDED | {"errored", "canceled", "force_canceled", "discarded", "policy_soft_failed"}
PLAN_END_KEYS = ("planned-and-finished-at", "planned-and-saved-at", "planned-at", "errored-at", "canceled-at",
                 "force-canceled-at", "discarded-at")
UPLOAD_POLLS = 30
CANCEL_ROUNDS = 6  # polls spent retrying the cancel of runs still queued
POOL_SHARE = 4  # default --concurrency: a quarter of the agents of the pools the canaries run on
FALLBACK_CONCURRENCY = 4  # when they run on TFC's own agents (no pool to size against)
MESSAGE = "tfc plan: speculative impact plan (plan-only, never applied)"


def default_concurrency(pool_sizes: Sequence[int]) -> int:
    """A quarter of the agents of the pools the canaries use (at least one); the fallback without pools."""
    total = sum(pool_sizes)
    return max(1, total // POOL_SHARE) if total > 0 else FALLBACK_CONCURRENCY


def agent_seconds(run: Run) -> float:
    """How long an agent planned: from ``planning-at`` to the first end stamp (0 when it never planned)."""
    stamps = run.status_timestamps
    start = stamps.get("planning-at")
    ends = [stamps[k] for k in PLAN_END_KEYS if k in stamps]
    if start is None or not ends:
        return 0.0
    return max(0.0, (min(ends) - start).total_seconds())


@dataclass(frozen=True, slots=True)
class Target:
    workspace: Workspace
    stands_for: int


@dataclass
class Planner:
    client: TfcClient
    content: bytes
    concurrency: int = 4
    timeout_s: float = 1800.0
    poll_s: float = 5.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    on_poll: Callable[[int], None] | None = None  # called with the number in flight before each wait
    started: list[str] = field(default_factory=list)  # every run id we created
    canceled: list[str] = field(default_factory=list)

    def plan(self, targets: Sequence[Target]) -> list[PlanResult]:
        """One result per target, in order; Ctrl-C cancels our unfinished runs and re-raises."""
        deadline = self.clock() + self.timeout_s
        waiting = list(targets)
        in_flight: dict[str, Target] = {}
        results: dict[str, PlanResult] = {}
        try:
            while waiting or in_flight:
                while waiting and len(in_flight) < self.concurrency:
                    target = waiting.pop(0)
                    started = self._start(target)
                    if isinstance(started, PlanResult):
                        results[target.workspace.id] = started
                    else:
                        in_flight[started] = target
                for run_id, target in list(in_flight.items()):
                    done = self._check(run_id, target)
                    if done is not None:
                        results[target.workspace.id] = done
                        del in_flight[run_id]
                if self.clock() >= deadline and (waiting or in_flight):
                    results |= self._time_out(in_flight, waiting)
                    break
                if in_flight:
                    if self.on_poll is not None:
                        self.on_poll(len(in_flight))
                    self.sleep(self.poll_s)
        except KeyboardInterrupt:
            self._cancel(in_flight)
            raise
        return [results[t.workspace.id] for t in targets]

    def _time_out(self, in_flight: dict[str, Target], waiting: Sequence[Target]) -> dict[str, PlanResult]:
        self._cancel(in_flight)
        out = {t.workspace.id: PlanResult(t.workspace, run_id, "canceled", error="timed out: run canceled",
                                          stands_for=t.stands_for) for run_id, t in in_flight.items()}
        return out | {t.workspace.id: PlanResult(t.workspace, None, "not started", error="timed out before it started",
                                                 stands_for=t.stands_for) for t in waiting}

    def _start(self, target: Target) -> str | PlanResult:
        ws = target.workspace
        try:
            created = self.client.create_speculative_configuration_version(ws.id)
            self.client.upload_configuration(created, self.content)
            for _ in range(UPLOAD_POLLS):  # TFC processes the upload asynchronously
                status = self.client.get_configuration_version(created.id).status
                if status == "uploaded":
                    break
                if status == "errored":
                    raise MalformedResponse(f"configuration version {created.id} errored")
                self.sleep(min(self.poll_s, 1.0))
            else:
                raise MalformedResponse(f"configuration version {created.id} not uploaded")
            run = self.client.create_run(ws.id, message=MESSAGE, plan_only=True, configuration_version_id=created.id)
        except TfcError as exc:
            return PlanResult(ws, None, "not started", error=str(exc), stands_for=target.stands_for)
        self.started.append(run.id)
        return run.id

    def _check(self, run_id: str, target: Target) -> PlanResult | None:
        ws = target.workspace
        try:
            run = self.client.get_run(run_id, include=())
            if run.status not in ENDED:
                return None
            seconds = agent_seconds(run)
            if run.status not in SUCCEEDED:
                return PlanResult(ws, run_id, run.status, error=f"the run ended {run.status}",
                                  stands_for=target.stands_for, agent_seconds=seconds)
            document = self.client.get_plan_json(run.plan_id) if run.plan_id else None
            if document is None:
                return PlanResult(ws, run_id, run.status, error="no JSON plan", stands_for=target.stands_for,
                                  agent_seconds=seconds)
            changes = plan_changes(document, plan_id=run.plan_id or "")
        except (ApiError, MalformedResponse, TransportError) as exc:
            return PlanResult(ws, run_id, "unread", error=str(exc), stands_for=target.stands_for)
        return PlanResult(ws, run_id, run.status, changes, stands_for=target.stands_for, agent_seconds=seconds)

    def _cancel(self, in_flight: dict[str, Target]) -> None:
        """Cancel each planning run, discard each pending one. A queued run accepts neither (409) until an agent
        picks it up, so it is retried a few polls long; a run that ended meanwhile is left as it is."""
        left = list(in_flight)
        for attempt in range(CANCEL_ROUNDS):
            if attempt:
                self.sleep(self.poll_s)
            left = [run_id for run_id in left if not self._cancel_one(run_id)]
            if not left:
                return

    def _cancel_one(self, run_id: str) -> bool:
        """True when the run was canceled or discarded, or needs nothing (it ended, or cannot be read)."""
        for action in (self.client.cancel_run, self.client.discard_run):
            try:
                action(run_id, comment="tfc plan: interrupted")
            except Conflict:
                continue
            except TfcError:
                return True
            self.canceled.append(run_id)
            return True
        try:
            return self.client.get_run(run_id, include=()).status in ENDED
        except TfcError:
            return True
