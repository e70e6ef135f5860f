"""Schedule, backoff, recipients, message and signature rules as tables, with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from notifier.backoff import ReminderState, after_send, due_at, interval
from notifier.config import Backoff, Hours, NotifierConfig, Person
from notifier.interactions import parse_duration
from notifier.message import MAX_BLOCK_TEXT, build_message, review_command
from notifier.pending import Pending
from notifier.recipients import choose
from notifier.schedule import is_open, next_opening
from notifier.slack import signature, verify_request
from notifier.state import FileStore

HOURS = Hours(timezone="Europe/Berlin", start=time(9), end=time(18), holidays_country="DE")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "open_", "opening"),
    [
        ("2026-11-24 09:30", True, "2026-11-24 09:30"),  # Tuesday 10:30 in Berlin
        ("2026-11-24 07:30", False, "2026-11-24 08:00"),  # 08:30 Berlin: opens at 09:00 Berlin = 08:00 UTC
        ("2026-11-24 22:00", False, "2026-11-25 08:00"),  # 23:00: next morning, not at night
        ("2026-11-27 17:30", False, "2026-11-30 08:00"),  # Friday 18:30: Monday morning
        ("2026-12-24 23:30", False, "2026-12-28 08:00"),  # 25th and 26th are holidays in Germany, then Sunday
    ],
)
def test_business_hours(moment: str, open_: bool, opening: str) -> None:
    assert is_open(utc(moment), HOURS) is open_
    assert next_opening(utc(moment), HOURS) == utc(opening)


def test_a_persons_own_time_zone_wins() -> None:
    assert is_open(utc("2026-11-24 15:00"), HOURS, "America/New_York")  # 10:00 in New York
    assert not is_open(utc("2026-11-24 09:30"), HOURS, "America/New_York")  # 04:30 there


@pytest.mark.parametrize(("sent", "minutes"), [(1, 60), (2, 120), (3, 240), (4, 480), (5, 960), (6, 1440), (9, 1440)])
def test_backoff_doubles_up_to_the_cap(sent: int, minutes: int) -> None:
    assert interval(sent, Backoff()) == timedelta(minutes=minutes)


def test_backoff_sequence_and_reset() -> None:
    planned = utc("2026-11-24 09:00")
    assert due_at(None, "fp", planned, Backoff()) == planned + timedelta(minutes=30)
    state = after_send(None, "fp", utc("2026-11-24 09:30"))
    assert due_at(state, "fp", planned, Backoff()) == utc("2026-11-24 10:30")
    state = after_send(state, "fp", utc("2026-11-24 10:30"))
    assert (state.sent, due_at(state, "fp", planned, Backoff())) == (2, utc("2026-11-24 12:30"))
    assert due_at(state, "other", planned, Backoff()) == planned + timedelta(minutes=30)  # the set changed
    assert after_send(ReminderState("fp", 5, None), "new", utc("2026-11-24 10:00")).sent == 1


CONFIG = NotifierConfig(team_channels={"payments": "#payments"}, default_channel="#tfc",
                        people={"jdoe": Person("jdoe", slack_id="UJDOE", timezone="Asia/Tokyo"),
                                "ann": Person("ann", email="ann@example.com")})


@pytest.mark.parametrize(
    ("author", "owner", "reassigned", "channel", "reason"),
    [
        ("jdoe", "payments", "UBOB", "UBOB", "reassigned"),
        ("jdoe", "payments", None, "UJDOE", "author jdoe (mapping file)"),
        ("ann", None, None, "UANN", "author ann (Slack lookup by email)"),
        ("zed@example.com", None, None, "UZED", "author zed@example.com (Slack lookup by email)"),
        ("ghost", "payments", None, "#payments", "author ghost not on Slack; owner payments"),
        ("ghost", "search", None, "#tfc", "author ghost not on Slack; workspace owner 'search' has no channel"),
        (None, None, None, "#tfc", "author unknown not on Slack; workspace has no owner: tag"),
    ],
)
def test_recipient_order(author: str | None, owner: str | None, reassigned: str | None, channel: str,
                         reason: str) -> None:
    emails = {"ann@example.com": "UANN", "zed@example.com": "UZED"}
    chosen = choose(author, owner, reassigned, CONFIG, emails.get)
    assert (chosen.channel, chosen.reason) == (channel, reason)
    assert chosen.timezone == ("Asia/Tokyo" if channel == "UJDOE" else None)


def pending(n: int, commit: str = "a" * 40) -> list[Pending]:
    return [Pending(f"run-{i}", f"deploy-prod-{i:03d}", "payments", commit, "jdoe", utc("2026-11-24 08:00"), "acme")
            for i in range(n)]


def test_message_lists_runs_and_a_command_scoped_to_exactly_them() -> None:
    message = build_message(pending(3), now=utc("2026-11-24 10:00"), app_url="https://tfc", note=None)
    text = str(message["blocks"])
    assert "https://tfc/app/acme/deploy-prod-001/runs/run-1|deploy-prod-001" in text and "waiting 2 h" in text
    assert review_command("a" * 40, ["b", "a"]) == "tfc review --commit aaaaaaaaaaaa \\\n  --workspace a \\\n  --workspace b"
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == ["snooze:1h", "snooze:4h", "snooze:1d", "reassign"]


def test_long_commands_are_split_into_copyable_blocks_within_slacks_limit() -> None:
    message = build_message(pending(268), now=utc("2026-11-24 10:00"), app_url="https://tfc", note=None)
    code = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "```" in b["text"]["text"]]
    assert len(code) > 1 and all(len(c) <= MAX_BLOCK_TEXT for c in code)
    joined = "\n".join(c.strip("`") for c in code)
    assert joined == review_command("a" * 40, [p.workspace for p in pending(268)])


def test_slack_signature_verification() -> None:
    body = b"payload=%7B%7D"
    good = {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": signature("secret", "1700000000", body)}
    assert verify_request("secret", good, body, now=1700000100)
    assert not verify_request("secret", good, body + b"x", now=1700000100)  # tampered body
    assert not verify_request("other", good, body, now=1700000100)  # wrong secret
    assert not verify_request("secret", good, body, now=1700000000 + 301)  # replayed after 5 minutes
    assert not verify_request("secret", {"X-Slack-Request-Timestamp": "nope"}, body, now=1)


@pytest.mark.parametrize(("text", "expected"), [("30m", timedelta(minutes=30)), ("4h", timedelta(hours=4)),
                                                ("2d", timedelta(days=2))])
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_claims_succeed_once_per_key(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "state.json")
    now = utc("2026-11-24 10:00")
    assert store.claim("send#user:U1#2026-11-24T10:00", now)
    assert not store.claim("send#user:U1#2026-11-24T10:00", now)  # a retried invocation of the same tick
    assert store.claim("send#user:U1#2026-11-24T10:10", now)
    assert FileStore(tmp_path / "state.json").claim("send#user:U1#2026-11-24T10:00", now + timedelta(days=15))
