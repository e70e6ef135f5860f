"""Slack buttons: snooze a commit's reminders, or reassign them to someone else.

Runs only after the signature check. The request is then read field by field: anything malformed (not UTF-8,
no JSON object, a field of the wrong type or size, an unknown action, a commit that is not a full SHA, a
reassignment to anything but a Slack user) is a ``BadInteraction``, which the handler answers with 400.
A signed request can do only what the buttons offer, and the clicking person is recorded as the actor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from notifier.config import SLACK_ID
from notifier.state import Override, StateStore

SNOOZE = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "1d": timedelta(days=1)}
MAX_SNOOZE = timedelta(days=30)  # the longest snooze anyone may set (CLI included)
MAX_BODY = 256 * 1024  # Slack's block_actions payloads carry the message: tens of kB at most
MAX_ACTIONS = 5
SHA = re.compile(r"[0-9a-f]{40}")
SLACK_RESPONSE_URL = "https://hooks.slack.com/"


class BadInteraction(ValueError):
    """A signed request we will not act on (answered with 400)."""


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # "snooze" or "reassign"
    commit: str  # a full SHA
    value: str  # a SNOOZE key, or a Slack user id


@dataclass(frozen=True, slots=True)
class Interaction:
    user: str
    actions: tuple[Action, ...]
    response_url: str | None


def parse_duration(text: str) -> timedelta:
    """``30m``, ``4h``, ``2d``: at least a minute, at most ``MAX_SNOOZE``."""
    units = {"m": "minutes", "h": "hours", "d": "days"}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.isascii() or not number.isdigit() or int(number) <= 0:
        raise ValueError(f"bad duration {text!r}: use e.g. 30m, 4h, 2d")
    if len(number) > 6 or timedelta(**{units[unit]: int(number)}) > MAX_SNOOZE:
        raise ValueError(f"duration {text!r} is longer than {MAX_SNOOZE.days} days")
    return timedelta(**{units[unit]: int(number)})


def _text(value: Any, field: str, limit: int = 255) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise BadInteraction(f"{field}: expected a string of 1 to {limit} characters")
    return value


def _action(raw: Any) -> Action:
    if not isinstance(raw, dict):
        raise BadInteraction("actions: expected objects")
    action_id = _text(raw.get("action_id"), "action_id")
    commit = _text(raw.get("block_id"), "block_id").removeprefix("commit:")
    if not SHA.fullmatch(commit):
        raise BadInteraction("block_id: expected commit:<40-character SHA>")
    if action_id == "reassign":
        target = _text(raw.get("selected_user"), "selected_user", 32)
        if not SLACK_ID.fullmatch(target):
            raise BadInteraction("selected_user: expected a Slack user id")
        return Action("reassign", commit, target)
    choice = action_id.removeprefix("snooze:")
    if choice not in SNOOZE or action_id == choice:
        raise BadInteraction(f"action_id: unknown action {action_id[:40]!r}")
    if raw.get("value", commit) != commit:
        raise BadInteraction("value: not the block's commit")
    return Action("snooze", commit, choice)


def parse_interaction(body: bytes, response_hosts: Sequence[str] = (SLACK_RESPONSE_URL,)) -> Interaction:
    """A verified request body (``payload=<json>``, type block_actions) read strictly."""
    if len(body) > MAX_BODY:
        raise BadInteraction(f"body larger than {MAX_BODY} bytes")
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True, max_num_fields=10)
        payload = json.loads(fields["payload"][0])
    except (UnicodeDecodeError, ValueError, KeyError, IndexError, RecursionError):
        raise BadInteraction("expected payload=<JSON> (form-encoded UTF-8)") from None
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        raise BadInteraction("payload: expected a block_actions object")
    user = payload.get("user")
    user_id = _text(user.get("id") if isinstance(user, dict) else None, "user.id", 32)
    if not SLACK_ID.fullmatch(user_id):
        raise BadInteraction("user.id: expected a Slack user id")
    actions = payload.get("actions")
    if not isinstance(actions, list) or not 1 <= len(actions) <= MAX_ACTIONS:
        raise BadInteraction(f"actions: expected 1 to {MAX_ACTIONS} actions")
    url = payload.get("response_url")
    if url is not None and not (isinstance(url, str) and len(url) <= 1024 and url.startswith(tuple(response_hosts))):
        raise BadInteraction("response_url: not a Slack response URL")
    return Interaction(user_id, tuple(_action(a) for a in actions), url)


def apply_interaction(interaction: Interaction, store: StateStore, now: datetime) -> str:
    """Record what the person asked for; the reply that replaces the reminder."""
    replies = []
    for action in interaction.actions:
        if action.kind == "snooze":
            until = now + SNOOZE[action.value]
            store.set_override(Override(action.commit, "snooze", until.isoformat(), interaction.user))
            replies.append(f"<@{interaction.user}> snoozed the reminders for `{action.commit[:12]}` until "
                           f"{until.isoformat(timespec='minutes')}.")
        else:
            store.set_override(Override(action.commit, "reassign", action.value, interaction.user))
            replies.append(f"<@{interaction.user}> reassigned the pending applies of `{action.commit[:12]}` to "
                           f"<@{action.value}>.")
    return " ".join(replies)
