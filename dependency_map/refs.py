"""What one Terraform file refers to, independent of which workspace uses it: module calls and file reads."""

from __future__ import annotations

from dataclasses import dataclass

# A path expression as a sequence of pieces: literal text, or one of the path references below; None marks a
# piece that cannot be known statically (a variable, a local, a function call…).
PATH_MODULE = "\x00path.module"
PATH_ROOT = "\x00path.root"
PATH_CWD = "\x00path.cwd"
Piece = str | None


@dataclass(frozen=True, slots=True)
class ModuleCall:
    name: str
    source: str
    line: int


@dataclass(frozen=True, slots=True)
class FileRead:
    function: str  # file, templatefile, fileset, filebase64, …
    pieces: tuple[Piece, ...]  # the path (for fileset: the directory)
    line: int
    pattern: tuple[Piece, ...] | None = None  # fileset's glob


@dataclass(frozen=True, slots=True)
class FileRefs:
    modules: tuple[ModuleCall, ...] = ()
    reads: tuple[FileRead, ...] = ()
    error: tuple[int, str] | None = None  # (line, message) of a syntax error


FILE_FUNCTIONS = frozenset({"file", "templatefile", "fileset", "filebase64", "filemd5", "filesha1", "filesha256",
                            "filesha512", "filebase64sha256", "filebase64sha512", "fileexists"})
