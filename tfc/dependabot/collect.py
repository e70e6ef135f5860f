"""The directories Dependabot should look at: every workspace root and every local module the roots use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from dependency_map.mapping import MapResult
from dependency_map.resolve import Root
from tfc.dependabot.plan import Directory
from tfc.dependabot.providers import ProvidersCache, ProviderUse, directory_providers


def _tag(root: Root, key: str) -> str:
    return next((t.split(":", 1)[1] for t in root.tags if t.startswith(f"{key}:")), "")


def collect_directories(repo: Path, roots: Sequence[Root], mapped: MapResult,
                        cache: ProvidersCache | None = None) -> list[Directory]:
    """Roots with their own providers and their modules' providers; modules with the workspaces that use them."""
    users: dict[str, list[Root]] = defaultdict(list)
    modules_of: dict[str, set[str]] = {}
    for root in roots:
        result = mapped.maps.get(root.name)
        modules = {module for _, module in result.module_edges} if result is not None else set()
        modules.discard(root.directory)
        modules_of[root.name] = modules
        for module in modules:
            users[module].append(root)
    own: dict[str, tuple[ProviderUse, ...]] = {}

    def providers(directory: str) -> tuple[ProviderUse, ...]:
        if directory not in own:
            own[directory] = tuple(directory_providers(repo, directory, cache))
        return own[directory]

    directories: list[Directory] = []
    by_directory: dict[str, list[Root]] = defaultdict(list)
    for root in roots:
        by_directory[root.directory].append(root)
    for path, rooted in sorted(by_directory.items()):
        via = tuple(sorted({use for module in sorted(set().union(*(modules_of[r.name] for r in rooted)))
                            for use in providers(module)}))
        directories.append(Directory(path, tuple(r.name for r in rooted), False,
                                     tuple(_tag(r, "tier") for r in rooted), tuple(_tag(r, "owner") for r in rooted),
                                     providers(path), via))
    for module, using in sorted(users.items()):
        if module in by_directory:
            continue  # a root that another root also calls as a module: its own entry already covers it
        directories.append(Directory(module, tuple(sorted(r.name for r in using)), True,
                                     tuple(_tag(r, "tier") for r in using), tuple(_tag(r, "owner") for r in using),
                                     providers(module)))
    return directories
