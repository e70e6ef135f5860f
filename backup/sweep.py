"""The sweep: compare every workspace's current state version with its newest backup; back up what is missing.

TFC is read once (the paged workspace list with current state versions side-loaded); the bucket once (a listing
of the organization's keys). Only workspaces that are behind cost more: one state download each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from backup.capture import capture
from backup.layout import organization_prefix, parse_key
from backup.rules import Write
from backup.staleness import Backups, Need, Outcome, need, needs_attention, outcome
from backup.store import BackupStore
from tfc.client import TfcClient
from tfc.errors import TfcError
from tfc.state_versions import WorkspaceState, workspaces_with_state


@dataclass(frozen=True, slots=True)
class SweepItem:
    workspace: str
    outcome: Outcome
    tfc_serial: int | None
    backup_serial: int | None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SweepReport:
    organization: str
    items: tuple[SweepItem, ...]
    dry_run: bool
    side_loaded: bool  # False when the server ignored include=current_state_version

    @property
    def attention(self) -> bool:
        return needs_attention([i.outcome for i in self.items])

    def count(self, kind: Outcome) -> int:
        return sum(1 for i in self.items if i.outcome is kind)


def newest_backups(store: BackupStore, prefix: str, organization: str) -> dict[str, Backups]:
    """Per workspace, the highest backed-up serial and the last write, from one listing of the organization's keys."""
    newest: dict[str, Backups] = {}
    for listed in store.list(organization_prefix(prefix, organization)):
        parts = parse_key(prefix, listed.key)
        if parts is None or parts.organization != organization:
            continue
        seen = newest.get(parts.workspace)
        newest[parts.workspace] = Backups(parts.serial, listed.last_modified) if seen is None else Backups(
            max(seen.highest_serial, parts.serial), max(seen.last_written, listed.last_modified))
    return newest


def sweep(
    client: TfcClient, store: BackupStore, *, prefix: str, organization: str, now: datetime,
    stale_after: timedelta, dry_run: bool = False,
) -> SweepReport:
    backups = newest_backups(store, prefix, organization)
    states = list(workspaces_with_state(client, organization))

    def one(state: WorkspaceState) -> SweepItem:
        return _sweep_one(client, store, state, backups.get(state.workspace.name), prefix=prefix,
                          organization=organization, now=now, stale_after=stale_after, dry_run=dry_run)

    behind = [s for s in states if _need(s, backups.get(s.workspace.name), now) is Need.BEHIND]
    done = dict(zip((s.workspace.name for s in behind), client.map(one, behind), strict=True))
    items = [done.get(s.workspace.name) or one(s) for s in states]
    return SweepReport(organization, tuple(sorted(items, key=lambda i: i.workspace)), dry_run,
                       side_loaded=all(s.side_loaded for s in states))


def _need(state: WorkspaceState, backups: Backups | None, now: datetime) -> Need:
    sv = state.current
    return need(sv.serial if sv else None, sv.created_at if sv else None, backups, now)


def _sweep_one(
    client: TfcClient, store: BackupStore, state: WorkspaceState, backups: Backups | None, *, prefix: str,
    organization: str, now: datetime, stale_after: timedelta, dry_run: bool,
) -> SweepItem:
    sv = state.current
    need_ = _need(state, backups, now)
    backed_up, failed, detail = False, False, ""
    if need_ is Need.BEHIND and sv is not None:
        if dry_run:
            detail = "dry run: not backed up"
        else:
            try:
                captured = capture(client, store, prefix=prefix, organization=organization,
                                   workspace=state.workspace.name, sv=sv)
                if captured.outcome is Write.SAME:  # it was there after all (a backup the listing raced)
                    need_, detail = Need.CURRENT, f"already backed up: {captured.key}"
                else:
                    backed_up, detail = True, captured.key
            except TfcError as exc:
                failed, detail = True, str(exc)
    result = outcome(need_, backed_up=backed_up, failed=failed, tfc_created_at=sv.created_at if sv else None,
                     now=now, stale_after=stale_after)
    if result is Outcome.STALE and backed_up and sv is not None:
        detail = f"backed up now; TFC's state went {_age(now - sv.created_at)} without a backup ({detail})"
    return SweepItem(state.workspace.name, result, sv.serial if sv else None,
                     backups.highest_serial if backups else None, detail)


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"


def summary_text(report: SweepReport, limit: int = 10) -> str:
    """A short Slack summary of what needs a person (at most ``limit`` workspaces named)."""
    attention = [i for i in report.items if i.outcome in (Outcome.STALE, Outcome.FAILED)]
    lines = [f"State backup sweep of {report.organization}: {report.count(Outcome.STALE)} stale, "
             f"{report.count(Outcome.FAILED)} failed, {report.count(Outcome.BACKED_UP)} caught and backed up."]
    lines += [f"• {i.workspace}: {i.outcome.value} — {i.detail[:200]}" for i in attention[:limit]]
    if len(attention) > limit:
        lines.append(f"… and {len(attention) - limit} more (run `tfc backup sweep`)")
    return "\n".join(lines)
