"""Owner delegation: a workspace whose latest run errored tells its owner:<team> channel, once per failure."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import takewhile
from typing import Any
from urllib.parse import quote

from notifier.config import NotifierConfig
from notifier.mrkdwn import inert, link
from notifier.slack import SEND_ERRORS, SlackPort, slack_error
from notifier.state import StateStore
from tfc.client import RUN_INCLUDES, TfcClient
from tfc.errors import TfcError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Failure:
    run_id: str
    workspace: str
    workspace_id: str
    owner: str | None
    stage: str  # "plan" or "apply"
    message: str  # the run's message
    commit: str | None


@dataclass(frozen=True, slots=True)
class Notice:
    failure: Failure
    channel: str
    action: str  # "sent", "would send", "already sent", "failed"
    detail: str = ""


def failures(client: TfcClient) -> list[Failure]:
    """Errored runs that are still their workspace's latest run (one org-wide paged read)."""
    out = []
    for run in client.list_org_runs(statuses=("errored",), include=RUN_INCLUDES):
        workspace = run.workspace
        if workspace is None or workspace.current_run_id != run.id:
            continue  # a later run succeeded or is under way
        stage = "plan" if run.plan is not None and run.plan.status == "errored" else "apply"
        out.append(Failure(run.id, workspace.name, workspace.id, workspace.tag_value("owner"), stage,
                           run.message or "", run.commit_sha))
    return sorted(out, key=lambda f: f.workspace)


def in_a_row(statuses: Iterable[str]) -> int:
    """Consecutive errored runs at the head of a workspace's runs (newest first)."""
    return sum(1 for _ in takewhile(lambda status: status == "errored", statuses))


def notice(failure: Failure, streak: int, config: NotifierConfig, org: str) -> dict[str, Any]:
    """The owner's message; every TFC-sourced string inert, the only link ours."""
    commit = f" (commit `{failure.commit[:12]}`)" if failure.commit else ""
    first_line = (failure.message.strip().splitlines() or ["no message"])[0]
    summary = f"{failure.stage} errored: {inert(first_line, 200)}{commit}"
    repeated = f" — failed {streak} times in a row" if streak > 1 else ""
    note = "" if failure.owner in config.team_channels else (
        f"\n_{inert(failure.workspace)} has no owner: tag; add one to route this to a team._" if not failure.owner
        else f"\n_No channel configured for owner {inert(failure.owner, 60)}._")
    url = f"{config.app_url}/app/{quote(org, safe='')}/workspaces/{quote(failure.workspace, safe='')}/runs/" \
          f"{quote(failure.run_id, safe='')}"
    text = f":x: *{inert(failure.workspace)}*: {summary}{repeated}\n{link(url, 'Open the run')}{note}"
    return {"text": f"{inert(failure.workspace)}: {failure.stage} errored",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def notify_owners(client: TfcClient, store: StateStore, slack: SlackPort | None, config: NotifierConfig,
                  now: datetime, *, dry_run: bool = False) -> list[Notice]:
    """A notice for every current failure; each failure is announced once, ever.
    One failing notice (Slack or TFC) is reported as "failed" and retried next tick; the others go out."""
    results = []
    org = client.settings.require_organization()
    for failure in failures(client):
        channel = config.team_channels.get(failure.owner or "") or config.default_channel
        if dry_run or slack is None:
            results.append(Notice(failure, channel, "would send"))
            continue
        key = f"failure#{failure.run_id}"
        if not store.claim(key, now):
            results.append(Notice(failure, channel, "already sent"))
            continue
        try:
            streak = in_a_row(r.status for r in client.list_workspace_runs(failure.workspace_id, include=()))
            slack.post(channel, notice(failure, streak, config, org))
        except (*SEND_ERRORS, TfcError) as exc:
            store.release(key)
            why = slack_error(exc) if isinstance(exc, SEND_ERRORS) else str(exc)
            log.warning("owner notice for %s (run %s) to %s failed: %s", failure.workspace, failure.run_id,
                        channel, why)
            results.append(Notice(failure, channel, "failed", why))
            continue
        results.append(Notice(failure, channel, "sent"))
    return results
