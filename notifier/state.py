"""Reminder state: backoff per recipient, snoozes and reassignments per commit, and one-time claims.

A claim is a conditional write that succeeds once: "send this recipient's reminder in tick T" or "notify this
run's failure". It is made before sending, so a retried or concurrent invocation of the same tick never
sends twice (a crash between claim and send loses one reminder, which the next tick sends).
A recipient's send decision is a compare-and-set on its ``reminder#`` item (see ``backoff``): of two overlapping
invocations, only the one whose write lands sends.
Two stores with one interface: DynamoDB (the Lambda, and the CLI with ``--state dynamodb://TABLE``) and a local
JSON file (the CLI's default).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from notifier.backoff import ReminderState
from tfc.atomic import PRIVATE, write_atomically
from tfc.errors import ConfigError

CLAIM_TTL = timedelta(days=14)


@dataclass(frozen=True, slots=True, order=True)
class Override:
    commit: str
    kind: str  # "snooze" or "reassign"
    value: str  # ISO time for a snooze, a Slack user id for a reassignment
    by: str


class StateStore(Protocol):
    def reminder(self, recipient: str) -> ReminderState | None: ...
    def swap_reminder(self, recipient: str, expected: ReminderState | None, new: ReminderState) -> bool: ...
    def claim(self, key: str, now: datetime) -> bool: ...
    def release(self, key: str) -> None: ...
    def set_override(self, override: Override) -> None: ...
    def clear_override(self, commit: str, kind: str) -> None: ...
    def overrides(self) -> list[Override]: ...


def _encode_state(state: ReminderState) -> dict[str, Any]:
    return {"commits": sorted(state.commits), "sent": state.sent, "version": state.version,
            "last_sent": state.last_sent.isoformat() if state.last_sent else None}


def _decode_state(raw: Mapping[str, Any]) -> ReminderState:
    last = raw.get("last_sent")
    return ReminderState(frozenset(str(c) for c in raw.get("commits") or ()), int(raw["sent"]),
                         datetime.fromisoformat(str(last)) if last else None, int(raw.get("version", 0)))


class FileStore:
    """A JSON file (0600) guarded by an advisory lock, for `tfc remind` on a workstation or CI runner.

    The lock file is opened without following symlinks and never truncated, so a planted link cannot make us
    clobber what it points to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise ConfigError(f"{lock_path}: cannot open the reminder state lock: {exc.strerror} "
                              "(a symlink is refused)") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            data = self._read()
            before = json.dumps(data, sort_keys=True)
            yield data
            if json.dumps(data, sort_keys=True) != before:
                write_atomically(self.path, json.dumps(data, indent=1, sort_keys=True).encode(), mode=PRIVATE)
        finally:
            os.close(fd)

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{self.path}: cannot read the reminder state: {exc}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{self.path}:{exc.lineno}: the reminder state is not valid JSON; "
                              "fix or move it (nothing was changed)") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{self.path}: the reminder state is not a JSON object; fix or move it")
        return data

    def reminder(self, recipient: str) -> ReminderState | None:
        with self._locked() as data:
            raw = data.get(f"reminder#{recipient}")
        return _decode_state(raw) if raw else None

    def swap_reminder(self, recipient: str, expected: ReminderState | None, new: ReminderState) -> bool:
        with self._locked() as data:
            raw = data.get(f"reminder#{recipient}")
            current = _decode_state(raw) if raw else None
            if (current.version if current else None) != (expected.version if expected else None):
                return False
            data[f"reminder#{recipient}"] = _encode_state(new)
            return True

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

    def release(self, key: str) -> None:
        with self._locked() as data:
            data.pop(f"claim#{key}", None)

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

    def swap_reminder(self, recipient: str, expected: ReminderState | None, new: ReminderState) -> bool:
        """A conditional put: succeeds only if the item still has the version ``expected`` was read at."""
        if expected is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
        else:
            condition = {"ConditionExpression": "attribute_not_exists(#v) OR #v = :v",
                         "ExpressionAttributeNames": {"#v": "version"},
                         "ExpressionAttributeValues": {":v": expected.version}}
        return self._conditional_put({"pk": f"reminder#{recipient}", **_encode_state(new)}, condition)

    def claim(self, key: str, now: datetime) -> bool:
        return self._conditional_put({"pk": f"claim#{key}", "at": now.isoformat(),
                                      "expires": int((now + CLAIM_TTL).timestamp())},
                                     {"ConditionExpression": "attribute_not_exists(pk)"})

    def release(self, key: str) -> None:
        self.table.delete_item(Key={"pk": f"claim#{key}"})

    def _conditional_put(self, item: dict[str, Any], condition: dict[str, Any]) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.table.put_item(Item=item, **condition)
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


def open_store(spec: str | None, environ: Mapping[str, str]) -> StateStore:
    """``dynamodb://TABLE`` (the Lambda's table; AWS_ENDPOINT_URL honoured) or a file path (default:
    ``$XDG_STATE_HOME/tfc/remind.json``)."""
    if spec and spec.startswith("dynamodb://"):
        table = spec.removeprefix("dynamodb://")
        if not table or "/" in table:
            raise ConfigError(f"--state {spec!r}: expected dynamodb://TABLE")
        import boto3  # imported lazily: only a DynamoDB store needs it

        return DynamoStore(boto3.resource("dynamodb", endpoint_url=environ.get("AWS_ENDPOINT_URL")).Table(table))
    if spec:
        return FileStore(Path(spec))
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return FileStore(Path(base) / "tfc" / "remind.json")
