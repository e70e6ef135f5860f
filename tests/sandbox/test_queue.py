"""The run queue as TFC documents it (cloud-docs/run/remote-operations.mdx "Ordering and Timing",
cloud-docs/run/states.mdx "The Pending Stage", api-docs/run.mdx actions), and status-timestamps as go-tfe's
``RunStatusTimestamps`` names them, set as the run reaches each state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tfc.errors import ConfigError
from tfc.sandbox import Sandbox, _InProcessTransport

SCENARIO = """\
organization: acme
workspaces:
  - name: app
    runs:
      - {status: applied, minutes_ago: 600}
      - status: planned
        minutes_ago: 30
        changes: [{address: aws_s3_bucket.b, actions: [create], after: {bucket: b}}]
"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Api:
    """A raw JSON:API client of one sandbox, in process."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.http = httpx.Client(transport=_InProcessTransport(sandbox.wsgi_app), base_url=sandbox.address,
                                 headers={"Authorization": f"Bearer {sandbox.token}"})
        self.ws = self.http.get("/api/v2/organizations/acme/workspaces/app").json()["data"]

    def run(self, run_id: str) -> dict[str, Any]:
        return dict(self.http.get(f"/api/v2/runs/{run_id}").json()["data"])

    def status(self, run_id: str) -> str:
        return str(self.run(run_id)["attributes"]["status"])

    def current(self) -> str:
        ws = self.http.get(f"/api/v2/workspaces/{self.ws['id']}").json()["data"]
        return str(ws["relationships"]["current-run"]["data"]["id"])

    def create(self, **attributes: Any) -> str:
        body = {"data": {"type": "runs", "attributes": attributes,
                         "relationships": {"workspace": {"data": {"type": "workspaces", "id": self.ws["id"]}}}}}
        response = self.http.post("/api/v2/runs", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["id"])

    def action(self, run_id: str, action: str) -> int:
        return self.http.post(f"/api/v2/runs/{run_id}/actions/{action}", json={}).status_code


def _sandbox(tmp_path: Path, text: str = SCENARIO, lifecycle: float = 10) -> tuple[Sandbox, Clock]:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    clock = Clock()
    return Sandbox.from_scenario(path, rate_limit=None, lifecycle_seconds=lifecycle, clock=clock), clock


def test_a_newer_run_waits_behind_the_run_awaiting_confirmation(tmp_path: Path) -> None:
    sandbox, clock = _sandbox(tmp_path)
    api = Api(sandbox)
    planned = api.current()
    newer = api.create(message="newer")
    for _ in range(3):  # however long it waits, the newer run stays pending; the older stays confirmable
        clock.advance(10)
        assert api.status(newer) == "pending"
        assert api.run(newer)["attributes"]["position-in-queue"] == 1
        assert api.run(planned)["attributes"]["actions"]["is-confirmable"] is True
        assert api.current() == planned
    assert api.action(planned, "apply") == 202
    seen = []
    for _ in range(6):
        seen.append((api.status(planned), api.status(newer)))
        clock.advance(10)
    assert seen == [("confirmed", "pending"), ("apply_queued", "pending"), ("applying", "pending"),
                    ("applied", "plan_queued"), ("applied", "planning"), ("applied", "planned_and_finished")]
    assert api.current() == newer  # re-planning the applied configuration: no changes


def test_plan_only_runs_skip_the_queue_and_never_become_current(tmp_path: Path) -> None:
    sandbox, clock = _sandbox(tmp_path)
    api = Api(sandbox)
    planned = api.current()
    speculative = api.create(**{"plan-only": True})
    assert api.status(speculative) == "plan_queued"  # did not wait for the run awaiting confirmation
    clock.advance(20)
    run = api.run(speculative)
    assert run["attributes"]["status"] == "planned_and_finished" and run["attributes"]["has-changes"] is True
    assert run["attributes"]["actions"]["is-confirmable"] is False
    assert api.current() == planned and api.run(planned)["attributes"]["actions"]["is-confirmable"] is True
    listed = api.http.get(f"/api/v2/workspaces/{api.ws['id']}/runs").json()["data"]
    assert speculative not in [r["id"] for r in listed]  # hidden from the workspace list by default


def test_discarding_the_head_lets_the_next_run_plan(tmp_path: Path) -> None:
    sandbox, _ = _sandbox(tmp_path, lifecycle=0)
    api = Api(sandbox)
    planned = api.current()
    first, second = api.create(), api.create()
    assert api.action(second, "discard") == 202  # a pending run can be discarded wherever it waits
    assert api.action(planned, "discard") == 202
    assert (api.status(first), api.status(second)) == ("planned", "discarded")
    assert api.current() == first


STATUS_CASES = ["pending", "plan_queued", "planning", "planned", "cost_estimated", "policy_checked",
                "policy_override", "confirmed", "apply_queued", "applying", "applied", "planned_and_finished",
                "errored", "discarded", "canceled"]


@pytest.mark.parametrize("status", STATUS_CASES)
def test_actions_flags_say_what_the_actions_accept(tmp_path: Path, status: str) -> None:
    """is-discardable ⇔ discard answers 202; is-cancelable ⇔ cancel answers 202 (only planning or applying)."""
    ahead = "      - {status: planned, changes: [{address: aws_s3_bucket.a, actions: [create]}]}\n" if (
        status == "pending") else ""  # a pending run waits behind one; alone it would start at once
    text = f"organization: acme\nworkspaces:\n  - name: app\n    runs:\n{ahead}      - status: {status}\n" \
           "        changes: [{address: aws_s3_bucket.b, actions: [create]}]\n"
    for action, flag, accepted in (("discard", "is-discardable", {"pending", "planned", "cost_estimated",
                                                                  "policy_checked", "policy_override"}),
                                   ("cancel", "is-cancelable", {"planning", "applying"})):
        sandbox, _ = _sandbox(tmp_path, text, lifecycle=1000)  # nothing moves on its own
        api = Api(sandbox)
        run_id = sandbox.world.workspaces[api.ws["id"]].run_ids[-1]
        flagged = api.run(run_id)["attributes"]["actions"][flag]
        code = api.action(run_id, action)
        assert (flagged, code) == ((True, 202) if status in accepted else (False, 409)), (action, status)


def test_cancel_then_force_cancel_after_the_cool_off(tmp_path: Path) -> None:
    text = "organization: acme\nworkspaces:\n  - name: app\n    runs:\n      - {status: planning, hangs_on_cancel: true}\n"
    sandbox, clock = _sandbox(tmp_path, text)
    api = Api(sandbox)
    run_id = api.current()
    assert api.action(run_id, "force-cancel") == 409  # not canceled yet
    assert api.action(run_id, "cancel") == 202
    attributes = api.run(run_id)["attributes"]
    assert attributes["canceled-at"] and attributes["force-cancel-available-at"]
    assert attributes["actions"] == {"is-cancelable": False, "is-confirmable": False, "is-discardable": False,
                                     "is-force-cancelable": False}
    clock.advance(30)
    assert api.status(run_id) == "planning"  # it ignored the interrupt
    assert api.action(run_id, "force-cancel") == 409  # still cooling off
    clock.advance(30)
    assert api.run(run_id)["attributes"]["actions"]["is-force-cancelable"] is True
    assert api.action(run_id, "force-cancel") == 202
    run = api.run(run_id)["attributes"]
    assert run["status"] == "force_canceled" and "force-canceled-at" in run["status-timestamps"]


def test_a_canceled_run_stops_at_its_next_step(tmp_path: Path) -> None:
    sandbox, clock = _sandbox(tmp_path)
    api = Api(sandbox)
    api.action(api.current(), "discard")
    run_id = api.create()
    clock.advance(10)
    assert api.status(run_id) == "planning"
    assert api.action(run_id, "cancel") == 202
    clock.advance(10)
    run = api.run(run_id)
    assert run["attributes"]["status"] == "canceled"
    plan = api.http.get(f"/api/v2/plans/{run['relationships']['plan']['data']['id']}").json()["data"]
    assert plan["attributes"]["status"] == "canceled"


# Every key of go-tfe run.go RunStatusTimestamps; the sandbox's lifecycle reaches these:
LIFECYCLE_KEYS = ["plan-queueable-at", "plan-queued-at", "planning-at", "planned-at", "confirmed-at",
                  "apply-queued-at", "applying-at", "applied-at"]


def test_status_timestamps_are_set_as_each_state_is_reached(tmp_path: Path) -> None:
    sandbox, clock = _sandbox(tmp_path.joinpath(), SCENARIO.replace("create], after: {bucket: b}", "create]"))
    api = Api(sandbox)
    api.action(api.current(), "discard")
    start = clock.now
    sandbox.world.workspace_plans[api.ws["id"]] = {"resource_changes": [{
        "address": "aws_s3_bucket.c", "mode": "managed", "type": "aws_s3_bucket", "name": "c",
        "change": {"actions": ["create"], "before": None, "after": {}}}], "output_changes": {}}
    run_id = api.create()
    plan_id = api.run(run_id)["relationships"]["plan"]["data"]["id"]
    clock.advance(20)
    api.action(run_id, "apply")  # at +20 s
    clock.advance(30)
    run = api.run(run_id)["attributes"]
    assert run["status"] == "applied"
    stamps = {k: datetime.fromisoformat(v) for k, v in run["status-timestamps"].items()}
    assert list(stamps) == LIFECYCLE_KEYS
    assert [int((stamps[k] - start).total_seconds()) for k in LIFECYCLE_KEYS] == [0, 0, 10, 20, 20, 30, 40, 50]
    plan = api.http.get(f"/api/v2/plans/{plan_id}").json()["data"]["attributes"]["status-timestamps"]
    assert [int((datetime.fromisoformat(plan[k]) - start).total_seconds())
            for k in ("queued-at", "started-at", "finished-at")] == [0, 10, 20]
    apply_id = api.run(run_id)["relationships"]["apply"]["data"]["id"]
    applied = api.http.get(f"/api/v2/applies/{apply_id}").json()["data"]["attributes"]
    assert applied["status"] == "finished" and set(applied["status-timestamps"]) == {
        "queued-at", "started-at", "finished-at"}


def test_scenario_runs_carry_timestamps_of_every_state_they_passed() -> None:
    sandbox = Sandbox.from_scenario("demo", rate_limit=None)
    world = sandbox.world
    applied = next(r for r in world.runs.values() if r.status == "applied")
    keys = list(applied.timestamps)
    assert keys == LIFECYCLE_KEYS
    planning = (applied.timestamps["planned-at"] - applied.timestamps["planning-at"]).total_seconds()
    assert 30 <= planning <= 240  # a realistic plan duration for the monitor
    errored = next(r for r in world.runs.values() if r.status == "errored")
    assert list(errored.timestamps) == ["plan-queueable-at", "plan-queued-at", "planning-at", "errored-at"]
    assert "errored-at" in world.plans[errored.plan_id].timestamps


def test_a_scenario_cannot_hold_two_runs_past_pending_in_one_queue(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO + "      - {status: planned}\n")
    with pytest.raises(ConfigError, match=r"bad.yaml:\d+: workspaces\[0\].runs\[2\].status: 'planned' after a "
                                          r"'planned' run"):
        Sandbox.from_scenario(path)
