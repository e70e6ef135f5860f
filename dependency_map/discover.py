"""Find root modules in a repository: directories with Terraform files that no local module call points at."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dependency_map.cache import RefsCache
from dependency_map.resolve import Root

_BACKEND = re.compile(rb'^\s*(backend\s+"[^"]*"\s*\{|cloud\s*\{)', re.MULTILINE)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class Found:
    directory: str  # repository-relative, "" for the repository root
    backend: bool  # has a backend or cloud block: certainly a root


def terraform_directories(repo: Path) -> dict[str, list[Path]]:
    """Directory -> its own (not symlinked) ``.tf`` files; hidden and symlinked directories are skipped."""
    found: dict[str, list[Path]] = {}
    for current, dirs, files in os.walk(repo):  # does not descend into symlinked directories
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(current)
        own = [base / f for f in files if f.endswith((".tf", ".tf.json")) and not (base / f).is_symlink()]
        if own:
            rel = base.relative_to(repo).as_posix()
            found["" if rel == "." else rel] = sorted(own)
    return found


def discover_roots(repo: Path, cache: RefsCache) -> list[Found]:
    """Directories with Terraform files that are not the target of any local module source."""
    repo = repo.resolve()
    directories = terraform_directories(repo)
    called: set[str] = set()
    backends: set[str] = set()
    for directory, files in directories.items():
        for path in files:
            content = path.read_bytes()
            if _BACKEND.search(content):
                backends.add(directory)
            for call in cache.refs(path.name, content).modules:
                if call.source.startswith(("./", "../")):
                    target = Path(os.path.normpath(repo / directory / call.source))
                    called.add(target.relative_to(repo).as_posix() if target.is_relative_to(repo) else "")
    cache.save()
    return [Found(d, d in backends) for d in sorted(directories) if d not in called or d in backends]


def compare(found: list[Found], roots: list[Root], terraform: Iterable[str]) -> tuple[list[str], list[str]]:
    """(workspaces whose working directory holds no Terraform files, found roots no workspace uses)."""
    has_terraform = set(terraform)
    used = {r.directory for r in roots}
    return (sorted(r.name for r in roots if r.directory not in has_terraform),
            [f.directory for f in found if f.directory not in used])


def workspace_name(directory: str, taken: set[str]) -> str:
    """A TFC-valid name from a directory (``envs/prod/app`` -> ``envs-prod-app``), unique among ``taken``."""
    base = _UNSAFE.sub("-", directory).strip("-")[:80] or "root"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def render_roots(found: list[Found]) -> str:
    """An editable roots file for ``--roots``; directories with a backend/cloud block are marked."""
    lines = ["# Roots found by `tfc deps roots`: edit names, remove what is not a workspace, add tags.",
             "workspaces:" + ("" if found else " {}")]
    taken: set[str] = set()
    for item in found:
        note = "  # backend/cloud block" if item.backend else ""
        lines.append(f"  {workspace_name(item.directory, taken)}: "
                     f"{{working_directory: {json.dumps(item.directory or '.')}}}{note}")
    return "\n".join(lines) + "\n"
