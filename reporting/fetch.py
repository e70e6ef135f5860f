"""Bring workspace histories up to date from TFC, fetching only what the cache does not already hold.

A workspace whose current state version is the one the cache saw last costs no request. Otherwise its state
versions are read newest first and reading stops at the first version the cache knows, or at the first one
older than the period (it is kept: it is the workspace's count on the period's first day). Versions without
a resource summary are counted from their state file, and counted in the stats. Every version listed is
kept, so a day's peak sees all of them at no extra request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from reporting.cache import Cache
from reporting.counting import from_state_file, from_summary
from reporting.records import FetchStats, VersionSummary, WorkspaceHistory
from tfc.client import TfcClient
from tfc.errors import MalformedResponse
from tfc.models import StateVersion, Workspace


def _summary(client: TfcClient, workspace: Workspace, version: StateVersion) -> tuple[VersionSummary, bool]:
    """The version's resource counts, and whether the state file had to be downloaded for them.

    A downloaded state file that cannot be read marks the version skipped (with the reason) instead of
    failing the report: the workspace's previous version keeps counting, and every report names it.
    """
    summary = VersionSummary(version.id, version.serial, version.created_at, (), version.billable_rum_count)
    if version.resources_processed and version.resources is not None:
        entries = [{"type": r.type, "provider": r.provider, "count": r.count} for r in version.resources]
        return replace(summary, resources=from_summary(entries)), False
    if not version.download_url:
        raise MalformedResponse(f"state version {version.id} of {workspace.name}: no summary and no download URL")
    raw = client.download(version.download_url, resource=f"state of {workspace.name} serial {version.serial}")
    try:
        return replace(summary, resources=from_state_file(json.loads(raw))), True
    except ValueError as exc:  # not UTF-8, not JSON, or not shaped like a state file
        reason = "not JSON" if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError) else str(exc)
        return replace(summary, skipped=f"unreadable state file: {reason}"), True


def refresh_workspace(
    client: TfcClient, workspace: Workspace, cached: WorkspaceHistory | None, since: datetime
) -> tuple[WorkspaceHistory, int, int]:
    """(history, versions fetched, state files downloaded)."""
    tags = tuple(workspace.tag_names)
    if cached is not None and workspace.current_state_version_id is not None and (
        cached.current_state_version_id == workspace.current_state_version_id
    ):
        return replace(cached, name=workspace.name, tags=tags), 0, 0
    known = {v.id for v in cached.versions} if cached else set()
    fresh: list[VersionSummary] = []
    downloads = 0
    for version in client.list_state_versions(workspace.name):
        if version.id in known:
            break
        summary, downloaded = _summary(client, workspace, version)
        downloads += downloaded
        fresh.append(summary)
        if version.created_at < since:
            break
    versions = sorted({v.id: v for v in (*(cached.versions if cached else ()), *fresh)}.values(),
                      key=lambda v: (v.created_at, v.serial))
    before = [v for v in versions if v.created_at < since]
    kept = ([before[-1]] if before else []) + [v for v in versions if v.created_at >= since]
    history = WorkspaceHistory(workspace.id, workspace.name, tags, workspace.created_at, tuple(kept), None,
                               workspace.current_state_version_id)
    return history, len(fresh), downloads


def refresh(
    client: TfcClient,
    cache: Cache,
    since: datetime,
    now: datetime,
    *,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> tuple[list[WorkspaceHistory], FetchStats]:
    """Every workspace's history from ``since`` (plus the version before it); the cache is updated in place."""
    before = client.stats.requests
    workspaces = list(client.list_workspaces())
    if on_start is not None:
        on_start(len(workspaces))

    def work(workspace: Workspace) -> tuple[WorkspaceHistory, int, int]:
        result = refresh_workspace(client, workspace, cache.workspaces.get(workspace.id), since)
        if on_done is not None:
            on_done()
        return result

    results = client.map(work, workspaces)
    seen = {w.id for w in workspaces}
    histories = [history for history, _, _ in results]
    for ws_id, old in cache.workspaces.items():
        if ws_id not in seen:  # deleted since the cache was written: it drops out from when we noticed
            histories.append(old if old.deleted_at else replace(old, deleted_at=now))
    cache.workspaces = {h.id: h for h in histories}
    stats = FetchStats(
        workspaces=len(workspaces),
        workspaces_fetched=sum(1 for _, fetched, _ in results if fetched),
        versions_fetched=sum(fetched for _, fetched, _ in results),
        state_files_downloaded=sum(downloads for _, _, downloads in results),
        requests=client.stats.requests - before,
        notes=[cache.note] if cache.note else [],
    )
    return histories, stats
