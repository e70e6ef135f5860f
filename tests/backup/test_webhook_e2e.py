"""End to end: the sandbox applies a run, its notification fires a signed webhook through a Function URL front to
the Lambda, and the state lands in S3 on moto; replays, forgeries and conflicts write nothing."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from backup import lambda_handler
from backup.signature import HEADER, sign
from backup.statefile import sha256_hex
from tests.backup.conftest import BUCKET, WEBHOOK_TOKEN, World
from tests.backup.function_url import function_url_event, serve_function_url


@contextmanager
def subscribed(world: World, workspace: str, *, base64_body: bool = False) -> Iterator[tuple[str, list[int]]]:
    """The webhook Lambda behind a local Function URL, subscribed to ``workspace``'s completed runs."""
    with serve_function_url(lambda e, c: lambda_handler.webhook(e, c, environ=world.env),
                            base64_body=base64_body) as (url, answered), world.client() as client:
        ws = client.get_workspace_by_name(workspace)
        client.create_notification_configuration(ws.id, name="state-backup", url=url, token=WEBHOOK_TOKEN,
                                                 triggers=["run:completed"])
        yield url, answered


def apply_current_run(world: World, workspace: str) -> tuple[str, str]:
    """Confirm the workspace's planned run and let the sandbox finish it; returns (run id, workspace id)."""
    with world.client() as client:
        ws = client.get_workspace_by_name(workspace)
        run_id = ws.current_run_id or ""
        client.apply_run(run_id)
        assert client.get_run(run_id).status == "applied"  # this request walks the lifecycle and fires webhooks
        return run_id, ws.id


def tfc_state(world: World, workspace_id: str) -> bytes:
    with world.client() as client:
        sv = client.get_current_state_version(workspace_id)
        assert sv is not None and sv.download_url
        return client.download(sv.download_url)


def completed_payload(run_id: str, workspace_id: str, **extra: Any) -> bytes:
    return json.dumps({
        "payload_version": 1, "notification_configuration_id": "nc-x", "run_id": run_id,
        "run_created_at": "2026-01-01T00:00:00.000Z", "workspace_id": workspace_id, "workspace_name": "net-prod",
        "organization_name": "acme",
        "notifications": [{"message": "Run Completed", "trigger": "run:completed", "run_status": "applied"}],
        **extra,
    }).encode()


@pytest.mark.parametrize("base64_body", [False, True])
def test_an_apply_lands_in_s3_and_a_replay_writes_nothing(world: World, base64_body: bool) -> None:
    """The run's state is written once under serial-lineage with checksum, SSE and metadata; replays add nothing."""
    with subscribed(world, "net-prod", base64_body=base64_body) as (url, answered):
        run_id, ws_id = apply_current_run(world, "net-prod")
        assert answered == [200, 200]  # the verification, then run:completed
        state = tfc_state(world, ws_id)
        lineage = json.loads(state)["lineage"]
        key = f"tfstate/acme/net-prod/2-{lineage[:8]}.tfstate"
        assert world.object_keys() == [key, "tfstate/acme/net-prod/latest.json"]
        assert world.body(key) == state
        head = world.s3.head_object(Bucket=BUCKET, Key=key)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", world.env["BACKUP_KMS_KEY_ID"])
        assert head["Metadata"]["run-id"] == run_id and head["Metadata"]["sha256"] == sha256_hex(state)
        assert head["Metadata"]["commit"] == "2" * 40 and head["Metadata"]["serial"] == "2"
        latest = json.loads(world.body("tfstate/acme/net-prod/latest.json"))
        assert (latest["key"], latest["serial"], latest["lineage"]) == (key, 2, lineage)

        # A replay (the same signed delivery again), and a project-level notification of the same apply.
        for body in (completed_payload(run_id, ws_id),
                     completed_payload(run_id, ws_id, payload_version="2", trigger_type="run:completed",
                                       notifications=[{"trigger": "applied"}])):
            reply = httpx.post(url, content=body, headers={HEADER: sign(body, WEBHOOK_TOKEN)})
            assert reply.status_code == 200 and reply.json()["outcome"] == "already-backed-up"
        assert world.object_keys() == [key, "tfstate/acme/net-prod/latest.json"]
        assert world.s3.head_object(Bucket=BUCKET, Key=key)["LastModified"] == head["LastModified"]


def test_forged_missing_and_stale_format_signatures_are_refused(world: World,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    """401 with an empty body, and nothing read from TFC or written to S3."""
    with subscribed(world, "net-prod") as (url, _):
        with world.client() as client:
            ws = client.get_workspace_by_name("net-prod")
        body = completed_payload(ws.current_run_id or "", ws.id)
        served = world.sandbox.requests_served
        good = sign(body, WEBHOOK_TOKEN)
        for headers in ({}, {HEADER: sign(body, "guessed-token")}, {HEADER: good.upper()},
                        {HEADER: "sha512=" + good}, {HEADER: good[:64]}, {HEADER: ""}):
            reply = httpx.post(url, content=body, headers=headers)
            assert (reply.status_code, reply.content) == (401, b"")
        reply = httpx.post(url, content=body + b" ", headers={HEADER: good})  # the body changed after signing
        assert (reply.status_code, reply.content) == (401, b"")
        assert httpx.get(url, headers={HEADER: sign(b"", WEBHOOK_TOKEN)}).status_code == 401  # only POST
        assert world.sandbox.requests_served == served
        assert world.object_keys() == []
    assert WEBHOOK_TOKEN not in caplog.text


def test_different_bytes_under_the_key_are_an_alarm_not_an_overwrite(world: World,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    with world.client() as client:
        ws = client.get_workspace_by_name("net-prod")
    lineage = json.loads(tfc_state(world, ws.id))["lineage"]
    key = f"tfstate/acme/net-prod/2-{lineage[:8]}.tfstate"
    world.s3.put_object(Bucket=BUCKET, Key=key, Body=b"{}", Metadata={"sha256": sha256_hex(b"{}")})
    with subscribed(world, "net-prod") as (_, answered), caplog.at_level(logging.INFO):
        apply_current_run(world, "net-prod")
    assert answered == [200, 409]
    assert world.body(key) == b"{}"
    assert world.object_keys() == [key]  # latest.json does not move to a backup that was not written
    assert "ALARM acme/net-prod" in caplog.text and "not overwritten" in caplog.text


def test_nothing_secret_is_logged_or_answered(world: World, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), subscribed(world, "net-prod") as (url, _):
        apply_current_run(world, "net-prod")
        reply = httpx.post(url, content=b"{}", headers={HEADER: sign(b"{}", WEBHOOK_TOKEN)})
        assert reply.status_code == 200 and reply.json()["outcome"] == "ignored"
    text = caplog.text + reply.text
    for secret in (WEBHOOK_TOKEN, world.sandbox.token, "_archivist", '"serial"'):
        assert secret not in text
    assert "acme/net-prod" in caplog.text


def test_a_missing_webhook_token_refuses_everything_and_is_logged_once(world: World,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    body = completed_payload("run-1", "ws-1")
    env = {**world.env, "WEBHOOK_TOKEN": ""}
    for _ in range(3):
        event = function_url_event("POST", "/", {HEADER: sign(body, "")}, body, base64_body=False)
        assert lambda_handler.webhook(event, None, environ=env) == {"statusCode": 401, "body": ""}
    assert [r.levelname for r in caplog.records if "WEBHOOK_TOKEN" in r.getMessage()] == ["ERROR"]
    assert world.object_keys() == []


@pytest.mark.parametrize("event", [
    {"source": "aws.events", "detail-type": "Scheduled Event"},
    {"version": "1.0", "httpMethod": "POST", "headers": {}, "body": "{}"},  # API Gateway REST (payload 1.0)
    {},
])
def test_the_webhook_refuses_events_that_are_not_function_url_requests(world: World, event: dict[str, Any]) -> None:
    assert lambda_handler.webhook(event, None, environ=world.env) == {"statusCode": 401, "body": ""}
    assert world.object_keys() == []


def test_secrets_can_come_from_secrets_manager(world: World) -> None:
    import boto3

    secrets = boto3.client("secretsmanager", endpoint_url=world.env["AWS_ENDPOINT_URL"])
    webhook_arn = secrets.create_secret(Name="backup/webhook", SecretString=WEBHOOK_TOKEN)["ARN"]
    tfe_arn = secrets.create_secret(Name="backup/tfe", SecretString=world.sandbox.token)["ARN"]
    world.env.update({"WEBHOOK_TOKEN": "", "WEBHOOK_TOKEN_SECRET_ARN": webhook_arn, "TFE_TOKEN": "",
                      "TFE_TOKEN_SECRET_ARN": tfe_arn})
    with subscribed(world, "net-prod") as (_, answered):
        apply_current_run(world, "net-prod")
    assert answered == [200, 200]
    assert len(world.object_keys()) == 2


def test_a_run_whose_state_is_not_current_yet_is_retried_later(world: World) -> None:
    """The current state version predates the run (not applied yet): 503 so the delivery counts as failed."""
    with subscribed(world, "net-prod") as (url, _), world.client() as client:
        ws = client.get_workspace_by_name("net-prod")
        body = completed_payload(ws.current_run_id or "", ws.id, run_created_at="2099-01-01T00:00:00.000Z")
        reply = httpx.post(url, content=body, headers={HEADER: sign(body, WEBHOOK_TOKEN)})
    assert (reply.status_code, reply.json()) == (503, {"outcome": "not-yet"})
    assert world.object_keys() == []


def test_a_project_level_notification_backs_up_any_workspace_of_the_project(world: World) -> None:
    """The 2026 API: one configuration on the project; its payloads carry trigger_type."""
    headers = {"Authorization": f"Bearer {world.sandbox.token}", "Content-Type": "application/vnd.api+json"}
    with serve_function_url(lambda e, c: lambda_handler.webhook(e, c, environ=world.env)) as (url, answered):
        ws = httpx.get(f"{world.address}/api/v2/organizations/acme/workspaces/app-dev", headers=headers).json()
        project_id = ws["data"]["relationships"]["project"]["data"]["id"]
        body = {"data": {"type": "notification-configurations", "attributes": {
            "name": "state-backup", "destination-type": "generic", "enabled": True, "url": url,
            "token": WEBHOOK_TOKEN, "triggers": ["run:completed"]}}}
        created = httpx.post(f"{world.address}/api/v2/projects/{project_id}/notification-configurations",
                             headers=headers, json=body)
        assert created.status_code == 201
        run_id, ws_id = apply_current_run(world, "app-dev")
    assert answered == [200, 200]
    state = tfc_state(world, ws_id)
    key = f"tfstate/acme/app-dev/2-{json.loads(state)['lineage'][:8]}.tfstate"
    assert world.body(key) == state
    assert world.s3.head_object(Bucket=BUCKET, Key=key)["Metadata"]["run-id"] == run_id
