"""Owner delegation: a workspace whose latest run errored tells its owner:<team> channel, once per failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notifier.config import NotifierConfig
from notifier.slack import SlackPort
from notifier.state import StateStore
from tfc.client import RUN_INCLUDES, TfcClient
from tfc.models import Run


@dataclass(frozen=True, slots=True)
class Failure:
    run_id: str
    workspace: str
    owner: str | None
    summary: str
    errored_before: int  # earlier errored runs of the workspace in the same list (consecutive failures)


def failures(client: TfcClient) -> list[Failure]:
    """Errored runs that are still their workspace's latest run (one org-wide paged read)."""
    errored: dict[str, list[Run]] = {}
    for run in client.list_org_runs(statuses=("errored",), include=RUN_INCLUDES):
        if run.workspace is not None:
            errored.setdefault(run.workspace.id, []).append(run)
    out = []
    for runs in errored.values():
        runs.sort(key=lambda r: r.created_at or datetime.min)
        latest = runs[-1]
        workspace = latest.workspace
        if workspace is None or workspace.current_run_id != latest.id:
            continue  # a later run succeeded or is under way
        stage = "plan" if latest.plan is not None and latest.plan.status == "errored" else "apply"
        commit = (latest.commit_sha or "")[:12]
        summary = f"{stage} errored: {latest.message or 'no message'}" + (f" (commit {commit})" if commit else "")
        out.append(Failure(latest.id, workspace.name, workspace.tag_value("owner"), summary, len(runs) - 1))
    return sorted(out, key=lambda f: f.workspace)


def notify_owners(client: TfcClient, store: StateStore, slack: SlackPort | None, config: NotifierConfig,
                  now: datetime, *, dry_run: bool = False) -> list[tuple[Failure, str, str]]:
    """(failure, channel, action) for every current failure; each failure is announced once, ever."""
    results = []
    org = client.settings.require_organization()
    for failure in failures(client):
        channel = config.team_channels.get(failure.owner or "") or config.default_channel
        if dry_run or slack is None:
            results.append((failure, channel, "would send"))
            continue
        if not store.claim(f"failure#{failure.run_id}", now):
            results.append((failure, channel, "already sent"))
            continue
        repeated = f" — failed {failure.errored_before + 1} times in a row" if failure.errored_before else ""
        note = "" if failure.owner in config.team_channels else (
            f"\n_{failure.workspace} has no owner: tag; add one to route this to a team._" if not failure.owner
            else f"\n_No channel configured for owner {failure.owner}._")
        link = f"{config.app_url}/app/{org}/{failure.workspace}/runs/{failure.run_id}"
        text = f":x: *{failure.workspace}*: {failure.summary}{repeated}\n<{link}|Open the run>{note}"
        slack.post(channel, {"text": f"{failure.workspace}: {failure.summary}",
                             "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]})
        results.append((failure, channel, "sent"))
    return results
