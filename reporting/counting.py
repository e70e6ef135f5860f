"""How resources under management are counted.

HCP Terraform bills managed resource *instances* found in state: every instance of a ``resource`` block
(``count``/``for_each`` instances each count), but not data sources, and not ``terraform_data`` or
``null_resource``, which it excludes from RUM (HashiCorp, "Estimate HCP Terraform cost" / Resources under
management). The state-versions API's ``resources`` summary gives per resource its type (data sources are
``data.<type>``), provider and instance ``count``, so RUM is computed without downloading state. Where TFC
gives a version's ``billable-rum-count`` that number is the version's RUM: it is TFC's own count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from reporting.records import ResourceCount, VersionSummary

NOT_BILLED = frozenset({"terraform_data", "null_resource"})
_PROVIDER = re.compile(r'provider\["(?:[^"/]+/)?([^"/]+/[^"/]+)"\]')  # the registry host is optional


def is_managed(resource_type: str) -> bool:
    return not resource_type.startswith("data.") and resource_type not in NOT_BILLED


def rum(resources: Iterable[ResourceCount]) -> int:
    return sum(r.count for r in resources if is_managed(r.type))


def version_rum(version: VersionSummary) -> int:
    """The version's RUM: TFC's billable count where the API gave one, else counted from its resources."""
    return version.billable if version.billable is not None else rum(version.resources)


def provider_name(raw: str) -> str:
    """``provider["registry.terraform.io/hashicorp/aws"]`` (or without the host) -> ``hashicorp/aws``."""
    match = _PROVIDER.search(raw)
    return match.group(1) if match else raw


def from_summary(entries: Iterable[Mapping[str, Any]]) -> tuple[ResourceCount, ...]:
    """The state-versions API ``resources`` summary, merged per (type, provider)."""
    merged: dict[tuple[str, str], int] = {}
    for entry in entries:
        key = (str(entry["type"]), provider_name(str(entry.get("provider", ""))))
        merged[key] = merged.get(key, 0) + int(entry.get("count", 0))
    return tuple(ResourceCount(t, p, c) for (t, p), c in sorted(merged.items()))


def from_state_file(state: Any) -> tuple[ResourceCount, ...]:
    """Count instances from a downloaded state file (format version 4), for versions without a summary.

    Raises ValueError naming what is wrong when the document is not a state file of that shape.
    """
    if not isinstance(state, Mapping):
        raise ValueError("not a state file (not a JSON object)")
    resources = state.get("resources") or []
    if not isinstance(resources, list):
        raise ValueError("'resources' is not a list")
    entries = []
    for n, resource in enumerate(resources):
        instances = resource.get("instances") or [] if isinstance(resource, Mapping) else None
        if not isinstance(resource, Mapping) or not isinstance(instances, list):
            raise ValueError(f"resources[{n}] is not a resource with a list of instances")
        rtype = resource.get("type")
        if not isinstance(rtype, str) or not rtype:
            raise ValueError(f"resources[{n}] has no type")
        if resource.get("mode") == "data":
            rtype = "data." + rtype
        entries.append({"type": rtype, "provider": resource.get("provider", ""), "count": len(instances)})
    return from_summary(entries)
