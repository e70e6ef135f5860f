from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from reporting.cache import Cache, LocalStore, dump, load
from reporting.records import ResourceCount, VersionSummary, WorkspaceHistory

HISTORY = WorkspaceHistory("ws-1", "net", ("type:network",), datetime(2025, 1, 1, tzinfo=UTC),
                           (VersionSummary("sv-1", 3, datetime(2026, 1, 2, tzinfo=UTC),
                                           (ResourceCount("aws_subnet", "hashicorp/aws", 4),)),), None, "sv-1")


def test_round_trip(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "cache.json")
    store.write(dump(Cache("https://tfc", "acme", {"ws-1": HISTORY})))
    loaded = load(store, address="https://tfc", organization="acme")
    assert loaded.note is None and loaded.workspaces == {"ws-1": HISTORY}


def test_missing_cache_is_empty_without_a_note(tmp_path: Path) -> None:
    loaded = load(LocalStore(tmp_path / "none.json"), address="a", organization="o")
    assert loaded.workspaces == {} and loaded.note is None


def test_untrusted_caches_are_rebuilt_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    store = LocalStore(path)
    good = dump(Cache("https://tfc", "acme", {"ws-1": HISTORY}))
    cases = {
        b"{not json": "not JSON",
        json.dumps({"format": "something-else"}).encode(): "not a tfc-toolkit usage cache",
        good.replace(b'"count"', b'"count"').replace(b"aws_subnet", b"aws_subnot"): "checksum mismatch",
        good: "another host or organization",
    }
    for content, reason in cases.items():
        path.write_bytes(content)
        loaded = load(store, address="https://other", organization="acme") if reason.startswith("another") else load(
            store, address="https://tfc", organization="acme")
        assert loaded.workspaces == {} and loaded.note is not None and reason in loaded.note, reason
        assert str(path) in loaded.note
