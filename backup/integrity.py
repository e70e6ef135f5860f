"""What ``verify`` proves of each backup object, and of each workspace's history. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from backup.layout import BackupKey
from backup.statefile import InvalidState, read_state, sha256_hex


@dataclass(frozen=True, slots=True)
class Problem:
    key: str
    kind: str  # missing | checksum | unreadable | key-mismatch | serial-regression
    detail: str


def check_object(key: str, parts: BackupKey, body: bytes | None, recorded_sha256: str | None) -> Problem | None:
    """A readable object whose bytes match the recorded checksum and whose state matches its key."""
    if body is None:
        return Problem(key, "missing", "object is listed or referenced but cannot be read")
    if recorded_sha256 is None:
        return Problem(key, "checksum", "no sha256 recorded with the object")
    actual = sha256_hex(body)
    if actual != recorded_sha256:
        return Problem(key, "checksum", f"sha256 {actual[:12]}… differs from the recorded {recorded_sha256[:12]}…")
    try:
        facts = read_state(body)
    except InvalidState as exc:
        return Problem(key, "unreadable", f"not a state file: {exc}")
    if facts.serial != parts.serial or facts.lineage[:8] != parts.lineage8:
        return Problem(key, "key-mismatch",
                       f"state has serial {facts.serial}, lineage {facts.lineage[:8]}; the key says "
                       f"{parts.serial}, {parts.lineage8}")
    return None


@dataclass(frozen=True, slots=True)
class Listed:
    key: str
    parts: BackupKey
    written_at: datetime


def serial_regressions(objects: Iterable[Listed]) -> list[Problem]:
    """Per workspace and lineage, in the order the backups were written, a serial must never go down."""
    problems = []
    highest: dict[tuple[str, str, str], Listed] = {}
    for item in sorted(objects, key=lambda o: (o.written_at, o.parts.serial)):
        group = (item.parts.organization, item.parts.workspace, item.parts.lineage8)
        before = highest.get(group)
        if before is not None and item.parts.serial < before.parts.serial:
            problems.append(Problem(item.key, "serial-regression",
                                    f"serial {item.parts.serial} written after serial {before.parts.serial} "
                                    f"({before.key}) of the same lineage"))
        elif before is None or item.parts.serial > before.parts.serial:
            highest[group] = item
    return problems
