"""Slack buttons: snooze a commit's reminders, or reassign them to someone else (after signature checks)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from notifier.state import Override, StateStore

SNOOZE = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "1d": timedelta(days=1)}


def parse_duration(text: str) -> timedelta:
    """``30m``, ``4h``, ``2d``."""
    units = {"m": "minutes", "h": "hours", "d": "days"}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.isdigit() or int(number) <= 0:
        raise ValueError(f"bad duration {text!r}: use e.g. 30m, 4h, 2d")
    return timedelta(**{units[unit]: int(number)})


def handle_interaction(body: bytes, store: StateStore, now: datetime) -> dict[str, Any]:
    """The response to a verified interaction request (``payload=`` form field, block_actions)."""
    fields = parse_qs(body.decode())
    payload = json.loads(fields.get("payload", ["{}"])[0])
    user = str((payload.get("user") or {}).get("id", "unknown"))
    replies = []
    for action in payload.get("actions", []):
        action_id = str(action.get("action_id", ""))
        if action_id.startswith("snooze:"):
            commit = str(action.get("value", ""))
            until = now + SNOOZE.get(action_id.split(":", 1)[1], timedelta(hours=1))
            store.set_override(Override(commit, "snooze", until.isoformat(), user))
            replies.append(f"Reminders for `{commit[:12]}` snoozed until {until.isoformat(timespec='minutes')}.")
        elif action_id == "reassign":
            commit = str(action.get("block_id", "")).removeprefix("commit:")
            target = str(action.get("selected_user", ""))
            if commit and target:
                store.set_override(Override(commit, "reassign", target, user))
                replies.append(f"Pending applies of `{commit[:12]}` reassigned to <@{target}>.")
    text = " ".join(replies) or "Nothing to do."
    return {"response_type": "ephemeral", "replace_original": False, "text": text}
