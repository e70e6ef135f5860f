"""Reminder state: compare-and-set on both stores, claims, and a file store that is private and link-proof."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from notifier.backoff import ReminderState
from notifier.state import DynamoStore, FileStore, Override, StateStore, open_store
from tfc.errors import ConfigError

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["file", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    if request.param == "file":
        yield FileStore(tmp_path / "state.json")
        return
    endpoint = request.getfixturevalue("moto_endpoint")
    boto3.resource("dynamodb", endpoint_url=endpoint).create_table(
        TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    yield open_store("dynamodb://t", {"AWS_ENDPOINT_URL": endpoint})


def test_a_send_decision_is_a_compare_and_set(store: StateStore) -> None:
    first = ReminderState(frozenset({"a"}), 1, NOW, 1)
    assert store.reminder("user:U1") is None
    assert store.swap_reminder("user:U1", None, first)
    assert not store.swap_reminder("user:U1", None, first)  # someone else wrote it first
    second = ReminderState(frozenset({"a", "b"}), 2, NOW + timedelta(hours=1), 2)
    assert not store.swap_reminder("user:U1", ReminderState(frozenset(), 0, None, 5), second)  # stale read
    assert store.swap_reminder("user:U1", first, second)
    assert store.reminder("user:U1") == second
    assert not store.swap_reminder("user:U1", first, second)  # the same version cannot win twice
    assert store.reminder("user:U2") is None


def test_claims_succeed_once_and_can_be_released(store: StateStore) -> None:
    assert store.claim("failure#run-1", NOW)
    assert not store.claim("failure#run-1", NOW)  # a retried invocation
    store.release("failure#run-1")
    assert store.claim("failure#run-1", NOW)  # a failed send gave it back


def test_overrides_round_trip_with_their_actor(store: StateStore) -> None:
    store.set_override(Override("abc", "snooze", "2026-11-24T12:00:00+00:00", "UMARIA"))
    store.set_override(Override("abc", "reassign", "UBOB", "UMARIA"))
    assert store.overrides() == [Override("abc", "reassign", "UBOB", "UMARIA"),
                                 Override("abc", "snooze", "2026-11-24T12:00:00+00:00", "UMARIA")]
    store.clear_override("abc", "snooze")
    assert [o.kind for o in store.overrides()] == ["reassign"]


def test_file_claims_expire_like_the_dynamodb_ttl(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "state.json")
    assert store.claim("k", NOW)
    assert FileStore(tmp_path / "state.json").claim("k", NOW + timedelta(days=15))


def test_the_state_file_and_its_lock_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        FileStore(tmp_path / "state.json").set_override(Override("abc", "snooze", "x", "me"))
    finally:
        os.umask(old)
    for name in ("state.json", "state.json.lock"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_the_lock_never_follows_a_symlink_or_truncates_its_target(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    (tmp_path / "state.json.lock").symlink_to(precious)
    with pytest.raises(ConfigError, match=r"state.json.lock: cannot open the reminder state lock"):
        FileStore(tmp_path / "state.json").overrides()
    assert precious.read_text() == "keep me"


def test_an_existing_lock_file_is_not_truncated(tmp_path: Path) -> None:
    (tmp_path / "state.json.lock").write_text("pid 42")
    FileStore(tmp_path / "state.json").overrides()
    assert (tmp_path / "state.json.lock").read_text() == "pid 42"


@pytest.mark.parametrize(("content", "where"), [("{not json", "state.json:1: the reminder state is not valid JSON"),
                                                ("[1, 2]", "state.json: the reminder state is not a JSON object")])
def test_a_damaged_state_file_is_an_error_not_a_fresh_start(tmp_path: Path, content: str, where: str) -> None:
    (tmp_path / "state.json").write_text(content)
    with pytest.raises(ConfigError, match=where):
        FileStore(tmp_path / "state.json").claim("k", NOW)
    assert (tmp_path / "state.json").read_text() == content  # nothing lost


def test_open_store_reads_the_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert isinstance(open_store(str(tmp_path / "s.json"), {}), FileStore)
    assert open_store(None, {"XDG_STATE_HOME": str(tmp_path)}).path == tmp_path / "tfc" / "remind.json"  # type: ignore[attr-defined]
    assert isinstance(open_store("dynamodb://table", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}), DynamoStore)
    for bad in ("dynamodb://", "dynamodb://a/b"):
        with pytest.raises(ConfigError, match="expected dynamodb://TABLE"):
            open_store(bad, {})
