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


@dataclass
class _Closure:
    """Everything a module (with the modules it calls) contributes, computed once per module directory.

    ``patterns`` do not depend on the workspace (module globs, ``path.module`` reads, symlink targets);
    ``root_reads`` do (literal relative paths and ``path.root``/``path.cwd``), so they are resolved per root.
    """

    patterns: dict[str, tuple[Hop, ...]] = field(default_factory=dict)
    root_reads: list[tuple[FileRead, str, tuple[Hop, ...]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    edges: set[tuple[str, str]] = field(default_factory=set)


class Resolver:
    """Maps workspaces of one repository; every file is parsed at most once, every module walked once."""

    def __init__(self, repo: Path, cache: RefsCache) -> None:
        self.repo = repo.resolve()
        self.cache = cache
        self._refs: dict[Path, FileRefs] = {}
        self._listing: dict[Path, list[tuple[Path, bool]]] = {}
        self._closures: dict[Path, _Closure | DepsError] = {}
        self._visiting: list[tuple[Path, Hop]] = []
        self._real: dict[Path, Path] = {}

    def real(self, path: Path) -> Path:
        """``path.resolve()``, remembered: symlinks are resolved once per run, not once per workspace."""
        known = self._real.get(path)
        if known is None:
            known = self._real[path] = path.resolve()
        return known

    def rel(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.repo).as_posix()
        except ValueError:
            return None

    def _files(self, directory: Path) -> list[tuple[Path, bool]]:
        """The directory's Terraform files, each with whether it is a symlink (one scandir, no extra stats)."""
        listed = self._listing.get(directory)
        if listed is None:
            with os.scandir(directory) as entries:
                listed = sorted((Path(e.path), e.is_symlink()) for e in entries
                                if e.name.endswith((".tf", ".tf.json")) and e.is_file())
            self._listing[directory] = listed
        return listed

    def _file_refs(self, path: Path, is_link: bool) -> FileRefs:
        real = self.real(path) if is_link else path  # listed from an already resolved directory
        refs = self._refs.get(real)
        if refs is None:
            refs = self.cache.refs(path.name, real.read_bytes())
            self._refs[real] = refs
        return refs

    def map_workspace(self, root: Root) -> WorkspaceMap:
        directory = self.real(self.repo / root.directory)
        if not directory.is_dir():
            raise DepsError(f"workspace {root.name}: working directory {root.directory} does not exist")
        own = self._walk(directory, is_root=True)
        result = WorkspaceMap(root)
        patterns = dict(own.patterns)
        result.warnings.extend(own.warnings)
        for read, where, chain in own.root_reads:
            self._resolve_read(read, where, None, directory, chain, patterns, result.warnings)
        result.patterns = sorted(patterns)
        result.reasons = patterns
        result.module_edges = sorted(own.edges)
        modules = {d for _, d in own.edges}
        result.prefixes = sorted({f"/{root.directory.strip('/')}/"} | {f"/{d}/" for d in modules})
        return result

    def _closure(self, module_dir: Path, hop: Hop) -> _Closure:
        known = self._closures.get(module_dir)
        if isinstance(known, DepsError):
            raise known
        if known is not None:
            return known
        if any(d == module_dir for d, _ in self._visiting):
            start = next(i for i, (d, _) in enumerate(self._visiting) if d == module_dir)
            loop = [h for _, h in self._visiting[start:]] + [hop]
            raise DepsError("module cycle: " + " -> ".join(f"{h.where} ({h.target})" for h in loop))
        self._visiting.append((module_dir, hop))
        try:
            closure = self._walk(module_dir, is_root=False)
        except DepsError as exc:
            self._closures[module_dir] = exc
            raise
        finally:
            self._visiting.pop()
        self._closures[module_dir] = closure
        return closure

    def _walk(self, module_dir: Path, *, is_root: bool) -> _Closure:
        """This directory's own contributions plus its callees' closures (hops relative to this module)."""
        out = _Closure()
        rel_dir = self.rel(module_dir)
        if rel_dir is None:
            out.warnings.append(f"{module_dir}: module outside the repository is not watched")
            return out
        for glob in ROOT_GLOBS if is_root else MODULE_GLOBS:
            out.patterns.setdefault(f"/{rel_dir}/{glob}".replace("//", "/"), ())
        for path, is_link in self._files(module_dir):
            here = f"{rel_dir}/{path.name}"
            if is_link:
                target = self.rel(path.resolve())
                if target is not None:
                    out.patterns.setdefault(f"/{target}", (Hop(here, target),))
            refs = self._file_refs(path, is_link)
            if refs.error is not None:
                raise DepsError(f"{here}:{refs.error[0]}: {refs.error[1]}")
            for call in refs.modules:
                if not call.source.startswith(("./", "../")):
                    continue  # registry, git, http…: pinned in the workspace's own files
                child = self.real(module_dir / call.source)
                where = f"{here}:{call.line}"
                if not child.is_dir():
                    raise DepsError(f'{where}: module "{call.name}": source {call.source} is not a directory')
                hop = Hop(where, self.rel(child) or str(child))
                sub = self._closure(child, hop)
                out.edges.add((rel_dir, hop.target))
                out.edges |= sub.edges
                for pattern, chain in sub.patterns.items():
                    out.patterns.setdefault(pattern, (hop, *chain))
                out.root_reads.extend((read, w, (hop, *chain)) for read, w, chain in sub.root_reads)
                out.warnings.extend(w for w in sub.warnings if w not in out.warnings)
            for read in refs.reads:
                where = f"{here}:{read.line}"
                if read.pieces and read.pieces[0] == PATH_MODULE:
                    self._resolve_read(read, where, module_dir, None, (), out.patterns, out.warnings)
                else:
                    out.root_reads.append((read, where, ()))
        return out

    def _resolve_read(self, read: FileRead, where: str, module_dir: Path | None, root_dir: Path | None,
                      chain: tuple[Hop, ...], patterns: dict[str, tuple[Hop, ...]], warnings: list[str]) -> None:
        """Add the pattern for one read; ``module_dir`` for path.module reads, ``root_dir`` for the others."""
        base_dir = module_dir or root_dir
        assert base_dir is not None
        base, text, known = _split(read.pieces, base_dir, root_dir or base_dir)
        pattern_text: str | None = None
        if read.function == "fileset":
            glob = read.pattern or (None,)
            if known and all(isinstance(p, str) and not p.startswith("\x00") for p in glob):
                pattern_text = "".join(p for p in glob if p is not None)
            else:
                known = False
        if base is None:
            warnings.append(f"{where}: {read.function}() reads an absolute path; not watched")
            return
        target = Path(os.path.normpath(base / text)) if text else base
        if not known:
            directory = target if text.endswith("/") or not text else target.parent
            rel = self.rel(directory)
            if rel is None:
                warnings.append(f"{where}: {read.function}() reads outside the repository; not watched")
                return
            message = f"{where}: {read.function}() path is dynamic; widened to {rel}/"
            if message not in warnings:
                warnings.append(message)
            patterns.setdefault(f"/{rel}/**", (*chain, Hop(where, rel + "/")))
            return
        if pattern_text is not None:
            rel = self.rel(target)
            if rel is None:
                warnings.append(f"{where}: fileset() outside the repository; not watched")
                return
            patterns.setdefault(f"/{rel}/{pattern_text.lstrip('/')}", (*chain, Hop(where, rel)))
            return
        real = target.resolve() if target.is_symlink() else target
        rel = self.rel(real)
        if rel is None:
            warnings.append(f"{where}: {read.function}() reads outside the repository; not watched")
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
