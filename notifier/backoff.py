"""Per-person exponential backoff.

    reminder 1: when the person's oldest pending run has waited ``grace`` minutes
    reminder n (n >= 2): ``min(cap, first_interval * 2**(n-2))`` minutes after reminder n-1

With the defaults (grace 30, first interval 60, cap 1440): 30 min after the run was planned, then after 1 h,
2 h, 4 h, 8 h, 16 h, and every 24 h from then on. The sequence starts again whenever the set of the person's
pending runs changes (they applied one, or a new one arrived). A reminder that falls due outside the
person's business hours waits for the next opening (see ``schedule``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from notifier.config import Backoff


@dataclass(frozen=True, slots=True)
class ReminderState:
    fingerprint: str  # of the set of pending runs the sequence is about
    sent: int = 0  # reminders sent for this set
    last_sent: datetime | None = None


def interval(sent: int, backoff: Backoff) -> timedelta:
    """Wait before reminder ``sent + 1`` after reminder ``sent`` (sent >= 1)."""
    minutes = min(backoff.cap_minutes, backoff.first_interval_minutes * 2 ** (sent - 1))
    return timedelta(minutes=minutes)


def due_at(state: ReminderState | None, fingerprint: str, oldest_pending: datetime, backoff: Backoff) -> datetime:
    if state is None or state.fingerprint != fingerprint or state.sent == 0 or state.last_sent is None:
        return oldest_pending + timedelta(minutes=backoff.grace_minutes)
    return state.last_sent + interval(state.sent, backoff)


def after_send(state: ReminderState | None, fingerprint: str, now: datetime) -> ReminderState:
    if state is None or state.fingerprint != fingerprint:
        return ReminderState(fingerprint, 1, now)
    return ReminderState(fingerprint, state.sent + 1, now)
