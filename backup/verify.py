"""``verify``: every (or a sample of) backup object is readable, matches its checksum and its key, parses as state;
serials never go backwards within a lineage; every ``latest.json`` points at an object that exists."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from backup.integrity import Listed, Problem, check_object, serial_regressions
from backup.layout import LATEST, parse_key
from backup.store import BackupStore

READERS = 8


@dataclass(frozen=True, slots=True)
class VerifyReport:
    listed: int
    checked: int
    problems: tuple[Problem, ...]


def verify(
    store: BackupStore, *, prefix: str, scope: str, sample: int | None = None, rng: random.Random | None = None,
) -> VerifyReport:
    """Check the objects under ``scope`` (a key prefix inside ``prefix``)."""
    objects: list[Listed] = []
    latest_keys: list[str] = []
    for item in store.list(scope):
        parts = parse_key(prefix, item.key)
        if parts is not None:
            objects.append(Listed(item.key, parts, item.last_modified))
        elif item.key.endswith("/" + LATEST):
            latest_keys.append(item.key)
    chosen = objects if sample is None or sample >= len(objects) else (rng or random.Random()).sample(objects, sample)
    problems = serial_regressions(objects)
    with ThreadPoolExecutor(READERS) as pool:
        problems += [p for p in pool.map(lambda o: _check(store, o), chosen) if p is not None]
        known = {o.key for o in objects}
        problems += [p for p in pool.map(lambda k: _check_latest(store, k, known), latest_keys) if p is not None]
    return VerifyReport(len(objects), len(chosen), tuple(sorted(problems, key=lambda p: (p.key, p.kind))))


def _check(store: BackupStore, item: Listed) -> Problem | None:
    stored = store.get(item.key)
    return check_object(item.key, item.parts, stored.body if stored else None,
                        stored.metadata.get("sha256") if stored else None)


def _check_latest(store: BackupStore, key: str, known: set[str]) -> Problem | None:
    read = store.read_json(key)
    target = read[0].get("key") if read else None
    if not isinstance(target, str):
        return Problem(key, "unreadable", "latest.json names no backup key")
    if target not in known:
        return Problem(key, "missing", f"latest.json points at {target}, which does not exist")
    return None
