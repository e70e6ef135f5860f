"""Where the workspaces live: a local YAML list, or TFC workspaces' working directories."""

from __future__ import annotations

from pathlib import Path

import yaml

from dependency_map.resolve import Root, normal_directory
from tfc.client import TfcClient
from tfc.errors import ConfigError
from tfc.yamllines import LINE, LineLoader


def roots_from_file(path: Path) -> list[Root]:
    """``workspaces: {name: {working_directory: dir, tags: [...]}}``; errors name file:line."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=LineLoader)  # noqa: S506 - SafeLoader
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the workspace list: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"{path}:{mark.line + 1 if mark else '?'}: not valid YAML") from None
    workspaces = document.get("workspaces") if isinstance(document, dict) else None
    if not isinstance(workspaces, dict):
        raise ConfigError(f"{path}:1: expected a mapping 'workspaces: {{name: {{working_directory: …}}}}'")
    roots = []
    for name, entry in workspaces.items():
        if name == LINE:
            continue
        line = entry.get(LINE, "?") if isinstance(entry, dict) else workspaces.get(LINE, "?")
        directory = entry.get("working_directory") if isinstance(entry, dict) else None
        if not isinstance(directory, str) or not directory.strip():
            raise ConfigError(f"{path}:{line}: workspace {name!r}: working_directory (a string) is required")
        tags = entry.get("tags", [])
        if not isinstance(tags, list):
            raise ConfigError(f"{path}:{line}: workspace {name!r}: tags must be a list")
        roots.append(Root(str(name), normal_directory(directory), tuple(str(t) for t in tags)))
    return sorted(roots, key=lambda r: r.name)


def roots_from_tfc(client: TfcClient) -> list[Root]:
    """Every workspace with a working directory (a workspace without one is the repository root: ``.``)."""
    return sorted((Root(w.name, normal_directory(w.working_directory or ""), w.tag_names)
                   for w in client.list_workspaces()), key=lambda r: r.name)
