"""What a verified TFC notification asks of the backup: answer a verification, back up an apply, or nothing.

Two payload generations are accepted. Workspace configurations send ``payload_version`` 1 with
``notifications[0].trigger == "run:completed"`` and ``run_status == "applied"``. Project-level configurations
(2026 API) add ``trigger_type``, the configured trigger that fired, beside ``trigger``, which may then carry the run
state; ``trigger_type`` is read at the top level or in the notification entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tfc.jsonapi import parse_time

COMPLETED = "run:completed"
APPLIED = "applied"
VERIFICATION = "verification"


@dataclass(frozen=True, slots=True)
class Verification:
    configuration_id: str | None


@dataclass(frozen=True, slots=True)
class CompletedApply:
    organization: str
    workspace: str
    workspace_id: str
    run_id: str
    run_created_at: datetime | None


@dataclass(frozen=True, slots=True)
class Ignored:
    reason: str


Notification = Verification | CompletedApply | Ignored


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def read_notification(body: bytes) -> Notification:
    """The decision for a body whose signature was already verified."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return Ignored("body is not JSON")
    if not isinstance(payload, Mapping):
        return Ignored("body is not a JSON object")
    entries = payload.get("notifications")
    entry = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], Mapping) else {}
    trigger = _text(entry.get("trigger")) or _text(payload.get("trigger"))
    trigger_type = _text(entry.get("trigger_type")) or _text(payload.get("trigger_type"))
    if trigger == VERIFICATION or trigger_type == VERIFICATION:
        return Verification(_text(payload.get("notification_configuration_id")))
    fired = trigger_type or trigger
    if fired != COMPLETED:
        return Ignored(f"trigger {fired or 'missing'} is not {COMPLETED}")
    status = _text(entry.get("run_status")) or _text(payload.get("run_status")) or (
        trigger if trigger_type is not None else None)
    if status != APPLIED:
        return Ignored(f"run status {status or 'missing'} is not {APPLIED}")
    fields = {name: _text(payload.get(name))
              for name in ("organization_name", "workspace_name", "workspace_id", "run_id")}
    missing = sorted(name for name, value in fields.items() if value is None)
    if missing:
        return Ignored(f"payload lacks {', '.join(missing)}")
    return CompletedApply(
        organization=str(fields["organization_name"]),
        workspace=str(fields["workspace_name"]),
        workspace_id=str(fields["workspace_id"]),
        run_id=str(fields["run_id"]),
        run_created_at=parse_time(payload.get("run_created_at")),
    )
