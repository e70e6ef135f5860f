"""Extract module calls and file reads from HCL with tree-sitter (about 100x faster than python-hcl2).

Comments (``#``, ``//``, ``/* */``) are not blocks to the parser, so commented-out modules are ignored; calls
inside heredocs and template strings are real expressions to it, so they are found.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser

from dependency_map.refs import FILE_FUNCTIONS, PATH_CWD, PATH_MODULE, PATH_ROOT, FileRead, FileRefs, ModuleCall, Piece

_LANGUAGE = Language(tree_sitter_hcl.language())
_PATHS = {"module": PATH_MODULE, "root": PATH_ROOT, "cwd": PATH_CWD}


def _parser() -> Parser:
    return Parser(_LANGUAGE)


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _children(node: Node, kind: str) -> Iterator[Node]:
    return (c for c in node.children if c.type == kind)


def _deepest_error(node: Node) -> Node | None:
    """The innermost ERROR (or MISSING) node: the closest the parser gets to the mistake."""
    for child in node.children:
        if child.has_error or child.type == "ERROR" or child.is_missing:
            found = _deepest_error(child)
            if found is not None:
                return found
    return node if node.type == "ERROR" or node.is_missing else None


def _error_location(root: Node) -> tuple[int, str]:
    bad = _deepest_error(root) or root
    first = bad.start_point[0] + 1
    last = bad.end_point[0] + (1 if bad.end_point[1] > 0 else 0)
    if bad.is_missing:
        return first, f"HCL syntax error: missing {bad.type!r}"
    if last > first:
        return first, f"HCL syntax error in lines {first}-{last}"
    return first, "HCL syntax error"


def pieces(expression: Node) -> tuple[Piece, ...]:
    """A path expression as literal text and known path references; unknown parts become None."""
    node = expression
    while node.type in ("expression", "literal_value", "template_expr") and node.named_child_count == 1:
        node = node.named_children[0]
    if node.type in ("string_lit", "quoted_template"):
        out: list[Piece] = []
        for part in node.named_children:
            if part.type == "template_literal":
                out.append(_text(part))
            elif part.type == "template_interpolation":
                inner = next(_children(part, "expression"), None)
                out.extend(pieces(inner) if inner is not None else [None])
            elif part.type in ("quoted_template_start", "quoted_template_end"):
                continue
            else:
                out.append(None)
        return tuple(out)
    if node.type == "variable_expr" or (node.type == "expression" and node.named_child_count == 2):
        text = _text(expression).replace(" ", "")
        if text.startswith("path.") and text[5:] in _PATHS:
            return (_PATHS[text[5:]],)
    return (None,)


def _arguments(call: Node) -> list[Node]:
    args = next(_children(call, "function_arguments"), None)
    return [] if args is None else list(_children(args, "expression"))


def _walk(node: Node, modules: list[ModuleCall], reads: list[FileRead]) -> None:
    if node.type == "block":
        ident = next(_children(node, "identifier"), None)
        labels = [c for c in node.children if c.type == "string_lit"]
        if ident is not None and _text(ident) == "module" and len(labels) == 1:
            _module(node, _text(labels[0]).strip('"'), modules)
    elif node.type == "function_call":
        ident = next(_children(node, "identifier"), None)
        name = _text(ident) if ident is not None else ""
        if name in FILE_FUNCTIONS:
            args = _arguments(node)
            if args:
                pattern = pieces(args[1]) if name == "fileset" and len(args) > 1 else None
                reads.append(FileRead(name, pieces(args[0]), node.start_point[0] + 1, pattern))
    for child in node.children:
        _walk(child, modules, reads)


def _module(block: Node, name: str, modules: list[ModuleCall]) -> None:
    body = next(_children(block, "body"), None)
    if body is None:
        return
    for attribute in _children(body, "attribute"):
        key = next(_children(attribute, "identifier"), None)
        value = next(_children(attribute, "expression"), None)
        if key is not None and value is not None and _text(key) == "source":
            source = pieces(value)
            if len(source) == 1 and isinstance(source[0], str) and not source[0].startswith("\x00"):
                modules.append(ModuleCall(name, source[0], attribute.start_point[0] + 1))


def extract_hcl(content: bytes) -> FileRefs:
    tree = _parser().parse(content)
    root = tree.root_node
    if root.has_error:
        return FileRefs(error=_error_location(root))
    modules: list[ModuleCall] = []
    reads: list[FileRead] = []
    if b"module" in content or b"file" in content:  # most files call neither: skip the walk
        _walk(root, modules, reads)
    return FileRefs(tuple(modules), tuple(reads))


def extract_json(content: bytes) -> FileRefs:
    """A ``.tf.json`` file: ``module`` objects, and file functions inside ``${…}`` strings."""
    try:
        document = json.loads(content)
    except ValueError as exc:
        return FileRefs(error=(getattr(exc, "lineno", 1), f"JSON syntax error: {exc}"))
    modules: list[ModuleCall] = []
    blocks = document.get("module", {}) if isinstance(document, dict) else {}
    for entry in blocks if isinstance(blocks, list) else [blocks]:
        for name, body in (entry.items() if isinstance(entry, dict) else []):
            for item in body if isinstance(body, list) else [body]:
                if isinstance(item, dict) and isinstance(item.get("source"), str):
                    modules.append(ModuleCall(name, item["source"], _line_of(content, item["source"])))
    reads: list[FileRead] = []
    for value in _strings(document):
        if "${" in value and "file" in value:
            template = extract_hcl(b"__x = <<EOT\n" + value.encode() + b"\nEOT\n")
            line = _line_of(content, value)
            reads.extend(FileRead(r.function, r.pieces, line, r.pattern) for r in template.reads)
    return FileRefs(tuple(modules), tuple(reads))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _line_of(content: bytes, text: str) -> int:
    needle = json.dumps(text)[1:-1].encode()
    index = content.find(needle)
    return content.count(b"\n", 0, index) + 1 if index >= 0 else 1
