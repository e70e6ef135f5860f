"""Apply approved runs safely: re-read each run right before applying, never apply anything stale.

An apply is not idempotent, so it is never retried blindly: after a lost response or a server error the
run is re-read, and only a run that is still waiting for confirmation, unchanged, is tried once more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from tfc.client import CONFIRMABLE_STATUSES, MAX_PAGE_SIZE, TfcClient
from tfc.errors import Conflict, RateLimited, ServerError, TfcError, TransportError
from tfc.models import Plan, Run
from tfc.review.assess import Assessed
from tfc.review.decision import PAST_CONFIRMATION

_REREAD_INCLUDES = ("plan", "workspace")
DEFAULT_WAIT_TIMEOUT = 2 * 3600.0
FINAL_STATUSES = frozenset(
    {"applied", "errored", "discarded", "canceled", "force_canceled", "planned_and_finished", "policy_soft_failed"}
)


class Outcome(StrEnum):
    APPLYING = "applying"  # confirmed by us; TFC is applying it
    APPLIED = "applied"  # followed to the end with --wait
    APPLY_FAILED = "apply-failed"  # followed to the end: errored, canceled…
    RUNNING = "still-running"  # confirmed by us, not finished when --wait-timeout ran out
    SKIPPED = "changed-since-review"  # not applied: the run changed since review
    ELSEWHERE = "confirmed-by-someone-else"  # not applied by us: someone else confirmed it first
    FAILED = "failed"  # our request failed and TFC does not show the run confirmed


@dataclass(frozen=True, slots=True)
class Result:
    item: Assessed
    outcome: Outcome
    detail: str


def plan_fingerprint(plan: Plan | None) -> tuple[object, ...] | None:
    if plan is None:
        return None
    return (plan.id, plan.status, plan.has_changes, plan.resource_additions, plan.resource_changes,
            plan.resource_destructions, plan.resource_imports)


def staleness(reviewed: Assessed, fresh: Run) -> str | None:
    """Why the fresh run may not be applied on the strength of the review, or None when it may."""
    workspace = fresh.workspace
    if workspace is None:
        return "the re-read did not include the workspace"
    if workspace.current_run_id != fresh.id:
        return f"superseded since review: {workspace.current_run_id or 'another run'} is now current"
    if not fresh.is_confirmable:
        return f"no longer waiting for confirmation (status {fresh.status})"
    if fresh.plan_id != reviewed.run.plan_id:
        return f"plan changed since review ({reviewed.run.plan_id} -> {fresh.plan_id})"
    if plan_fingerprint(fresh.plan) != plan_fingerprint(reviewed.run.plan):
        return "plan summary changed since review"
    return None  # falling off the end returns None as well  # pragma: no mutate


def apply_one(client: TfcClient, item: Assessed, comment: str) -> Result:
    """Re-read, check, confirm; a lost or refused response is resolved by reading the run again."""
    try:
        fresh = client.get_run(item.run.id, include=_REREAD_INCLUDES)
    except TfcError as exc:
        return Result(item, Outcome.FAILED, f"could not re-read the run: {exc}")
    return confirm(client, item, fresh, comment)


def confirm(client: TfcClient, item: Assessed, fresh: Run, comment: str, *, attempted: bool = False) -> Result:
    """Confirm ``item`` if ``fresh`` (read moments ago) shows it unchanged since review; try once more after a
    lost response only when a new read shows it still waiting, unchanged."""
    reason = staleness(item, fresh)
    if reason is not None:
        if attempted and fresh.status in PAST_CONFIRMATION:
            return Result(item, Outcome.APPLYING, f"confirmed (the response was lost; status {fresh.status})")
        return Result(item, Outcome.SKIPPED, reason)
    try:
        client.apply_run(item.run.id, comment=comment)
        return Result(item, Outcome.APPLYING, "confirmed")
    except Conflict:
        return _after_conflict(client, item, attempted=attempted)
    except (TransportError, ServerError, RateLimited) as exc:
        if attempted:
            return _after_second_failure(client, item, exc)
        try:
            again = client.get_run(item.run.id, include=_REREAD_INCLUDES)
        except TfcError as reread:
            return Result(item, Outcome.FAILED, f"could not re-read the run: {reread}")
        return confirm(client, item, again, comment, attempted=True)
    except TfcError as exc:
        return Result(item, Outcome.FAILED, f"apply refused: {exc}")


def _after_second_failure(client: TfcClient, item: Assessed, error: TfcError) -> Result:
    """Both apply requests failed on the way back: TFC may still have confirmed the run. Ask it."""
    try:
        fresh = client.get_run(item.run.id, include=())
    except TfcError as exc:
        return Result(item, Outcome.FAILED, f"apply request failed twice ({error}) and the re-read failed: {exc}")
    if fresh.status in PAST_CONFIRMATION:
        return Result(item, Outcome.APPLYING, f"confirmed (both responses were lost; status {fresh.status})")
    return Result(item, Outcome.FAILED, f"apply request failed twice: {error} (status {fresh.status})")


def _after_conflict(client: TfcClient, item: Assessed, *, attempted: bool) -> Result:
    """409: the run is not confirmable any more. After our own lost attempt that is most likely our confirm."""
    try:
        fresh = client.get_run(item.run.id, include=())
    except TfcError as exc:
        return Result(item, Outcome.FAILED, f"409 on apply and the re-read failed: {exc}")
    if fresh.status in PAST_CONFIRMATION:
        if attempted:
            return Result(item, Outcome.APPLYING, f"confirmed (our first response was lost; status {fresh.status})")
        return Result(item, Outcome.ELSEWHERE, f"already confirmed by someone else (status {fresh.status})")
    return Result(item, Outcome.FAILED, f"TFC refused the apply (409, status {fresh.status})")


def apply_all(
    client: TfcClient,
    items: Sequence[Assessed],
    comment_for: Callable[[Assessed], str],
    *,
    on_done: Callable[[Result], None] | None = None,
) -> list[Result]:
    def work(item: Assessed) -> Result:
        result = apply_one(client, item, comment_for(item))
        if on_done is not None:
            on_done(result)
        return result

    return client.map(work, items)


REVALIDATION_WINDOW = 4.0  # seconds from a run's re-validation in a list page to its apply (the issue allows < 5)


@dataclass
class Revalidation:
    """How the paged re-validation went: the longest window measured and the runs re-read one by one."""

    max_window: float = 0.0
    windows: int = 0
    reread: int = 0
    list_requests: int = 0


def apply_paged(
    client: TfcClient,
    items: Sequence[Assessed],
    comment_for: Callable[[Assessed], str],
    *,
    commit: str,
    clock: Callable[[], float] = time.monotonic,
    on_done: Callable[[Result], None] | None = None,
) -> tuple[list[Result], Revalidation]:
    """Like :func:`apply_all`, re-validating runs a page at a time from the organization's run list (filtered
    by commit and confirmable status, plan and workspace included) instead of one re-read per run.

    A batch is sized so its applies go out within :data:`REVALIDATION_WINDOW` of the page that validated them;
    a run whose window has passed anyway, or that no page showed, is re-read on its own. Every staleness check
    of :func:`staleness` applies to the page's copy, and TFC's 409 covers the remaining seconds.
    """
    pending = {item.run.id: item for item in items}
    results: dict[str, Result] = {}
    report = Revalidation()
    lock = threading.Lock()
    batch_size = max(1, min(MAX_PAGE_SIZE, int(client.settings.rate_limit_per_second * REVALIDATION_WINDOW * 0.8)))

    def finish(result: Result) -> Result:
        results[result.item.run.id] = result
        if on_done is not None:
            on_done(result)
        return result  # every caller discards it (work's value is dropped by map)  # pragma: no mutate

    def work(entry: tuple[Assessed, Run, float]) -> Result:
        item, fresh, validated_at = entry
        window = clock() - validated_at
        if window > REVALIDATION_WINDOW:
            with lock:
                report.reread += 1
            return finish(apply_one(client, item, comment_for(item)))
        with lock:
            report.max_window = max(report.max_window, window)
            report.windows += 1
        return finish(confirm(client, item, fresh, comment_for(item)))

    while pending:
        batch: list[tuple[Assessed, Run, float]] = []
        listed = client.list_org_runs(statuses=CONFIRMABLE_STATUSES, commit=commit, include=_REREAD_INCLUDES)
        seen_pages = client.stats.requests
        try:
            for fresh in listed:
                item = pending.pop(fresh.id, None)
                if item is not None:
                    batch.append((item, fresh, clock()))
                    if len(batch) == batch_size:
                        break
        except TfcError:
            pass  # the runs not yet validated are re-read one by one below
        report.list_requests += client.stats.requests - seen_pages
        if not batch:
            break
        client.map(work, batch)
    for item in pending.values():  # not in any page: the re-read says why (or applies it if it is fine after all)
        report.reread += 1
        finish(apply_one(client, item, comment_for(item)))
    return [results[item.run.id] for item in items], report


def wait_for(
    client: TfcClient,
    results: Sequence[Result],
    *,
    poll_seconds: float = 5.0,
    timeout_seconds: float = DEFAULT_WAIT_TIMEOUT,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_done: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Follow the runs we confirmed until each reaches a final status or ``timeout_seconds`` pass."""
    deadline = clock() + timeout_seconds

    def follow(result: Result) -> Result:
        if result.outcome is not Outcome.APPLYING:
            return result
        while True:
            try:
                run = client.get_run(result.item.run.id, include=())
            except TfcError as exc:
                final = Result(result.item, Outcome.FAILED, f"lost track of the apply: {exc}")
                break
            if run.status in FINAL_STATUSES:
                outcome = Outcome.APPLIED if run.status == "applied" else Outcome.APPLY_FAILED
                final = Result(result.item, outcome, f"status {run.status}")
                break
            if clock() + poll_seconds > deadline:
                final = Result(result.item, Outcome.RUNNING, f"still {run.status} when --wait-timeout ran out")
                break
            sleep(poll_seconds)
        if on_done is not None:
            on_done(final)
        return final

    return client.map(follow, results)
