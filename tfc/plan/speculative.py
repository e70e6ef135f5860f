"""The working tree as the tar.gz a speculative configuration version is uploaded from.

The endpoints (speculative version, token-less upload, plan-only run) are the client's: ``TfcClient``.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path


def archive(repo: Path) -> tuple[bytes, int]:
    """(tar.gz of the working tree, file count): ``git ls-files`` (tracked and untracked, not ignored) in a
    repository, else every file under ``repo`` outside ``.git``. Deterministic: no times, owners or modes."""
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=False)
    if listed.returncode == 0:
        names = sorted({n for n in listed.stdout.decode("utf-8", "surrogateescape").split("\0") if n})
    else:
        names = _walk(repo)
    buffer = io.BytesIO()
    count = 0
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in names:
            path = repo / name
            if path.is_symlink() or not path.is_file():  # deleted in the working tree, or a link out of it
                continue
            info = tarfile.TarInfo(name)
            data = path.read_bytes()
            info.size, info.mode = len(data), 0o755 if os.access(path, os.X_OK) else 0o644
            tar.addfile(info, io.BytesIO(data))
            count += 1
    return buffer.getvalue(), count


def _walk(repo: Path) -> list[str]:
    found: list[str] = []
    for current, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if d != ".git"]
        found.extend(Path(current, f).relative_to(repo).as_posix() for f in files)
    return sorted(found)
