"""The incremental cache of state-version summaries, in a local file or in S3.

A re-run fetches only what changed since the cache was written. The cache is never trusted blindly: a file
that is not ours, was written for another TFC host or organization, has another format version or fails
its checksum is reported and rebuilt from scratch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from reporting.records import ResourceCount, VersionSummary, WorkspaceHistory
from tfc.atomic import PRIVATE, write_atomically

FORMAT = "tfc-toolkit/usage-cache"
VERSION = 2  # 2: versions carry TFC's billable count and why a version was skipped


class Store(Protocol):
    def read(self) -> bytes | None: ...
    def write(self, data: bytes) -> None: ...
    def describe(self) -> str: ...


@dataclass
class LocalStore:
    path: Path

    def read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def write(self, data: bytes) -> None:
        write_atomically(self.path, data, mode=PRIVATE)

    def describe(self) -> str:
        return str(self.path)


@dataclass
class Cache:
    address: str
    organization: str
    workspaces: dict[str, WorkspaceHistory] = field(default_factory=dict)
    note: str | None = None  # why an existing cache was not used


def _encode_history(h: WorkspaceHistory) -> dict[str, Any]:
    return {
        "name": h.name, "tags": list(h.tags),
        "created_at": h.created_at.isoformat() if h.created_at else None,
        "deleted_at": h.deleted_at.isoformat() if h.deleted_at else None,
        "current_state_version_id": h.current_state_version_id,
        "versions": [{"id": v.id, "serial": v.serial, "created_at": v.created_at.isoformat(),
                      "resources": [[r.type, r.provider, r.count] for r in v.resources],
                      "billable": v.billable, "skipped": v.skipped} for v in h.versions],
    }


def _decode_history(ws_id: str, raw: Mapping[str, Any]) -> WorkspaceHistory:
    def when(value: Any) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    versions = tuple(
        VersionSummary(str(v["id"]), int(v["serial"]), datetime.fromisoformat(v["created_at"]),
                       tuple(ResourceCount(str(t), str(p), int(c)) for t, p, c in v["resources"]),
                       None if v["billable"] is None else int(v["billable"]),
                       None if v["skipped"] is None else str(v["skipped"]))
        for v in raw["versions"]
    )
    return WorkspaceHistory(ws_id, str(raw["name"]), tuple(str(t) for t in raw["tags"]), when(raw["created_at"]),
                            versions, when(raw["deleted_at"]), raw.get("current_state_version_id"))


def _checksum(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def dump(cache: Cache) -> bytes:
    body = {"format": FORMAT, "version": VERSION, "address": cache.address, "organization": cache.organization,
            "workspaces": {ws_id: _encode_history(h) for ws_id, h in sorted(cache.workspaces.items())}}
    return json.dumps({**body, "checksum": _checksum(body)}, separators=(",", ":")).encode()


def load(store: Store, *, address: str, organization: str) -> Cache:
    """The cache in ``store``, or an empty one with a note saying why the stored one could not be used."""
    empty = Cache(address, organization)
    raw = store.read()
    if raw is None:
        return empty
    where = store.describe()
    try:
        document = json.loads(raw)
    except ValueError:
        return Cache(address, organization, note=f"{where}: not JSON; rebuilt")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return Cache(address, organization, note=f"{where}: not a tfc-toolkit usage cache; rebuilt")
    if document.get("version") != VERSION:
        return Cache(address, organization, note=f"{where}: cache format {document.get('version')}; rebuilt")
    if (document.get("address"), document.get("organization")) != (address, organization):
        return Cache(address, organization, note=f"{where}: written for another host or organization; rebuilt")
    checksum = document.pop("checksum", None)
    if checksum != _checksum(document):
        return Cache(address, organization, note=f"{where}: checksum mismatch (corrupted or edited); rebuilt")
    try:
        workspaces = {ws_id: _decode_history(ws_id, h) for ws_id, h in document["workspaces"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        return Cache(address, organization, note=f"{where}: unreadable entry ({exc}); rebuilt")
    return Cache(address, organization, workspaces)
