"""Where the workspaces live: a local YAML list, or TFC workspaces' working directories."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from dependency_map.output import SAFE_NAME
from dependency_map.resolve import Root, normal_directory
from tfc.errors import ConfigError
from tfc.yamllines import LINE, LineLoader

if TYPE_CHECKING:
    from tfc.client import TfcClient

ENTRY_KEYS = frozenset({"working_directory", "tags"})


class _UniqueKeyLoader(LineLoader):
    """The shared line-numbering loader, refusing a key given twice (YAML would silently keep the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = getattr(key_node, "value", None)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"{key!r} is given twice", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def roots_from_file(path: Path, repo: Path | None = None) -> list[Root]:
    """``workspaces: {name: {working_directory: dir, tags: [...]}}``; every error names file:line.

    With ``repo``, each working directory must exist inside it.
    """
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the workspace list: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}:{mark.line + 1 if mark else '?'}: {problem}") from None
    workspaces = document.get("workspaces") if isinstance(document, dict) else None
    if not isinstance(workspaces, dict):
        raise ConfigError(f"{path}:1: expected a mapping 'workspaces: {{name: {{working_directory: …}}}}'")
    extra = sorted(str(k) for k in document if k not in ("workspaces", LINE))
    if extra:
        raise ConfigError(f"{path}:{document[LINE]}: unknown key {extra[0]!r} (expected only 'workspaces')")
    roots = []
    for name, entry in workspaces.items():
        if name == LINE:
            continue
        line = entry.get(LINE, "?") if isinstance(entry, dict) else workspaces.get(LINE, "?")
        where = f"{path}:{line}: workspace {name!r}"
        if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
            raise ConfigError(f"{where}: a workspace name has 1-90 letters, digits, '-' or '_'")
        directory = entry.get("working_directory") if isinstance(entry, dict) else None
        if not isinstance(directory, str):
            raise ConfigError(f"{where}: working_directory (a string) is required")
        unknown = sorted(str(k) for k in entry if k not in ENTRY_KEYS and k != LINE)
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r} (expected working_directory, tags)")
        tags = entry.get("tags", [])
        if not isinstance(tags, list):
            raise ConfigError(f"{where}: tags must be a list")
        directory = normal_directory(directory)
        if repo is not None:
            _check_directory(repo, directory, where)
        roots.append(Root(name, directory, tuple(str(t) for t in tags)))
    return sorted(roots, key=lambda r: r.name)


def _check_directory(repo: Path, directory: str, where: str) -> None:
    real_repo = repo.resolve()
    target = (real_repo / directory).resolve()
    if target != real_repo and real_repo not in target.parents:
        raise ConfigError(f"{where}: working_directory {directory!r} is outside the repository")
    if not target.is_dir():
        raise ConfigError(f"{where}: working_directory {directory or '.'!r} does not exist in {repo}")


def roots_from_tfc(client: TfcClient) -> list[Root]:
    """Every workspace with its working directory (a workspace without one is the repository root: ``""``)."""
    return sorted((Root(w.name, normal_directory(w.working_directory or ""), w.tag_names)
                   for w in client.list_workspaces()), key=lambda r: r.name)
