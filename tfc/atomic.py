"""Writing files so readers never see half of one: a temporary file beside the target, synced, renamed over.

The temporary file is created with ``os.open(..., O_CREAT | O_EXCL, mode)``, so the kernel applies the process
umask exactly as a plain ``open()`` would, without ever changing the umask (``os.umask`` is process-wide: reading
it by setting it races every other thread creating files). Pass ``mode=PRIVATE`` for state, audit and cache files
that only their owner may read.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Final

DEFAULT_MODE: Final = 0o666  # what open(path, "w") asks for; the umask takes bits away
PRIVATE: Final = 0o600  # owner read/write only, whatever the umask
_ATTEMPTS: Final = 100


def _create_temporary(directory: Path, name: str, mode: int) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        candidate = directory / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(candidate, flags, mode), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"{directory}: no free temporary name for {name} after {_ATTEMPTS} tries")


def write_atomically(path: Path, data: bytes, *, mode: int = DEFAULT_MODE) -> None:
    """Replace ``path`` with ``data`` in one rename; the new file is created with ``mode`` less the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temporary(path.parent, path.name, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
