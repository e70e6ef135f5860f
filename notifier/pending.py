"""Runs waiting for confirmation, grouped by the person who should act: one org-wide paged read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tfc.client import CONFIRMABLE_STATUSES, RUN_INCLUDES, TfcClient
from tfc.models import Run

LABEL_KEYS = ("tier", "type")  # workspace tags a reminder counts runs by


@dataclass(frozen=True, slots=True)
class Pending:
    run_id: str
    workspace: str
    owner: str | None  # the workspace's owner: tag value
    commit: str
    author: str | None  # VCS login of the commit's sender
    since: datetime
    organization: str
    title: str = ""  # first line of the commit message (else of the run message)
    repository: str | None = None  # the ingress identifier, e.g. acme/infra
    branch: str | None = None
    labels: tuple[str, ...] = ()  # the workspace's tier:/type: tags


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
    message = (ingress.commit_message if ingress else None) or run.message or ""
    labels = tuple(sorted(t for t in workspace.tag_names if t.split(":", 1)[0] in LABEL_KEYS and ":" in t))
    return Pending(run.id, workspace.name, workspace.tag_value("owner"), (run.commit_sha or "unknown"),
                   ingress.sender_username if ingress else None, since, org,
                   title=(message.strip().splitlines() or [""])[0],
                   repository=ingress.identifier if ingress else None, branch=ingress.branch if ingress else None,
                   labels=labels)
