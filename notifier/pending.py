"""Runs waiting for confirmation, grouped by the person who should act: one org-wide paged read."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tfc.client import CONFIRMABLE_STATUSES, RUN_INCLUDES, TfcClient
from tfc.models import Run


@dataclass(frozen=True, slots=True)
class Pending:
    run_id: str
    workspace: str
    owner: str | None  # the workspace's owner: tag value
    commit: str
    author: str | None  # VCS login of the commit's sender
    since: datetime
    organization: str


def pending_runs(client: TfcClient) -> list[Pending]:
    """Every current run waiting for confirmation across the organization, with its workspace and commit."""
    org = client.settings.require_organization()
    out = []
    for run in client.list_org_runs(org, statuses=CONFIRMABLE_STATUSES, include=RUN_INCLUDES):
        item = _pending(run, org)
        if item is not None:
            out.append(item)
    return out


def _pending(run: Run, org: str) -> Pending | None:
    workspace = run.workspace
    if workspace is None or workspace.current_run_id != run.id or not run.is_confirmable:
        return None  # superseded or not actually waiting
    since = run.status_timestamps.get("planned-at") or run.created_at
    if since is None:
        return None
    ingress = run.ingress
    return Pending(run.id, workspace.name, workspace.tag_value("owner"), (run.commit_sha or "unknown"),
                   ingress.sender_username if ingress else None, since, org)


def fingerprint(items: Iterable[Pending]) -> str:
    """Identifies a set of pending runs: a changed set restarts the backoff."""
    return hashlib.sha256(",".join(sorted(i.run_id for i in items)).encode()).hexdigest()[:16]
