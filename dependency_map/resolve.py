"""Walk a workspace's module tree and turn what it reads and packages into trigger patterns.

Resolution follows Terraform: ``path.module`` is the directory of the module holding the expression; a literal
relative path and ``path.root``/``path.cwd`` are relative to the root's working directory, even inside a child
module. Local module sources (``./``, ``../``) are followed transitively; registry, git and other remote
sources are not watched (their version pins live in the workspace's own files). A path that goes through a
symlink watches the link as well as its target, so retargeting the link plans the workspace.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dependency_map.cache import RefsCache
from dependency_map.refs import (
    PATH_CWD,
    PATH_MODULE,
    PATH_ROOT,
    PATH_STRING,
    FileRead,
    FileRefs,
    Piece,
    anchored,
    is_reference,
    substitute_locals,
)

ROOT_GLOBS = ("*.tf", "*.tf.json", "*.tfvars", "*.tfvars.json", ".terraform.lock.hcl")
MODULE_GLOBS = ("*.tf", "*.tf.json")
_GLOB = re.compile(r"[*?\[{]")


class DepsError(Exception):
    """A problem that stops one workspace's map (syntax error, missing module, cycle); names file:line."""


class _CycleError(DepsError):
    """A module cycle, named from the call that entered it: that call differs per caller, so it is not remembered."""


def normal_directory(text: str) -> str:
    """A working directory as the map writes it: posix, no leading/trailing slash, ``""`` for the repository."""
    cleaned = text.strip().replace("\\", "/").strip("/")
    return "" if cleaned in ("", ".") else cleaned.removeprefix("./")


def pattern(rel: str, tail: str = "") -> str:
    """``/rel/tail`` for a repository-relative directory (``""`` is the repository itself)."""
    return "/" + "/".join(part for part in (rel, tail) if part)


@dataclass(frozen=True, slots=True)
class Root:
    name: str
    directory: str  # relative to the repository root, posix separators; "" is the repository root
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

    ``patterns`` do not depend on the workspace (module globs, ``path.module`` paths, symlinks); ``root_reads``
    do (literal relative paths and ``path.root``/``path.cwd``), so they are resolved per root.
    """

    patterns: dict[str, tuple[Hop, ...]] = field(default_factory=dict)
    root_reads: list[tuple[FileRead, str, tuple[Hop, ...]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    edges: set[tuple[str, str]] = field(default_factory=set)


def prefixes_of(patterns: Iterable[str]) -> list[str]:
    """The fewest directory prefixes (``/dir/``) that cover every pattern: TFC's prefixes are recursive."""
    found = set()
    for item in patterns:
        text = item.lstrip("/")
        glob = _GLOB.search(text)
        directory = text[:glob.start() if glob else len(text)].rpartition("/")[0]
        found.add(f"/{directory}/" if directory else "/")
    kept: list[str] = []
    for prefix in sorted(found):  # a covering prefix sorts first, and so does anything between the two
        if not kept or not prefix.startswith(kept[-1]):
            kept.append(prefix)
    return kept


class Resolver:
    """Maps workspaces of one repository; every file is parsed at most once, every module walked once.

    ``roots`` are every workspace's directory: a widened path never covers another root's directory (that
    root's own files are not what a dynamic path in this one reads). ``strict`` makes a dynamic path an error.
    """

    def __init__(self, repo: Path, cache: RefsCache, *, roots: Iterable[str] = (), strict: bool = False) -> None:
        self.repo = repo.resolve()
        self._repo_text = str(self.repo)
        self.cache = cache
        self.strict = strict
        self.roots = frozenset(normal_directory(r) for r in roots)
        self._above_roots = {"/".join(r.split("/")[:n]) for r in self.roots if r for n in range(r.count("/") + 1)}
        self._refs: dict[Path, FileRefs] = {}
        self._listing: dict[Path, list[tuple[Path, bool]]] = {}
        self._closures: dict[Path, _Closure | DepsError] = {}
        self._visiting: list[tuple[Path, Hop]] = []
        self._links: dict[Path, bool] = {}

    def rel(self, path: Path) -> str | None:
        """Repository-relative posix path ("" for the repository itself), None outside it."""
        text = str(path)  # string operations: pathlib's relative_to is the slow part of a warm run
        if text == self._repo_text:
            return ""
        if not text.startswith(self._repo_text) or text[len(self._repo_text)] != os.sep:
            return None
        return text[len(self._repo_text) + 1:].replace(os.sep, "/")

    def follow(self, start: Path, text: str) -> tuple[Path, list[str]]:
        """Where ``text`` (relative to the real directory ``start``) really is, and the symlinks on the way.

        ``..`` is applied to the real path, as the operating system does after following a link.
        """
        current = start
        links: list[str] = []
        for part in text.split("/"):
            if part in ("", "."):
                continue  # pathlib drops ""/"." and current is no link: falling through stays put  # pragma: no mutate
            if part == "..":
                current = current.parent
                continue
            step = current / part
            is_link = self._links.get(step)
            if is_link is None:
                is_link = self._links[step] = step.is_symlink()
            if is_link:
                rel = self.rel(step)
                if rel is not None:
                    links.append(rel)
                current = step.resolve()
            else:
                current = step
        return current, links

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
        real = path.resolve() if is_link else path  # listed from an already resolved directory
        refs = self._refs.get(real)
        if refs is None:
            refs = self.cache.refs_of(real)
            self._refs[real] = refs
        return refs

    def map_workspace(self, root: Root) -> WorkspaceMap:
        directory, links = self.follow(self.repo, root.directory)
        own = self.rel(directory)
        if own is None:
            raise DepsError(f"workspace {root.name}: working directory {root.directory} is outside the repository")
        if not directory.is_dir():
            raise DepsError(f"workspace {root.name}: working directory {root.directory or '.'} does not exist")
        walked = self._walk(directory, is_root=True)
        patterns = dict(walked.patterns)
        for link in links:
            patterns.setdefault(pattern(link), (Hop(root.directory or ".", link),))
        warnings = list(walked.warnings)
        if not self._files(directory):
            warnings.insert(
                0,  # no files, nothing walked: warnings is empty, so any index is first  # pragma: no mutate
                f"{root.directory or '.'}: the working directory holds no .tf or .tf.json files")
        for read, where, chain in walked.root_reads:
            self._resolve(read, where, directory, chain, patterns, warnings, own)
        return WorkspaceMap(root, patterns=sorted(patterns), prefixes=prefixes_of(patterns), reasons=patterns,
                            warnings=warnings, module_edges=sorted(walked.edges))

    def _closure(self, module_dir: Path, hop: Hop) -> _Closure:
        known = self._closures.get(module_dir)
        if isinstance(known, DepsError):
            raise known
        if known is not None:
            return known
        if any(d == module_dir for d, _ in self._visiting):
            start = next(i for i, (d, _) in enumerate(self._visiting) if d == module_dir)
            loop = [h for _, h in self._visiting[start:]] + [hop]
            raise _CycleError("module cycle: " + " -> ".join(f"{h.where} ({h.target})" for h in loop))
        self._visiting.append((module_dir, hop))
        try:
            closure = self._walk(module_dir, is_root=False)
        except DepsError as exc:
            if not isinstance(exc, _CycleError):
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
            out.patterns.setdefault(pattern(rel_dir, glob), ())
        files = []
        for path, is_link in self._files(module_dir):
            here = pattern(rel_dir, path.name)[1:]
            if is_link:
                target = self.rel(path.resolve())
                if target is not None:
                    out.patterns.setdefault(pattern(target), (Hop(here, target),))
            refs = self._file_refs(path, is_link)
            if refs.error is not None:
                raise DepsError(f"{here}:{refs.error[0]}: {refs.error[1]}")
            files.append((here, refs))
        local_values = {name: value for _, refs in files for name, value in refs.locals}
        for here, refs in files:
            for call in refs.modules:
                if call.source.startswith(("./", "../")):
                    self._call(module_dir, rel_dir, f"{here}:{call.line}", call.name, call.source, out)
            for read in refs.reads:
                read = FileRead(read.function, substitute_locals(read.pieces, local_values), read.line,
                                substitute_locals(read.pattern, local_values) if read.pattern else None)
                if read.function == PATH_STRING and not anchored(read.pieces):
                    continue  # a string that starts with a local which is not a path
                where = f"{here}:{read.line}"
                if read.pieces[0] == PATH_MODULE:
                    self._resolve(read, where, module_dir, (), out.patterns, out.warnings, None)
                else:
                    out.root_reads.append((read, where, ()))
        return out

    def _call(self, module_dir: Path, rel_dir: str, where: str, name: str, source: str, out: _Closure) -> None:
        child, links = self.follow(module_dir, source)
        if not child.is_dir():
            raise DepsError(f'{where}: module "{name}": source {source} is not a directory')
        rel = self.rel(child)
        hop = Hop(where, str(child) if rel is None else rel or ".")
        for link in links:
            out.patterns.setdefault(pattern(link), (Hop(where, link),))
        sub = self._closure(child, hop)
        out.edges.add((rel_dir or ".", hop.target))
        out.edges |= sub.edges
        for found, chain in sub.patterns.items():
            out.patterns.setdefault(found, (hop, *chain))
        out.root_reads.extend((read, w, (hop, *chain)) for read, w, chain in sub.root_reads)
        out.warnings.extend(w for w in sub.warnings if w not in out.warnings)

    def _resolve(self, read: FileRead, where: str, base_dir: Path, chain: tuple[Hop, ...],
                 patterns: dict[str, tuple[Hop, ...]], warnings: list[str], own_root: str | None) -> None:
        """Add the patterns for one read or path; ``base_dir`` is the module's (path.module) or the root's."""
        absolute, text, known = split_path(read.pieces)
        what = "path" if read.function == PATH_STRING else f"{read.function}() path"
        if absolute:
            warnings.append(f"{where}: {what} {text!r} is absolute; not watched")
            return
        glob = None
        if read.function == "fileset" and known:
            parts = read.pattern or (None,)
            if all(isinstance(p, str) and not is_reference(p) for p in parts):
                glob = "".join(p for p in parts if p is not None)
            else:  # the directory is known, the glob is not: everything under the directory
                self._widen(read, where, "fileset() pattern", base_dir, text.rstrip("/") + "/", chain, patterns,
                            warnings, own_root)
                return
        if not known:
            self._widen(read, where, what, base_dir, text[:text.rfind("/") + 1], chain, patterns, warnings, own_root)
            return
        target, links = self.follow(base_dir, text)
        rel = self.rel(target)
        if rel is None:
            warnings.append(f"{where}: {what} {text!r} is outside the repository; not watched")
            return
        for link in links:
            patterns.setdefault(pattern(link), (*chain, Hop(where, link)))
        if glob is not None:
            patterns.setdefault(pattern(rel, glob.lstrip("/")), (*chain, Hop(where, rel)))
        elif target.is_dir():
            for found in self._tree(target, own_root):
                patterns.setdefault(found, (*chain, Hop(where, rel + "/")))
        else:
            patterns.setdefault(pattern(rel), (*chain, Hop(where, rel)))

    def _widen(self, read: FileRead, where: str, what: str, base_dir: Path, prefix: str, chain: tuple[Hop, ...],
               patterns: dict[str, tuple[Hop, ...]], warnings: list[str], own_root: str | None) -> None:
        """A path with a dynamic part: everything under its longest static directory."""
        directory, links = self.follow(base_dir, prefix)
        rel = self.rel(directory)
        if rel is None:
            warnings.append(f"{where}: {what} is dynamic and outside the repository; not watched")
            return
        shown = (rel or ".") + "/"
        if self.strict:
            raise DepsError(f"{where}: {what} is dynamic (would be widened to {shown}; --strict)")
        message = f"{where}: {what} is dynamic; widened to {shown}"
        if message not in warnings:
            warnings.append(message)
        for link in links:
            patterns.setdefault(pattern(link), (*chain, Hop(where, link)))
        for found in self._tree(directory, own_root):
            patterns.setdefault(found, (*chain, Hop(where, shown)))

    def _tree(self, directory: Path, own_root: str | None) -> list[str]:
        """``DIR/**``, or, when other roots live below DIR, DIR's files and every subtree without a root."""
        rel = self.rel(directory) or ""
        if rel not in self._above_roots:  # no root lives below this directory
            return [pattern(rel, "**")]  # a fast path: `others` below would be empty too  # pragma: no mutate
        others = {r for r in self.roots if r != own_root and r != rel and (not rel or r.startswith(rel + "/"))}
        if not others:
            return [pattern(rel, "**")]
        found = [pattern(rel, "*")]
        try:
            entries = sorted(e.name for e in os.scandir(directory) if e.is_dir(follow_symlinks=False))
        except OSError:
            return found
        for name in entries:
            child = f"{rel}/{name}" if rel else name
            if child in others or name == ".git":
                continue
            if any(r.startswith(child + "/") for r in others):
                found.extend(self._tree(directory / name, own_root))
            else:
                found.append(pattern(child, "**"))
        return found


def split_path(pieces: tuple[Piece, ...]) -> tuple[bool, str, bool]:
    """(whether the path is a literal absolute one, its text up to the first unknown piece, whether it is known).

    A leading ``path.module``/``path.root``/``path.cwd`` is dropped: the caller knows which directory it means.
    """
    rest = list(pieces)
    absolute = bool(rest) and isinstance(rest[0], str) and rest[0].startswith("/")
    if rest and rest[0] in (PATH_MODULE, PATH_ROOT, PATH_CWD):
        rest = rest[1:]
    text = ""
    known = True
    for piece in rest:
        if piece is None or is_reference(piece):
            known = False
            break
        text += piece
    return absolute, text if absolute else text.lstrip("/"), known
