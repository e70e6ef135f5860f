"""Copy one state version from TFC to the bucket: download, check, write once, move ``latest.json`` forward."""

from __future__ import annotations

from dataclasses import dataclass

from backup.layout import backup_key, latest_key
from backup.rules import Existing, Latest, Write, plan_write, supersedes
from backup.statefile import InvalidState, read_state
from backup.store import BackupStore, StoreError
from tfc.client import TfcClient
from tfc.errors import MalformedResponse, TfcError
from tfc.jsonapi import parse_time
from tfc.models import StateVersion

LATEST_ATTEMPTS = 3


class BackupConflict(TfcError):
    """Different bytes already sit under the key: an alarm, never an overwrite."""


@dataclass(frozen=True, slots=True)
class Captured:
    key: str
    serial: int
    lineage: str
    outcome: Write  # PUT (written now) or SAME (already backed up, nothing written)


def capture(
    client: TfcClient, store: BackupStore, *, prefix: str, organization: str, workspace: str, sv: StateVersion,
) -> Captured:
    """Back up ``sv``. Raises BackupConflict, InvalidState (as MalformedResponse) or the client's/store's errors."""
    what = f"state version {sv.id} of {organization}/{workspace}"
    if not sv.download_url:
        raise MalformedResponse(f"{what}: no download URL (is the token allowed to read state versions?)")
    body = client.download(sv.download_url, resource=what)  # the URL carries its own secret: no bearer token
    try:
        facts = read_state(body)
    except InvalidState as exc:
        raise MalformedResponse(f"{what}: downloaded state is invalid ({exc})") from None
    if facts.serial != sv.serial:
        raise MalformedResponse(f"{what}: downloaded state has serial {facts.serial}, TFC says {sv.serial}")
    key = backup_key(prefix, organization, workspace, facts.serial, facts.lineage)
    metadata = {
        "run-id": sv.run_id or "", "state-version-id": sv.id, "commit": sv.vcs_commit_sha or "",
        "serial": str(facts.serial), "lineage": facts.lineage, "terraform-version": facts.terraform_version,
        "state-created-at": sv.created_at.isoformat(),
    }
    decision = _write(store, key, body, facts.sha256, metadata)
    if decision is Write.CONFLICT:
        raise BackupConflict(f"{what}: s3://{store.bucket}/{key} already holds different bytes; not overwritten")
    _advance_latest(store, latest_key(prefix, organization, workspace),
                    Latest(key, facts.serial, facts.lineage, sv.created_at))
    return Captured(key, facts.serial, facts.lineage, decision)


def _existing(store: BackupStore, key: str) -> Existing | None:
    metadata = store.head(key)
    return None if metadata is None else Existing(metadata.get("sha256"))


def _write(store: BackupStore, key: str, body: bytes, sha256: str, metadata: dict[str, str]) -> Write:
    decision = plan_write(_existing(store, key), sha256)
    if decision is not Write.PUT:
        return decision
    if store.put_new(key, body, sha256, metadata):
        return Write.PUT
    # Someone wrote the key between our look and our write: decide again against what is there now.
    again = plan_write(_existing(store, key), sha256)
    if again is Write.PUT:
        raise StoreError(f"s3://{store.bucket}/{key}: the conditional write was refused but no object is there")
    return again


def _latest_from(document: dict[str, object]) -> Latest | None:
    created = parse_time(document.get("state_created_at"))
    serial, key, lineage = document.get("serial"), document.get("key"), document.get("lineage")
    if created is None or not isinstance(serial, int) or not isinstance(key, str) or not isinstance(lineage, str):
        return None
    return Latest(key, serial, lineage, created)


def _advance_latest(store: BackupStore, key: str, new: Latest) -> None:
    for _ in range(LATEST_ATTEMPTS):
        read = store.read_json(key)
        old = _latest_from(read[0]) if read else None
        if not supersedes(new, old):
            return
        document = {"key": new.key, "serial": new.serial, "lineage": new.lineage,
                    "state_created_at": new.state_created_at.isoformat()}
        if store.put_json(key, document, replacing=read[1] if read else None):
            return
