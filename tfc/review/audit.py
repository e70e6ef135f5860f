"""The audit log: one JSON object per line per decision or action, flushed and synced as it is written."""

from __future__ import annotations

import getpass
import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def default_audit_path(environ: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if environ is None else environ
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "tfc" / "audit.jsonl"


FILE_MODE = 0o600  # the log names runs, plans and people: readable by its owner only
DIRECTORY_MODE = 0o700


class AuditLog:
    """Append-only JSON lines; each record is on disk before the next action starts.

    Every record names the OS user and the TFC identity the token belongs to (``tfc_user``).
    """

    def __init__(self, path: Path, *, user: str | None = None, tfc_user: str | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.path = path
        self.user = user or _user()
        self.tfc_user = tfc_user
        self._now = now or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()

    def record(self, **fields: Any) -> None:
        entry = {"time": self._now().isoformat(timespec="seconds"), "user": self.user, "tfc_user": self.tfc_user,
                 **fields}
        line = json.dumps(entry, sort_keys=False, default=str) + "\n"
        with self._lock:
            self.path.parent.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
            with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
