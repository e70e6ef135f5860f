"""The backup's pure decisions, pinned by case tables and properties: any flipped comparison or dropped guard fails."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from backup.events import http_request, is_scheduled
from backup.integrity import Listed, check_object, serial_regressions
from backup.layout import BackupKey, backup_key, latest_key, organization_prefix, parse_key, workspace_prefix
from backup.notification import CompletedApply, Ignored, Verification, read_notification
from backup.restore import choose
from backup.rules import Existing, Freshness, Latest, Write, freshness, plan_write, supersedes
from backup.settings import bucket_settings, parse_duration
from backup.signature import sign, verify_signature
from backup.staleness import Backups, Need, Outcome, need, needs_attention, outcome
from backup.statefile import InvalidState, read_state, sha256_hex
from backup.store import ListedObject
from backup.sweep import newest_backups
from tfc.errors import ConfigError

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "tfc-samples"
T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SHA_A, SHA_B = "a" * 64, "b" * 64


# -- the never-overwrite rule ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("existing", "body", "expected"), [
    (None, SHA_A, Write.PUT),                    # nothing there: write (conditionally)
    (Existing(SHA_A), SHA_A, Write.SAME),        # a replay: the same bytes are already there
    (Existing(SHA_B), SHA_A, Write.CONFLICT),    # different bytes: alarm, never overwrite
    (Existing(None), SHA_A, Write.CONFLICT),     # an object whose checksum we cannot read is not proven equal
    (Existing(SHA_A.upper()), SHA_A, Write.CONFLICT),  # digests compare exactly
])
def test_plan_write_cases(existing: Existing | None, body: str, expected: Write) -> None:
    assert plan_write(existing, body) is expected


@given(st.one_of(st.none(), st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)),
       st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_plan_write_never_puts_over_an_existing_object(recorded: str | None, body: str) -> None:
    """Whatever an existing object records, the decision is never PUT, and SAME only for the exact digest."""
    decision = plan_write(Existing(recorded), body)
    assert decision is not Write.PUT
    assert (decision is Write.SAME) == (recorded == body)


@pytest.mark.parametrize(("new", "old", "expected"), [
    (Latest("k2", 2, "lin-a", T0), None, True),
    (Latest("k2", 2, "lin-a", T0), Latest("k1", 1, "lin-a", T0 + timedelta(days=1)), True),   # serial decides
    (Latest("k1", 1, "lin-a", T0 + timedelta(days=1)), Latest("k2", 2, "lin-a", T0), False),
    (Latest("k2", 2, "lin-a", T0), Latest("k2", 2, "lin-a", T0), False),                       # same: no move
    (Latest("kb", 1, "lin-b", T0 + timedelta(seconds=1)), Latest("ka", 9, "lin-a", T0), True),  # new lineage, later
    (Latest("kb", 9, "lin-b", T0), Latest("ka", 1, "lin-a", T0), False),                        # same time: keep
    (Latest("kb", 9, "lin-b", T0 - timedelta(seconds=1)), Latest("ka", 1, "lin-a", T0), False),
])
def test_latest_moves_only_forward(new: Latest, old: Latest | None, expected: bool) -> None:
    assert supersedes(new, old) is expected


@pytest.mark.parametrize(("sv_run", "sv_at", "status", "run_at", "expected"), [
    ("run-1", T0, "finalized", T0, Freshness.MATCHES),
    ("run-1", T0, None, None, Freshness.MATCHES),                       # status absent: trust the run link
    ("run-1", T0, "pending", T0, Freshness.NOT_YET),                    # not uploaded yet
    ("run-1", T0, "discarded", T0, Freshness.NOT_YET),
    ("run-2", T0 + timedelta(minutes=5), "finalized", T0, Freshness.NEWER),
    ("run-2", T0, "finalized", T0, Freshness.NEWER),                    # created at the run's start: not older
    ("run-0", T0 - timedelta(seconds=1), "finalized", T0, Freshness.NOT_YET),  # older than the run
    (None, T0 + timedelta(minutes=5), "finalized", T0, Freshness.NEWER),       # e.g. a state push after the run
    ("run-0", T0, "finalized", None, Freshness.NOT_YET),                # no run time to compare with
])
def test_freshness(sv_run: str | None, sv_at: datetime, status: str | None, run_at: datetime | None,
                   expected: Freshness) -> None:
    assert freshness(sv_run_id=sv_run, sv_created_at=sv_at, sv_status=status, run_id="run-1",
                     run_created_at=run_at) is expected


# -- signatures and events ----------------------------------------------------------------------------------------

def test_signature_vectors_from_the_samples() -> None:
    vectors = json.loads((SAMPLES / "notification-signature-vectors.json").read_text())
    for vector in vectors["vectors"]:
        body = (SAMPLES / vector["body_file"]).read_bytes()
        assert sign(body, vectors["token"]) == vector["signature"]
        assert verify_signature(body, vector["signature"], vectors["token"])


BODY = b'{"payload_version": 1}'
GOOD = sign(BODY, "secret")


@pytest.mark.parametrize(("body", "signature", "token", "expected"), [
    (BODY, GOOD, "secret", True),
    (BODY, None, "secret", False),                         # missing
    (BODY, "", "secret", False),
    (BODY, GOOD.upper(), "secret", False),                 # TFC sends lowercase hex
    (BODY, GOOD[:-1], "secret", False),                    # malformed: too short
    (BODY, GOOD + "0", "secret", False),                   # too long
    (BODY, "sha512=" + GOOD, "secret", False),             # another format
    (BODY, sign(BODY, "secret")[:64], "secret", False),    # a SHA-256-sized signature
    (BODY, GOOD, "other", False),                          # wrong token
    (BODY + b" ", GOOD, "secret", False),                  # one byte changed
    (BODY, sign(BODY, ""), "", False),                     # an empty token proves nothing
])
def test_verify_signature_cases(body: bytes, signature: str | None, token: str, expected: bool) -> None:
    assert verify_signature(body, signature, token) is expected


@given(st.binary(max_size=200), st.text(min_size=1, max_size=20), st.binary(min_size=1, max_size=200))
def test_signature_binds_body_and_token(body: bytes, token: str, other: bytes) -> None:
    assert verify_signature(body, sign(body, token), token)
    assume(other != body)
    assert not verify_signature(other, sign(body, token), token)


def _event(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "2.0", "rawPath": "/", "headers": {"X-TFE-Notification-Signature": "abc", "content-type": "a/b"},
        "requestContext": {"http": {"method": "post", "path": "/"}}, "body": '{"a": 1}', "isBase64Encoded": False,
    }
    event.update(overrides)
    return event


def test_http_request_reads_a_function_url_event() -> None:
    request = http_request(_event())
    assert request is not None
    assert (request.method, request.body) == ("POST", b'{"a": 1}')
    assert request.header("X-TFE-NOTIFICATION-SIGNATURE") == "abc" and request.header("Content-Type") == "a/b"


@pytest.mark.parametrize(("overrides", "body"), [
    ({"body": base64.b64encode(b"\x00raw\xff").decode(), "isBase64Encoded": True}, b"\x00raw\xff"),
    ({"body": "aGk=", "isBase64Encoded": False}, b"aGk="),          # not flagged: the text itself
    ({"body": "aGk=", "isBase64Encoded": "true"}, b"aGk="),         # only the boolean true decodes
    ({"body": None}, b""),
    ({}, b'{"a": 1}'),
])
def test_http_request_body(overrides: dict[str, Any], body: bytes) -> None:
    request = http_request(_event(**overrides))
    assert request is not None and request.body == body


@pytest.mark.parametrize("overrides", [
    {"version": "1.0"},
    {"version": None},
    {"requestContext": {}},
    {"requestContext": {"http": {"path": "/"}}},
    {"requestContext": {"http": {"method": 5}}},
    {"requestContext": "x"},
    {"headers": None},
    {"body": 5},
    {"body": "not base64!", "isBase64Encoded": True},
])
def test_http_request_refuses_other_events(overrides: dict[str, Any]) -> None:
    assert http_request(_event(**overrides)) is None


@pytest.mark.parametrize(("event", "expected"), [
    ({"source": "aws.events", "detail-type": "Scheduled Event", "time": "2026-11-25T12:00:00Z"}, True),
    ({"source": "aws.events", "detail-type": "EC2 Instance State-change Notification"}, False),
    ({"source": "custom", "detail-type": "Scheduled Event"}, False),
    ({"detail-type": "Scheduled Event"}, False),
    (_event(), False),
])
def test_is_scheduled(event: dict[str, Any], expected: bool) -> None:
    assert is_scheduled(event) is expected


# -- notifications ------------------------------------------------------------------------------------------------

def _run_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "payload_version": 1, "notification_configuration_id": "nc-1", "run_id": "run-1",
        "run_created_at": "2026-11-25T12:00:00.000Z", "workspace_id": "ws-1", "workspace_name": "net-prod",
        "organization_name": "acme",
        "notifications": [{"message": "Run Completed", "trigger": "run:completed", "run_status": "applied"}],
    }
    payload.update(overrides)
    return payload


def _read(payload: Any) -> Any:
    return read_notification(json.dumps(payload).encode())


def test_completed_apply_v1() -> None:
    assert _read(_run_payload()) == CompletedApply("acme", "net-prod", "ws-1", "run-1", T0)


def test_sample_payloads() -> None:
    assert read_notification((SAMPLES / "notification-verification.json").read_bytes()) == Verification(
        json.loads((SAMPLES / "notification-verification.json").read_text())["notification_configuration_id"])
    assert isinstance(read_notification((SAMPLES / "notification-generic-run.json").read_bytes()), Ignored)
    assert isinstance(read_notification((SAMPLES / "notification-assessment-drift.json").read_bytes()), Ignored)


@pytest.mark.parametrize(("entry", "top"), [
    ({"trigger": "applied", "trigger_type": "run:completed", "run_status": "applied"}, {}),
    ({"trigger": "applied", "trigger_type": "run:completed"}, {}),          # the run state rides in trigger
    ({"trigger": "applied"}, {"trigger_type": "run:completed"}),           # trigger_type at the top level
    ({}, {"trigger_type": "run:completed", "run_status": "applied", "trigger": "applied"}),
])
def test_completed_apply_project_level(entry: dict[str, Any], top: dict[str, Any]) -> None:
    payload = _run_payload(notifications=[entry], payload_version="2", **top)
    assert isinstance(_read(payload), CompletedApply)


@pytest.mark.parametrize(("payload", "reason"), [
    (_run_payload(notifications=[{"trigger": "run:errored", "run_status": "errored"}]), "trigger run:errored"),
    (_run_payload(notifications=[{"trigger": "run:completed", "run_status": "planned_and_finished"}]),
     "run status planned_and_finished"),
    (_run_payload(notifications=[{"trigger": "run:completed"}]), "run status missing"),
    (_run_payload(notifications=[{"trigger": "run:completed", "trigger_type": "run:completed"}]),
     "run status run:completed"),
    (_run_payload(notifications=[{"trigger": "applied", "trigger_type": "run:errored"}]), "trigger run:errored"),
    (_run_payload(notifications=[]), "trigger missing"),
    (_run_payload(notifications="x"), "trigger missing"),
    (_run_payload(notifications=["x"]), "trigger missing"),
    (_run_payload(workspace_id=None), "lacks workspace_id"),
    (_run_payload(run_id="", organization_name=None), "lacks organization_name, run_id"),
    (_run_payload(workspace_name=7), "lacks workspace_name"),
    ([1, 2], "not a JSON object"),
])
def test_ignored_with_a_reason(payload: Any, reason: str) -> None:
    result = _read(payload)
    assert isinstance(result, Ignored) and reason in result.reason


def test_not_json_is_ignored() -> None:
    assert read_notification(b"\xff\xfe") == Ignored("body is not JSON")
    assert read_notification(b"{") == Ignored("body is not JSON")


def test_verification_from_trigger_type() -> None:
    assert _read({"trigger_type": "verification", "notification_configuration_id": "nc-9"}) == Verification("nc-9")
    assert _read({"notifications": [{"trigger": "verification"}]}) == Verification(None)


def test_run_created_at_optional() -> None:
    result = _read(_run_payload(run_created_at=None))
    assert isinstance(result, CompletedApply) and result.run_created_at is None


# -- state files and keys -----------------------------------------------------------------------------------------

def _state(**overrides: Any) -> bytes:
    document = {"version": 4, "terraform_version": "1.9.8", "serial": 7, "lineage": "0a1b2c3d-4e5f", "outputs": {}}
    document.update(overrides)
    return json.dumps(document).encode()


def test_read_state() -> None:
    body = _state()
    facts = read_state(body)
    assert (facts.serial, facts.lineage, facts.terraform_version, facts.sha256) == (
        7, "0a1b2c3d-4e5f", "1.9.8", sha256_hex(body))
    assert read_state(_state(serial=0)).serial == 0


@pytest.mark.parametrize(("body", "message"), [
    (b"not json", "not JSON"),
    (b"\xff", "not JSON"),
    (b"[1]", "not a JSON object"),
    (_state(serial=None), "serial"),
    (_state(serial="7"), "serial"),
    (_state(serial=True), "serial"),
    (_state(serial=-1), "serial"),
    (_state(serial=1.5), "serial"),
    (_state(lineage=""), "lineage"),
    (_state(lineage=None), "lineage"),
    (_state(terraform_version=""), "terraform_version"),
    (_state(terraform_version=4), "terraform_version"),
])
def test_read_state_refuses(body: bytes, message: str) -> None:
    with pytest.raises(InvalidState, match=message):
        read_state(body)


@pytest.mark.parametrize(("prefix", "expected"), [
    ("tfstate", "tfstate/acme/net-prod/12-0a1b2c3d.tfstate"),
    ("/a/b/", "a/b/acme/net-prod/12-0a1b2c3d.tfstate"),
    ("", "acme/net-prod/12-0a1b2c3d.tfstate"),
])
def test_backup_key(prefix: str, expected: str) -> None:
    assert backup_key(prefix, "acme", "net-prod", 12, "0a1b2c3d-4e5f-6789") == expected
    assert latest_key(prefix, "acme", "net-prod") == expected.rsplit("/", 1)[0] + "/latest.json"
    assert workspace_prefix(prefix, "acme", "net-prod") + "12-0a1b2c3d.tfstate" == expected
    assert organization_prefix(prefix, "acme") + "net-prod/12-0a1b2c3d.tfstate" == expected


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20)


@given(st.sampled_from(["", "tfstate", "a/b"]), names, names, st.integers(min_value=0, max_value=10**9),
       st.uuids().map(str))
def test_keys_round_trip(prefix: str, org: str, ws: str, serial: int, lineage: str) -> None:
    key = backup_key(prefix, org, ws, serial, lineage)
    assert parse_key(prefix, key) == BackupKey(org, ws, serial, lineage[:8])


@pytest.mark.parametrize("key", [
    "tfstate/acme/net-prod/latest.json",
    "tfstate/acme/net-prod/012-0a1b2c3d.tfstate",     # no leading zeros: one key per serial
    "tfstate/acme/net-prod/-1-0a1b2c3d.tfstate",
    "tfstate/acme/net-prod/12-0a1b2c3d9.tfstate",     # lineage part longer than 8
    "tfstate/acme/net-prod/12-.tfstate",
    "tfstate/acme/net-prod/12-0a1b2c3d.tfstate.tmp",
    "tfstate/acme/12-0a1b2c3d.tfstate",               # no workspace level
    "tfstate/acme/net-prod/x/12-0a1b2c3d.tfstate",
    "tfstate//net-prod/12-0a1b2c3d.tfstate",
    "tfstate/acme//12-0a1b2c3d.tfstate",
    "other/acme/net-prod/12-0a1b2c3d.tfstate",        # outside the prefix
])
def test_parse_key_refuses(key: str) -> None:
    assert parse_key("tfstate", key) is None


def test_parse_key_prefix_is_a_whole_folder() -> None:
    assert parse_key("tfstate", "tfstateX/acme/net-prod/1-0a1b2c3d.tfstate") is None
    assert parse_key("tfstate", "tfstate/acme/net-prod/1-0a1b2c3d.tfstate") == BackupKey("acme", "net-prod", 1,
                                                                                          "0a1b2c3d")


# -- the sweep ----------------------------------------------------------------------------------------------------

MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(("tfc", "created", "backups", "expected"), [
    (None, None, None, Need.NO_STATE),
    (None, T0, Backups(3, T0), Need.NO_STATE),
    (5, T0, None, Need.BEHIND),
    (5, T0, Backups(4, T0 + MINUTE), Need.BEHIND),
    (5, T0, Backups(5, T0 + MINUTE), Need.CURRENT),
    (5, T0, Backups(6, T0 + MINUTE), Need.CURRENT),
    (0, T0, None, Need.BEHIND),
    (0, T0, Backups(0, T0), Need.CURRENT),
    (1, T0 + 10 * MINUTE, Backups(40, T0), Need.BEHIND),        # a new lineage at a lower serial, after the backup
    (5, T0 + 2 * MINUTE, Backups(5, T0), Need.CURRENT),         # within the clock tolerance
    (5, T0 + 2 * MINUTE + timedelta(seconds=1), Backups(5, T0), Need.BEHIND),
    (5, None, Backups(5, T0), Need.CURRENT),
    (5, T0 + 30 * MINUTE, Backups(5, T0), Need.BEHIND),         # dated "now" (T0 + 30 min below): the time decides
    (5, T0 + 32 * MINUTE, Backups(5, T0), Need.BEHIND),         # within the tolerance of now
    (5, T0 + 32 * MINUTE + timedelta(seconds=1), Backups(5, T0), Need.CURRENT),  # in the future: the serial decides
    (6, T0 + 3 * 60 * MINUTE, Backups(5, T0), Need.BEHIND),
])
def test_need(tfc: int | None, created: datetime | None, backups: Backups | None, expected: Need) -> None:
    assert need(tfc, created, backups, T0 + 30 * MINUTE) is expected


DAY = timedelta(hours=24)


@pytest.mark.parametrize(("need_", "backed_up", "failed", "age", "expected"), [
    (Need.NO_STATE, False, False, None, Outcome.NO_STATE),
    (Need.CURRENT, False, False, timedelta(days=30), Outcome.UP_TO_DATE),
    (Need.BEHIND, True, False, timedelta(hours=1), Outcome.BACKED_UP),       # a missed webhook, caught in time
    (Need.BEHIND, True, False, DAY, Outcome.BACKED_UP),                      # exactly the threshold: not older
    (Need.BEHIND, True, False, DAY + timedelta(seconds=1), Outcome.STALE),   # older than the threshold
    (Need.BEHIND, True, False, None, Outcome.BACKED_UP),
    (Need.BEHIND, False, False, timedelta(hours=1), Outcome.STALE),          # dry run: still behind
    (Need.BEHIND, False, True, timedelta(hours=1), Outcome.FAILED),
    (Need.BEHIND, False, True, timedelta(days=3), Outcome.FAILED),
])
def test_outcome(need_: Need, backed_up: bool, failed: bool, age: timedelta | None, expected: Outcome) -> None:
    created = None if age is None else T0 - age
    assert outcome(need_, backed_up=backed_up, failed=failed, tfc_created_at=created, now=T0,
                   stale_after=DAY) is expected


@pytest.mark.parametrize(("outcomes", "expected"), [
    ([], False),
    ([Outcome.UP_TO_DATE, Outcome.NO_STATE, Outcome.BACKED_UP], False),
    ([Outcome.UP_TO_DATE, Outcome.STALE], True),
    ([Outcome.FAILED], True),
])
def test_needs_attention(outcomes: list[Outcome], expected: bool) -> None:
    assert needs_attention(outcomes) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", timedelta(minutes=30)), ("24h", timedelta(hours=24)), ("7d", timedelta(days=7)), (" 1h ", DAY / 24),
])
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text, name="X") == expected


@pytest.mark.parametrize("text", ["", "0h", "24", "h", "1w", "-1h", "1.5h", "01h"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ConfigError, match="X="):
        parse_duration(text, name="X")


def test_bucket_settings() -> None:
    env = {"BACKUP_BUCKET": "env-bucket", "BACKUP_PREFIX": "/p/", "BACKUP_KMS_KEY_ID": "kms-1"}
    assert (bucket_settings(env).bucket, bucket_settings(env).prefix, bucket_settings(env).kms_key_id) == (
        "env-bucket", "p", "kms-1")
    flagged = bucket_settings(env, bucket="flag-bucket", prefix="")
    assert (flagged.bucket, flagged.prefix) == ("flag-bucket", "")
    defaults = bucket_settings({"BACKUP_BUCKET": "b", "BACKUP_KMS_KEY_ID": ""})
    assert (defaults.prefix, defaults.kms_key_id) == ("tfstate", None)
    with pytest.raises(ConfigError, match="BACKUP_BUCKET"):
        bucket_settings({"BACKUP_BUCKET": ""})


# -- verify and restore -------------------------------------------------------------------------------------------

PARTS = BackupKey("acme", "net-prod", 7, "0a1b2c3d")


@pytest.mark.parametrize(("body", "recorded", "kind"), [
    (_state(), sha256_hex(_state()), None),
    (None, SHA_A, "missing"),
    (_state(), None, "checksum"),
    (_state(), sha256_hex(_state(serial=8)), "checksum"),
    (b"garbage", sha256_hex(b"garbage"), "unreadable"),
    (_state(serial=8), sha256_hex(_state(serial=8)), "key-mismatch"),
    (_state(lineage="ffffffff-0000"), sha256_hex(_state(lineage="ffffffff-0000")), "key-mismatch"),
])
def test_check_object(body: bytes | None, recorded: str | None, kind: str | None) -> None:
    problem = check_object("k", PARTS, body, recorded)
    assert (problem.kind if problem else None) == kind


def _listed(serial: int, minutes: int, lineage: str = "0a1b2c3d", ws: str = "net-prod") -> Listed:
    return Listed(f"{ws}/{serial}-{lineage}", BackupKey("acme", ws, serial, lineage), T0 + timedelta(minutes=minutes))


@pytest.mark.parametrize(("objects", "regressed"), [
    ([_listed(1, 0), _listed(2, 1), _listed(3, 2)], []),
    ([_listed(3, 0), _listed(2, 1)], ["net-prod/2-0a1b2c3d"]),
    ([_listed(3, 0), _listed(3, 1)], []),                                   # same serial again: not backwards
    ([_listed(2, 0), _listed(5, 1), _listed(4, 2), _listed(3, 3)], ["net-prod/4-0a1b2c3d", "net-prod/3-0a1b2c3d"]),
    ([_listed(5, 0), _listed(1, 1, lineage="ffffffff")], []),               # a new lineage starts over
    ([_listed(5, 0), _listed(1, 1, ws="other")], []),                       # another workspace
    ([_listed(2, 1), _listed(1, 1)], []),                                   # written together: serial order
    ([_listed(5, 0), _listed(3, 2), _listed(4, 3)], ["net-prod/3-0a1b2c3d", "net-prod/4-0a1b2c3d"]),
])
def test_serial_regressions(objects: list[Listed], regressed: list[str]) -> None:
    assert [p.key for p in serial_regressions(objects)] == regressed


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=12))
def test_serial_regressions_property(serials: list[int]) -> None:
    """In write order, exactly the serials below an earlier maximum are regressions."""
    objects = [_listed(s, i) for i, s in enumerate(serials)]
    expected, top = [], -1
    for item in objects:
        if item.parts.serial < top:
            expected.append(item.key)
        top = max(top, item.parts.serial)
    assert [p.key for p in serial_regressions(objects)] == expected


def test_choose() -> None:
    a, b, c = _listed(1, 0), _listed(2, 1), _listed(1, 2, lineage="ffffffff")
    assert choose([a, b, c], None, None) is c                      # newest written
    assert choose([a, b, c], None, b.key) is b                     # what latest.json names
    assert choose([a, b, c], None, "gone") is c                    # latest.json names nothing listed
    assert choose([a, b, c], 1, b.key) is c                        # the serial asked for, newest written
    assert choose([a, b, c], 2, None) is b
    assert choose([a, b, c], 9, None) is None
    assert choose([], None, None) is None


class _Listing:
    """A bucket listing (what ``newest_backups`` reads), without S3."""

    def __init__(self, *objects: tuple[str, datetime]) -> None:
        self.objects = [ListedObject(key, when, 1) for key, when in objects]
        self.prefixes: list[str] = []

    def list(self, prefix: str) -> list[ListedObject]:
        self.prefixes.append(prefix)
        return [o for o in self.objects if o.key.startswith(prefix)]


def test_newest_backups_per_workspace() -> None:
    listing = _Listing(
        ("p/acme/net/40-aaaaaaaa.tfstate", T0), ("p/acme/net/1-bbbbbbbb.tfstate", T0 + MINUTE),
        ("p/acme/net/39-aaaaaaaa.tfstate", T0 - MINUTE), ("p/acme/net/latest.json", T0 + 9 * MINUTE),
        ("p/acme/app/2-cccccccc.tfstate", T0), ("p/other/app/9-cccccccc.tfstate", T0 + MINUTE),
        ("p/acme/stray.tfstate", T0 + 5 * MINUTE),
    )
    assert newest_backups(listing, "p", "acme") == {  # type: ignore[arg-type]
        "net": Backups(40, T0 + MINUTE), "app": Backups(2, T0)}
    assert listing.prefixes == ["p/acme/"]


def test_problem_details_name_what_differs() -> None:
    body, recorded = _state(), sha256_hex(_state(serial=8))
    problem = check_object("k", PARTS, body, recorded)
    assert problem is not None and problem.detail == (
        f"sha256 {sha256_hex(body)[:12]}… differs from the recorded {recorded[:12]}…")
    moved = _state(serial=8, lineage="ffffffff-0000")
    problem = check_object("k", PARTS, moved, sha256_hex(moved))
    assert problem is not None and problem.detail == (
        "state has serial 8, lineage ffffffff; the key says 7, 0a1b2c3d")


def test_a_regression_names_the_first_backup_of_the_highest_serial() -> None:
    first = Listed("first", BackupKey("acme", "net", 5, "0a1b2c3d"), T0)
    again = Listed("again", BackupKey("acme", "net", 5, "0a1b2c3d"), T0 + MINUTE)
    lower = Listed("lower", BackupKey("acme", "net", 3, "0a1b2c3d"), T0 + 2 * MINUTE)
    assert [p.detail for p in serial_regressions([first, again, lower])] == [
        "serial 3 written after serial 5 (first) of the same lineage"]


def test_run_status_at_the_top_level() -> None:
    payload = _run_payload(notifications=[{"trigger": "run:completed"}], run_status="applied")
    assert isinstance(_read(payload), CompletedApply)
    payload = _run_payload(notifications=[{"trigger": "run:completed"}], run_status="errored")
    assert _read(payload) == Ignored("run status errored is not applied")


def test_the_first_notification_decides() -> None:
    """TFC sends one notification per delivery today; if it ever sends more, the first is the event."""
    first = {"trigger": "run:completed", "run_status": "applied"}
    later = {"trigger": "run:errored", "run_status": "errored"}
    assert isinstance(_read(_run_payload(notifications=[first, later])), CompletedApply)
    assert isinstance(_read(_run_payload(notifications=[later, first])), Ignored)
    assert isinstance(_read(_run_payload(notifications=[first, "x"])), CompletedApply)
