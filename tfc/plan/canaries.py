"""Which affected workspaces to plan: one canary per shape, the others stand behind it.

Two workspaces share a shape when the dependency map puts the same module directories in their trigger
patterns (their own working directory left out) and they carry the same ``type:`` and ``tier:`` tags: such
workspaces plan alike, so one speculative plan speaks for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

AUTO_CAP = 25  # `--canaries auto`: at most this many shapes planned; the rest are reported as not planned
SHAPE_TAGS = ("type", "tier")


@dataclass(frozen=True, slots=True)
class Affected:
    name: str
    working_directory: str
    patterns: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Shape:
    modules: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Canary:
    name: str
    shape: Shape
    stands_for: tuple[str, ...]  # the other affected workspaces of its shape, not planned themselves


@dataclass(frozen=True, slots=True)
class Choice:
    canaries: tuple[Canary, ...]
    unplanned: tuple[str, ...]  # affected workspaces of shapes beyond the cap: nothing speaks for them


def _directory(pattern: str) -> str:
    """The directory a trigger pattern watches: ``/modules/vpc/*.tf`` and ``/modules/vpc/**/*`` → ``modules/vpc``."""
    head: list[str] = []
    for part in pattern.strip("/").split("/")[:-1]:
        if any(ch in part for ch in "*?["):
            break
        head.append(part)
    return "/".join(head)


def shape_of(workspace: Affected) -> Shape:
    own = workspace.working_directory.strip("/")
    modules = sorted({d for d in map(_directory, workspace.patterns)
                      if d and not (own and (d == own or d.startswith(own + "/")))})
    tags = sorted(t for t in workspace.tags if t.partition(":")[0] in SHAPE_TAGS and ":" in t)
    return Shape(tuple(modules), tuple(tags))


def parse_canaries(text: str) -> int | None:
    """``auto`` → the cap, ``all`` → None (every workspace), ``N`` → N (≥ 1); anything else is a ValueError."""
    if text == "auto":
        return AUTO_CAP
    if text == "all":
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"--canaries {text!r}: give auto, all or a positive number")
    return int(text)


def choose(affected: Iterable[Affected], limit: int | None) -> Choice:
    """One canary per shape (the biggest shapes first, up to ``limit``); ``None`` plans every workspace."""
    members = sorted(affected, key=lambda a: a.name)
    if limit is None:
        return Choice(tuple(Canary(a.name, shape_of(a), ()) for a in members), ())
    shapes: dict[Shape, list[str]] = {}
    for workspace in members:
        shapes.setdefault(shape_of(workspace), []).append(workspace.name)
    ordered = sorted(shapes.items(), key=lambda item: (-len(item[1]), item[1][0]))
    canaries = tuple(Canary(names[0], shape, tuple(names[1:])) for shape, names in ordered[:limit])
    unplanned = tuple(sorted(n for _, names in ordered[limit:] for n in names))
    return Choice(canaries, unplanned)


def affected_from_map(entries: Mapping[str, Mapping[str, object]], names: Sequence[str],
                      tags: Mapping[str, Sequence[str]]) -> list[Affected]:
    """The affected workspaces with what their shape needs: trigger YAML entries and TFC's tags."""
    out = []
    for name in names:
        entry = entries.get(name, {})
        patterns = entry.get("trigger_patterns")
        out.append(Affected(name, str(entry.get("working_directory") or ""),
                            tuple(str(p) for p in patterns) if isinstance(patterns, list) else (),
                            tuple(tags.get(name, ()))))
    return out
