"""Monitor state across invocations: one record per pool (exhaustion streak, scaling cooldown) and claims.

Every pool record carries a version; a save succeeds only if nobody saved since it was read (a conditional
write), so of two overlapping invocations only one acts on a pool's transition and alerts. Claims ("alert about
this slow plan") are the notifier's one-time conditional puts. DynamoDB for the Lambda, a JSON file for the CLI.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from monitor.exhaustion import PoolState
from notifier.state import CLAIM_TTL
from notifier.state import DynamoStore as NotifierDynamoStore
from tfc.atomic import write_atomically


@dataclass(frozen=True, slots=True)
class PoolRecord:
    state: PoolState = field(default_factory=PoolState)
    last_needed: datetime | None = None  # scaling: the last time demand reached the pool's size
    version: int = 0  # 0: never saved


class MonitorStore(Protocol):
    def pool(self, pool_id: str) -> PoolRecord: ...
    def save_pool(self, pool_id: str, record: PoolRecord) -> bool: ...
    def claim(self, key: str, now: datetime) -> bool: ...


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def encode(record: PoolRecord) -> dict[str, Any]:
    s = record.state

    def iso(t: datetime | None) -> str | None:
        return t.isoformat() if t else None

    return {"exhausted": s.exhausted, "streak_since": iso(s.streak_since), "last_seen": iso(s.last_seen),
            "episode_since": iso(s.episode_since), "last_needed": iso(record.last_needed),
            "version": record.version}


def decode(raw: dict[str, Any]) -> PoolRecord:
    state = PoolState(bool(raw.get("exhausted")), _time(raw.get("streak_since")), _time(raw.get("last_seen")),
                      _time(raw.get("episode_since")))
    return PoolRecord(state, _time(raw.get("last_needed")), int(raw.get("version") or 0))


class DynamoMonitorStore:
    """A DynamoDB table with partition key ``pk`` (S), shareable with the notifier's (keys do not collide)."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self._claims = NotifierDynamoStore(table)

    def pool(self, pool_id: str) -> PoolRecord:
        item = self.table.get_item(Key={"pk": f"monitor-pool#{pool_id}"}, ConsistentRead=True).get("Item")
        return decode(item) if item else PoolRecord()

    def save_pool(self, pool_id: str, record: PoolRecord) -> bool:
        from botocore.exceptions import ClientError

        item = {"pk": f"monitor-pool#{pool_id}", **encode(record), "version": record.version + 1}
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"} if record.version == 0 else
            {"ConditionExpression": "version = :v", "ExpressionAttributeValues": {":v": record.version}})
        try:
            self.table.put_item(Item={k: v for k, v in item.items() if v is not None}, **condition)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def claim(self, key: str, now: datetime) -> bool:
        return self._claims.claim(f"monitor#{key}", now)


class FileMonitorStore:
    """A JSON file under an advisory lock, for `tfc monitor` on a workstation or CI runner."""

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

    def pool(self, pool_id: str) -> PoolRecord:
        with self._locked() as data:
            raw = data.get(f"pool#{pool_id}")
        return decode(raw) if raw else PoolRecord()

    def save_pool(self, pool_id: str, record: PoolRecord) -> bool:
        with self._locked() as data:
            stored = data.get(f"pool#{pool_id}")
            if int((stored or {}).get("version") or 0) != record.version:
                return False
            data[f"pool#{pool_id}"] = {**encode(record), "version": record.version + 1}
            return True

    def claim(self, key: str, now: datetime) -> bool:
        with self._locked() as data:
            for stale in [k for k, v in data.items() if k.startswith("claim#")
                          and datetime.fromisoformat(v["at"]) < now - CLAIM_TTL]:
                del data[stale]
            if f"claim#{key}" in data:
                return False
            data[f"claim#{key}"] = {"at": now.isoformat()}
            return True
