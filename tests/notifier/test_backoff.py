"""Backoff: the sequence, what restarts it (a new commit, nothing else), and the compare-and-set versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notifier.backoff import ReminderState, after_send, due_at, interval, rollback
from notifier.config import Backoff

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
B = Backoff(grace_minutes=30, first_interval_minutes=60, cap_minutes=1440)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(("sent", "minutes"), [(1, 60), (2, 120), (3, 240), (4, 480), (5, 960), (6, 1440), (9, 1440)])
def test_backoff_doubles_up_to_the_cap(sent: int, minutes: int) -> None:
    assert interval(sent, B) == timedelta(minutes=minutes)
    assert interval(sent, Backoff(first_interval_minutes=90, cap_minutes=200)) == timedelta(
        minutes=min(200, 90 * 2 ** (sent - 1)))


SENT_TWICE = ReminderState(frozenset({"a", "b"}), 2, at(100), 7)


@pytest.mark.parametrize(
    ("state", "since", "due"),
    [
        (None, {"a": at(0), "b": at(20)}, at(30)),  # first reminder: grace after the oldest run
        (ReminderState(frozenset({"a"}), 0, at(50), 3), {"a": at(0)}, at(30)),  # nothing sent yet
        (ReminderState(frozenset({"a"}), 2, None, 3), {"a": at(0)}, at(30)),  # no last send recorded
        (SENT_TWICE, {"a": at(0), "b": at(20)}, at(100 + 120)),  # same commits: 2nd interval after the 2nd send
        (SENT_TWICE, {"a": at(0)}, at(100 + 120)),  # b was applied or snoozed: the sequence goes on
        (SENT_TWICE, {"a": at(0), "c": at(200)}, at(230)),  # c joined: grace after c's oldest run
        (SENT_TWICE, {"c": at(300), "d": at(250)}, at(280)),  # only new commits: grace after the oldest new one
    ],
)
def test_due_at(state: ReminderState | None, since: dict[str, datetime], due: datetime) -> None:
    assert due_at(state, since, B) == due


@pytest.mark.parametrize(
    ("state", "since", "expected"),
    [
        (None, {"a": at(0)}, ReminderState(frozenset({"a"}), 1, at(500), 1)),
        (SENT_TWICE, {"a": at(0), "b": at(0)}, ReminderState(frozenset({"a", "b"}), 3, at(500), 8)),
        (SENT_TWICE, {"a": at(0)}, ReminderState(frozenset({"a"}), 3, at(500), 8)),  # one left: no restart
        (SENT_TWICE, {"a": at(0), "c": at(0)}, ReminderState(frozenset({"a", "c"}), 1, at(500), 8)),  # c joined
        (ReminderState(frozenset({"a"}), 0, None, 4), {"a": at(0)}, ReminderState(frozenset({"a"}), 1, at(500), 5)),
        (ReminderState(frozenset({"a"}), 3, None, 4), {"a": at(0)}, ReminderState(frozenset({"a"}), 1, at(500), 5)),
    ],
)
def test_after_send(state: ReminderState | None, since: dict[str, datetime], expected: ReminderState) -> None:
    assert after_send(state, since, at(500)) == expected


def test_rollback_restores_the_meaning_under_a_newer_version() -> None:
    claimed = after_send(SENT_TWICE, {"a": at(0)}, at(500))
    assert rollback(SENT_TWICE, claimed) == ReminderState(SENT_TWICE.commits, 2, at(100), 9)
    first = after_send(None, {"a": at(0)}, at(500))
    undone = rollback(None, first)
    assert undone == ReminderState(frozenset(), 0, None, 2)
    assert due_at(undone, {"a": at(0)}, B) == at(30)  # as if nothing had been sent


commits = st.frozensets(st.sampled_from("abcdef"), min_size=1)


@given(st.lists(st.tuples(commits, st.integers(0, 3000)), min_size=1, max_size=12))
def test_the_sequence_restarts_exactly_when_a_new_commit_joins(steps: list[tuple[frozenset[str], int]]) -> None:
    state: ReminderState | None = None
    now = T0
    for pending, wait in steps:
        now += timedelta(minutes=wait)
        since = dict.fromkeys(pending, T0)
        joined = state is None or not pending <= state.commits
        new = after_send(state, since, now)
        assert new.sent == (1 if joined else state.sent + 1)  # type: ignore[union-attr]
        assert new.version == (state.version if state else 0) + 1 and new.commits == pending
        assert due_at(new, since, B) == now + interval(new.sent, B) > now
        state = new
