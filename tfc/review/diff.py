"""Attribute-level diffs of one change, with sensitive values masked and unknown values named.

Values are rendered to strings here, once, so nothing downstream (terminal, JSON output, grouping) can show
a sensitive value by accident. JSON documents held in string attributes (IAM policies, for instance) are
expanded, so a one-ARN change in a policy is one line, not two walls of text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tfc.review.changes import Change

SENSITIVE = "(sensitive value)"
UNKNOWN = "(known after apply)"
ABSENT = "(none)"


class _Missing:
    """The value on a side that does not have it (distinct from JSON null)."""


_MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class AttributeChange:
    path: str
    before: str
    after: str


def attribute_diff(change: Change) -> tuple[AttributeChange, ...]:
    out: list[AttributeChange] = []
    before = _MISSING if change.before is None else change.before
    after = _MISSING if change.after is None else change.after
    _walk("", before, after, change.before_sensitive, change.after_sensitive, change.after_unknown, out)
    return tuple(out)


def render(value: Any) -> str:
    if value is _MISSING:
        return ABSENT
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _same(first: Any, second: Any) -> bool:
    """Equal as JSON values. Python's ``==`` has ``1 == 1.0 == True``, which would hide a change of type."""
    return render(first) == render(second)


def _sub(marker: Any, key: str | int) -> Any:
    if isinstance(marker, dict) and isinstance(key, str):
        return marker.get(key)
    if isinstance(marker, list) and isinstance(key, int) and key < len(marker):
        return marker[key]
    return None  # falling off the end returns None as well  # pragma: no mutate


def _has_true(marker: Any) -> bool:
    if marker is True:
        return True
    if isinstance(marker, dict):
        return any(_has_true(v) for v in marker.values())
    if isinstance(marker, list):
        return any(_has_true(v) for v in marker)
    return False


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _walk(
    path: str, before: Any, after: Any, b_sens: Any, a_sens: Any, unknown: Any, out: list[AttributeChange]
) -> None:
    # A value is sensitive when either side marks it (or marked an ancestor, which ends the walk here).
    sensitive = union_marker(b_sens, a_sens)
    if sensitive is True:
        if unknown is True or not _same(before, after):
            shown_before = ABSENT if before is _MISSING else SENSITIVE
            shown_after = UNKNOWN if unknown is True else (ABSENT if after is _MISSING else SENSITIVE)
            out.append(AttributeChange(path, shown_before, shown_after))
        return
    if unknown is True:
        out.append(AttributeChange(path, _masked_render(before, sensitive), UNKNOWN))
        return
    if isinstance(before, dict | _Missing) and isinstance(after, dict | _Missing) and (
        isinstance(before, dict) or isinstance(after, dict)
    ):
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        for key in sorted(set(b) | set(a) | _true_keys(unknown)):
            _walk(
                _join(path, key),
                b.get(key, _MISSING),
                a.get(key, _MISSING),
                _sub(sensitive, key),
                None,
                _sub(unknown, key),
                out,
            )
        return
    if isinstance(before, list) and isinstance(after, list):
        for index in range(max(len(before), len(after))):
            _walk(
                _join(path, index),
                before[index] if index < len(before) else _MISSING,
                after[index] if index < len(after) else _MISSING,
                _sub(sensitive, index),
                None,
                _sub(unknown, index),
                out,
            )
        return
    if type(before) is type(after) and before == after:  # same type here: two scalars or both absent (fast _same)
        return
    decoded_before, decoded_after = _json_document(before), _json_document(after)
    if decoded_before is not None and decoded_after is not None and not _has_true(sensitive):
        inner: list[AttributeChange] = []
        _walk("", decoded_before, decoded_after, None, None, None, inner)
        out.extend(AttributeChange(f"{path} (json) {c.path}".rstrip(), c.before, c.after) for c in inner)
        return
    out.append(AttributeChange(path, _masked_render(before, sensitive), _masked_render(after, sensitive)))


def union_marker(first: Any, second: Any) -> Any:
    """One sensitivity marker that flags whatever either marker flags."""
    if first is True or second is True:
        return True
    if isinstance(first, dict) and isinstance(second, dict):
        return {key: union_marker(first.get(key), second.get(key)) for key in set(first) | set(second)}
    if isinstance(first, list) and isinstance(second, list):
        return [union_marker(_sub(first, i), _sub(second, i)) for i in range(max(len(first), len(second)))]
    if isinstance(first, dict | list) and isinstance(second, dict | list):
        # markers of different shapes: nothing can be said safely about the value's parts
        return True if _has_true(first) or _has_true(second) else None
    return first if isinstance(first, dict | list) else second


def _true_keys(marker: Any) -> set[str]:
    return {k for k, v in marker.items() if _has_true(v)} if isinstance(marker, dict) else set()


def _masked_render(value: Any, sensitive: Any) -> str:
    """Render a whole value, replacing any part the marker flags as sensitive."""
    if value is _MISSING:
        return ABSENT  # render() shows it as ABSENT too; sensitive is never True here  # pragma: no mutate
    return render(_mask(value, sensitive))


def _mask(value: Any, sensitive: Any) -> Any:
    if sensitive is True:
        return SENSITIVE
    if isinstance(value, dict):
        return {k: _mask(v, _sub(sensitive, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, _sub(sensitive, i)) for i, v in enumerate(value)]
    return value


def _json_document(value: Any) -> Any:
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return None
    try:
        decoded = json.loads(value)
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict | list) else None
