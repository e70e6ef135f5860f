"""Reminders end to end: the sandbox demo, a local Slack Web API, DynamoDB in moto, the Lambda and the CLI."""

from __future__ import annotations

import json
import shlex
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from notifier.config import load_config
from notifier.message import MAX_BLOCKS, MAX_SECTION
from notifier.pending import pending_runs
from notifier.slack import SlackPort
from notifier.state import DynamoStore
from notifier.tick import run_tick
from tests.local_services import SlackServer
from tests.notifier.conftest import TUESDAY_10, blocks_of, reminders_to, slack_request, tick
from tfc.cli.app import main
from tfc.client import TfcClient
from tfc.sandbox.demo import DEMO_COMMIT
from tfc.settings import SettingsFlags, resolve_settings


def test_a_tick_sends_one_short_message_per_recipient_within_slacks_limits(world: dict[str, Any]) -> None:
    summary = tick(world, TUESDAY_10)
    slack: SlackServer = world["slack"]
    (maria,) = reminders_to(slack, "UMARIA")
    text = json.dumps(blocks_of(maria))
    assert f"tfc review --commit {DEMO_COMMIT[:12]}```" in text  # all of the commit's runs: --commit says it all
    assert "268 runs" in text and "--workspace" not in text and len(text) < 6000
    assert len(reminders_to(slack, "UALICE")) == 1  # found through users.lookupByEmail
    for posted in slack.posted():
        blocks = blocks_of(posted)
        assert len(blocks) <= MAX_BLOCKS
        assert all(len(b["text"]["text"]) <= MAX_SECTION for b in blocks if b["type"] == "section")
    recipients = [r["recipient"] for r in summary["reminders"] if r["action"] == "sent"]
    assert len(recipients) == len(set(recipients)) and summary["failed"] == 0
    assert summary["tfc_requests"] <= 20  # org-wide pages (+ one run list per failing workspace), no polling


def test_the_pasted_command_selects_exactly_the_runs_in_the_message(world: dict[str, Any],
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    tick(world, TUESDAY_10)
    env = world["env"]
    with TfcClient(resolve_settings(SettingsFlags(), env)) as client:
        pending = pending_runs(client)
    for channel, author in (("UMARIA", "maria.garcia"), ("UALICE", "alice.nguyen")):
        (message,) = reminders_to(world["slack"], channel)
        commands = [line.strip("`") for b in blocks_of(message) if b["type"] == "section"
                    for line in b["text"]["text"].splitlines() if line.startswith("```tfc review")]
        assert commands
        for command in commands:
            argv = shlex.split(command)
            sha = argv[argv.index("--commit") + 1]
            expected = {p.run_id for p in pending if p.commit.startswith(sha) and p.author == author}
            for key in ("TFE_ADDRESS", "TFE_TOKEN", "TFE_ORGANIZATION"):
                monkeypatch.setenv(key, env[key])
            capsys.readouterr()
            assert main([*argv[1:], "--dry-run", "--output", "json"]) in (0, 3)
            selected = {d["run_id"] for d in json.loads(capsys.readouterr().out)["decisions"]}
            assert selected == expected


def test_backoff_and_retried_invocations_never_double_send(world: dict[str, Any]) -> None:
    tick(world, TUESDAY_10)
    slack: SlackServer = world["slack"]
    sent = len(slack.posted())
    assert all(r["action"] in ("backed off", "snoozed") for r in tick(world, TUESDAY_10 + timedelta(minutes=10))[
        "reminders"])
    assert len(slack.posted()) == sent
    later = TUESDAY_10 + timedelta(hours=1, minutes=5)  # maria's second reminder is due after 1 h
    results = [tick(world, later) for _ in range(3)]  # the scheduler retried the same tick three times
    assert len(reminders_to(slack, "UMARIA")) == 2
    for retried in results[1:]:
        assert [r["action"] for r in retried["reminders"] if r["recipient"] == "user:UMARIA"] == ["backed off"]


class Overlapping:
    """A DynamoDB store whose reads of a recipient's backoff wait until both invocations have read it."""

    def __init__(self, store: DynamoStore, barrier: threading.Barrier) -> None:
        self.store, self.barrier = store, barrier

    def reminder(self, recipient: str) -> Any:
        state = self.store.reminder(recipient)
        self.barrier.wait(timeout=30)
        return state

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_overlapping_invocations_in_adjacent_slots_send_once(world: dict[str, Any]) -> None:
    env, config = world["env"], load_config(Path(world["env"]["NOTIFIER_CONFIG"]))
    table = boto3.resource("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"]).Table("reminders")
    barrier = threading.Barrier(2)
    reports: list[list[Any]] = []

    def invoke(moment: datetime) -> None:
        with TfcClient(resolve_settings(SettingsFlags(), env)) as client:
            store = Overlapping(DynamoStore(table), barrier)
            reports.append(run_tick(client, store, SlackPort.connect("xoxb-test", env["SLACK_API_URL"]), config,
                                    moment))

    threads = [threading.Thread(target=invoke, args=(moment,)) for moment in
               (datetime(2026, 11, 24, 10, 9, 59, tzinfo=UTC), datetime(2026, 11, 24, 10, 10, 1, tzinfo=UTC))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slack: SlackServer = world["slack"]
    channels = [p["channel"] for p in slack.posted() if "waiting for you" in p["text"]]
    assert len(channels) == len(set(channels)) >= 5  # every recipient reminded, each exactly once
    actions = sorted(o.action for report in reports for o in report if o.action in ("sent", "already sent"))
    assert actions.count("sent") == len(channels) == actions.count("already sent")


def test_one_failing_recipient_stops_nobody_and_is_retried(world: dict[str, Any]) -> None:
    slack: SlackServer = world["slack"]
    slack.channel_errors["UMARIA"] = "channel_not_found"
    summary = tick(world, TUESDAY_10)  # returns its report: no exception, so the platform does not retry the tick
    failed = [r for r in summary["reminders"] if r["action"] == "failed"]
    assert [(r["recipient"], "channel_not_found" in r["detail"]) for r in failed] == [("user:UMARIA", True)]
    assert summary["failed"] == 1 and reminders_to(slack, "UALICE")
    assert {n["action"] for n in summary["owner_notifications"]} == {"sent"}  # owner notices still ran
    del slack.channel_errors["UMARIA"]
    again = tick(world, TUESDAY_10 + timedelta(minutes=10))
    assert [r["action"] for r in again["reminders"] if r["recipient"] == "user:UMARIA"] == ["sent"]
    assert len(reminders_to(slack, "UMARIA")) == 2  # the refused attempt, then the retry


def test_a_failing_owner_notice_is_released_and_retried(world: dict[str, Any]) -> None:
    slack: SlackServer = world["slack"]
    slack.channel_errors["#tfc-reminders"] = "not_in_channel"
    first = tick(world, TUESDAY_10)["owner_notifications"]
    failed = [n for n in first if n["action"] == "failed"]
    assert failed and all(n["channel"] == "#tfc-reminders" and "not_in_channel" in n["detail"] for n in failed)
    assert len(failed) == 7  # all seven go to the default channel in the demo
    del slack.channel_errors["#tfc-reminders"]
    again = tick(world, TUESDAY_10 + timedelta(minutes=10))["owner_notifications"]
    assert {n["run_id"] for n in again if n["action"] == "sent"} == {n["run_id"] for n in failed}


def test_nothing_at_night_and_the_reminder_goes_out_next_morning(world: dict[str, Any]) -> None:
    night = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    summary = tick(world, night)
    assert all("waiting for you" not in p["text"] for p in world["slack"].posted())
    assert {r["action"] for r in summary["reminders"]} <= {"outside hours", "snoozed"}
    tick(world, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert len(reminders_to(world["slack"], "UMARIA")) == 1


def test_reassign_and_snooze_from_slack_buttons_reply_through_the_response_url(world: dict[str, Any]) -> None:
    env, slack = world["env"], world["slack"]
    response_url = world["slack_url"].removesuffix("/api/") + "/response/T1/abc"
    reassign = {"type": "block_actions", "user": {"id": "UMARIA"}, "response_url": response_url,
                "actions": [{"action_id": "reassign", "block_id": f"commit:{DEMO_COMMIT}", "selected_user": "UBOB"}]}
    response = handler_call(reassign, env)
    assert response == {"statusCode": 200, "body": ""}
    (reply,) = slack.responses()
    assert reply["replace_original"] is True and "<@UMARIA> reassigned" in reply["text"] and "<@UBOB>" in reply["text"]
    tick(world, TUESDAY_10)
    (bob,) = reminders_to(slack, "UBOB")
    assert "Reassigned to you by <@UMARIA>" in json.dumps(blocks_of(bob)) and not reminders_to(slack, "UMARIA")
    snooze = {"type": "block_actions", "user": {"id": "UBOB"},
              "actions": [{"action_id": "snooze:4h", "block_id": f"commit:{DEMO_COMMIT}", "value": DEMO_COMMIT}]}
    answered = handler_call(snooze, env)  # no response_url: the reply comes back in the HTTP response
    assert answered["statusCode"] == 200 and "snoozed" in json.loads(answered["body"])["text"]
    summary = tick(world, TUESDAY_10 + timedelta(hours=2))
    assert len([r for r in summary["reminders"] if r["action"] == "snoozed"]) == 268
    assert len(reminders_to(slack, "UBOB")) == 1


def handler_call(payload: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    from notifier.lambda_handler import handler

    return handler(slack_request(payload, TUESDAY_10), None, environ=env, now=TUESDAY_10)


def test_owner_routing_of_failures_once_each(world: dict[str, Any]) -> None:
    first = tick(world, TUESDAY_10)["owner_notifications"]
    assert len(first) == 7 and {n["action"] for n in first} == {"sent"}
    channels = {n["workspace"]: n["channel"] for n in first}
    assert set(channels.values()) <= {"#payments", "#networking", "#tfc-reminders"}
    again = tick(world, TUESDAY_10 + timedelta(minutes=10))["owner_notifications"]
    assert {n["action"] for n in again} == {"already sent"}
    texts = [p["text"] for p in world["slack"].posted() if "errored" in p["text"]]
    assert len(texts) == 7


def test_slack_rate_limits_are_honoured(world: dict[str, Any]) -> None:
    slack: SlackServer = world["slack"]
    slack.rate_limit_next, slack.retry_after = 1, 1
    started = time.monotonic()
    tick(world, TUESDAY_10)
    assert time.monotonic() - started >= 1  # waited for Retry-After
    assert len(reminders_to(slack, "UMARIA")) == 1


def test_a_commit_shared_by_two_authors_gets_author_scoped_commands(tmp_path: Path, slack_server: Any,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The same commit pushed by two people (a merge queue): each is reminded of theirs, and the pasted
    ``tfc review --commit SHA --author LOGIN`` selects exactly the runs their message is about."""
    import yaml

    from notifier.config import NotifierConfig, Person
    from notifier.state import FileStore
    from tfc.sandbox import Sandbox

    sha = "c0ffee" + "1" * 34
    change = [{"address": "aws_s3_bucket.b", "actions": ["update"], "before": {"x": 1}, "after": {"x": 2}}]
    workspaces = [{"name": f"svc-{n}", "tags": ["tier:prod", "type:deploy"],
                   "runs": [{"status": "planned", "commit": sha, "author": "ann" if n < 3 else "kim",
                             "message": "bucket policy", "minutes_ago": 90, "changes": change}]} for n in range(5)]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump({"organization": "acme", "workspaces": workspaces}))
    slack, slack_url = slack_server
    sandbox = Sandbox.from_scenario(tmp_path / "s.yaml", rate_limit=None, clock=lambda: TUESDAY_10)
    config = NotifierConfig(people={"ann": Person("ann", "UANN"), "kim": Person("kim", "UKIM")})
    with sandbox.serve() as base_url:
        env = {"TFE_ADDRESS": base_url, "TFE_TOKEN": sandbox.token, "TFE_ORGANIZATION": "acme"}
        with TfcClient(resolve_settings(SettingsFlags(), env)) as client:
            run_tick(client, FileStore(tmp_path / "state.json"), SlackPort.connect("xoxb", slack_url), config,
                     TUESDAY_10)
            pending = pending_runs(client)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        for channel, author in (("UANN", "ann"), ("UKIM", "kim")):
            (message,) = reminders_to(slack, channel)
            (command,) = [line.strip("`") for b in blocks_of(message) if b["type"] == "section"
                          for line in b["text"]["text"].splitlines() if line.startswith("```tfc review")]
            assert command == f"tfc review --commit {sha[:12]} --author {author}"
            capsys.readouterr()
            assert main([*shlex.split(command)[1:], "--dry-run", "--output", "json"]) in (0, 3)
            selected = {d["run_id"] for d in json.loads(capsys.readouterr().out)["decisions"]}
            assert selected == {p.run_id for p in pending if p.author == author} and len(selected) == (
                3 if author == "ann" else 2)


def test_applying_some_runs_does_not_restart_the_backoff(world: dict[str, Any]) -> None:
    tick(world, TUESDAY_10)
    env = world["env"]
    with TfcClient(resolve_settings(SettingsFlags(), env)) as client:
        marias = [p for p in pending_runs(client) if p.author == "maria.garcia"]
        for item in marias[:50]:  # maria applies 50 runs at a time
            client.apply_run(item.run_id)
        left = len([p for p in pending_runs(client) if p.author == "maria.garcia"])
    assert left == len(marias) - 50
    summary = tick(world, TUESDAY_10 + timedelta(minutes=10))
    (maria,) = [r for r in summary["reminders"] if r["recipient"] == "user:UMARIA"]
    assert maria["action"] == "backed off" and maria["runs"] == left and len(reminders_to(world["slack"], "UMARIA")) == 1
