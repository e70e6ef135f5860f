"""Plans whose changes are the same form one group, reviewed once.

Two plans share a group only when their changes (action, address and the attribute diff a person is shown)
are identical once **that workspace's own identifiers** are replaced: its name and the values of its own
``key:value`` tags (its ``account:`` value, for instance), each only where it occurs as a whole token.
Nothing else is normalised, so anything else that differs (a foreign account id, another workspace's name)
splits the group. The substitutions made are counted and named, so the display can say exactly what the
person's one look stands for.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tfc.models import Workspace
from tfc.review.changes import Change, PlanChanges
from tfc.review.diff import attribute_diff

MIN_TAG_VALUE = 4  # shorter tag values ("dev", "eu") are not substituted: the group splits instead
WORKSPACE = "workspace"
_LABELS = {"account": "account id"}


@dataclass(frozen=True, slots=True)
class Identifier:
    """A value of one workspace that may differ between group members, and the placeholder standing for it."""

    value: str
    placeholder: str  # "workspace" or "tag:KEY"

    @property
    def label(self) -> str:
        if self.placeholder == WORKSPACE:
            return "workspace name"
        key = self.placeholder.removeprefix("tag:")
        return f"{_LABELS.get(key, key)} from `{key}:` tag"


@dataclass(frozen=True, slots=True)
class Substitution:
    """One kind of identifier replaced in a plan, and how often it occurred."""

    label: str
    occurrences: int


@dataclass(frozen=True, slots=True)
class Signature:
    digest: str  # equal digests = equal plans up to the substitutions
    substitutions: tuple[Substitution, ...]


def workspace_identifiers(workspace: Workspace) -> tuple[Identifier, ...]:
    """The workspace's name and its own tag values, longest first (a longer value wins where they overlap)."""
    found: dict[str, Identifier] = {workspace.name: Identifier(workspace.name, WORKSPACE)}
    for tag in sorted(workspace.tag_names):
        key, sep, value = tag.partition(":")
        if sep and key and len(value) >= MIN_TAG_VALUE and value not in found:
            found[value] = Identifier(value, f"tag:{key}")
    return tuple(sorted(found.values(), key=lambda ident: (-len(ident.value), ident.value)))


class Normaliser:
    """Replaces one workspace's identifiers where each is a whole token (no letter or digit touching it).

    Text becomes a list of segments, ``["t", text]`` or ``["p", placeholder]``, so no text a plan contains
    can pass for a placeholder.
    """

    def __init__(self, identifiers: Iterable[Identifier]) -> None:
        self._by_value = {ident.value: ident for ident in identifiers}
        alternatives = "|".join(re.escape(value) for value in self._by_value)  # longest first
        self._pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])") if alternatives else None
        self.counts: Counter[Identifier] = Counter()

    def __call__(self, text: str) -> list[list[str]]:
        segments: list[list[str]] = []
        position = 0
        for match in self._pattern.finditer(text) if self._pattern else ():
            if match.start() > position:
                segments.append(["t", text[position : match.start()]])
            ident = self._by_value[match.group()]
            self.counts[ident] += 1
            segments.append(["p", ident.placeholder])
            position = match.end()
        if position < len(text) or not segments:
            segments.append(["t", text[position:]])
        return segments


def describe(changes: Iterable[Change], normalise: Normaliser) -> list[dict[str, object]]:
    """The comparable content of changes: kind, action, address and the normalised attribute diff."""
    return [
        {
            "kind": str(change.kind),
            "action": change.action,
            "address": change.address,
            "diff": [[normalise(d.path), normalise(d.before), normalise(d.after)] for d in attribute_diff(change)],
        }
        for change in changes
    ]


def plan_signature(changes: PlanChanges, workspace: Workspace, *, extra: object = None) -> Signature:
    """The plan's group key and the substitutions that made it; ``extra`` is any other content to compare."""
    normalise = Normaliser(workspace_identifiers(workspace))
    content = {
        "changes": sorted(describe(changes.actionable, normalise), key=lambda c: (c["address"], c["kind"])),
        "drift": sorted(describe(changes.drift, normalise), key=lambda c: str(c["address"])),
        "errored": changes.errored,
        "extra": extra,
    }
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    made = Counter[str]()
    for ident, count in normalise.counts.items():
        made[ident.label] += count
    return Signature(digest, tuple(Substitution(label, n) for label, n in sorted(made.items())))


def plan_hash(document: object) -> str:
    """A content hash of a JSON plan document, recorded in the audit log."""
    return hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
