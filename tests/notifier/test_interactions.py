"""Signed Slack interactions read strictly: what the buttons offer and nothing else, malformed input refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifier.interactions import (
    Action,
    BadInteraction,
    Interaction,
    apply_interaction,
    parse_duration,
    parse_interaction,
)
from notifier.state import FileStore, Override

SHA = "ab" * 20
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def body(payload: Any) -> bytes:
    return ("payload=" + quote(json.dumps(payload))).encode()


def test_snooze_and_reassign_are_read_and_applied_with_the_actor(tmp_path: Path) -> None:
    raw = body({"type": "block_actions", "user": {"id": "UMARIA"}, "response_url": "https://hooks.slack.com/a/b",
                "actions": [{"action_id": "snooze:4h", "block_id": f"commit:{SHA}", "value": SHA},
                            {"action_id": "reassign", "block_id": f"commit:{SHA}", "selected_user": "W0BOB"}]})
    interaction = parse_interaction(raw)
    assert interaction == Interaction("UMARIA", (Action("snooze", SHA, "4h"), Action("reassign", SHA, "W0BOB")),
                                      "https://hooks.slack.com/a/b")
    store = FileStore(tmp_path / "s.json")
    reply = apply_interaction(interaction, store, NOW)
    assert store.overrides() == [Override(SHA, "reassign", "W0BOB", "UMARIA"),
                                 Override(SHA, "snooze", (NOW + timedelta(hours=4)).isoformat(), "UMARIA")]
    assert reply == (f"<@UMARIA> snoozed the reminders for `{SHA[:12]}` until 2026-11-24T14:00+00:00. "
                     f"<@UMARIA> reassigned the pending applies of `{SHA[:12]}` to <@W0BOB>.")


def test_only_the_allowed_response_hosts() -> None:
    raw = body({"type": "block_actions", "user": {"id": "U1X"}, "response_url": "http://127.0.0.1:5/response/x",
                "actions": [{"action_id": "snooze:1h", "block_id": f"commit:{SHA}"}]})
    with pytest.raises(BadInteraction, match="response_url"):
        parse_interaction(raw)
    assert parse_interaction(raw, ["http://127.0.0.1:5/"]).response_url == "http://127.0.0.1:5/response/x"


@pytest.mark.parametrize(("text", "expected"), [("1m", timedelta(minutes=1)), ("30m", timedelta(minutes=30)),
                                                ("4h", timedelta(hours=4)), ("2d", timedelta(days=2)),
                                                ("30d", timedelta(days=30)), ("720h", timedelta(days=30))])
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["soon", "", "h", "0m", "-1h", "1.5h", "31d", "721h", "43201m", "99999999d",
                                  "9" * 5000 + "d", "²h", "1w"])
def test_bad_or_unbounded_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=50),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                        max_size=4), max_leaves=20)
actions = st.fixed_dictionaries({}, optional={
    "action_id": st.sampled_from(["snooze:1h", "snooze:4h", "snooze:9h", "reassign", "x"]) | json_values,
    "block_id": st.sampled_from([f"commit:{SHA}", "commit:b", SHA]) | json_values,
    "value": st.sampled_from([SHA, "b" * 40]) | json_values,
    "selected_user": st.sampled_from(["UBOB", "<!channel>", "C123"]) | json_values})
payloads = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["block_actions", "view_submission"]) | json_values,
    "user": st.fixed_dictionaries({}, optional={"id": st.sampled_from(["UMARIA", "x"]) | json_values}) | json_values,
    "actions": st.lists(actions, max_size=7) | json_values,
    "response_url": st.sampled_from(["https://hooks.slack.com/x", "https://evil"]) | json_values})


@settings(max_examples=300)
@given(payloads | json_values)
def test_any_payload_is_either_a_valid_interaction_or_refused(payload: Any) -> None:
    try:
        interaction = parse_interaction(body(payload))
    except BadInteraction:
        return
    assert interaction.user == "UMARIA" and 1 <= len(interaction.actions) <= 5
    for action in interaction.actions:
        assert action.commit == SHA
        assert (action.kind, action.value) in {("snooze", "1h"), ("snooze", "4h"), ("reassign", "UBOB")}


@given(st.binary(max_size=300))
def test_any_bytes_are_either_read_or_refused(raw: bytes) -> None:
    try:
        assert isinstance(parse_interaction(raw), Interaction)
    except BadInteraction as refused:
        assert str(refused)  # says what was wrong
