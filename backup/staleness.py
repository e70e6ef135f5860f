"""The sweep's decision per workspace: is TFC's current state backed up, and for how long has it not been?

A workspace is *behind* when nothing is backed up, when TFC's current serial is above every backup's, or when TFC's
current state version was created after the last backup was written (a new lineage can start at a lower serial:
a state pushed anew, a workspace recreated under the same name). It is
*stale* when it is still behind after the sweep, or when TFC's current state went without a backup for longer than
the threshold (the webhook path failed for that long, even if the sweep repaired it now).
"""

from __future__ import annotations

from dataclasses import dataclass
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


# S3's LastModified has whole seconds and TFC's clock is not ours: a backup written up to this long "before" the state
# version it copies is taken as written after it.
CLOCK_TOLERANCE = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class Backups:
    """What the bucket holds for a workspace: the highest serial and when the last backup was written."""

    highest_serial: int
    last_written: datetime


def need(tfc_serial: int | None, tfc_created_at: datetime | None, backups: Backups | None, now: datetime) -> Need:
    """A state version dated in the future (a clock that is off) says nothing about order: the serial decides."""
    if tfc_serial is None:
        return Need.NO_STATE
    if backups is None or backups.highest_serial < tfc_serial:
        return Need.BEHIND
    if (tfc_created_at is not None and tfc_created_at - now <= CLOCK_TOLERANCE
            and tfc_created_at - backups.last_written > CLOCK_TOLERANCE):
        return Need.BEHIND
    return Need.CURRENT


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
