"""YAML loading that remembers where each mapping starts, so errors can name file:line."""

from __future__ import annotations

from typing import Any

import yaml

LINE = "__line__"  # key added to every mapping: its 1-based line in the file


class LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping
