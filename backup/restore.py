"""``restore``: fetch one workspace's backup for break-glass local mode, its checksum verified before use."""

from __future__ import annotations

from dataclasses import dataclass

from backup.integrity import Listed, check_object
from backup.layout import latest_key, parse_key, workspace_prefix
from backup.store import BackupStore
from tfc.errors import ConfigError, TfcError


class RestoreError(TfcError):
    """No usable backup: none at all, not that serial, or one that fails its checks."""


@dataclass(frozen=True, slots=True)
class Restored:
    key: str
    serial: int
    body: bytes
    metadata: dict[str, str]


def choose(objects: list[Listed], serial: int | None, latest: str | None) -> Listed | None:
    """The backup to restore: that serial (newest written if lineages share it), else what latest.json names,
    else the newest written."""
    if serial is not None:
        objects = [o for o in objects if o.parts.serial == serial]
    elif latest is not None:
        named = [o for o in objects if o.key == latest]
        objects = named or objects
    return max(objects, key=lambda o: (o.written_at, o.parts.serial), default=None)


def fetch(store: BackupStore, *, prefix: str, organization: str, workspace: str, serial: int | None) -> Restored:
    if serial is not None and serial < 0:
        raise ConfigError(f"--serial {serial}: a serial is 0 or more")
    where = f"{organization}/{workspace}"
    folder = workspace_prefix(prefix, organization, workspace)
    objects = [Listed(o.key, parts, o.last_modified) for o in store.list(folder)
               if (parts := parse_key(prefix, o.key)) is not None]
    read = store.read_json(latest_key(prefix, organization, workspace)) if serial is None else None
    latest = read[0].get("key") if read else None
    item = choose(objects, serial, latest if isinstance(latest, str) else None)
    if item is None:
        wanted = f"serial {serial}" if serial is not None else "any backup"
        raise RestoreError(f"{where}: no {wanted} in s3://{store.bucket}/{folder}")
    stored = store.get(item.key)
    problem = check_object(item.key, item.parts, stored.body if stored else None,
                           stored.metadata.get("sha256") if stored else None)
    if problem is not None or stored is None:
        detail = problem.detail if problem else "unreadable"
        raise RestoreError(f"{where}: s3://{store.bucket}/{item.key} failed its check ({detail}); nothing written")
    return Restored(item.key, item.parts.serial, stored.body, dict(stored.metadata))
