"""What a Terraform JSON plan would do, reduced to the facts the review decides on and shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tfc.errors import MalformedResponse
from tfc.review.address import AddressSyntaxError, Part, parse_address


class Kind(StrEnum):
    RESOURCE = "resource"  # resource_changes: what the apply will do
    OUTPUT = "output"  # output_changes
    DRIFT = "drift"  # resource_drift: what changed outside Terraform since the last apply


@dataclass(frozen=True, slots=True)
class Change:
    kind: Kind
    address: str
    action: str  # create | update | delete | replace | read | no-op | forget
    parts: tuple[Part, ...]
    before: Any = None
    after: Any = None
    after_unknown: Any = field(default=None, repr=False)
    before_sensitive: Any = field(default=None, repr=False)
    after_sensitive: Any = field(default=None, repr=False)
    deposed: str | None = None  # the deposed object's key: the change acts on a leftover of a replace


@dataclass(frozen=True, slots=True)
class PlanChanges:
    resources: tuple[Change, ...]  # every resource change other than no-op
    outputs: tuple[Change, ...]  # every output change other than no-op
    drift: tuple[Change, ...]
    errored: bool = False
    unmodelled: tuple[str, ...] = ()  # content the rules cannot judge: a person must look at the plan itself

    @property
    def actionable(self) -> tuple[Change, ...]:
        """The changes an apply would make; each must be allowed by a rule."""
        return self.resources + self.outputs


def action_name(actions: Sequence[str]) -> str:
    """Terraform's action list as one word; both replace orders are ``replace``."""
    acts = tuple(actions)
    if acts in (("delete", "create"), ("create", "delete")):
        return "replace"
    if len(acts) == 1:
        return acts[0]
    return "+".join(acts)  # e.g. create+forget: matches no rule but '*', shown as written


FORMAT_MAJOR = "1"  # the JSON plan format this module understands
# Plan content beyond resource, output and drift changes (Terraform 1.8+ deferred changes, 1.14+ actions).
UNMODELLED_KEYS = {
    "action_invocations": "Terraform action invocation(s)",
    "deferred_action_invocations": "deferred Terraform action invocation(s)",
    "deferred_changes": "deferred change(s)",
}


def plan_changes(document: Mapping[str, Any], *, plan_id: str) -> PlanChanges:
    """Reduce a JSON plan document; a malformed entry names the plan and the entry."""
    resources = tuple(_changes(document, "resource_changes", Kind.RESOURCE, plan_id))
    return PlanChanges(
        resources=resources,
        outputs=tuple(_changes(document, "output_changes", Kind.OUTPUT, plan_id)),
        drift=tuple(_changes(document, "resource_drift", Kind.DRIFT, plan_id)),
        errored=bool(document.get("errored", False)),
        unmodelled=unmodelled_content(document, resources),
    )


def unmodelled_content(document: Mapping[str, Any], resources: Sequence[Change]) -> tuple[str, ...]:
    """What the plan holds that no --wildcard rule can judge, each said in a few words."""
    found: list[str] = []
    version = str(document.get("format_version") or "")
    if version.split(".")[0] != FORMAT_MAJOR:
        found.append(f"plan format_version {version or '(missing)'} (this tool reads {FORMAT_MAJOR}.x)")
    for key, what in UNMODELLED_KEYS.items():
        value = document.get(key)
        if value:
            count = len(value) if isinstance(value, list | Mapping) else 1
            found.append(f"{count} {what}")
    found.extend(f"{c.action} of deposed object {c.deposed} of {c.address}" for c in resources if c.deposed)
    return tuple(found)


def _changes(document: Mapping[str, Any], key: str, kind: Kind, plan_id: str) -> list[Change]:
    raw = document.get(key) or ([] if kind is not Kind.OUTPUT else {})
    entries: list[tuple[str, Any]]
    if kind is Kind.OUTPUT:
        if not isinstance(raw, Mapping):
            raise MalformedResponse(f"plan {plan_id}: output_changes is not an object")
        entries = [(f"output.{name}", {"address": f"output.{name}", "change": value}) for name, value in raw.items()]
    else:
        if not isinstance(raw, list):
            raise MalformedResponse(f"plan {plan_id}: {key} is not a list")
        entries = [(str(entry.get("address", "")) if isinstance(entry, Mapping) else "", entry) for entry in raw]
    changes = []
    for position, (address, entry) in enumerate(entries):
        where = f"plan {plan_id}: {key}[{position}]" if kind is not Kind.OUTPUT else f"plan {plan_id}: {address}"
        change = entry.get("change") if isinstance(entry, Mapping) else None
        if not address or not isinstance(change, Mapping) or not isinstance(change.get("actions"), list):
            raise MalformedResponse(f"{where}: missing address or change.actions")
        action = action_name(change["actions"])
        if action == "no-op":
            continue
        try:
            parts = parse_address(address)
        except AddressSyntaxError as exc:
            raise MalformedResponse(f"{where}: unparseable address {address!r} ({exc})") from None
        changes.append(
            Change(
                kind=kind,
                address=address,
                action=action,
                parts=parts,
                before=change.get("before"),
                after=change.get("after"),
                after_unknown=change.get("after_unknown"),
                before_sensitive=change.get("before_sensitive"),
                after_sensitive=change.get("after_sensitive"),
                deposed=str(entry["deposed"]) if entry.get("deposed") else None,
            )
        )
    return changes
