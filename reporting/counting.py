"""How resources under management are counted.

HCP Terraform bills managed resource *instances* found in state: every instance of a ``resource`` block
(``count``/``for_each`` instances each count), but not data sources, and not ``terraform_data`` or
``null_resource``, which it excludes from RUM (HashiCorp, "Estimate HCP Terraform cost" / Resources under
management). The state-versions API's ``resources`` summary gives per resource its type (data sources are
``data.<type>``), provider and instance ``count``, so RUM is computed without downloading state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from reporting.records import ResourceCount

NOT_BILLED = frozenset({"terraform_data", "null_resource"})
_PROVIDER = re.compile(r'provider\["(?:[^"/]+/)?([^"]+)"\]')


def is_managed(resource_type: str) -> bool:
    return not resource_type.startswith("data.") and resource_type not in NOT_BILLED


def rum(resources: Iterable[ResourceCount]) -> int:
    return sum(r.count for r in resources if is_managed(r.type))


def provider_name(raw: str) -> str:
    """``provider["registry.terraform.io/hashicorp/aws"]`` -> ``hashicorp/aws``."""
    match = _PROVIDER.search(raw)
    return match.group(1) if match else raw


def from_summary(entries: Iterable[Mapping[str, Any]]) -> tuple[ResourceCount, ...]:
    """The state-versions API ``resources`` summary, merged per (type, provider)."""
    merged: dict[tuple[str, str], int] = {}
    for entry in entries:
        key = (str(entry["type"]), provider_name(str(entry.get("provider", ""))))
        merged[key] = merged.get(key, 0) + int(entry.get("count", 0))
    return tuple(ResourceCount(t, p, c) for (t, p), c in sorted(merged.items()))


def from_state_file(state: Mapping[str, Any]) -> tuple[ResourceCount, ...]:
    """Count instances from a downloaded state file (format version 4), for versions without a summary."""
    entries = []
    for resource in state.get("resources") or []:
        rtype = str(resource.get("type", ""))
        if resource.get("mode") == "data":
            rtype = "data." + rtype
        entries.append({"type": rtype, "provider": resource.get("provider", ""),
                        "count": len(resource.get("instances") or [])})
    return from_summary(entries)
