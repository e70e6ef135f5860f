"""`tfc remind` against the served sandbox, the local Slack and moto: the Lambda's state, exit codes, options."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.notifier.conftest import TUESDAY_10, slack_request, tick
from tfc.cli import remind as remind_cli
from tfc.cli.app import main
from tfc.sandbox.demo import DEMO_COMMIT

Capture = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def tuesday_morning(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command without --now acts at the wall-clock time; pin it inside the test config's business hours
    (09:00-18:00 UTC, weekdays), so the suite passes whenever and wherever it runs."""
    real = remind_cli._moment
    monkeypatch.setattr(remind_cli, "_moment",
                        lambda now, option="--now": TUESDAY_10 if now is None else real(now, option))


@pytest.fixture
def cli(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The CLI pointed at the world's TFC; Slack only where a test says so."""
    for key in ("TFE_ADDRESS", "TFE_TOKEN", "TFE_ORGANIZATION"):
        monkeypatch.setenv(key, world["env"][key])
    return world


def run_json(argv: list[str], capsys: Capture) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_run_exits_3_when_a_message_failed_and_still_serves_the_others(cli: dict[str, Any], capsys: Capture,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    cli["slack"].channel_errors["UMARIA"] = "msg_too_long"
    code, doc = run_json(["remind", "run", "--state", "dynamodb://reminders", "--config", cli["env"]["NOTIFIER_CONFIG"],
                          "--slack-api-url", cli["slack_url"], "--output", "json"], capsys)
    assert code == 3
    assert doc["schema_version"] == 1 and doc["command"] == "remind run" and doc["failed"] == 1
    failed = [r for r in doc["reminders"] if r["action"] == "failed"]
    assert [r["recipient"] for r in failed] == ["user:UMARIA"] and "msg_too_long" in failed[0]["detail"]
    assert any(r["action"] == "sent" for r in doc["reminders"])


def test_the_cli_and_the_lambda_share_snoozes_and_reassignments(cli: dict[str, Any], capsys: Capture) -> None:
    state = ["--state", "dynamodb://reminders"]
    button = {"type": "block_actions", "user": {"id": "UMARIA"},
              "actions": [{"action_id": "reassign", "block_id": f"commit:{DEMO_COMMIT}", "selected_user": "UBOB"}]}
    from notifier.lambda_handler import handler

    assert handler(slack_request(button, TUESDAY_10), None, environ=cli["env"], now=TUESDAY_10)["statusCode"] == 200
    code, listed = run_json(["remind", "list", *state, "--output", "json"], capsys)
    assert code == 0 and listed["schema_version"] == 1
    assert listed["overrides"] == [{"commit": DEMO_COMMIT, "kind": "reassign", "value": "UBOB", "by": "UMARIA"}]
    assert main(["remind", "snooze", "--commit", DEMO_COMMIT[:10], "--for", "4h", "--now", TUESDAY_10.isoformat(),
                 *state]) == 0
    summary = tick(cli, TUESDAY_10)
    assert len([r for r in summary["reminders"] if r["action"] == "snoozed"]) == 268  # the Lambda sees the CLI's


def test_dry_run_at_a_given_time_without_a_slack_token(cli: dict[str, Any], capsys: Capture, tmp_path: Any) -> None:
    argv = ["remind", "run", "--dry-run", "--config", cli["env"]["NOTIFIER_CONFIG"], "--state", str(tmp_path / "s.json")]
    code, doc = run_json([*argv, "--now", "2026-11-24T23:00:00+00:00", "--output", "json"], capsys)
    assert code == 0 and doc["now"] == "2026-11-24T23:00:00+00:00"
    assert {r["action"] for r in doc["reminders"]} == {"outside hours"}
    code, doc = run_json([*argv, "--now", "2026-11-24T10:00:00+00:00", "--output", "json"], capsys)
    alice = [r for r in doc["reminders"] if r["recipient"] == "email:alice@example.com"]
    assert alice and "email lookup skipped" in alice[0]["detail"] and alice[0]["action"] == "would send"
    assert cli["slack"].calls == []
    assert main([*argv, "--now", "tomorrow"]) == 2
    assert main(["remind", "run", "--now", "2026-11-24T10:00:00+00:00", "--state", str(tmp_path / "s.json")]) == 2
    assert "--now is for dry runs" in capsys.readouterr().err


def test_stats_after_the_subcommand(cli: dict[str, Any], capsys: Capture, tmp_path: Any) -> None:
    capsys.readouterr()
    assert main(["remind", "run", "--dry-run", "--no-owners", "--state", str(tmp_path / "s.json"), "--stats",
                 "--now", TUESDAY_10.isoformat()]) == 0
    assert "API requests:" in capsys.readouterr().err


@pytest.mark.parametrize(("to", "code", "stored"), [
    ("UBOB", 0, "UBOB"), ("#ops-oncall", 0, "#ops-oncall"), ("maria.garcia", 0, "UMARIA"),
    ("alice.nguyen", 2, None),  # known only by email: no Slack id to send to
    ("<!channel>", 2, None), ("bob", 2, None), ("#Bad Channel", 2, None), ("C0GENERAL", 2, None),
])
def test_reassign_validates_the_target(world: dict[str, Any], capsys: Capture, tmp_path: Any, to: str, code: int,
                                       stored: str | None) -> None:
    state = ["--state", str(tmp_path / "s.json")]
    assert main(["remind", "reassign", "--commit", DEMO_COMMIT[:8], "--to", to, "--config",
                 world["env"]["NOTIFIER_CONFIG"], *state]) == code
    capsys.readouterr()
    _, listed = run_json(["remind", "list", *state, "--output", "json"], capsys)
    assert [o["value"] for o in listed["overrides"]] == ([stored] if stored else [])


@pytest.mark.parametrize(("args", "message"), [
    (["--for", "99999999d"], "--for: duration '99999999d' is longer than 30 days"),
    (["--for", "31d"], "longer than 30 days"), (["--for", "0h"], "bad duration"), (["--for", "1w"], "bad duration"),
    (["--for", "٣h"], "bad duration"), (["--until", "2026-11-25T09:00"], "give a time zone offset"),
    (["--until", "soon"], "--until 'soon': expected an ISO time"), ([], "give --until TIME or --for DURATION"),
])
def test_snooze_durations_are_bounded(tmp_path: Any, capsys: Capture, args: list[str], message: str) -> None:
    assert main(["remind", "snooze", "--commit", "abcd1234", *args, "--state", str(tmp_path / "s.json")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()
