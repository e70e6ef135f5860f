"""The never-overwrite rule and the other decisions a write depends on. Pure: data in, decision out.

A backup object is written once. The same bytes under an existing key are a replay (nothing new); different bytes
under an existing key are an alarm, never an overwrite. An existing object whose checksum cannot be read is treated
as different: nothing proves it holds the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Write(StrEnum):
    PUT = "put"  # no object under the key: write it (conditionally, so a racing writer cannot be overwritten)
    SAME = "already-backed-up"  # the key holds these exact bytes
    CONFLICT = "conflict"  # the key holds other bytes (or bytes we cannot prove equal): alarm


@dataclass(frozen=True, slots=True)
class Existing:
    """An object already under the key; ``sha256`` is the hex digest recorded with it, if any."""

    sha256: str | None


def plan_write(existing: Existing | None, body_sha256: str) -> Write:
    if existing is None:
        return Write.PUT
    if existing.sha256 is not None and existing.sha256 == body_sha256:
        return Write.SAME
    return Write.CONFLICT


@dataclass(frozen=True, slots=True)
class Latest:
    """What ``latest.json`` records: the newest backup of a workspace."""

    key: str
    serial: int
    lineage: str
    state_created_at: datetime


def supersedes(new: Latest, old: Latest | None) -> bool:
    """Does ``new`` replace ``old`` as the newest backup? Within a lineage by serial, across lineages by time."""
    if old is None:
        return True
    if new.lineage == old.lineage:
        return new.serial > old.serial
    return new.state_created_at > old.state_created_at


class Freshness(StrEnum):
    MATCHES = "matches"  # the current state version is the run's own
    NEWER = "newer"  # a later state version replaced it already: back that one up
    NOT_YET = "not-yet"  # not finalized, or older than the run: TFC has not caught up, try again later


def freshness(
    *, sv_run_id: str | None, sv_created_at: datetime, sv_status: str | None, run_id: str,
    run_created_at: datetime | None,
) -> Freshness:
    """Does the workspace's current state version belong to the run that completed, or to a newer one?"""
    if sv_status is not None and sv_status != "finalized":
        return Freshness.NOT_YET
    if sv_run_id == run_id:
        return Freshness.MATCHES
    if run_created_at is not None and sv_created_at >= run_created_at:
        return Freshness.NEWER
    return Freshness.NOT_YET
