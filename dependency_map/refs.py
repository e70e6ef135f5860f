"""What one Terraform file refers to, independent of which workspace uses it: module calls, paths, locals."""

from __future__ import annotations

from dataclasses import dataclass

# A path expression as a sequence of pieces: literal text, or one of the references below; None marks a piece
# that cannot be known statically (a variable, a function call…). ``local.NAME`` is kept as a marker so the
# resolver can substitute the module's local once.
PATH_MODULE = "\x00path.module"
PATH_ROOT = "\x00path.root"
PATH_CWD = "\x00path.cwd"
LOCAL = "\x00local."
Piece = str | None

PATH_STRING = "path"  # FileRead.function of a path string outside the file functions (archive source_dir, …)


@dataclass(frozen=True, slots=True)
class ModuleCall:
    name: str
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class FileRead:
    function: str  # file, templatefile, fileset, … or PATH_STRING for a path string in any attribute
    pieces: tuple[Piece, ...]  # the path (for fileset: the directory)
    line: int
    pattern: tuple[Piece, ...] | None = None  # fileset's glob


@dataclass(frozen=True, slots=True)
class FileRefs:
    modules: tuple[ModuleCall, ...] = ()
    reads: tuple[FileRead, ...] = ()
    error: tuple[int, str] | None = None  # (line, message) of a syntax error
    locals: tuple[tuple[str, tuple[Piece, ...]], ...] = ()  # local name -> its value, where it is a string


FILE_FUNCTIONS = frozenset({"file", "templatefile", "fileset", "filebase64", "filemd5", "filesha1", "filesha256",
                            "filesha512", "filebase64sha256", "filebase64sha512", "fileexists"})


def is_reference(piece: Piece) -> bool:
    return piece is not None and piece.startswith("\x00")


def anchored(pieces: tuple[Piece, ...]) -> bool:
    """A path Terraform resolves against a known directory: ``path.module``/``root``/``cwd``, ``./`` or ``../``."""
    if not pieces:
        return False
    first = pieces[0]
    return first in (PATH_MODULE, PATH_ROOT, PATH_CWD) or (
        isinstance(first, str) and not is_reference(first) and first.startswith(("./", "../")))


def substitute_locals(pieces: tuple[Piece, ...], values: dict[str, tuple[Piece, ...]]) -> tuple[Piece, ...]:
    """One level of ``local.`` indirection: a local's own pieces replace it; its locals stay unknown."""
    if not any(p is not None and p.startswith(LOCAL) for p in pieces):
        return pieces
    out: list[Piece] = []
    for piece in pieces:
        if piece is not None and piece.startswith(LOCAL):
            value = values.get(piece[len(LOCAL):], (None,))
            out.extend(None if p is not None and p.startswith(LOCAL) else p for p in value)
        else:
            out.append(piece)
    return tuple(out)
