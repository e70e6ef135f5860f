"""Where backups live in the bucket: ``<prefix>/<organization>/<workspace>/<serial>-<lineage[:8]>.tfstate``."""

from __future__ import annotations

import re
from dataclasses import dataclass

SUFFIX = ".tfstate"
LATEST = "latest.json"
_NAME = re.compile(r"(0|[1-9][0-9]*)-([0-9A-Za-z]{1,8})\.tfstate")


@dataclass(frozen=True, slots=True)
class BackupKey:
    organization: str
    workspace: str
    serial: int
    lineage8: str


def _root(prefix: str) -> str:
    prefix = prefix.strip("/")
    return f"{prefix}/" if prefix else ""


def workspace_prefix(prefix: str, organization: str, workspace: str) -> str:
    return f"{_root(prefix)}{organization}/{workspace}/"


def organization_prefix(prefix: str, organization: str) -> str:
    return f"{_root(prefix)}{organization}/"


def backup_key(prefix: str, organization: str, workspace: str, serial: int, lineage: str) -> str:
    return f"{workspace_prefix(prefix, organization, workspace)}{serial}-{lineage[:8]}{SUFFIX}"


def latest_key(prefix: str, organization: str, workspace: str) -> str:
    return workspace_prefix(prefix, organization, workspace) + LATEST


def parse_key(prefix: str, key: str) -> BackupKey | None:
    """The parts of a backup object's key, or ``None`` for any other key (``latest.json``, strays)."""
    root = _root(prefix)
    if not key.startswith(root):
        return None
    parts = key[len(root):].split("/")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        return None
    match = _NAME.fullmatch(parts[2])
    if match is None:
        return None
    return BackupKey(parts[0], parts[1], int(match.group(1)), match.group(2))
