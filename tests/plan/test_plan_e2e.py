"""`tfc plan` end to end on a scenario sandbox with a fixture monorepo and its git history."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tfc.cli.app import main
from tfc.client import TfcClient
from tfc.plan.runner import Planner, Target
from tfc.plan.speculative import archive
from tfc.sandbox import Sandbox, _InProcessTransport

APPS = {"app-dev-0": "dev", "app-dev-1": "dev", "app-dev-2": "dev", "app-prod-0": "prod", "app-prod-1": "prod"}


def _plan(name: str, *, delete: bool = False) -> dict[str, Any]:
    changes = [{"address": "aws_s3_bucket.logs", "actions": ["update"],
                "before": {"bucket": f"{name}-logs", "days": 30}, "after": {"bucket": f"{name}-logs", "days": 90}}]
    if delete:
        changes.append({"address": "aws_cloudwatch_log_group.legacy", "actions": ["delete"],
                        "before": {"name": "legacy"}, "after": None})
    return {"changes": changes}


def scenario(tmp_path: Path) -> Path:
    workspaces = [{"name": name, "tags": ["type:app", f"tier:{tier}"], "working_directory": f"envs/{name}",
                   "agent_pool": "agents", "plan": _plan(name, delete=tier == "prod")} for name, tier in APPS.items()]
    workspaces.append({"name": "db-0", "tags": ["type:data", "tier:dev"], "working_directory": "envs/db-0",
                       "plan": {"changes": [{"address": "aws_db_instance.main", "actions": ["update"],
                                             "before": {"size": 1}, "after": {"size": 2}}]}})
    path = tmp_path / "scenario.yaml"
    pools = [{"name": "agents", "agents": {"idle": 6, "busy": 3, "unknown": 0, "errored": 0, "exited": 0}}]
    path.write_text(yaml.safe_dump({"organization": "acme", "agent_pools": pools, "workspaces": workspaces}))
    return path


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   check=True, capture_output=True)


def monorepo(tmp_path: Path, *, ghost: bool = False) -> Path:
    repo = tmp_path / "repo"
    workspaces: dict[str, Any] = {}
    for name in [*APPS, "db-0"]:
        module = "db" if name.startswith("db") else "vpc"
        (repo / "envs" / name).mkdir(parents=True)
        (repo / "envs" / name / "main.tf").write_text(f'module "m" {{\n  source = "../../modules/{module}"\n}}\n')
        workspaces[name] = {"working_directory": f"envs/{name}",
                            "trigger_patterns": [f"/envs/{name}/*.tf", f"/modules/{module}/*.tf"]}
    if ghost:  # in the trigger YAML, not in TFC
        workspaces["ghost"] = {"working_directory": "envs/ghost", "trigger_patterns": ["/modules/db/*.tf"]}
    for module in ("vpc", "db"):
        (repo / "modules" / module).mkdir(parents=True)
        (repo / "modules" / module / "main.tf").write_text('variable "x" {}\n')
    (repo / "tfc-triggers.yaml").write_text(yaml.safe_dump({"version": 1, "workspaces": workspaces}))
    (repo / ".gitignore").write_text("*.secret\n")
    (repo / "ignored.secret").write_text("not uploaded")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "init")
    return repo


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[Sandbox]:
    """The sandbox the CLI builds, so the test can look at the runs it holds afterwards."""
    made: list[Sandbox] = []
    original = Sandbox.from_scenario.__func__  # type: ignore[attr-defined]

    def capture(cls: type[Sandbox], *args: Any, **kwargs: Any) -> Sandbox:
        made.append(original(cls, *args, **kwargs))
        return made[-1]

    monkeypatch.setattr(Sandbox, "from_scenario", classmethod(capture))
    return made


def cli(scenario_path: Path, repo: Path, *args: str) -> int:
    return main(["--sandbox", str(scenario_path), "--rate-limit", "10000", "plan", "--repo", str(repo),
                 "--triggers", str(repo / "tfc-triggers.yaml"), "--output", "json", *args])


def test_a_module_change_plans_one_canary_per_shape(tmp_path: Path, captured: list[Sandbox],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo = monorepo(tmp_path)
    (repo / "modules" / "vpc" / "main.tf").write_text('variable "x" {}\nvariable "y" {}\n')
    markdown = tmp_path / "summary.md"
    assert cli(scenario(tmp_path), repo, "--since", "HEAD", "--markdown", str(markdown)) == 3  # prod deletes
    captured_io = capsys.readouterr()
    assert "at most 2 at once" in captured_io.err  # a quarter of the pool's 9 agents
    out = json.loads(captured_io.out)
    assert out["schema_version"] == 1 and out["command"] == "plan"
    assert out["affected"] == 5 and out["planned"] == 2 and out["errors"] == []
    groups = {g["workspaces"][0]["name"]: g for g in out["groups"]}
    assert set(groups) == {"app-dev-0", "app-prod-0"}
    assert groups["app-dev-0"]["stands_for"] == 2 and groups["app-prod-0"]["stands_for"] == 1
    assert groups["app-prod-0"]["outcome"] == "needs-person" and groups["app-dev-0"]["outcome"] == "ok"
    world = captured[0].world
    runs = list(world.runs.values())
    assert len(runs) == 2 and all(r.plan_only for r in runs)  # no run that could ever be applied
    assert all(world.cvs[r.cv_id].speculative and not world.cvs[r.cv_id].auto_queue_runs for r in runs)
    assert {world.workspaces[r.workspace_id].name for r in runs} == {"app-dev-0", "app-prod-0"}
    text = markdown.read_text()
    assert "standing for 2 more affected workspace(s)" in text and "needs a person" in text
    assert text.index("app-prod-0") < text.index("app-dev-0")  # the group that needs a person first


def test_a_wildcard_covering_the_delete_and_all_canaries(tmp_path: Path, captured: list[Sandbox],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    repo = monorepo(tmp_path)
    assert cli(scenario(tmp_path), repo, "modules/vpc", "--canaries", "all",
               "--wildcard", "delete:aws_cloudwatch_log_group.legacy") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["planned"] == 5 and len(captured[0].world.runs) == 5
    assert sorted(len(g["workspaces"]) for g in out["groups"]) == [2, 3]  # grouped up to the workspace name


def test_a_change_to_one_root_plans_only_it(tmp_path: Path, captured: list[Sandbox],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    repo = monorepo(tmp_path)
    (repo / "envs" / "db-0" / "main.tf").write_text("# changed\n")
    git(repo, "commit", "-qam", "db")
    assert cli(scenario(tmp_path), repo, "--since", "HEAD~1") == 0
    captured_io = capsys.readouterr()
    out = json.loads(captured_io.out)
    assert out["affected"] == 1 and [g["workspaces"][0]["name"] for g in out["groups"]] == ["db-0"]
    assert "at most 4 at once" in captured_io.err  # db-0 runs on TFC's agents: the fallback
    assert [captured[0].world.workspaces[r.workspace_id].name for r in captured[0].world.runs.values()] == ["db-0"]


def test_a_workspace_that_cannot_be_planned_is_an_error_shown_first(
        tmp_path: Path, captured: list[Sandbox], capsys: pytest.CaptureFixture[str]) -> None:
    repo = monorepo(tmp_path, ghost=True)
    markdown = tmp_path / "summary.md"
    assert cli(scenario(tmp_path), repo, "modules/db", "--markdown", str(markdown)) == 3
    out = json.loads(capsys.readouterr().out)
    assert [(e["workspace"], e["error"]) for e in out["errors"]] == [("ghost", "no such workspace in TFC")]
    assert [g["workspaces"][0]["name"] for g in out["groups"]] == ["db-0"]
    text = markdown.read_text()
    assert text.index("1 plan(s) failed") < text.index("ghost") < text.index("Group 1") < text.index("db-0")


def test_agent_minutes_come_from_the_runs_status_timestamps(tmp_path: Path) -> None:
    clock = FakeClock()
    sandbox = Sandbox.from_scenario(scenario(tmp_path), lifecycle_seconds=45, rate_limit=None, clock=clock.now)
    with sandbox.client(rate_limit_per_second=10_000) as client:
        targets = [Target(ws, 0) for ws in client.list_workspaces() if ws.name in ("db-0", "app-dev-0")]
        results = Planner(client, archive(monorepo(tmp_path))[0], poll_s=15, sleep=clock.sleep).plan(targets)
    assert [r.error for r in results] == [None, None]
    assert [r.agent_seconds for r in results] == [45.0, 45.0]  # planning-at → planned-and-finished-at


def test_a_change_that_affects_nothing_exits_1_and_says_so(tmp_path: Path, captured: list[Sandbox],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    repo = monorepo(tmp_path)
    assert cli(scenario(tmp_path), repo, ".gitignore") == 1
    assert "affect no workspace" in capsys.readouterr().err
    assert not captured or not captured[0].world.runs


class FakeClock:  # the sandbox's clock, advanced only by the planner's sleeps
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def test_ctrl_c_cancels_the_runs_we_started(tmp_path: Path) -> None:
    clock = FakeClock()
    sandbox = Sandbox.from_scenario(scenario(tmp_path), lifecycle_seconds=120, rate_limit=None, clock=clock.now)
    with sandbox.client(rate_limit_per_second=10_000) as client:
        targets = [Target(ws, 0) for ws in client.list_workspaces() if ws.name.startswith("app-")]
        polls: list[int] = []

        def interrupt(in_flight: int) -> None:
            polls.append(in_flight)
            if len(polls) == 2:
                raise KeyboardInterrupt

        planner = Planner(client, archive(monorepo(tmp_path))[0], concurrency=3, poll_s=30, sleep=clock.sleep,
                          on_poll=interrupt)
        with pytest.raises(KeyboardInterrupt):
            planner.plan(targets)
    runs = sandbox.world.runs
    assert len(planner.started) == 3 and sorted(planner.canceled) == sorted(planner.started)  # concurrency 3
    clock.sleep(300)
    with sandbox.client(rate_limit_per_second=10_000) as client:
        assert {client.get_run(r).status for r in planner.started} == {"canceled"}  # queued ones retried
    assert len(runs) == 3


def test_timeout_cancels_and_reports_every_target(tmp_path: Path) -> None:
    clock = FakeClock()
    sandbox = Sandbox.from_scenario(scenario(tmp_path), lifecycle_seconds=100, rate_limit=None, clock=clock.now)
    ticks = iter(range(0, 10_000, 10))
    with sandbox.client(rate_limit_per_second=10_000) as client:
        targets = [Target(ws, 1) for ws in client.list_workspaces() if ws.name.startswith("app-")]
        planner = Planner(client, archive(monorepo(tmp_path))[0], concurrency=2, timeout_s=60, poll_s=30,
                          sleep=clock.sleep, clock=lambda: float(next(ticks)))
        results = planner.plan(targets)
    assert [r.status for r in results].count("canceled") == 2
    assert [r.status for r in results].count("not started") == 3
    assert all(r.error and "timed out" in r.error for r in results)
    assert sorted(planner.canceled) == sorted(planner.started)


class Recording(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[str, str, str | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.host, request.headers.get("authorization")))
        return self.inner.handle_request(request)


def test_no_token_is_sent_to_the_upload_url(tmp_path: Path) -> None:
    sandbox = Sandbox.from_scenario(scenario(tmp_path), rate_limit=None)
    transport = Recording(_InProcessTransport(sandbox.wsgi_app))
    with TfcClient(sandbox.settings(rate_limit_per_second=10_000), transport=transport) as client:
        target = next(Target(ws, 0) for ws in client.list_workspaces() if ws.name == "db-0")
        [result] = Planner(client, archive(monorepo(tmp_path))[0]).plan([target])
    assert result.error is None and result.changes is not None
    api = httpx.URL(sandbox.address).host
    puts = [s for s in transport.seen if s[0] == "PUT"]
    assert len(puts) == 1 and puts[0][2] is None and puts[0][1] != api
    assert all(auth for _, host, auth in transport.seen if host == api)  # the API itself does get the token
    assert not any(auth for _, host, auth in transport.seen if host != api)


def test_the_archive_holds_tracked_and_untracked_files_but_not_ignored_ones(tmp_path: Path) -> None:
    import io
    import tarfile

    repo = monorepo(tmp_path)
    (repo / "new.tf").write_text("# new\n")
    content, count = archive(repo)
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as tar:
        names = tar.getnames()
    assert "new.tf" in names and "modules/vpc/main.tf" in names and "ignored.secret" not in names
    assert count == len(names) and not any(n.startswith(".git/") for n in names)
    assert archive(repo)[0] == content  # deterministic


@pytest.mark.parametrize(("args", "message"), [
    (["--canaries", "0", "modules/vpc"], "--canaries '0'"),
    (["--timeout", "soon", "modules/vpc"], "invalid --timeout 'soon'"),
    ([], "give changed PATHs or --since"),
])
def test_bad_input_is_a_usage_error_before_any_request(tmp_path: Path, captured: list[Sandbox], args: list[str],
                                                       message: str, capsys: pytest.CaptureFixture[str]) -> None:
    repo = monorepo(tmp_path)
    assert cli(scenario(tmp_path), repo, *args) == 2
    assert message in capsys.readouterr().err
    assert not captured or not captured[0].world.runs
