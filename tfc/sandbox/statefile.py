"""A Terraform state file (format version 4) for a state version, as the download URL serves it."""

from __future__ import annotations

import uuid
from typing import Any

from tfc.sandbox.world import StateVersionRec, WorkspaceRec


def state_file(ws: WorkspaceRec, version: StateVersionRec) -> dict[str, Any]:
    resources = []
    for entry in version.resources:
        kind = str(entry["type"])
        mode, _, rtype = kind.partition(".") if kind.startswith("data.") else ("managed", "", kind)
        count = int(entry["count"])
        resource: dict[str, Any] = {"mode": mode, "type": rtype, "name": entry["name"], "provider": entry["provider"]}
        if entry["module"] != "root":
            resource["module"] = entry["module"]
        resource["instances"] = [
            {"index_key": i, "schema_version": 0, "attributes": {"id": f"{rtype}-{entry['name']}-{i}"}} if count > 1
            else {"schema_version": 0, "attributes": {"id": f"{rtype}-{entry['name']}"}}
            for i in range(count)
        ]
        resources.append(resource)
    return {
        "version": 4,
        "terraform_version": "1.9.8",
        "serial": version.serial,
        "lineage": str(uuid.uuid5(uuid.NAMESPACE_URL, f"tfc-sandbox/{ws.id}")),
        "outputs": {},
        "resources": resources,
        "check_results": None,
    }
