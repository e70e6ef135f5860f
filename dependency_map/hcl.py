"""Extract module calls, file reads, path strings and string locals from HCL with tree-sitter queries.

One query finds the candidates in C (function calls, blocks, strings that start like a path, bare
``path.module``-style references); Python only looks at those few nodes. Comments are not blocks to the parser,
so commented-out modules are ignored; calls inside heredocs and template strings are real expressions to it.
A file that is too deeply nested to inspect fails alone, with its line, instead of the whole run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from dependency_map.refs import (
    FILE_FUNCTIONS,
    LOCAL,
    PATH_CWD,
    PATH_MODULE,
    PATH_ROOT,
    PATH_STRING,
    FileRead,
    FileRefs,
    ModuleCall,
    Piece,
    anchored,
)

_LANGUAGE = Language(tree_sitter_hcl.language())
_PATHS = {"module": PATH_MODULE, "root": PATH_ROOT, "cwd": PATH_CWD}
_QUERY = Query(_LANGUAGE, r"""
(function_call (identifier) @fn) @call
(block (identifier)) @block
((string_lit) @string (#match? @string "^.[.][.]?/"))
((quoted_template) @string (#match? @string "^.([.][.]?/|[$][{] *(path|local)[.])"))
((expression (variable_expr (identifier) @var) . (get_attr)) @reference (#eq? @var "path"))
""")
_PARSER = Parser(_LANGUAGE)
MAX_DEPTH = 200  # brackets deeper than this are not Terraform anyone writes: the file fails, with its line


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _children(node: Node, kind: str) -> Iterator[Node]:
    return (c for c in node.children if c.type == kind)


def _error_location(root: Node, lines: int) -> tuple[int, str]:
    """The first ERROR or MISSING node, innermost: a missing closing token points at what it should close."""
    node = root
    while True:
        bad = next((c for c in node.children if c.has_error or c.type == "ERROR" or c.is_missing), None)
        if bad is None:
            break
        node = bad
    if node.is_missing:
        opened = node.parent or node
        while opened.parent is not None and opened.start_byte >= node.start_byte:  # a wrapper around the token
            opened = opened.parent
        what = "string" if node.type == "quoted_template_end" else f"{opened.type.replace('_', ' ')}"
        line = min(opened.start_point[0] + 1, lines)
        return line, f"HCL syntax error: unterminated {what} (missing {node.type!r})"
    first = min(node.start_point[0] + 1, lines)
    last = min(node.end_point[0] + (1 if node.end_point[1] > 0 else 0), lines)
    return first, f"HCL syntax error in lines {first}-{last}" if last > first else "HCL syntax error"


def _unwrap(expression: Node) -> Node:
    node = expression
    while node.type in ("expression", "literal_value", "template_expr") and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def pieces(expression: Node) -> tuple[Piece, ...]:
    """A path expression as literal text and known references; unknown parts become None."""
    node = _unwrap(expression)
    if node.type in ("string_lit", "quoted_template", "heredoc_template"):
        out: list[Piece] = []
        for part in node.named_children:
            if part.type == "template_literal":
                out.append(_text(part))
            elif part.type == "template_interpolation":
                inner = next(_children(part, "expression"), None)
                out.extend(pieces(inner) if inner is not None else [None])
            elif part.type not in ("quoted_template_start", "quoted_template_end", "heredoc_start",
                                   "heredoc_identifier"):
                out.append(None)
        return tuple(out)
    if node.type == "expression" and node.named_child_count == 2:
        head, attr = node.named_children
        name = _text(attr)[1:].strip() if attr.type == "get_attr" else ""
        if head.type == "variable_expr" and name:
            if _text(head) == "path" and name in _PATHS:
                return (_PATHS[name],)
            if _text(head) == "local":
                return (LOCAL + name,)
    return (None,)


def _arguments(call: Node) -> list[Node]:
    args = next(_children(call, "function_arguments"), None)
    return [] if args is None else list(_children(args, "expression"))


def _span(node: Node) -> tuple[int, int]:
    inner = _unwrap(node)
    return inner.start_byte, inner.end_byte


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{[()]}")


def _too_deep(content: bytes) -> bool:
    depth = 0
    for byte in content.translate(None, _NOT_BRACKETS):  # only the brackets: a short loop
        depth += 1 if byte in b"{[(" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _depth_line(content: bytes) -> int:
    """The line where brackets first nest deeper than MAX_DEPTH (brackets inside strings count too)."""
    depth = 0
    for line, text in enumerate(content.split(b"\n"), 1):
        for byte in text.translate(None, _NOT_BRACKETS):
            depth += 1 if byte in b"{[(" else -1
            if depth > MAX_DEPTH:
                return line
    return 1


def extract_hcl(content: bytes) -> FileRefs:
    if _too_deep(content):
        return FileRefs(error=(_depth_line(content), f"nested more than {MAX_DEPTH} levels deep; not read"))
    root = _PARSER.parse(content).root_node
    if root.has_error:
        return FileRefs(error=_error_location(root, content.count(b"\n") + 1))
    return _extract(root)


def _extract(root: Node) -> FileRefs:
    captured = QueryCursor(_QUERY).captures(root)
    modules: list[ModuleCall] = []
    reads: list[FileRead] = []
    local_values: list[tuple[str, tuple[Piece, ...]]] = []
    consumed: set[tuple[int, int]] = set()  # module sources and file-function paths, not read again as strings
    for block in captured.get("block", ()):
        kind = _text(block.children[0])
        if kind not in ("module", "locals"):
            continue
        labels = [c for c in block.children if c.type == "string_lit"]
        body = next(_children(block, "body"), None)
        for attribute in () if body is None else _children(body, "attribute"):
            key, value = next(_children(attribute, "identifier"), None), next(_children(attribute, "expression"), None)
            if key is None or value is None:
                continue
            if kind == "module" and len(labels) == 1 and _text(key) == "source":
                source = pieces(value)
                if len(source) == 1 and isinstance(source[0], str) and not source[0].startswith("\x00"):
                    modules.append(ModuleCall(_text(labels[0]).strip('"'), source[0], attribute.start_point[0] + 1))
                    consumed.add(_span(value))
            elif kind == "locals":
                found = pieces(value)
                if found != (None,):
                    local_values.append((_text(key), found))
    for call in captured.get("call", ()):
        name = _text(call.children[0])
        args = _arguments(call) if name in FILE_FUNCTIONS else []
        if args:
            pattern = pieces(args[1]) if name == "fileset" and len(args) > 1 else None
            reads.append(FileRead(name, pieces(args[0]), call.start_point[0] + 1, pattern))
            consumed.update(_span(a) for a in args[:2] if name == "fileset" or a is args[0])
    for string in captured.get("string", ()):
        if (string.start_byte, string.end_byte) not in consumed:
            found = pieces(string)
            if anchored(found) or (found[0] or "").startswith(LOCAL):
                reads.append(FileRead(PATH_STRING, found, string.start_point[0] + 1))
    for reference in captured.get("reference", ()):
        parent = reference.parent
        if (parent is None or parent.type != "template_interpolation") and _span(reference) not in consumed:
            found = pieces(reference)
            if found[0] is not None:
                reads.append(FileRead(PATH_STRING, found, reference.start_point[0] + 1))
    reads.sort(key=lambda r: r.line)
    return FileRefs(tuple(modules), tuple(reads), locals=tuple(local_values))


def extract_json(content: bytes) -> FileRefs:
    """A ``.tf.json`` file: ``module`` objects, and file functions and path strings inside its strings."""
    if _too_deep(content):
        return FileRefs(error=(_depth_line(content), f"nested more than {MAX_DEPTH} levels deep; not read"))
    try:
        document = json.loads(content)
    except ValueError as exc:
        return FileRefs(error=(getattr(exc, "lineno", 1), f"JSON syntax error: {exc}"))
    return _extract_json(content, document)


def _extract_json(content: bytes, document: object) -> FileRefs:
    modules: list[ModuleCall] = []
    sources: set[str] = set()
    blocks = document.get("module", {}) if isinstance(document, dict) else {}
    for entry in blocks if isinstance(blocks, list) else [blocks]:
        for name, body in (entry.items() if isinstance(entry, dict) else []):
            for item in body if isinstance(body, list) else [body]:
                if isinstance(item, dict) and isinstance(item.get("source"), str):
                    modules.append(ModuleCall(name, item["source"], _line_of(content, item["source"])))
                    sources.add(item["source"])
    reads: list[FileRead] = []
    for value in _strings(document):
        if value in sources or not ("${" in value or value.startswith(("./", "../"))):
            continue
        root = _PARSER.parse(b"__x = <<EOT\n" + value.encode() + b"\nEOT\n").root_node
        if root.has_error:
            continue
        line = _line_of(content, value)
        reads.extend(FileRead(r.function, r.pieces, line, r.pattern) for r in _extract(root).reads)
        heredoc = _unwrap(root.children[0].children[0].children[2])
        whole = pieces(heredoc)
        whole = (*whole[:-1], whole[-1].removesuffix("\n")) if isinstance(whole[-1], str) else whole
        if anchored(whole):
            reads.append(FileRead(PATH_STRING, whole, line))
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
