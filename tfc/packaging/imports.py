"""What a handler imports, read from the source (every ``import``, also inside functions), not by running it.

First-party modules are followed transitively file by file; everything else that is not in the standard library is
reported by its top-level name, to be mapped to the distribution that provides it.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

FIRST_PARTY = frozenset({"tfc", "dependency_map", "notifier", "reporting", "backup", "monitor"})
# Standard-library modules that need a distribution where the OS does not provide the data (Lambda's images may
# carry no time-zone database: zoneinfo then falls back to the tzdata package).
IMPLIED = {"zoneinfo": "tzdata"}


@dataclass
class ImportClosure:
    files: set[Path] = field(default_factory=set)  # first-party source files, absolute
    third_party: set[str] = field(default_factory=set)  # top-level module names


def module_file(source_root: Path, module: str) -> Path | None:
    """The file that defines ``module`` under ``source_root`` (a package's ``__init__.py``), if any."""
    base = source_root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking_guard(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Absolute module names an import statement may load (``from a import b``: both ``a`` and ``a.b``)."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and _is_type_checking_guard(node):
            pending.extend(node.orelse)  # the guarded imports never run
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base_parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
        pending.extend(ast.iter_child_nodes(node))
    return names


def import_closure(source_root: Path, root_module: str) -> ImportClosure:
    closure = ImportClosure()
    todo = [root_module]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        top = module.split(".", 1)[0]
        if top not in FIRST_PARTY:
            if top in IMPLIED:
                closure.third_party.add(IMPLIED[top])
            elif top and top not in sys.stdlib_module_names and top != "__future__":
                closure.third_party.add(top)
            continue
        path = module_file(source_root, module)
        if path is None:
            continue  # ``from package import name`` where name is an attribute, not a module
        closure.files.add(path)
        parts = module.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages run first
        tree = ast.parse(path.read_bytes(), filename=str(path))
        todo.extend(_imported_names(tree, module, path.name == "__init__.py"))
    if root_module not in seen or module_file(source_root, root_module) is None:
        raise ModuleNotFoundError(f"handler module {root_module} not found under {source_root}")
    return closure
