"""Which runs a command acts on: the runs of one commit in the workspaces the user's filters pick.

Finding them costs as few requests as TFC allows: one paged read of the organization's runs that wait for
confirmation (with plan, workspace and ingress attributes side-loaded), then one paged read of every run of
the resolved commit so errored, superseded and policy-blocked runs are reported, not silently missed.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tfc.client import CONFIRMABLE_STATUSES, RUN_INCLUDES, TfcClient
from tfc.errors import MalformedResponse, UsageError
from tfc.models import Run, Workspace
from tfc.review.decision import Decision, decide_unconfirmable, superseded

_HEX = re.compile(r"[0-9a-f]{7,40}")


@dataclass(frozen=True, slots=True)
class Filters:
    include_tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    workspace_globs: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # commit authors' VCS logins (the run's ingress sender-username)

    def admits_run(self, run: Run) -> bool:
        """The run's commit is by one of ``authors`` (logins compare case-insensitively, as GitHub's do)."""
        if not self.authors:
            return True
        login = (run.ingress.sender_username if run.ingress else None) or ""
        return login.lower() in {author.lower() for author in self.authors}

    def admits(self, workspace: Workspace) -> bool:
        tags = set(workspace.tag_names)
        if any(tag not in tags for tag in self.include_tags):
            return False
        if any(tag in tags for tag in self.exclude_tags):
            return False
        return not self.workspace_globs or any(fnmatch.fnmatchcase(workspace.name, g) for g in self.workspace_globs)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A run that waits for confirmation and is its workspace's current run."""

    run: Run
    workspace: Workspace


@dataclass(frozen=True, slots=True)
class Reported:
    """A run of the commit that will not be applied, and why."""

    run: Run
    workspace: Workspace
    decision: Decision


@dataclass(frozen=True, slots=True)
class Selection:
    commit: str | None  # the full SHA, when any run of the commit was found
    candidates: tuple[Candidate, ...]
    reported: tuple[Reported, ...]


def commit_prefix(text: str) -> str:
    """Validate ``--commit``: 7 to 40 hexadecimal characters."""
    sha = text.strip().lower()
    if not _HEX.fullmatch(sha):
        raise UsageError(f"invalid --commit {text!r}: expected 7 to 40 hexadecimal characters of a commit SHA")
    return sha


def _workspace(run: Run) -> Workspace:
    if run.workspace is None:
        raise MalformedResponse(f"run {run.id}: the workspace was not included in the response")
    return run.workspace


def partition(confirmable: Iterable[Run], others: Iterable[Run], prefix: str, filters: Filters) -> Selection:
    """Pure selection from the two run lists; runs outside the commit or the filters are dropped."""
    matching = [r for r in confirmable if (r.commit_sha or "").lower().startswith(prefix)]
    shas = sorted({(r.commit_sha or "").lower() for r in matching})
    if len(shas) > 1:
        raise UsageError(f"--commit {prefix} is ambiguous: it matches {', '.join(shas)}; give more characters")
    candidates: list[Candidate] = []
    reported: list[Reported] = []
    seen: set[str] = set()
    for run in matching:
        workspace = _workspace(run)
        seen.add(run.id)
        if not filters.admits(workspace) or not filters.admits_run(run):
            continue
        if workspace.current_run_id != run.id:
            reported.append(Reported(run, workspace, superseded(workspace.current_run_id)))
        elif not run.is_confirmable:
            has_changes = run.plan.has_changes if run.plan is not None else None
            reported.append(Reported(run, workspace, decide_unconfirmable(run.status, has_changes=has_changes)))
        else:
            candidates.append(Candidate(run, workspace))
    for run in others:
        if run.id in seen or not (run.commit_sha or "").lower().startswith(prefix):
            continue
        if shas and (run.commit_sha or "").lower() != shas[0]:
            continue
        workspace = _workspace(run)
        seen.add(run.id)
        if not filters.admits(workspace) or not filters.admits_run(run):
            continue
        current = workspace.current_run_id
        if current and current != run.id and run.status not in ("applied", "errored", "discarded", "canceled"):
            reported.append(Reported(run, workspace, superseded(current)))
        else:
            reported.append(Reported(run, workspace, decide_unconfirmable(run.status)))
    commit = shas[0] if shas else _only_sha(reported)
    candidates.sort(key=lambda c: c.workspace.name)
    reported.sort(key=lambda r: r.workspace.name)
    return Selection(commit, tuple(candidates), tuple(reported))


def _only_sha(reported: Sequence[Reported]) -> str | None:
    shas = {(r.run.commit_sha or "").lower() for r in reported}
    return shas.pop() if len(shas) == 1 else None


def select_runs(client: TfcClient, prefix: str, filters: Filters, *, org: str | None = None) -> Selection:
    confirmable = list(client.list_org_runs(org, statuses=CONFIRMABLE_STATUSES, include=RUN_INCLUDES))
    full = {(r.commit_sha or "").lower() for r in confirmable if (r.commit_sha or "").lower().startswith(prefix)}
    search = full.pop() if len(full) == 1 else prefix
    others = client.list_org_runs(org, commit=search, include=RUN_INCLUDES)
    return partition(confirmable, others, prefix, filters)
