"""The sweep's decision per workspace: is TFC's current state backed up, and for how long has it not been?

A workspace is *behind* when TFC's current serial is above the newest backup's (or nothing is backed up). It is
*stale* when it is still behind after the sweep, or when TFC's current state went without a backup for longer than
the threshold (the webhook path failed for that long, even if the sweep repaired it now).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class Need(StrEnum):
    NO_STATE = "no-state"
    CURRENT = "up-to-date"
    BEHIND = "behind"


class Outcome(StrEnum):
    NO_STATE = "no-state"
    UP_TO_DATE = "up-to-date"
    BACKED_UP = "backed-up"  # a missed webhook, caught within the threshold
    STALE = "stale"
    FAILED = "failed"


def need(tfc_serial: int | None, newest_backup_serial: int | None) -> Need:
    if tfc_serial is None:
        return Need.NO_STATE
    if newest_backup_serial is not None and newest_backup_serial >= tfc_serial:
        return Need.CURRENT
    return Need.BEHIND


def outcome(
    need_: Need, *, backed_up: bool, failed: bool, tfc_created_at: datetime | None, now: datetime,
    stale_after: timedelta,
) -> Outcome:
    """The stated outcome once the sweep did (or, in a dry run, did not do) the backup."""
    if need_ is Need.NO_STATE:
        return Outcome.NO_STATE
    if need_ is Need.CURRENT:
        return Outcome.UP_TO_DATE
    if failed:
        return Outcome.FAILED
    if not backed_up:
        return Outcome.STALE
    if tfc_created_at is not None and now - tfc_created_at > stale_after:
        return Outcome.STALE
    return Outcome.BACKED_UP


def needs_attention(outcomes: list[Outcome]) -> bool:
    """Exit 3 and a Slack summary: something is stale or failed."""
    return any(o in (Outcome.STALE, Outcome.FAILED) for o in outcomes)
