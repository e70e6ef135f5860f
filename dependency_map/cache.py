"""Each file parsed once per run, and not at all on a re-run of an unchanged tree.

The on-disk cache maps (tool version, SHA-256 of a file's bytes) to what the file refers to, so it can never
be stale: a changed file has another key. It lives in the user's cache directory (``$XDG_CACHE_HOME``, else
``~/.cache``), one file per repository, never inside the repository; it is safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from dependency_map.refs import FileRead, FileRefs, ModuleCall
from tfc.atomic import write_atomically

TOOL_VERSION = "deps-3"  # bump whenever extraction changes: cached results of older versions are ignored


def _encode(refs: FileRefs) -> dict[str, Any]:
    return asdict(refs)


def _decode(raw: dict[str, Any]) -> FileRefs:
    return FileRefs(
        modules=tuple(ModuleCall(**m) for m in raw["modules"]),
        reads=tuple(FileRead(r["function"], tuple(r["pieces"]), r["line"],
                             tuple(r["pattern"]) if r["pattern"] is not None else None) for r in raw["reads"]),
        error=(int(raw["error"][0]), str(raw["error"][1])) if raw["error"] else None,
        locals=tuple((str(name), tuple(value)) for name, value in raw["locals"]),
    )


def default_cache_path(repo: Path) -> Path:
    """``$XDG_CACHE_HOME/tfc-toolkit/deps/<hash of the repository's real path>.json``."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(str(repo.resolve()).encode()).hexdigest()[:24]
    return base / "tfc-toolkit" / "deps" / f"{key}.json"


class RefsCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        self.parsed = 0  # files parsed this run
        self.hits = 0
        if path is not None:
            try:
                loaded = json.loads(path.read_text())
                if isinstance(loaded, dict) and loaded.get("version") == TOOL_VERSION:
                    self._entries = loaded["files"]
            except (OSError, ValueError, KeyError, TypeError):
                self._entries = {}  # missing or unreadable: start again

    def refs(self, file_name: str, content: bytes) -> FileRefs:
        key = hashlib.sha256(content).hexdigest() + (":json" if file_name.endswith(".json") else ":hcl")
        cached = self._entries.get(key)
        if cached is not None:
            try:
                refs = _decode(cached)
                self.hits += 1
                return refs
            except (KeyError, TypeError, ValueError):
                pass
        from dependency_map.hcl import extract_hcl, extract_json  # tree-sitter: loaded only when a file is parsed

        self.parsed += 1
        refs = extract_json(content) if file_name.endswith(".json") else extract_hcl(content)
        self._entries[key] = _encode(refs)
        self._dirty = True
        return refs

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        document = {"version": TOOL_VERSION, "files": self._entries}
        write_atomically(self.path, json.dumps(document, separators=(",", ":")).encode())
