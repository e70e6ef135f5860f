"""The webhook and the store at their seams: TFC failing, and a writer racing ours for the same key."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Any

import boto3
import httpx
import pytest

from backup.capture import BackupConflict, capture
from backup.events import HttpRequest
from backup.rules import Write
from backup.signature import HEADER, sign
from backup.statefile import sha256_hex
from backup.store import BackupStore
from backup.webhook import Backend, handle_webhook
from tfc.client import TfcClient
from tfc.models import StateVersion
from tfc.settings import Secret, Settings

STATE = json.dumps({"version": 4, "terraform_version": "1.9.8", "serial": 4, "lineage": "abcdef12-3456",
                    "resources": []}).encode()
SV = {"id": "sv-1", "type": "state-versions",
      "attributes": {"serial": 4, "created-at": "2026-11-25T12:00:00.000Z", "status": "finalized",
                     "hosted-state-download-url": "https://archivist.example/v1/object/secret-part"},
      "relationships": {"run": {"data": {"id": "run-1", "type": "runs"}}}}


def client_for(handler: Any) -> TfcClient:
    settings = Settings(address="https://tfc.example", token=Secret("tfc-token"), organization="acme")
    return TfcClient(settings, transport=httpx.MockTransport(handler), sleep=lambda _: None)


def signed_request() -> HttpRequest:
    body = json.dumps({"payload_version": 1, "run_id": "run-1", "workspace_id": "ws-1", "workspace_name": "net",
                       "organization_name": "acme", "run_created_at": "2026-11-25T11:00:00Z",
                       "notifications": [{"trigger": "run:completed", "run_status": "applied"}]}).encode()
    return HttpRequest("POST", {HEADER.lower(): sign(body, "tok")}, body)


@pytest.fixture
def store(moto_endpoint: str) -> BackupStore:
    s3 = boto3.client("s3", endpoint_url=moto_endpoint)
    s3.create_bucket(Bucket="bkt", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return BackupStore(s3, "bkt")


@pytest.mark.parametrize(("status", "expected", "attempts"), [(503, 503, 5), (500, 503, 5), (401, 500, 1), (404, 503, 1)])
def test_tfc_failures(store: BackupStore, status: int, expected: int, attempts: int) -> None:
    """5xx are retried with backoff, then 503 so the platform retries; no state yet (404) is 503; a bad token 500."""
    seen: list[str] = []

    def tfc(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(status, json={"errors": [{"status": str(status)}]})

    @contextmanager
    def connect() -> Any:
        with client_for(tfc) as client:
            yield Backend(client, store, "p")

    reply = handle_webhook(signed_request(), "tok", connect)
    assert reply.status == expected
    assert seen == ["/api/v2/workspaces/ws-1/current-state-version"] * attempts
    assert store.requests == 0


def test_the_download_carries_no_bearer_token_and_invalid_state_is_refused(store: BackupStore) -> None:
    auth: dict[str, str | None] = {}

    def tfc(request: httpx.Request) -> httpx.Response:
        auth[request.url.host] = request.headers.get("Authorization")
        if request.url.host == "archivist.example":
            return httpx.Response(200, content=b'{"serial": 4}')
        return httpx.Response(200, json={"data": SV})

    @contextmanager
    def connect() -> Any:
        with client_for(tfc) as client:
            yield Backend(client, store, "p")

    reply = handle_webhook(signed_request(), "tok", connect)
    assert (reply.status, reply.document) == (502, {"outcome": "invalid-state"})
    assert auth == {"tfc.example": "Bearer tfc-token", "archivist.example": None}
    assert store.requests == 0


class RacingStore(BackupStore):
    """Another writer puts ``racing_body`` under the key just before our conditional write reaches S3."""

    racing_body: bytes = b""

    def put_new(self, key: str, body: bytes, sha256_hex_: str, metadata: Any) -> bool:
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=self.racing_body,
                            Metadata={"sha256": sha256_hex(self.racing_body)})
        return super().put_new(key, body, sha256_hex_, metadata)


def _racing(store: BackupStore, racing_body: bytes) -> RacingStore:
    racing = RacingStore(store._s3, store.bucket)
    racing.racing_body = racing_body
    return racing


def _capture(store: BackupStore) -> Any:
    def tfc(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=STATE)

    with client_for(tfc) as client:
        return capture(client, store, prefix="p", organization="acme", workspace="net",
                       sv=StateVersion.from_resource(SV))


def test_a_racing_writer_of_the_same_bytes_is_a_replay(store: BackupStore) -> None:
    done = _capture(_racing(store, STATE))
    assert (done.key, done.outcome) == ("p/acme/net/4-abcdef12.tfstate", Write.SAME)
    assert store.get(done.key).body == STATE  # type: ignore[union-attr]


def test_a_racing_writer_of_other_bytes_is_an_alarm_and_wins_nothing(store: BackupStore) -> None:
    with pytest.raises(BackupConflict, match="already holds different bytes; not overwritten"):
        _capture(_racing(store, b"{}"))
    assert store.get("p/acme/net/4-abcdef12.tfstate").body == b"{}"  # type: ignore[union-attr]
    assert store.get("p/acme/net/latest.json") is None


def test_latest_json_only_moves_forward(store: BackupStore) -> None:
    done = _capture(store)
    assert done.outcome is Write.PUT
    store.put_json("p/acme/net/latest.json", {"key": "p/acme/net/9-abcdef12.tfstate", "serial": 9,
                                              "lineage": "abcdef12-3456", "state_created_at": "2026-11-25T13:00:00Z"},
                   replacing=store.read_json("p/acme/net/latest.json")[1])  # type: ignore[index]
    assert _capture(store).outcome is Write.SAME
    assert store.read_json("p/acme/net/latest.json")[0]["serial"] == 9  # type: ignore[index]


def test_the_lambda_handler_imports_no_cli_charting_or_sandbox() -> None:
    import subprocess
    import sys

    code = ("import sys, backup.lambda_handler; "
            "print(sorted(m for m in ('typer', 'matplotlib', 'flask') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_signed_request_with_a_broken_configuration_is_a_500_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    from backup import lambda_handler
    from tests.backup.function_url import function_url_event

    request = signed_request()
    event = function_url_event("POST", "/", {HEADER: request.headers[HEADER.lower()]}, request.body,
                               base64_body=True)
    reply = lambda_handler.webhook(event, None, environ={"WEBHOOK_TOKEN": "tok", "TFE_TOKEN": "t"})
    assert (reply["statusCode"], json.loads(reply["body"])) == (500, {"outcome": "error"})
    assert "no backup bucket: pass --bucket or set BACKUP_BUCKET" in caplog.text


def _tfc_with_workspace(sv_created_at: str, *, side_load: bool) -> Any:
    sv = {**SV, "attributes": {**SV["attributes"], "created-at": sv_created_at}}  # type: ignore[dict-item]
    workspace = {"id": "ws-1", "type": "workspaces", "attributes": {"name": "net"},
                 "relationships": {"current-state-version": {"data": {"id": "sv-1", "type": "state-versions"}}}}
    seen: list[str] = []

    def tfc(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.path}?{request.url.params.get('include', '')}")
        if request.url.host == "archivist.example":
            return httpx.Response(200, content=STATE)
        if request.url.path == "/api/v2/workspaces/ws-1/current-state-version":
            return httpx.Response(200, json={"data": sv})
        return httpx.Response(200, json={"data": [workspace], "included": [sv] if side_load else [],
                                         "meta": {"pagination": {"next-page": None}}})

    return tfc, seen


@pytest.mark.parametrize("side_load", [True, False])
def test_a_backup_the_listing_dates_before_tfc_state_is_found_already_there(store: BackupStore,
                                                                           side_load: bool) -> None:
    """TFC's state looks newer than the last backup write: the sweep re-checks, finds the same bytes, writes nothing."""
    from datetime import UTC, datetime, timedelta

    from backup.staleness import Outcome
    from backup.sweep import sweep

    assert _capture(store).outcome is Write.PUT
    later = datetime.now(UTC) + timedelta(minutes=10)
    tfc, seen = _tfc_with_workspace(later.isoformat(), side_load=side_load)
    with client_for(tfc) as client:
        report = sweep(client, store, prefix="p", organization="acme", now=later, stale_after=timedelta(days=1))
    item = report.items[0]
    assert (item.outcome, item.detail) == (Outcome.UP_TO_DATE, "already backed up: p/acme/net/4-abcdef12.tfstate")
    assert report.side_loaded is side_load and not report.attention
    assert seen[0] == "/api/v2/organizations/acme/workspaces?current_state_version"
    assert seen[1:] == ([] if side_load else ["/api/v2/workspaces/ws-1/current-state-version?"]) + [
        "/v1/object/secret-part?"]
