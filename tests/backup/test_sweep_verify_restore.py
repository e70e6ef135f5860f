"""The sweep catches what webhooks missed (Lambda and CLI), verify catches corruption, restore round-trips bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backup import lambda_handler
from backup.statefile import sha256_hex
from tests.backup.conftest import BUCKET, World
from tests.backup.test_webhook_e2e import apply_current_run, tfc_state
from tests.local_services import SlackServer
from tfc.cli.app import main

SCHEDULED = {"source": "aws.events", "detail-type": "Scheduled Event", "time": "2026-11-25T12:00:00Z"}


def sweep(world: World, **env: str) -> dict[str, Any]:
    return lambda_handler.sweep(SCHEDULED, None, environ={**world.env, **env})


def test_the_sweep_backs_up_what_webhooks_missed_and_reports_staleness(
        world: World, slack_server: tuple[SlackServer, str]) -> None:
    slack, slack_url = slack_server
    slack_env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_CHANNEL": "#platform", "SLACK_API_URL": slack_url}

    cold = sweep(world, **slack_env)  # no backups yet: states 30 and 3 days old went unbacked > 24h
    assert cold["outcomes"] == {"no-state": 1, "stale": 2} and cold["attention"] and cold["slack_posted"]
    assert "2 stale, 0 failed" in slack.posted()[0]["text"] and "net-prod" in slack.posted()[0]["text"]
    assert len([k for k in world.object_keys() if k.endswith(".tfstate")]) == 2

    run_id, ws_id = apply_current_run(world, "app-dev")  # no notification configuration: a missed webhook
    caught = sweep(world, **slack_env)
    assert caught["outcomes"] == {"backed-up": 1, "no-state": 1, "up-to-date": 1} and not caught["attention"]
    assert len(slack.posted()) == 1  # nothing stale: no message
    lineage = json.loads(tfc_state(world, ws_id))["lineage"]
    key = f"tfstate/acme/app-dev/2-{lineage[:8]}.tfstate"
    assert world.body(key) == tfc_state(world, ws_id)
    assert world.s3.head_object(Bucket=BUCKET, Key=key)["Metadata"]["run-id"] == run_id

    current = sweep(world)
    assert current["outcomes"] == {"no-state": 1, "up-to-date": 2} and not current["slack_posted"]
    # One page of workspaces; a sandbox without include=current_state_version adds one read per workspace.
    assert current["tfc_requests"] == (1 if current["side_loaded"] else 3)
    assert current["s3_requests"] == 1  # one listing


def test_the_sweep_refuses_anything_but_a_schedule(world: World) -> None:
    for event in ({"version": "2.0", "requestContext": {"http": {"method": "POST"}}, "headers": {}, "body": ""},
                  {"source": "custom", "detail-type": "Scheduled Event"}, {}):
        assert lambda_handler.sweep(event, None, environ=world.env) == {"statusCode": 403, "body": ""}
    assert world.object_keys() == []


def test_the_sweep_notes_an_unreachable_slack_config(world: World, caplog: pytest.LogCaptureFixture) -> None:
    result = sweep(world, BACKUP_STALE_AFTER="7d")  # app-dev (3 days) is caught in time, net-prod (30) is not
    assert result["outcomes"] == {"backed-up": 1, "no-state": 1, "stale": 1} and not result["slack_posted"]
    assert "SLACK_BOT_TOKEN/SLACK_CHANNEL are not set" in caplog.text


def cli(*args: str) -> int:
    return main(list(args))


def test_cli_sweep_dry_run_then_for_real(scenario_file: Path, moto_endpoint: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import boto3

    boto3.client("s3").create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    base = ["--sandbox", str(scenario_file), "backup", "sweep", "--bucket", BUCKET]
    assert cli(*base, "--dry-run", "--output", "json") == 3
    dry = json.loads(capsys.readouterr().out)
    assert (dry["schema_version"], dry["command"], dry["dry_run"]) == (1, "backup sweep", True)
    assert {w["workspace"]: w["outcome"] for w in dry["workspaces"]} == {
        "app-dev": "stale", "fresh": "no-state", "net-prod": "stale"}
    assert boto3.client("s3").list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0

    assert cli(*base, "--stale-after", "30d") == 3  # net-prod's state is 30 days old (> 30d by now)
    out = capsys.readouterr().out
    assert "net-prod" in out and "stale" in out and "1 backed-up" in out
    assert "backed up now; TFC's state went 30d without a backup" in out
    assert cli(*base, "--output", "json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["counts"]["up-to-date"] == 2 and again["counts"]["stale"] == 0
    assert cli(*base, "--stale-after", "soon") == 1
    assert "--stale-after='soon'" in capsys.readouterr().err


def test_verify_catches_corruption_and_missing_objects(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    sweep(world)
    assert cli("-o", "acme", "backup", "verify", "--bucket", BUCKET) == 0
    assert "2 of 2 backup objects checked" in capsys.readouterr().out
    keys = [k for k in world.object_keys() if k.endswith(".tfstate")]
    good = world.body(keys[0])
    meta = world.s3.head_object(Bucket=BUCKET, Key=keys[0])["Metadata"]
    world.s3.put_object(Bucket=BUCKET, Key=keys[0], Body=good.replace(b'"serial"', b'"serial" '), Metadata=meta)
    world.s3.delete_object(Bucket=BUCKET, Key=keys[1])  # latest.json still points at it
    assert cli("-o", "acme", "backup", "verify", "--bucket", BUCKET, "--output", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert sorted((p["key"], p["kind"]) for p in report["problems"]) == sorted([
        (keys[0], "checksum"), (keys[1].rsplit("/", 1)[0] + "/latest.json", "missing")])
    assert (report["listed"], report["checked"]) == (1, 1)
    assert cli("backup", "verify", "--bucket", BUCKET, "--sample", "1") == 1  # the whole prefix, a sample of one


def test_restore_round_trips_the_exact_bytes(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with world.client() as client:
        ws_id = client.get_workspace_by_name("net-prod").id
    sweep(world)
    first = tfc_state(world, ws_id)
    apply_current_run(world, "net-prod")
    sweep(world)
    second = tfc_state(world, ws_id)
    out = tmp_path / "net-prod.tfstate"
    restore = ["-o", "acme", "backup", "restore", "net-prod", "--bucket", BUCKET, "--out", str(out)]
    assert cli(*restore) == 0
    assert out.read_bytes() == second
    printed = capsys.readouterr().out
    assert "sha256 verified" in printed and f"terraform state push {out}" in printed

    assert cli(*restore, "--serial", "1") == 1  # the file exists: never replaced without --force
    assert "already exists; pass --force" in capsys.readouterr().err and out.read_bytes() == second
    assert cli(*restore, "--serial", "1", "--force") == 0
    assert out.read_bytes() == first
    assert cli(*restore, "--serial", "99", "--force") == 1
    assert "no serial 99" in capsys.readouterr().err

    key = next(k for k in world.object_keys() if k.startswith("tfstate/acme/net-prod/2-"))
    world.s3.put_object(Bucket=BUCKET, Key=key, Body=b'{"tampered": true}',
                        Metadata={"sha256": sha256_hex(second)})
    assert cli(*restore, "--force") == 1
    assert "failed its check" in capsys.readouterr().err and out.read_bytes() == first
    assert cli("backup", "restore", "net-prod", "--bucket", BUCKET, "--out", str(tmp_path / "x")) == 1
    assert "no organization given" in capsys.readouterr().err
