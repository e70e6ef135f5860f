"""Reads the backup needs beside the client's own: workspaces with their current state version side-loaded.

``GET /organizations/:org/workspaces?include=current_state_version`` (TFC-API.md §15) gives a whole organization's
current serials in one paged read. A server that ignores the include still names each workspace's current state
version; those are read one by one, concurrently (and counted, so the difference shows in ``--stats`` and the
bench).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tfc.client import TfcClient
from tfc.jsonapi import IncludedIndex, Resource
from tfc.models import StateVersion, Workspace

CURRENT_STATE_INCLUDE = "current_state_version"


@dataclass(frozen=True, slots=True)
class WorkspaceState:
    workspace: Workspace
    current: StateVersion | None
    side_loaded: bool  # False: the list did not carry the state version and it was read on its own


def _pair(resource: Resource, included: IncludedIndex) -> tuple[Workspace, StateVersion | None]:
    workspace = Workspace.from_resource(resource, included)
    sv_id = workspace.current_state_version_id
    sv = included.get(("state-versions", sv_id)) if sv_id else None
    return workspace, StateVersion.from_resource(sv) if sv else None


def workspaces_with_state(client: TfcClient, org: str | None = None) -> Iterator[WorkspaceState]:
    """Every workspace of the organization with its current state version (``None`` when it has none)."""
    org = client._org(org)  # tfc's own module, kept out of client.py
    pairs = client._paginate(
        f"organizations/{org}/workspaces",
        _pair,
        resource=f"workspaces of organization {org}",
        params={"include": CURRENT_STATE_INCLUDE},
    )
    listed = list(pairs)
    missing = [w for w, current in listed if current is None and w.current_state_version_id is not None]
    read = dict(zip((w.id for w in missing), client.map(lambda w: client.get_current_state_version(w.id), missing),
                    strict=True))
    for workspace, current in listed:
        if workspace.id in read:
            yield WorkspaceState(workspace, read[workspace.id], side_loaded=False)
        else:
            yield WorkspaceState(workspace, current, side_loaded=True)


def get_state_version(client: TfcClient, sv_id: str) -> StateVersion:
    return client._get_one(
        f"state-versions/{sv_id}", StateVersion.from_resource, resource=f"state version {sv_id}"
    )
