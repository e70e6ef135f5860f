"""Builders of Terraform JSON plan fragments for review tests."""

from __future__ import annotations

from typing import Any


def resource_change(address: str, actions: list[str], before: Any = None, after: Any = None, **change: Any) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "data" if address.split(".")[0] == "data" else "managed",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}, "before_sensitive": {},
                   "after_sensitive": {}, **change},
    }


def plan_document(*changes: dict[str, Any], drift: list[dict[str, Any]] | None = None,
                  outputs: dict[str, Any] | None = None, errored: bool = False) -> dict[str, Any]:
    return {"format_version": "1.2", "resource_changes": list(changes), "resource_drift": drift or [],
            "output_changes": outputs or {}, "errored": errored}
