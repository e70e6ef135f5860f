"""`tfc monitor run/plans` and `tfc agents recommend` on the scenario sandbox: exit codes, JSON, bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.local_services import SlackServer
from tests.monitor.harness import SCENARIO
from tfc.cli import main


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["--sandbox", str(SCENARIO), *args, "--output", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_monitor_run_dry_run_exits_3_while_alerting(capsys: pytest.CaptureFixture[str], state_home: Path) -> None:
    code, doc = run_json(["monitor", "run", "--dry-run"], capsys)
    assert code == 3
    assert (doc["schema_version"], doc["command"], doc["dry_run"], doc["alerting"]) == (1, "monitor run", True, True)
    assert sorted((s["workspace"], s["action"]) for s in doc["slow_plans"]) == [  # type: ignore[union-attr]
        ("dev-network", "would send"), ("dev-orphan", "would send")]
    pools = {p["name"]: p for p in doc["pools"]}  # type: ignore[union-attr]
    assert pools["busy-pool"]["queued_runs"] == 2
    assert 0 < pools["busy-pool"]["oldest_wait_seconds"] <= 420  # queued within the 6 minutes since created
    assert not (state_home / "tfc" / "monitor.json").exists()  # a dry run saves nothing


def test_monitor_run_with_a_selector_nothing_matches_is_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_json(["monitor", "run", "--dry-run", "--selector", "tier:staging"], capsys)
    assert (code, doc["slow_plans"], doc["alerting"]) == (0, [], False)


def test_monitor_run_needs_slack_unless_dry_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", str(SCENARIO), "monitor", "run"]) == 1
    assert "SLACK_BOT_TOKEN is not set" in capsys.readouterr().err


def test_monitor_run_metrics_prints_emf_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", str(SCENARIO), "monitor", "run", "--dry-run", "--metrics"]) == 3
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [entry.get("Pool") for entry in lines] == ["busy-pool", "flappy-pool", None]


def test_monitor_run_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", str(SCENARIO), "monitor", "run", "--dry-run"]) == 3
    out = capsys.readouterr().out
    assert re.search(r"busy-pool .* \d+ min \d+ s ", out)  # the oldest wait
    assert "slow plan: dev-network" in out and "#team-network" not in out  # no notifier config: default channel


def test_monitor_plans(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_json(["monitor", "plans", "--since", "2h"], capsys)
    assert code == 0
    rows = [(w["workspace"], w["plans"], w["p95_seconds"]) for w in doc["workspaces"]]  # type: ignore[union-attr]
    assert rows == [("dev-network", 2, 420.0), ("dev-data", 1, 300.0), ("dev-orphan", 1, 270.0),
                    ("dev-remote", 1, 0.0)]  # a workspace without a pool: its run planned at once
    assert doc["selector"] == ["tier:dev"]


def test_monitor_plans_since_excludes_older_runs(capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_json(["monitor", "plans", "--since", "60m", "--selector", ""], capsys)
    names = [w["workspace"] for w in doc["workspaces"]]  # type: ignore[union-attr]
    assert names == ["prod-network", "dev-network", "dev-orphan", "dev-remote"]  # dev-data planned 90 minutes ago


@pytest.mark.parametrize("since", ["7", "7w", "-1d", "0h"])
def test_monitor_plans_bad_since_is_a_usage_error(since: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", str(SCENARIO), "monitor", "plans", "--since", since]) == 2
    assert "--since" in capsys.readouterr().err


def test_agents_recommend(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = run_json(["agents", "recommend"], capsys)
    assert code == 0
    pools = {p["name"]: p for p in doc["pools"]}  # type: ignore[union-attr]
    assert (pools["busy-pool"]["desired"], pools["busy-pool"]["current"]) == (7, 4)
    assert pools["busy-pool"]["reason"] == "4 busy + 2 for 2 queued + 1 headroom = 7"
    assert (pools["flappy-pool"]["desired"], pools["flappy-pool"]["held"]) == (5, False)  # all 4 busy at minute 0


def test_agents_recommend_unknown_pool_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", str(SCENARIO), "agents", "recommend", "--pool", "nope"]) == 2
    assert "no agent pool named nope (pools: busy-pool, flappy-pool)" in capsys.readouterr().err


def test_agents_recommend_apply_needs_a_service(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", str(SCENARIO), "agents", "recommend", "--apply"]) == 2
    assert "--apply needs --ecs" in capsys.readouterr().err


def test_agents_recommend_one_pool(capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = run_json(["agents", "recommend", "--pool", "flappy-pool"], capsys)
    assert [p["name"] for p in doc["pools"]] == ["flappy-pool"]  # type: ignore[union-attr]


def test_the_lambda_handler_imports_no_cli_or_charting() -> None:
    code = "import sys, monitor.lambda_handler; print(sorted(m for m in ('typer', 'matplotlib') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_monitor_run_sends_once_and_keeps_state(capsys: pytest.CaptureFixture[str], state_home: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 slack_server: tuple[SlackServer, str]) -> None:
    server, url = slack_server
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    code, doc = run_json(["monitor", "run", "--slack-api-url", url], capsys)
    assert code == 3 and sorted(s["action"] for s in doc["slow_plans"]) == ["sent", "sent"]  # type: ignore[union-attr]
    assert (state_home / "tfc" / "monitor.json").exists()
    code, doc = run_json(["monitor", "run", "--slack-api-url", url], capsys)  # a new sandbox, the same state
    assert sorted(s["action"] for s in doc["slow_plans"]) == ["already sent", "already sent"]  # type: ignore[union-attr]
    assert (code, doc["alerting"]) == (0, False)
    assert len(server.posted()) == 2
