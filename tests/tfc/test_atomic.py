"""Atomic writes: modes from the umask without touching it, private files on request, nothing left behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfc.atomic import PRIVATE, write_atomically


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask a test sets (tests run one at a time per process)."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield
    os.umask(saved)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_umask_is_never_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.umask is process-wide: setting it, even briefly, races every other thread that creates a file."""

    def forbidden(_: int) -> int:
        raise AssertionError("os.umask called")

    monkeypatch.setattr(os, "umask", forbidden)
    write_atomically(tmp_path / "out.json", b"{}")
    write_atomically(tmp_path / "state.json", b"{}", mode=PRIVATE)
    assert (tmp_path / "out.json").read_bytes() == b"{}"


@pytest.mark.parametrize(
    ("process_umask", "mode", "expected"),
    [
        (0o022, None, 0o644),
        (0o027, None, 0o640),
        (0o000, None, 0o666),
        (0o077, None, 0o600),
        (0o000, PRIVATE, 0o600),
        (0o022, PRIVATE, 0o600),
        (0o022, 0o640, 0o640),
    ],
)
def test_new_files_get_the_mode_less_the_umask(
    tmp_path: Path, umask: None, process_umask: int, mode: int | None, expected: int
) -> None:
    """Without a mode a file is created as open() would; PRIVATE is 0600 even under umask 0."""
    os.umask(process_umask)
    target = tmp_path / "nested" / "file.json"
    if mode is None:
        write_atomically(target, b"data")
    else:
        write_atomically(target, b"data", mode=mode)
    assert _mode(target) == expected
    assert target.read_bytes() == b"data"


def test_a_replaced_file_takes_the_new_mode(tmp_path: Path, umask: None) -> None:
    """Rewriting a world-readable file with PRIVATE leaves it 0600; the content is replaced whole."""
    os.umask(0o022)
    target = tmp_path / "audit.jsonl"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_atomically(target, b"new", mode=PRIVATE)
    assert (_mode(target), target.read_bytes()) == (0o600, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["audit.jsonl"]


def test_a_symlinked_target_is_replaced_not_followed(tmp_path: Path) -> None:
    """The rename replaces the link itself: the file it pointed at is left untouched."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"precious")
    link = tmp_path / "state.json"
    link.symlink_to(elsewhere)
    write_atomically(link, b"{}", mode=PRIVATE)
    assert elsewhere.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes() == b"{}"


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """When the rename fails (the target is a directory) the temporary file is removed and the error raised."""
    (tmp_path / "target").mkdir()
    with pytest.raises(OSError):
        write_atomically(tmp_path / "target", b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["target"]
