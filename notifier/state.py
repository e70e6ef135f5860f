"""Reminder state: backoff per recipient, snoozes and reassignments per commit, and one-time claims.

A claim is a conditional write that succeeds once: "send this recipient's reminder in tick T" or "notify this
run's failure". It is made before sending, so a retried or concurrent invocation of the same tick never
sends twice (a crash between claim and send loses one reminder, which the next tick sends).
Two stores with one interface: DynamoDB (the Lambda) and a local JSON file (the CLI).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from notifier.backoff import ReminderState
from tfc.atomic import write_atomically

CLAIM_TTL = timedelta(days=14)


@dataclass(frozen=True, slots=True, order=True)
class Override:
    commit: str
    kind: str  # "snooze" or "reassign"
    value: str  # ISO time for a snooze, a Slack user id for a reassignment
    by: str


class StateStore(Protocol):
    def reminder(self, recipient: str) -> ReminderState | None: ...
    def save_reminder(self, recipient: str, state: ReminderState) -> None: ...
    def claim(self, key: str, now: datetime) -> bool: ...
    def set_override(self, override: Override) -> None: ...
    def clear_override(self, commit: str, kind: str) -> None: ...
    def overrides(self) -> list[Override]: ...


def _encode_state(state: ReminderState) -> dict[str, Any]:
    return {"fingerprint": state.fingerprint, "sent": state.sent,
            "last_sent": state.last_sent.isoformat() if state.last_sent else None}


def _decode_state(raw: dict[str, Any]) -> ReminderState:
    last = raw.get("last_sent")
    return ReminderState(str(raw["fingerprint"]), int(raw["sent"]), datetime.fromisoformat(last) if last else None)


class FileStore:
    """A JSON file guarded by an advisory lock, for `tfc remind` on a workstation or CI runner."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.with_suffix(self.path.suffix + ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                data = json.loads(self.path.read_text()) if self.path.exists() else {}
            except ValueError:
                data = {}
            before = json.dumps(data, sort_keys=True)
            yield data
            if json.dumps(data, sort_keys=True) != before:
                write_atomically(self.path, json.dumps(data, indent=1, sort_keys=True).encode())

    def reminder(self, recipient: str) -> ReminderState | None:
        with self._locked() as data:
            raw = data.get(f"reminder#{recipient}")
        return _decode_state(raw) if raw else None

    def save_reminder(self, recipient: str, state: ReminderState) -> None:
        with self._locked() as data:
            data[f"reminder#{recipient}"] = _encode_state(state)

    def claim(self, key: str, now: datetime) -> bool:
        with self._locked() as data:
            cutoff = now - CLAIM_TTL  # claims expire, as the DynamoDB items do through their TTL
            for stale in [k for k, v in data.items() if k.startswith("claim#")
                          and datetime.fromisoformat(v["at"]) < cutoff]:
                del data[stale]
            if f"claim#{key}" in data:
                return False
            data[f"claim#{key}"] = {"at": now.isoformat()}
            return True

    def set_override(self, override: Override) -> None:
        with self._locked() as data:
            data[f"{override.kind}#{override.commit}"] = {"value": override.value, "by": override.by}

    def clear_override(self, commit: str, kind: str) -> None:
        with self._locked() as data:
            data.pop(f"{kind}#{commit}", None)

    def overrides(self) -> list[Override]:
        with self._locked() as data:
            items = [(k, v) for k, v in data.items() if k.startswith(("snooze#", "reassign#"))]
        return sorted(Override(k.split("#", 1)[1], k.split("#", 1)[0], v["value"], v["by"]) for k, v in items)


class DynamoStore:
    """One DynamoDB table, partition key ``pk`` (S); claims are conditional puts with a TTL attribute."""

    def __init__(self, table: Any) -> None:
        self.table = table

    def reminder(self, recipient: str) -> ReminderState | None:
        item = self.table.get_item(Key={"pk": f"reminder#{recipient}"}, ConsistentRead=True).get("Item")
        return _decode_state(item) if item else None

    def save_reminder(self, recipient: str, state: ReminderState) -> None:
        self.table.put_item(Item={"pk": f"reminder#{recipient}", **_encode_state(state)})

    def claim(self, key: str, now: datetime) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.table.put_item(Item={"pk": f"claim#{key}", "at": now.isoformat(),
                                      "expires": int((now + CLAIM_TTL).timestamp())},
                                ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def set_override(self, override: Override) -> None:
        self.table.put_item(Item={"pk": f"{override.kind}#{override.commit}", "value": override.value,
                                  "by": override.by})

    def clear_override(self, commit: str, kind: str) -> None:
        self.table.delete_item(Key={"pk": f"{kind}#{commit}"})

    def overrides(self) -> list[Override]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {}
        while True:
            page = self.table.scan(ConsistentRead=True, **kwargs)
            items.extend(i for i in page.get("Items", []) if str(i["pk"]).startswith(("snooze#", "reassign#")))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted(Override(str(i["pk"]).split("#", 1)[1], str(i["pk"]).split("#", 1)[0], str(i["value"]),
                               str(i["by"])) for i in items)
