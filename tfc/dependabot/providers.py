"""Which providers a directory requires: ``required_providers`` in its .tf files and its dependency lock file.

Parsed with tree-sitter-hcl, the parser the dependency map uses. A provider is named by its source address without
the default registry host (``hashicorp/aws``), lowercase, the way Dependabot's terraform ecosystem names it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser

LOCK_FILE = ".terraform.lock.hcl"
DEFAULT_HOST = "registry.terraform.io"
_PARSER = Parser(Language(tree_sitter_hcl.language()))


@dataclass(frozen=True, order=True)
class ProviderUse:
    source: str  # hashicorp/aws
    where: str  # file:line that requires or locks it (relative to the repository)


def normal_source(raw: str, local_name: str | None = None) -> str:
    """``registry.terraform.io/HashiCorp/AWS`` -> ``hashicorp/aws``; a bare local name means ``hashicorp/<name>``."""
    text = raw.strip().lower()
    if not text:
        return f"hashicorp/{local_name}" if local_name else ""
    parts = text.split("/")
    if len(parts) == 3 and parts[0] == DEFAULT_HOST:
        parts = parts[1:]
    if len(parts) == 1:
        parts = ["hashicorp", parts[0]]
    return "/".join(parts)


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _string(expression: Node | None) -> str | None:
    """The value of a plain string literal expression (no interpolation), else None."""
    if expression is None:
        return None
    literal = expression.named_children[0] if expression.named_children else None
    if literal is None or literal.type != "literal_value":
        return None
    string = literal.named_children[0] if literal.named_children else None
    if string is None or string.type != "string_lit":
        return None
    parts = [c for c in string.named_children if c.type == "template_literal"]
    others = [c for c in string.named_children if c.type not in ("template_literal", "quoted_template_start",
                                                                  "quoted_template_end")]
    return None if others else "".join(_text(p) for p in parts)


def _blocks(body: Node, name: str) -> list[Node]:
    return [b for b in body.named_children if b.type == "block" and b.named_children
            and _text(b.named_children[0]) == name]


def _body(block: Node) -> Node | None:
    return next((c for c in block.named_children if c.type == "body"), None)


def _attributes(body: Node) -> list[tuple[str, Node, Node]]:
    found = []
    for attribute in body.named_children:
        if attribute.type == "attribute" and len(attribute.named_children) >= 2:
            found.append((_text(attribute.named_children[0]), attribute.named_children[1], attribute))
    return found


def _object_source(expression: Node) -> str | None:
    """``{ source = "x/y", version = "..." }`` -> its source (None when there is no literal source)."""
    collection = expression.named_children[0] if expression.named_children else None
    obj = collection.named_children[0] if collection is not None and collection.named_children else None
    if obj is None or obj.type != "object":
        return None
    for element in obj.named_children:
        if element.type != "object_elem" or len(element.named_children) < 2:
            continue
        if _text(element.named_children[0]).strip().strip('"') == "source":
            return _string(element.named_children[1])
    return None


def required_in_file(content: bytes, where: str) -> list[ProviderUse]:
    """Providers a .tf file's ``terraform { required_providers { ... } }`` blocks require."""
    root = _PARSER.parse(content).root_node
    body = next((c for c in root.named_children if c.type == "body"), None)
    uses = []
    for terraform in _blocks(body, "terraform") if body is not None else []:
        terraform_body = _body(terraform)
        for required in _blocks(terraform_body, "required_providers") if terraform_body is not None else []:
            required_body = _body(required)
            for name, expression, attribute in _attributes(required_body) if required_body is not None else []:
                source = _object_source(expression)
                line = attribute.start_point[0] + 1
                uses.append(ProviderUse(normal_source(source or "", name), f"{where}:{line}"))
    return uses


def locked_in_file(content: bytes, where: str) -> list[ProviderUse]:
    """Providers a dependency lock file pins (``provider "registry.terraform.io/hashicorp/aws" { ... }``)."""
    root = _PARSER.parse(content).root_node
    body = next((c for c in root.named_children if c.type == "body"), None)
    uses = []
    for block in _blocks(body, "provider") if body is not None else []:
        label = next((c for c in block.named_children if c.type == "string_lit"), None)
        if label is not None:
            address = "".join(_text(c) for c in label.named_children if c.type == "template_literal")
            uses.append(ProviderUse(normal_source(address), f"{where}:{block.start_point[0] + 1}"))
    return uses


class ProvidersCache:
    """Parsed results by content hash, so an unchanged file is never parsed twice (kept as JSON at ``path``)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[tuple[str, int]]] = {}
        self.parsed = 0
        if path is not None and path.is_file():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                self.entries = {k: [(str(s), int(n)) for s, n in v] for k, v in raw.get("files", {}).items()}
            except (ValueError, AttributeError, TypeError):
                self.entries = {}  # a damaged cache is rebuilt, never trusted
        self._dirty = False

    def uses(self, content: bytes, where: str, *, lock: bool) -> list[ProviderUse]:
        key = ("L" if lock else "T") + hashlib.sha256(content).hexdigest()
        if key not in self.entries:
            self.parsed += 1
            found = locked_in_file(content, "") if lock else required_in_file(content, "")
            self.entries[key] = [(u.source, int(u.where.rsplit(":", 1)[1])) for u in found]
            self._dirty = True
        return [ProviderUse(source, f"{where}:{line}") for source, line in self.entries[key]]

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        from tfc.atomic import PRIVATE, write_atomically

        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps({"version": 1, "files": self.entries}).encode(), mode=PRIVATE)


def directory_providers(repo: Path, directory: str, cache: ProvidersCache | None = None) -> list[ProviderUse]:
    """Every provider the directory's own .tf files require or its lock file pins, with where (sorted)."""
    cache = cache or ProvidersCache(None)
    base = repo / directory if directory else repo
    uses: list[ProviderUse] = []
    for path in sorted(base.glob("*.tf")):
        content = path.read_bytes()
        if b"required_providers" in content:  # the only block read here: skip parsing the rest
            uses.extend(cache.uses(content, path.relative_to(repo).as_posix(), lock=False))
    lock = base / LOCK_FILE
    if lock.is_file():
        uses.extend(cache.uses(lock.read_bytes(), lock.relative_to(repo).as_posix(), lock=True))
    return sorted(uses)
