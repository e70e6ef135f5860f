"""Map many workspaces at once; one workspace's failure never stops the others."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from dependency_map.cache import RefsCache
from dependency_map.globs import matches
from dependency_map.resolve import DepsError, Hop, Resolver, Root, WorkspaceMap


@dataclass
class MapResult:
    maps: dict[str, WorkspaceMap] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # workspace -> message (file:line …)
    files_parsed: int = 0
    cache_hits: int = 0


def build_map(repo: Path, roots: Sequence[Root], *, cache_path: Path | None, strict: bool = False) -> MapResult:
    cache = RefsCache(cache_path)
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


def affected_workspaces(patterns: Mapping[str, Iterable[str]], changed: Iterable[str]) -> list[str]:
    """The workspaces whose trigger patterns match any changed path (repository-relative)."""
    paths = [p.strip().removeprefix("./").lstrip("/") for p in changed if p.strip()]
    return sorted(name for name, globs in patterns.items() if any(matches(g, p) for g in globs for p in paths))


def changed_since(repo: Path, ref: str) -> list[str]:
    """Files changed between ``ref`` and the working tree, as git reports them (renames: both sides)."""
    if ref.startswith("-"):
        raise DepsError(f"--since {ref!r}: not a git reference")
    command = ["git", "-C", str(repo), "diff", "--name-only", "--no-renames", ref, "--"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DepsError(f"git diff {ref}: {done.stderr.strip() or 'failed'}")
    return [line for line in done.stdout.splitlines() if line]


def commit_files(repo: Path, commit: str) -> list[str]:
    """The files one commit changed."""
    done = subprocess.run(["git", "-C", str(repo), "show", "--name-only", "--format=", "--no-renames", commit],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DepsError(f"git show {commit}: {done.stderr.strip() or 'failed'}")
    return [line for line in done.stdout.splitlines() if line]


def why(ws: WorkspaceMap, path: str) -> tuple[str, tuple[Hop, ...]] | None:
    """The most specific pattern that watches ``path`` and the chain of module calls and reads behind it."""
    found = [p for p in ws.patterns if matches(p, path.lstrip("/"))]
    if not found:
        return None
    pattern = min(found, key=lambda p: ("*" in p or "?" in p, -len(p), p))
    return pattern, ws.reasons[pattern]


def module_graph(maps: Iterable[WorkspaceMap]) -> nx.DiGraph:
    graph = nx.DiGraph()
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
