"""Each file parsed once per run, and not at all on a re-run of an unchanged tree.

The on-disk cache maps (tool version, SHA-256 of a file's bytes) to what the file refers to, so it can never
be stale: a changed file has another key. Like git's index, it also remembers each path's hash with the file's
inode, size, mtime and ctime, so an unchanged file is not even read on a warm run. It lives in the user's cache
directory (``$XDG_CACHE_HOME``, else ``~/.cache``), one file per repository, never inside the repository; it is
safe to delete. A cold run over many files parses them on every core first.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from dependency_map.refs import FileRead, FileRefs, ModuleCall
from tfc.atomic import PRIVATE, write_atomically

TOOL_VERSION = "deps-3"  # bump whenever extraction changes: cached results of older versions are ignored


def _encode(refs: FileRefs) -> dict[str, Any]:
    return {
        "modules": [[m.name, m.source, m.line] for m in refs.modules],
        "reads": [[r.function, list(r.pieces), r.line, None if r.pattern is None else list(r.pattern)]
                  for r in refs.reads],
        "error": list(refs.error) if refs.error else None,
        "locals": [[name, list(value)] for name, value in refs.locals],
    }


def _decode(raw: dict[str, Any]) -> FileRefs:
    return FileRefs(
        modules=tuple(ModuleCall(str(n), str(s), int(line)) for n, s, line in raw["modules"]),
        reads=tuple(FileRead(str(f), tuple(p), int(line), None if g is None else tuple(g))
                    for f, p, line, g in raw["reads"]),
        error=(int(raw["error"][0]), str(raw["error"][1])) if raw["error"] else None,
        locals=tuple((str(name), tuple(value)) for name, value in raw["locals"]),
    )


def default_cache_path(repo: Path) -> Path:
    """``$XDG_CACHE_HOME/tfc-toolkit/deps/<hash of the repository's real path>.json``."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(str(repo.resolve()).encode()).hexdigest()[:24]
    return base / "tfc-toolkit" / "deps" / f"{key}.json"


PARALLEL_FROM = 200  # uncached files: below this, parsing on demand is quicker than starting workers


def _parse(item: tuple[str, bytes]) -> dict[str, Any]:
    from dependency_map.hcl import extract_hcl, extract_json

    name, content = item
    return _encode(extract_json(content) if name.endswith(".json") else extract_hcl(content))


class RefsCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] = {}
        self._stats: dict[str, list[str]] = {}  # path -> ["inode size mtime ctime", content key]
        self._dirty = False
        self._fresh: set[str] = set()
        self.parsed = 0  # files parsed this run
        self.hits = 0
        if path is not None:
            try:
                loaded = json.loads(path.read_text())
                if isinstance(loaded, dict) and loaded.get("version") == TOOL_VERSION:
                    self._entries = loaded["files"]
                    self._stats = loaded.get("stats", {})
            except (OSError, ValueError, KeyError, TypeError):
                self._entries = {}  # missing or unreadable: start again

    def prefetch(self, paths: Iterable[Path], workers: int) -> None:
        """Parse the files not cached yet up front, on ``workers`` processes when there are many of them."""
        todo: dict[str, tuple[str, bytes]] = {}
        for path in paths:
            st = path.stat()
            stamp = f"{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"
            known = self._stats.get(str(path))
            if known is not None and known[0] == stamp and known[1] in self._entries:
                continue
            content = path.read_bytes()
            key = self._key(path.name, content)
            self._stats[str(path)] = [stamp, key]
            self._dirty = True
            if key not in self._entries:
                todo[key] = (path.name, content)
        if len(todo) < PARALLEL_FROM or workers < 2:
            return  # parsed on demand
        from dependency_map import hcl  # noqa: F401 - imported before the fork: workers inherit tree-sitter

        context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for key, encoded in zip(todo, pool.map(_parse, todo.values(), chunksize=32), strict=True):
                self._entries[key] = encoded
        self.parsed += len(todo)
        self._fresh.update(todo)  # parsed this run: not cache hits when the resolver asks for them

    def refs_of(self, path: Path) -> FileRefs:
        """What the file at ``path`` (a real path) refers to; unchanged files are not read."""
        st = path.stat()
        stamp = f"{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"
        known = self._stats.get(str(path))
        if known is not None and known[0] == stamp:
            found = self._cached(known[1])
            if found is not None:
                return found
        content = path.read_bytes()
        key = self._key(path.name, content)
        self._stats[str(path)] = [stamp, key]
        self._dirty = True
        return self.refs(path.name, content, key)

    @staticmethod
    def _key(file_name: str, content: bytes) -> str:
        return hashlib.sha256(content).hexdigest() + (":json" if file_name.endswith(".json") else ":hcl")

    def _cached(self, key: str) -> FileRefs | None:
        cached = self._entries.get(key)
        if cached is None:
            return None
        try:
            refs = _decode(cached)
        except (KeyError, TypeError, ValueError):
            return None
        self.hits += key not in self._fresh
        return refs

    def refs(self, file_name: str, content: bytes, key: str | None = None) -> FileRefs:
        key = key or self._key(file_name, content)
        found = self._cached(key)
        if found is not None:
            return found
        from dependency_map.hcl import extract_hcl, extract_json  # tree-sitter: loaded only when a file is parsed

        self.parsed += 1
        refs = extract_json(content) if file_name.endswith(".json") else extract_hcl(content)
        self._entries[key] = _encode(refs)
        self._dirty = True
        return refs

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        document = {"version": TOOL_VERSION, "files": self._entries, "stats": self._stats}
        write_atomically(self.path, json.dumps(document, separators=(",", ":")).encode(), mode=PRIVATE)
