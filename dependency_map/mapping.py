"""Map many workspaces at once; one workspace's failure never stops the others."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dependency_map.cache import RefsCache
from dependency_map.globs import matches
from dependency_map.resolve import DepsError, Hop, Resolver, Root, WorkspaceMap

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class MapResult:
    maps: dict[str, WorkspaceMap] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # workspace -> message (file:line …)
    files_parsed: int = 0
    cache_hits: int = 0


def build_map(repo: Path, roots: Sequence[Root], *, cache_path: Path | None, strict: bool = False) -> MapResult:
    cache = RefsCache(cache_path)
    cache.prefetch(terraform_files(repo), workers=min(os.cpu_count() or 1, 4))
    resolver = Resolver(repo, cache, roots=[r.directory for r in roots], strict=strict)
    result = MapResult()
    for root in roots:
        try:
            result.maps[root.name] = resolver.map_workspace(root)
        except DepsError as exc:
            result.errors[root.name] = str(exc)
        except OSError as exc:
            result.errors[root.name] = f"{exc.filename or root.directory}: {exc.strerror}"
    cache.save()
    result.files_parsed, result.cache_hits = cache.parsed, cache.hits
    return result


def terraform_files(repo: Path) -> list[Path]:
    """Every ``.tf``/``.tf.json`` file of the repository outside hidden directories (not through symlinks)."""
    found: list[Path] = []
    for current, dirs, files in os.walk(repo.resolve()):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(current, f) for f in files if f.endswith((".tf", ".tf.json")))
    return found


def affected_workspaces(patterns: Mapping[str, Iterable[str]], changed: Iterable[str]) -> list[str]:
    """The workspaces whose trigger patterns match any changed path (repository-relative)."""
    paths = [p.strip().removeprefix("./").lstrip("/") for p in changed if p.strip()]
    return sorted(name for name, globs in patterns.items() if any(matches(g, p) for g in globs for p in paths))


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def changed_since(repo: Path, ref: str) -> tuple[list[str], list[str]]:
    """(files changed between ``ref`` and the working tree, untracked files), as git reports them."""
    if ref.startswith("-"):
        raise DepsError(f"--since {ref!r}: not a git reference")
    if _git(repo, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise DepsError(f"--since needs a git repository: {repo} is not inside one")
    done = _git(repo, "diff", "--name-only", "--no-renames", ref, "--")
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["failed"])[0]
        raise DepsError(f"git diff {ref}: {message}")
    untracked = _git(repo, "ls-files", "--others", "--exclude-standard")
    return [line for line in done.stdout.splitlines() if line], [line for line in untracked.stdout.splitlines() if line]


def expand_paths(repo: Path, paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(the paths with each directory replaced by the files under it, the paths that do not exist)."""
    out: list[str] = []
    missing: list[str] = []
    for raw in paths:
        path = raw.strip().removeprefix("./").strip("/")
        full = repo / path
        if full.is_dir():
            for current, dirs, files in os.walk(full):
                dirs[:] = [d for d in dirs if d != ".git"]
                rel = Path(current).relative_to(repo).as_posix()
                out.extend(f"{rel}/{name}" if rel != "." else name for name in files)
        else:
            if not full.exists() and not full.is_symlink():
                missing.append(path)
            out.append(path)
    return out, missing


def commit_files(repo: Path, commit: str) -> list[str]:
    """The files one commit changed."""
    done = _git(repo, "show", "--name-only", "--format=", "--no-renames", commit)
    if done.returncode != 0:
        raise DepsError(f"git show {commit}: {(done.stderr.strip().splitlines() or ['failed'])[0]}")
    return [line for line in done.stdout.splitlines() if line]


def why(ws: WorkspaceMap, path: str) -> tuple[str, tuple[Hop, ...]] | None:
    """The most specific pattern that watches ``path`` and the chain of module calls and reads behind it."""
    found = [p for p in ws.patterns if matches(p, path.lstrip("/"))]
    if not found:
        return None
    pattern = min(found, key=lambda p: ("*" in p or "?" in p, -len(p), p))
    return pattern, ws.reasons[pattern]


def module_graph(maps: Iterable[WorkspaceMap]) -> nx.DiGraph:
    import networkx  # only `graph` needs it: kept out of the CLI's start-up

    graph = networkx.DiGraph()
    for ws in maps:
        root = f"workspace:{ws.root.name}"
        graph.add_node(root, kind="workspace")
        graph.add_edge(root, ws.root.directory)
        for caller, module in ws.module_edges:
            graph.add_edge(caller, module)
    return graph


def to_dot(graph: nx.DiGraph) -> str:
    lines = ["digraph modules {", "  rankdir=LR;"]
    for node, data in sorted(graph.nodes(data=True)):
        shape = "box" if data.get("kind") == "workspace" else "folder"
        lines.append(f'  "{node}" [shape={shape}];')
    lines.extend(f'  "{a}" -> "{b}";' for a, b in sorted(graph.edges()))
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: nx.DiGraph) -> str:
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes()))}
    lines = ["graph LR"]
    for node, ident in ids.items():
        lines.append(f'  {ident}["{node}"]')
    lines.extend(f"  {ids[a]} --> {ids[b]}" for a, b in sorted(graph.edges()))
    return "\n".join(lines) + "\n"
