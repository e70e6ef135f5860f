"""Writing files so readers never see half of one: a temporary file beside the target, synced, renamed over.

The temporary file is created with ``os.open(..., O_CREAT | O_EXCL, mode)``, so the kernel applies the process
umask exactly as a plain ``open()`` would, without ever changing the umask (``os.umask`` is process-wide: reading
it by setting it races every other thread creating files). Pass ``mode=PRIVATE`` for state, audit and cache files
that only their owner may read; :func:`append_private` appends to a log (an audit trail) created the same way.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path
from typing import Final

from tfc.errors import ConfigError

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


def write_if_changed(path: Path, content: str) -> bool:
    """Write a generated file atomically unless it already holds ``content`` (its mtime then stays); True if written."""
    try:
        if path.read_text(encoding="utf-8") == content:
            return False
    except OSError:
        pass
    write_atomically(path, content.encode("utf-8"))
    return True


def append_private(path: Path, data: bytes, *, mode: int = PRIVATE) -> None:
    """Append ``data`` to ``path`` in one write and sync it; a new file gets ``mode`` (0600 unless told).

    A symbolic link at ``path`` is refused, not followed: it could point an audit trail at any file we may write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ConfigError(f"{path}: is a symbolic link; refusing to write through it") from None
        raise
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
