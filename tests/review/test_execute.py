"""Applying is guarded by a fresh re-read; a lost apply response is resolved by reading, never by blind retry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from tfc.client import TfcClient
from tfc.models import Plan, Run, Workspace
from tfc.review.assess import Assessed
from tfc.review.decision import Decision, Verdict
from tfc.review.execute import Outcome, Result, apply_one, wait_for

from ..tfc.helpers import API, FakeClock, make_client


def run_document(status: str = "planned", *, current: str = "run-1", plan_id: str = "plan-1",
                 additions: int = 0, changes: int = 1) -> dict[str, Any]:
    return {
        "data": {
            "id": "run-1", "type": "runs",
            "attributes": {"status": status, "actions": {"is-confirmable": status == "planned"}},
            "relationships": {"workspace": {"data": {"id": "ws-1", "type": "workspaces"}},
                              "plan": {"data": {"id": plan_id, "type": "plans"}}},
        },
        "included": [
            {"id": "ws-1", "type": "workspaces", "attributes": {"name": "deploy-1"},
             "relationships": {"current-run": {"data": {"id": current, "type": "runs"}}}},
            {"id": plan_id, "type": "plans", "attributes": {"status": "finished", "has-changes": True,
                                                             "resource-additions": additions,
                                                             "resource-changes": changes}},
        ],
    }


def reviewed() -> Assessed:
    plan = Plan(id="plan-1", status="finished", has_changes=True, resource_changes=1)
    run = Run(id="run-1", status="planned", is_confirmable=True, plan_id="plan-1", plan=plan)
    return Assessed(run, Workspace(id="ws-1", name="deploy-1", current_run_id="run-1"),
                    Decision(Verdict.APPROVE, "ok", "update:**"), None, "hash", "sig")


@pytest.fixture
def client() -> Iterator[TfcClient]:
    with make_client(FakeClock()) as c:
        yield c


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


def test_unchanged_run_is_applied_with_the_comment(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").respond(200, json=run_document())
    apply = router.post(f"{API}/runs/run-1/actions/apply").respond(202)
    result = apply_one(client, reviewed(), "approved by rule update:**")
    assert result.outcome is Outcome.APPLYING
    assert apply.call_count == 1
    assert apply.calls[0].request.content == b'{"comment":"approved by rule update:**"}'
    assert client.stats.requests == 2


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (run_document(current="run-2"), "superseded since review: run-2 is now current"),
        (run_document("discarded"), "no longer waiting for confirmation (status discarded)"),
        (run_document(plan_id="plan-2"), "plan changed since review (plan-1 -> plan-2)"),
        (run_document(additions=3), "plan summary changed since review"),
    ],
)
def test_anything_changed_since_review_is_skipped(router: respx.MockRouter, client: TfcClient,
                                                  document: dict[str, Any], reason: str) -> None:
    router.get(f"{API}/runs/run-1").respond(200, json=document)
    apply = router.post(f"{API}/runs/run-1/actions/apply").respond(202)
    result = apply_one(client, reviewed(), "c")
    assert (result.outcome, result.detail) == (Outcome.SKIPPED, reason)
    assert apply.call_count == 0


def test_lost_apply_response_that_landed_is_not_sent_again(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document()),
                                                      httpx.Response(200, json=run_document("applying"))])
    apply = router.post(f"{API}/runs/run-1/actions/apply").mock(side_effect=httpx.ReadError("connection dropped"))
    result = apply_one(client, reviewed(), "c")
    assert result.outcome is Outcome.APPLYING
    assert apply.call_count == 1


def test_lost_apply_that_did_not_land_is_tried_once_more(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").respond(200, json=run_document())
    apply = router.post(f"{API}/runs/run-1/actions/apply").mock(
        side_effect=[httpx.Response(503), httpx.Response(202)])
    assert apply_one(client, reviewed(), "c").outcome is Outcome.APPLYING
    assert apply.call_count == 2


def test_conflict_because_someone_else_applied(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document()),
                                                      httpx.Response(200, json=run_document("confirmed"))])
    router.post(f"{API}/runs/run-1/actions/apply").respond(409, json={"errors": [{"status": "409"}]})
    result = apply_one(client, reviewed(), "c")
    assert (result.outcome, result.detail) == (Outcome.ELSEWHERE, "already confirmed by someone else (status confirmed)")


def test_wait_follows_until_final(router: respx.MockRouter, client: TfcClient) -> None:
    statuses = ["applying", "applying", "applied"]
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document(s)) for s in statuses])
    sleeps: list[float] = []
    (final,) = wait_for(client, [Result(reviewed(), Outcome.APPLYING, "confirmed")], poll_seconds=2.0,
                        sleep=sleeps.append)
    assert final.outcome is Outcome.APPLIED
    assert sleeps == [2.0, 2.0]


def test_two_lost_responses_that_landed_are_confirmed_not_failed(router: respx.MockRouter, client: TfcClient) -> None:
    """Issue 18 §3: after the second failed attempt the run is re-read; TFC past confirmation means confirmed."""
    reads = router.get(f"{API}/runs/run-1").mock(side_effect=[
        httpx.Response(200, json=run_document()), httpx.Response(200, json=run_document()),
        httpx.Response(200, json=run_document("apply_queued"))])
    apply = router.post(f"{API}/runs/run-1/actions/apply").mock(side_effect=[httpx.Response(503), httpx.Response(503)])
    result = apply_one(client, reviewed(), "c")
    assert (result.outcome, result.detail) == (Outcome.APPLYING,
                                               "confirmed (both responses were lost; status apply_queued)")
    assert (apply.call_count, reads.call_count) == (2, 3)


@pytest.mark.parametrize(
    ("third_read", "detail"),
    [
        (httpx.Response(200, json=run_document()), "apply request failed twice: "),
        (httpx.Response(404), "apply request failed twice ("),
    ],
)
def test_two_failed_attempts_that_did_not_land_fail(router: respx.MockRouter, client: TfcClient,
                                                    third_read: httpx.Response, detail: str) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document()),
                                                      httpx.Response(200, json=run_document()), third_read])
    router.post(f"{API}/runs/run-1/actions/apply").mock(side_effect=[httpx.Response(503), httpx.Response(503)])
    result = apply_one(client, reviewed(), "c")
    assert result.outcome is Outcome.FAILED
    assert result.detail.startswith(detail)


def test_conflict_after_our_own_lost_attempt_is_ours(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document()),
                                                      httpx.Response(200, json=run_document()),
                                                      httpx.Response(200, json=run_document("applying"))])
    router.post(f"{API}/runs/run-1/actions/apply").mock(side_effect=[httpx.Response(503), httpx.Response(409)])
    result = apply_one(client, reviewed(), "c")
    assert (result.outcome, result.detail) == (Outcome.APPLYING,
                                               "confirmed (our first response was lost; status applying)")


def test_lost_attempt_then_reread_past_confirmation_is_ours(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document()),
                                                      httpx.Response(200, json=run_document("confirmed"))])
    router.post(f"{API}/runs/run-1/actions/apply").respond(503)
    result = apply_one(client, reviewed(), "c")
    assert (result.outcome, result.detail) == (Outcome.APPLYING, "confirmed (the response was lost; status confirmed)")


def test_a_run_confirmed_elsewhere_before_our_first_attempt_is_not_ours(router: respx.MockRouter,
                                                                         client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").respond(200, json=run_document("confirmed"))
    apply = router.post(f"{API}/runs/run-1/actions/apply").respond(202)
    result = apply_one(client, reviewed(), "c")
    assert (result.outcome, result.detail) == (Outcome.SKIPPED,
                                               "no longer waiting for confirmation (status confirmed)")
    assert apply.call_count == 0


@pytest.mark.parametrize(
    ("reread", "detail"),
    [
        (httpx.Response(200, json=run_document()), "TFC refused the apply (409, status planned)"),
        (httpx.Response(404), "409 on apply and the re-read failed: "),
    ],
)
def test_conflict_without_confirmation_fails(router: respx.MockRouter, client: TfcClient, reread: httpx.Response,
                                             detail: str) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document()), reread])
    router.post(f"{API}/runs/run-1/actions/apply").respond(409)
    result = apply_one(client, reviewed(), "c")
    assert result.outcome is Outcome.FAILED and result.detail.startswith(detail)


def test_guards_a_reread_without_workspace_and_a_failed_reread(router: respx.MockRouter, client: TfcClient) -> None:
    document = run_document()
    document["data"]["relationships"].pop("workspace")
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=document), httpx.Response(500)] * 1
                                         + [httpx.Response(500)] * 4)
    assert apply_one(client, reviewed(), "c") == Result(reviewed(), Outcome.SKIPPED,
                                                        "the re-read did not include the workspace")
    failed = apply_one(client, reviewed(), "c")
    assert failed.outcome is Outcome.FAILED and failed.detail.startswith("could not re-read the run: ")


def test_a_run_whose_plan_was_not_included_is_stale() -> None:
    from tfc.review.execute import plan_fingerprint, staleness
    fresh = Run(id="run-1", status="planned", is_confirmable=True, plan_id="plan-1", plan=None,
                workspace=Workspace(id="ws-1", name="deploy-1", current_run_id="run-1"))
    assert plan_fingerprint(None) is None
    assert staleness(reviewed(), fresh) == "plan summary changed since review"
    unconfirmable = Run(id="run-1", status="planned", is_confirmable=False, plan_id="plan-1",
                        plan=reviewed().run.plan, workspace=fresh.workspace)
    assert staleness(reviewed(), unconfirmable) == "no longer waiting for confirmation (status planned)"
    assert staleness(reviewed(), Run(id="run-1", status="planned", is_confirmable=True, plan_id="plan-1",
                                     plan=reviewed().run.plan, workspace=fresh.workspace)) is None


def test_wait_follows_only_our_confirmed_runs(router: respx.MockRouter, client: TfcClient) -> None:
    reads = router.get(f"{API}/runs/run-1").respond(200, json=run_document("applied"))
    others = [Result(reviewed(), outcome, "x") for outcome in Outcome if outcome is not Outcome.APPLYING]
    assert wait_for(client, others, sleep=lambda _: None) == others
    assert reads.call_count == 0


def test_wait_reports_runs_still_running_at_the_deadline(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").respond(200, json=run_document("applying"))
    clock = FakeClock()
    (final,) = wait_for(client, [Result(reviewed(), Outcome.APPLYING, "confirmed")], poll_seconds=10.0,
                        timeout_seconds=35.0, clock=clock, sleep=clock.sleep)
    assert (final.outcome, final.detail) == (Outcome.RUNNING, "still applying when --wait-timeout ran out")
    assert clock.sleeps == [10.0, 10.0, 10.0]


@pytest.mark.parametrize(("status", "outcome"), [("applied", Outcome.APPLIED), ("errored", Outcome.APPLY_FAILED),
                                                 ("canceled", Outcome.APPLY_FAILED)])
def test_wait_final_statuses(router: respx.MockRouter, client: TfcClient, status: str, outcome: Outcome) -> None:
    router.get(f"{API}/runs/run-1").respond(200, json=run_document(status))
    (final,) = wait_for(client, [Result(reviewed(), Outcome.APPLYING, "confirmed")], sleep=lambda _: None)
    assert (final.outcome, final.detail) == (outcome, f"status {status}")


def test_wait_that_loses_track_fails(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").respond(404)
    (final,) = wait_for(client, [Result(reviewed(), Outcome.APPLYING, "confirmed")], sleep=lambda _: None)
    assert final.outcome is Outcome.FAILED and final.detail.startswith("lost track of the apply: ")


def test_a_lost_response_whose_reread_fails_is_a_failure_not_a_retry(router: respx.MockRouter,
                                                                     client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document()), httpx.Response(404)])
    apply = router.post(f"{API}/runs/run-1/actions/apply").respond(503)
    result = apply_one(client, reviewed(), "c")
    assert result.outcome is Outcome.FAILED
    assert result.detail.startswith("could not re-read the run: run run-1: 404")
    assert apply.call_count == 1


@pytest.mark.parametrize(("poll", "sleeps"), [(3600.0, 2), (7200.0, 1), (7200.5, 0)])
def test_wait_gives_up_after_two_hours_by_default(router: respx.MockRouter, client: TfcClient, poll: float,
                                                  sleeps: int) -> None:
    """DEFAULT_WAIT_TIMEOUT is 2 h: a poll that would end exactly at the deadline still happens, a later one not."""
    router.get(f"{API}/runs/run-1").respond(200, json=run_document("applying"))
    clock = FakeClock()
    (final,) = wait_for(client, [Result(reviewed(), Outcome.APPLYING, "confirmed")], poll_seconds=poll,
                        clock=clock, sleep=clock.sleep)
    assert final.outcome is Outcome.RUNNING
    assert clock.sleeps == [poll] * sleeps


def test_wait_polls_every_five_seconds_by_default(router: respx.MockRouter, client: TfcClient) -> None:
    router.get(f"{API}/runs/run-1").mock(side_effect=[httpx.Response(200, json=run_document(s))
                                                      for s in ("apply_queued", "applying", "applied")])
    clock = FakeClock()
    (final,) = wait_for(client, [Result(reviewed(), Outcome.APPLYING, "confirmed")], clock=clock, sleep=clock.sleep)
    assert (final.outcome, clock.sleeps) == (Outcome.APPLIED, [5.0, 5.0])


@pytest.mark.parametrize(
    ("response", "outcome", "detail"),
    [
        (httpx.Response(200, json=run_document("applied")), Outcome.APPLIED, "status applied"),
        (httpx.Response(200, json=run_document("errored")), Outcome.APPLY_FAILED, "status errored"),
        (httpx.Response(200, json=run_document("applying")), Outcome.RUNNING,
         "still applying when --wait-timeout ran out"),
        (httpx.Response(404), Outcome.FAILED, "lost track of the apply: run run-1: 404"),
    ],
)
def test_wait_calls_on_done_once_per_followed_run(router: respx.MockRouter, client: TfcClient,
                                                  response: httpx.Response, outcome: Outcome, detail: str) -> None:
    router.get(f"{API}/runs/run-1").mock(return_value=response)
    clock = FakeClock()
    done: list[Result] = []
    skipped = Result(reviewed(), Outcome.SKIPPED, "changed")
    final, unfollowed = wait_for(client, [Result(reviewed(), Outcome.APPLYING, "confirmed"), skipped],
                                 poll_seconds=10.0, timeout_seconds=10.0, clock=clock, sleep=clock.sleep,
                                 on_done=done.append)
    assert (final.outcome, final.detail[:len(detail)]) == (outcome, detail)
    assert unfollowed is skipped
    assert done == [final]
