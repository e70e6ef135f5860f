"""Per-recipient exponential backoff.

    reminder 1: when the oldest pending run of the recipient's commits has waited ``grace`` minutes
    reminder n (n >= 2): ``min(cap, first_interval * 2**(n-2))`` minutes after reminder n-1

With the defaults (grace 30, first interval 60, cap 1440): 30 min after the run was planned, then after 1 h,
2 h, 4 h, 8 h, 16 h, and every 24 h from then on. The sequence starts again only when a commit the last
reminder did not mention joins the recipient's set (its runs then wait ``grace`` from the new commit's oldest
run); runs applied or commits snoozed in the meantime change nothing. A reminder that falls due outside the
recipient's business hours waits for the next opening (see ``schedule``).

``version`` makes the send decision a compare-and-set: a store writes the state after a send only if the
version it read is still there, so two overlapping invocations send at most once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from notifier.config import Backoff


@dataclass(frozen=True, slots=True)
class ReminderState:
    commits: frozenset[str]  # the commits the last reminder was about
    sent: int  # reminders sent since the sequence (re)started
    last_sent: datetime | None
    version: int  # bumped by every write


def interval(sent: int, backoff: Backoff) -> timedelta:
    """Wait before reminder ``sent + 1`` after reminder ``sent`` (sent >= 1)."""
    minutes = min(backoff.cap_minutes, backoff.first_interval_minutes * 2 ** (sent - 1))
    return timedelta(minutes=minutes)


def _restarts(state: ReminderState, commits: Iterable[str]) -> bool:
    return state.last_sent is None or not state.commits.issuperset(commits)


def due_at(state: ReminderState | None, since: Mapping[str, datetime], backoff: Backoff) -> datetime:
    """When the next reminder is due; ``since`` maps each pending commit to when its oldest run began waiting."""
    grace = timedelta(minutes=backoff.grace_minutes)
    if state is None or state.last_sent is None or state.sent == 0:
        return min(since.values()) + grace
    fresh = [when for commit, when in since.items() if commit not in state.commits]
    if fresh:
        return min(fresh) + grace
    return state.last_sent + interval(state.sent, backoff)


def after_send(state: ReminderState | None, since: Mapping[str, datetime], now: datetime) -> ReminderState:
    """The state once a reminder about ``since``'s commits went out at ``now``."""
    if state is None:
        return ReminderState(frozenset(since), 1, now, 1)
    sent = 1 if _restarts(state, since) else state.sent + 1
    return ReminderState(frozenset(since), sent, now, state.version + 1)


def rollback(previous: ReminderState | None, claimed: ReminderState) -> ReminderState:
    """The state to write back when the send ``claimed`` stood for failed: as before, under a newer version."""
    if previous is None:
        return ReminderState(frozenset(), 0, None, claimed.version + 1)
    return ReminderState(previous.commits, previous.sent, previous.last_sent, claimed.version + 1)
