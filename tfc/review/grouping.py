"""Plans whose changes are the same form one group, reviewed once.

Two plans are the same when they make the same actions on the same addresses with the same attribute
changes, once workspace-specific values (the workspace's name, its tag values such as the account id,
and 12-digit AWS account ids) are replaced by placeholders.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable

from tfc.models import Workspace
from tfc.review.changes import Change, PlanChanges
from tfc.review.diff import attribute_diff

_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
_MIN_TOKEN = 4  # shorter tag values ("dev", "eu") would blur real differences


def workspace_normaliser(workspace: Workspace) -> Callable[[str], str]:
    tokens: list[tuple[str, str]] = [(workspace.name, "<workspace>")]
    for tag in workspace.tag_names:
        key, sep, value = tag.partition(":")
        if sep and len(value) >= _MIN_TOKEN:
            tokens.append((value, f"<{key}>"))
    tokens.sort(key=lambda pair: len(pair[0]), reverse=True)

    def normalise(text: str) -> str:
        for value, placeholder in tokens:
            text = text.replace(value, placeholder)
        return _ACCOUNT_ID.sub("<account-id>", text)

    return normalise


def describe(changes: Iterable[Change], normalise: Callable[[str], str]) -> list[dict[str, object]]:
    """The comparable content of changes: kind, action, address and the normalised attribute diff."""
    return [
        {
            "kind": str(change.kind),
            "action": change.action,
            "address": change.address,
            "diff": [[d.path, normalise(d.before), normalise(d.after)] for d in attribute_diff(change)],
        }
        for change in changes
    ]


def plan_signature(changes: PlanChanges, workspace: Workspace) -> str:
    normalise = workspace_normaliser(workspace)
    content = {
        "changes": sorted(describe(changes.actionable, normalise), key=lambda c: (c["address"], c["kind"])),
        "drift": sorted(describe(changes.drift, normalise), key=lambda c: str(c["address"])),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]


def plan_hash(document: object) -> str:
    """A content hash of a JSON plan document, recorded in the audit log."""
    return hashlib.sha256(json.dumps(document, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

