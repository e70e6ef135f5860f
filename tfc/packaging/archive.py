"""Deterministic zip files: the same tree gives the same bytes (sorted entries, fixed times and modes)."""

from __future__ import annotations

import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
FILE_MODE = 0o644
EXECUTABLE_MODE = 0o755


def write_zip(tree: Path, destination: Path) -> None:
    """Zip every file under ``tree``: paths relative to it, sorted, fixed timestamp, 0644 (0755 if executable)."""
    files = sorted((p for p in tree.rglob("*") if p.is_file()), key=lambda p: p.relative_to(tree).as_posix())
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), date_time=FIXED_TIME)
            mode = EXECUTABLE_MODE if path.stat().st_mode & 0o111 else FILE_MODE
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever the build machine
            archive.writestr(info, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
