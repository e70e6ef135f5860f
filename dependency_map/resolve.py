"""Walk a workspace's module tree and turn what it reads into trigger patterns.

Resolution follows Terraform: ``path.module`` is the directory of the module holding the expression; a literal
relative path and ``path.root``/``path.cwd`` are relative to the root's working directory, even inside a child
module. Local module sources (``./``, ``../``) are followed transitively; registry, git and other remote
sources are not watched (their version pins live in the workspace's own files).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dependency_map.cache import RefsCache
from dependency_map.refs import PATH_CWD, PATH_MODULE, PATH_ROOT, FileRead, FileRefs, Piece

ROOT_GLOBS = ("*.tf", "*.tf.json", "*.tfvars", "*.tfvars.json", ".terraform.lock.hcl")
MODULE_GLOBS = ("*.tf", "*.tf.json")


class DepsError(Exception):
    """A problem that stops one workspace's map (syntax error, missing module, cycle); names file:line."""


@dataclass(frozen=True, slots=True)
class Root:
    name: str
    directory: str  # relative to the repository root, posix separators
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a chain: ``file:line`` that called a module or read a file, and what it reached."""

    where: str
    target: str


@dataclass
class WorkspaceMap:
    root: Root
    patterns: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    reasons: dict[str, tuple[Hop, ...]] = field(default_factory=dict)  # pattern -> chain that put it there
    warnings: list[str] = field(default_factory=list)
    module_edges: list[tuple[str, str]] = field(default_factory=list)  # (caller dir, module dir)


class Resolver:
    """Maps workspaces of one repository; every file is read and parsed at most once per resolver."""

    def __init__(self, repo: Path, cache: RefsCache) -> None:
        self.repo = repo.resolve()
        self.cache = cache
        self._refs: dict[Path, FileRefs] = {}
        self._listing: dict[Path, list[Path]] = {}

    def rel(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.repo).as_posix()
        except ValueError:
            return None

    def _files(self, directory: Path) -> list[Path]:
        listed = self._listing.get(directory)
        if listed is None:
            listed = sorted(p for p in directory.iterdir() if p.name.endswith((".tf", ".tf.json")) and p.is_file())
            self._listing[directory] = listed
        return listed

    def _file_refs(self, path: Path) -> FileRefs:
        real = path.resolve()
        refs = self._refs.get(real)
        if refs is None:
            refs = self.cache.refs(path.name, real.read_bytes())
            self._refs[real] = refs
        return refs

    def map_workspace(self, root: Root) -> WorkspaceMap:
        directory = (self.repo / root.directory).resolve()
        if not directory.is_dir():
            raise DepsError(f"workspace {root.name}: working directory {root.directory} does not exist")
        result = WorkspaceMap(root)
        patterns: dict[str, tuple[Hop, ...]] = {}
        self._visit(directory, directory, (), patterns, result, is_root=True)
        result.patterns = sorted(patterns)
        result.reasons = patterns
        modules = {d for _, d in result.module_edges}
        result.prefixes = sorted({f"/{root.directory.strip('/')}/"} | {f"/{d}/" for d in modules})
        return result

    def _visit(self, module_dir: Path, root_dir: Path, chain: tuple[Hop, ...], patterns: dict[str, tuple[Hop, ...]],
               result: WorkspaceMap, *, is_root: bool) -> None:
        rel_dir = self.rel(module_dir)
        if rel_dir is None:
            result.warnings.append(f"{chain[-1].where}: module outside the repository is not watched")
            return
        for glob in ROOT_GLOBS if is_root else MODULE_GLOBS:
            patterns.setdefault(f"/{rel_dir}/{glob}".replace("//", "/"), chain)
        for path in self._files(module_dir):
            here = f"{self.rel(path) or path}"
            if path.is_symlink():
                target = self.rel(path.resolve())
                if target is not None:
                    patterns.setdefault(f"/{target}", (*chain, Hop(here, target)))
            refs = self._file_refs(path)
            if refs.error is not None:
                raise DepsError(f"{here}:{refs.error[0]}: {refs.error[1]}")
            for call in refs.modules:
                if not call.source.startswith(("./", "../")):
                    continue  # registry, git, http…: pinned in the workspace's own files
                child = (module_dir / call.source).resolve()
                where = f"{here}:{call.line}"
                if not child.is_dir():
                    raise DepsError(f'{where}: module "{call.name}": source {call.source} is not a directory')
                hop = Hop(where, self.rel(child) or str(child))
                if any(h.target == hop.target for h in chain) or child == root_dir:
                    loop = " -> ".join(f"{h.where} ({h.target})" for h in (*chain, hop))
                    raise DepsError(f"module cycle: {loop}")
                result.module_edges.append((rel_dir, hop.target))
                self._visit(child, root_dir, (*chain, hop), patterns, result, is_root=False)
            for read in refs.reads:
                self._read(read, here, module_dir, root_dir, chain, patterns, result)

    def _read(self, read: FileRead, here: str, module_dir: Path, root_dir: Path, chain: tuple[Hop, ...],
              patterns: dict[str, tuple[Hop, ...]], result: WorkspaceMap) -> None:
        where = f"{here}:{read.line}"
        base, text, known = _split(read.pieces, module_dir, root_dir)
        pattern_text: str | None = None
        if read.function == "fileset":
            glob = read.pattern or (None,)
            if known and all(isinstance(p, str) and not p.startswith("\x00") for p in glob):
                pattern_text = "".join(p for p in glob if p is not None)
            else:
                known = False
        if base is None:
            result.warnings.append(f"{where}: {read.function}() path is absolute or unknown at its start; "
                                   f"widened to {self.rel(module_dir)}/")
            base, text = module_dir, ""
        target = Path(os.path.normpath(base / text)) if text else base
        if not known:
            directory = target if text.endswith("/") or not text else target.parent
            rel = self.rel(directory)
            if rel is None:
                result.warnings.append(f"{where}: {read.function}() reads outside the repository; not watched")
                return
            result.warnings.append(f"{where}: {read.function}() path is dynamic; widened to {rel}/")
            patterns.setdefault(f"/{rel}/**", (*chain, Hop(where, rel + "/")))
            return
        if pattern_text is not None:
            rel = self.rel(target)
            if rel is None:
                result.warnings.append(f"{where}: fileset() outside the repository; not watched")
                return
            patterns.setdefault(f"/{rel}/{pattern_text.lstrip('/')}", (*chain, Hop(where, rel)))
            return
        real = target.resolve() if target.exists() else target
        rel = self.rel(real)
        if rel is None:
            result.warnings.append(f"{where}: {read.function}() reads outside the repository; not watched")
            return
        patterns.setdefault(f"/{rel}", (*chain, Hop(where, rel)))


def _split(pieces: tuple[Piece, ...], module_dir: Path, root_dir: Path) -> tuple[Path | None, str, bool]:
    """(base directory, text up to the first unknown piece, whether the whole path is known).

    The base is None for an absolute literal path (outside any repository).
    """
    base: Path = root_dir  # a literal relative path is relative to the working directory
    rest = list(pieces)
    after_reference = bool(rest) and rest[0] in (PATH_MODULE, PATH_ROOT, PATH_CWD)
    if after_reference:
        base = module_dir if rest[0] == PATH_MODULE else root_dir
        rest = rest[1:]
    text = ""
    known = True
    for piece in rest:
        if piece is None or piece.startswith("\x00"):
            known = False
            break
        text += piece
    if after_reference:
        return base, text.lstrip("/"), known
    if text.startswith("/"):
        return None, text, known
    return base, text, known
