"""`tfc rollout` end to end on scenario sandboxes: clean, failing, still planning, gated, interrupted, superseded."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tfc.cli.app import main
from tfc.review.audit import AuditLog
from tfc.review.wildcard import parse_wildcard
from tfc.rollout.decide import Phase
from tfc.rollout.engine import Options, Rollout
from tfc.rollout.state import RolloutState, StateFile
from tfc.sandbox import Sandbox

SHA = "feedc0de0123456789abcdef0123456789abcdef"
RULE = "update:aws_s3_bucket.logs"
TIERS = ("dev", "staging", "prod", "gxp")


def _run(status: str = "planned", **extra: Any) -> dict[str, Any]:
    return {"status": status, "commit": SHA, "author": "jdoe", "message": "logs retention", "minutes_ago": 5,
            "changes": [{"address": "aws_s3_bucket.logs", "actions": ["update"],
                         "before": {"days": 30}, "after": {"days": 90}}], **extra}


def scenario(tmp_path: Path, overrides: dict[str, dict[str, Any]] | None = None) -> Path:
    overrides = overrides or {}
    workspaces = []
    for tier, count in (("dev", 2), ("staging", 2), ("prod", 2), ("gxp", 1)):
        for n in range(count):
            name = f"app-{tier}-{n}"
            workspaces.append({"name": name, "tags": ["type:app", f"tier:{tier}"],
                               "runs": [_run(**overrides.get(name, {}))]})
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump({"organization": "acme", "workspaces": workspaces}))
    return path


class FakeClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
        self.slept = 0.0

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.moment += timedelta(seconds=seconds)


def cli(path: Path, tmp_path: Path, *args: str) -> int:
    return main(["--sandbox", str(path), "--rate-limit", "10000", "rollout", *args,
                 "--state", str(tmp_path / "state.json"), "--audit-log", str(tmp_path / "audit.jsonl")])


def statuses(sandbox: Sandbox) -> dict[str, str]:
    world = sandbox.world
    return {world.workspaces[r.workspace_id].name: r.status for r in world.runs.values()}


def test_dry_run_prints_the_promotion_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path)
    assert cli(path, tmp_path, "--commit", SHA[:8], "--tiers", ",".join(TIERS), "--wildcard", RULE, "--dry-run",
               "--output", "json") == 0
    out = json.loads(capsys.readouterr().out)
    assert [(t["tier"], t["confirmable"], t["by_decision"]) for t in out["tiers"]] == [
        ("dev", 2, {"approve": 2}), ("staging", 2, {"approve": 2}), ("prod", 2, {"approve": 2}),
        ("gxp", 1, {"approve": 1})]
    assert not (tmp_path / "state.json").exists()


def test_a_clean_rollout_applies_every_tier_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path)
    code = cli(path, tmp_path, "--commit", SHA[:8], "--tiers", ",".join(TIERS), "--wildcard", RULE, "--yes",
               "--poll-interval", "0", "--output", "json")
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    assert out["outcome"] == "done"
    assert [(t["tier"], t["phase"], len(t["applied"])) for t in out["tiers"]] == [
        ("dev", "succeeded", 2), ("staging", "succeeded", 2), ("prod", "succeeded", 2), ("gxp", "succeeded", 1)]
    applies = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    applied_order = [a["workspace"] for a in applies if a.get("event") == "apply"]
    assert [name.split("-")[1] for name in applied_order] == ["dev"] * 2 + ["staging"] * 2 + ["prod"] * 2 + ["gxp"]


def test_a_failing_tier_halts_before_the_next_and_says_what_was_not_touched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, {"app-staging-1": {"apply_errors": True}})
    code = cli(path, tmp_path, "--commit", SHA[:8], "--tiers", ",".join(TIERS), "--wildcard", RULE, "--yes",
               "--poll-interval", "0", "--output", "json")
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert out["outcome"] == "halted" and out["tier"] == "staging" and out["untouched"] == ["prod", "gxp"]
    staging = next(t for t in out["tiers"] if t["tier"] == "staging")
    assert staging["phase"] == "failed" and staging["reasons"] == ["1 run errored"]
    applied = [json.loads(x)["workspace"] for x in (tmp_path / "audit.jsonl").read_text().splitlines()
               if json.loads(x).get("event") == "apply"]
    assert not [name for name in applied if "prod" in name or "gxp" in name]
    # a second try does not pretend: the tier stays failed until a person acts
    assert cli(path, tmp_path, "--commit", SHA[:8], "--tiers", ",".join(TIERS), "--wildcard", RULE, "--yes",
               "--poll-interval", "0", "--resume") == 3
    capsys.readouterr()
    assert main(["--sandbox", str(path), "rollout", "status", "--commit", SHA[:8], "--state",
                 str(tmp_path / "state.json"), "--output", "json"]) == 3
    rows = json.loads(capsys.readouterr().out)["tiers"]
    assert [(r["tier"], r["phase"]) for r in rows] == [("dev", "succeeded"), ("staging", "failed"),
                                                       ("prod", "pending"), ("gxp", "pending")]


def test_a_manual_gate_stops_and_says_the_exact_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path)
    args = ["--commit", SHA[:8], "--tiers", ",".join(TIERS), "--wildcard", RULE, "--yes", "--poll-interval", "0",
            "--manual", "gxp"]
    assert cli(path, tmp_path, *args, "--output", "json") == 3
    out = json.loads(capsys.readouterr().out)
    assert out["outcome"] == "gate" and out["tier"] == "gxp"
    assert "--resume --approve-gate gxp" in out["continue_with"]
    assert [t["phase"] for t in out["tiers"]] == ["succeeded", "succeeded", "succeeded", "waiting for a person"]


def _engine(sandbox: Sandbox, tmp_path: Path, clock: FakeClock, **options: Any) -> tuple[Rollout, StateFile]:
    store = StateFile(tmp_path / "state.json")
    state = store.load() or RolloutState("acme", SHA[:8], list(TIERS))
    # few polls per tier: the client keeps TFC's 30/minute budget for run lists in real time
    opts = Options(prefix=SHA[:8], tiers=TIERS, rules=(parse_wildcard(RULE),), **{"poll_seconds": 60.0, **options})
    audit = AuditLog(tmp_path / "audit.jsonl", user="tester", tfc_user="api-user")
    client = sandbox.client(rate_limit_per_second=10_000)
    return Rollout(client, opts, store, state, audit, report=lambda _: None, now=clock.now,
                   sleep=clock.sleep), store


def test_a_later_tiers_plans_still_planning_are_waited_for(tmp_path: Path) -> None:
    clock = FakeClock()
    path = scenario(tmp_path, {"app-prod-0": {"status": "planning"}, "app-prod-1": {"status": "plan_queued"}})
    sandbox = Sandbox.from_scenario(path, lifecycle_seconds=60, rate_limit=None, clock=clock.now)
    rollout, store = _engine(sandbox, tmp_path, clock)
    end = rollout.run()
    assert end.kind == "done"
    saved = store.load()
    assert saved is not None and all(saved.records[t].phase is Phase.SUCCEEDED for t in TIERS)
    assert set(statuses(sandbox).values()) == {"applied"}
    assert clock.slept >= 60  # it waited for the plans (and the applies) instead of failing or skipping


def test_plans_that_never_finish_fail_the_tier_after_the_timeout(tmp_path: Path) -> None:
    clock = FakeClock()
    path = scenario(tmp_path, {"app-dev-0": {"status": "planning"}})
    sandbox = Sandbox.from_scenario(path, lifecycle_seconds=400, rate_limit=None, clock=clock.now)
    rollout, store = _engine(sandbox, tmp_path, clock, plan_timeout=timedelta(minutes=5), poll_seconds=300.0)
    end = rollout.run()
    assert (end.kind, end.tier, end.untouched) == ("halted", "dev", ("staging", "prod", "gxp"))
    saved = store.load()
    assert saved is not None and saved.records["dev"].reasons == [
        "1 run(s) still planning after the plan timeout: app-dev-0"]
    assert "applied" not in statuses(sandbox).values()


class Interrupt(Exception):
    pass


@pytest.mark.parametrize("stop_after", [1, 2, 3, 4, 5, 7, 9])  # every kind of save, in the first and a later tier
def test_resume_after_an_interruption_at_any_step_applies_each_run_once(tmp_path: Path, stop_after: int) -> None:
    clock = FakeClock()
    path = scenario(tmp_path)
    sandbox = Sandbox.from_scenario(path, lifecycle_seconds=30, rate_limit=None, clock=clock.now)
    store_path = tmp_path / "state.json"
    saves = Counter[str]()
    original_save = StateFile.save

    def interrupting_save(self: StateFile, state: RolloutState) -> None:
        original_save(self, state)
        saves["n"] += 1
        if saves["n"] == stop_after:
            raise Interrupt

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StateFile, "save", interrupting_save)
        rollout, _ = _engine(sandbox, tmp_path, clock)
        with pytest.raises(Interrupt):
            rollout.run()
    rollout, _ = _engine(sandbox, tmp_path, clock)
    assert rollout.run().kind == "done"
    audit = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines()]
    applied = Counter(a["run_id"] for a in audit if a.get("event") == "apply" and a.get("outcome") == "applying")
    assert len(applied) == 7 and set(applied.values()) == {1}
    assert set(statuses(sandbox).values()) == {"applied"}
    assert store_path.exists()


def test_a_run_queued_behind_the_commit_mid_rollout_does_not_stop_it(tmp_path: Path) -> None:
    """TFC keeps a run awaiting confirmation current; a newer run waits behind it (sandbox: TFC's queue)."""
    clock = FakeClock()
    path = scenario(tmp_path)
    sandbox = Sandbox.from_scenario(path, lifecycle_seconds=0, rate_limit=None, clock=clock.now)
    client = sandbox.client(rate_limit_per_second=10_000)
    prod = client.get_workspace_by_name("app-prod-1")
    lines: list[str] = []

    def report(line: str) -> None:
        lines.append(line)
        if line == "tier staging: started":
            client.create_run(prod.id, message="someone else's change")

    store = StateFile(tmp_path / "state.json")
    rollout = Rollout(client, Options(prefix=SHA[:8], tiers=TIERS, rules=(parse_wildcard(RULE),)), store,
                      RolloutState("acme", SHA[:8], list(TIERS)),
                      AuditLog(tmp_path / "audit.jsonl", user="t", tfc_user="u"), report=report, now=clock.now,
                      sleep=clock.sleep)
    assert rollout.run().kind == "done"
    runs = sorted((r.created_at, r.status, r.message) for r in sandbox.world.runs.values()
                  if sandbox.world.workspaces[r.workspace_id].name == "app-prod-1")
    assert runs[0][1:] == ("applied", "logs retention")
    assert runs[-1][2] == "someone else's change" and runs[-1][1] != "confirmed"
