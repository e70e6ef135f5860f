"""YAML loading that remembers where each mapping starts, and refuses documents that would explode in memory.

Every loader of untrusted YAML (roots file, scenario, notifier configuration) should use :class:`LineLoader`,
:class:`FastLineLoader` (the same on libyaml's parser, when PyYAML has it) or :func:`load_yaml`. Aliases are
shared when PyYAML builds the objects, but whoever walks, copies or prints the result expands them: nine levels
of nine aliases (a 500-byte "billion laughs") are 387 million nodes. So a document whose aliases add more than
:data:`MAX_ALIAS_NODES` nodes, that refers to itself, or that nests deeper than :data:`MAX_DEPTH` is refused
before anything is built, with the line where it happens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

from tfc.errors import ConfigError

LINE = "__line__"  # key added to every mapping: its 1-based line in the file
MAX_ALIAS_NODES: Final = 100_000  # nodes aliases may add beyond those written in the file
MAX_DEPTH: Final = 100  # nesting levels; real configuration files use fewer than ten


class YamlLimitError(yaml.MarkedYAMLError):
    """A document refused for its shape (alias expansion, self-reference, depth), not its syntax."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_expansion(root: yaml.Node, limit: int = MAX_ALIAS_NODES, max_depth: int = MAX_DEPTH) -> int:
    """The number of nodes ``root`` stands for once every alias is expanded; raises past ``limit`` extra nodes,
    on a node that contains itself, or past ``max_depth`` levels.

    One pass over the distinct nodes (sizes are memoised), iterative so that depth costs no recursion.
    """
    sizes: dict[int, int] = {}
    started: set[int] = set()  # expansion begun and not finished: the current path, so a revisit is a cycle
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            started.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] - len(sizes) > limit:
                raise YamlLimitError(
                    problem=f"aliases expand to {sizes[key]:,} nodes here, more than {limit:,} beyond the file's own",
                    problem_mark=node.start_mark,
                )
            continue
        if key in sizes:
            continue
        started.add(key)
        if len(started) > max_depth:
            raise YamlLimitError(problem=f"nested deeper than {max_depth} levels", problem_mark=node.start_mark)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in started:
                problem = "an alias refers to a node that contains it"
                raise YamlLimitError(problem=problem, problem_mark=child.start_mark)
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


class LineLoader(yaml.SafeLoader):
    """A SafeLoader that adds :data:`LINE` to every mapping and enforces the limits above."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(
                    problem=f"nested deeper than {MAX_DEPTH} levels",
                    problem_mark=self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        if node is not None:
            check_expansion(node)
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


_FastBase: Any = getattr(yaml, "CSafeLoader", None) or LineLoader  # LineLoader when PyYAML lacks libyaml


class FastLineLoader(_FastBase):  # type: ignore[misc]
    """:class:`LineLoader` on libyaml's parser (about four times faster) with the same limits, checked on the
    composed document before anything is built (libyaml composes without Python recursion)."""

    def get_single_node(self) -> yaml.Node | None:
        node: yaml.Node | None = super().get_single_node()
        if node is not None:
            check_expansion(node)
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_yaml(path: Path, what: str, *, loader: type[Any] = LineLoader) -> Any:
    """Read and parse ``path`` (``what`` it is, for messages); every failure is a ConfigError naming file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the {what} is not UTF-8 text (byte {exc.start})") from None
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - LineLoader or FastLineLoader, both safe
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else "?"
        if isinstance(exc, YamlLimitError):
            raise ConfigError(f"{path}:{line}: {what} refused: {exc.problem}") from None
        raise ConfigError(f"{path}:{line}: {what} is not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: {what} is not valid YAML: {exc}") from None
