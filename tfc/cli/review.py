"""``tfc review``, ``tfc apply``, ``tfc run`` and ``tfc status``: batch work on the runs of one commit."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.prompt import Prompt
from rich.table import Table

from dependency_map.mapping import affected_workspaces
from dependency_map.output import load_patterns
from tfc.cli.context import OutputOption, emit_json, get_client, stderr, wants_json
from tfc.cli.review_render import (
    decision_record,
    render_group,
    render_reported,
    render_results,
    reported_record,
    result_record,
    selection_summary,
)
from tfc.errors import ConfigError, ExitCode, UsageError
from tfc.review.assess import Group, assess, group
from tfc.review.audit import AuditLog, default_audit_path
from tfc.review.decision import Verdict
from tfc.review.execute import Outcome, Result
from tfc.review.selection import Filters, commit_prefix, select_runs
from tfc.review.session import apply_approved, approve, left_for_a_person, record_unapplied
from tfc.review.status import StatusLine, commit_status, stage_counts
from tfc.review.trigger import trigger_runs
from tfc.review.wildcard import parse_wildcard

CommitOption = Annotated[str, typer.Option("--commit", help="Commit SHA, or a prefix of at least 7 hex characters.")]
WildcardOption = Annotated[
    list[str],
    typer.Option("--wildcard", help="ACTION:ADDRESS a change may match to be approved, e.g. "
                 "update:module.stack.*.access_controls (repeatable)."),
]
IncludeTagOption = Annotated[list[str], typer.Option("--include-tag", help="Only workspaces with this tag (all).")]
ExcludeTagOption = Annotated[list[str], typer.Option("--exclude-tag", help="Skip workspaces with this tag (any).")]
WorkspaceOption = Annotated[list[str], typer.Option("--workspace", help="Workspace name or glob (repeatable).")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show every decision; apply nothing.")]
AuditOption = Annotated[
    Path | None, typer.Option("--audit-log", help="JSON-lines audit log (default: $XDG_STATE_HOME/tfc/audit.jsonl).")
]
WaitOption = Annotated[bool, typer.Option("--wait", help="Follow the applies to their end and report failures.")]
PollOption = Annotated[float, typer.Option("--poll-interval", min=0, help="Seconds between checks with --wait.")]


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("apply")(apply)
    app.command("run")(run)
    app.command("status")(status)


def _filters(include_tag: Sequence[str], exclude_tag: Sequence[str], workspace: Sequence[str]) -> Filters:
    return Filters(tuple(include_tag), tuple(exclude_tag), tuple(workspace))


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


def review(
    ctx: typer.Context,
    commit: CommitOption,
    wildcard: WildcardOption = [],  # noqa: B006 - typer reads the default, never mutates it
    include_tag: IncludeTagOption = [],  # noqa: B006
    exclude_tag: ExcludeTagOption = [],  # noqa: B006
    workspace: WorkspaceOption = [],  # noqa: B006
    dry_run: DryRunOption = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply what the rules approve without asking; "
                                      "groups that need a person are left.")] = False,
    wait: WaitOption = False,
    poll_interval: PollOption = 5.0,
    details: Annotated[bool, typer.Option("--details/--no-details", help="Attribute-level diffs.")] = True,
    audit_log: AuditOption = None,
    output: OutputOption = None,
) -> int:
    """Review the runs of a commit across workspaces: approve by rule, review equal plans once, apply safely.

    Exit codes: 0 every selected run applied (or nothing to do), 3 some runs were left for a person or
    failed, 1 an error, 2 bad usage.
    """
    return _review(ctx, commit, wildcard, include_tag, exclude_tag, workspace, dry_run=dry_run, yes=yes, wait=wait,
                   poll_interval=poll_interval, details=details, audit_log=audit_log, output=output,
                   interactive=not yes)


def apply(
    ctx: typer.Context,
    commit: CommitOption,
    wildcard: WildcardOption = [],  # noqa: B006
    include_tag: IncludeTagOption = [],  # noqa: B006
    exclude_tag: ExcludeTagOption = [],  # noqa: B006
    workspace: WorkspaceOption = [],  # noqa: B006
    dry_run: DryRunOption = False,
    wait: WaitOption = False,
    poll_interval: PollOption = 5.0,
    audit_log: AuditOption = None,
    output: OutputOption = None,
) -> int:
    """Apply, without prompts, the runs of a commit whose every change a --wildcard rule allows.

    Same selection and rules as `tfc review --yes`; nothing that needs a person is applied.
    """
    if not wildcard:
        raise UsageError("tfc apply needs at least one --wildcard rule (use `tfc review` to approve by hand)")
    return _review(ctx, commit, wildcard, include_tag, exclude_tag, workspace, dry_run=dry_run, yes=True, wait=wait,
                   poll_interval=poll_interval, details=False, audit_log=audit_log, output=output,
                   interactive=False)


def _review(
    ctx: typer.Context,
    commit: str,
    wildcards: Sequence[str],
    include_tag: Sequence[str],
    exclude_tag: Sequence[str],
    workspace: Sequence[str],
    *,
    dry_run: bool,
    yes: bool,
    wait: bool,
    poll_interval: float,
    details: bool,
    audit_log: Path | None,
    output: Any,
    interactive: bool,
) -> int:
    rules = [parse_wildcard(w) for w in wildcards]  # usage errors before any request
    prefix = commit_prefix(commit)
    as_json = wants_json(ctx, output)
    human = stderr if as_json else Console(highlight=False)
    if interactive and not dry_run and not sys.stdin.isatty():
        raise UsageError("no terminal to ask for approval: pass --yes (applies only what the rules allow) or --dry-run")
    client = get_client(ctx)
    filters = _filters(include_tag, exclude_tag, workspace)
    with stderr.status("finding the runs of the commit…"):
        selection = select_runs(client, prefix, filters)
    human.print(selection_summary(selection, prefix))
    with _progress(stderr, stderr.is_terminal) as progress:
        task = progress.add_task("reading plans", total=len(selection.candidates), detail="")
        assessed = assess(client, selection.candidates, rules, on_done=lambda _: progress.advance(task))
    groups = group(assessed)
    for number, grp in enumerate(groups, 1):
        needs_person = grp.decision.verdict is not Verdict.APPROVE
        render_group(human, number, grp, details=details and needs_person, max_workspaces=8)
    render_reported(human, selection.reported)
    ask = (lambda number, grp: _ask(human, number, grp)) if interactive and not dry_run else None
    approved = approve(groups, ask)
    decisions: dict[str, Any] = {"commit": selection.commit, "dry_run": dry_run}
    decisions["decisions"] = [decision_record(item, n) for n, g in enumerate(groups, 1) for item in g.members]
    decisions["reported"] = [reported_record(r) for r in selection.reported]
    left = left_for_a_person(selection, assessed, approved)
    if dry_run or not approved:
        human.print(f"{'dry run: ' if dry_run else ''}{len(approved)} run(s) would be applied, {left} left")
        if as_json:
            emit_json(decisions)
        return int(ExitCode.ATTENTION if left else ExitCode.OK)
    if interactive and not typer.confirm(f"Apply {len(approved)} run(s)?", default=False, err=True):
        human.print("nothing applied")
        return int(ExitCode.ATTENTION)
    audit = AuditLog(audit_log or default_audit_path())
    record_unapplied(audit, selection, assessed, approved)
    with _progress(stderr, stderr.is_terminal) as progress:
        applying = progress.add_task("applying", total=len(approved), detail="")
        following = progress.add_task("waiting", total=None, visible=wait, detail="")
        counts = {"ok": 0, "not": 0}

        def applied(result: Result) -> None:
            counts["ok" if result.outcome is Outcome.APPLYING else "not"] += 1
            progress.update(applying, advance=1, detail=f"confirmed {counts['ok']} · not applied {counts['not']}")
            progress.update(following, total=counts["ok"])

        results = apply_approved(client, selection, approved, audit, wait=wait, poll_interval=poll_interval,
                                 on_applied=applied, on_completed=lambda _: progress.advance(following))
    render_results(human, results)
    done = sum(1 for r in results if r.outcome in (Outcome.APPLYING, Outcome.APPLIED))
    human.print(f"{done} applied, {len(results) - done} not applied, {left} left for a person")
    if as_json:
        decisions["results"] = [result_record(r) for r in results]
        emit_json(decisions)
    return int(ExitCode.ATTENTION if left or done < len(results) else ExitCode.OK)


def _ask(console: Console, number: int, grp: Group) -> str:
    render_group(console, number, grp, details=True, max_workspaces=len(grp.members))
    plural = "" if len(grp.members) == 1 else "s"
    return Prompt.ask(f"Group {number} ({len(grp.members)} workspace{plural}): approve, skip or quit?",
                      choices=["approve", "skip", "quit"], default="skip", console=console)


def run(
    ctx: typer.Context,
    message: Annotated[str, typer.Option("--message", "-m", help="Message of the queued runs.")] = "Queued by tfc run",
    include_tag: IncludeTagOption = [],  # noqa: B006
    exclude_tag: ExcludeTagOption = [],  # noqa: B006
    workspace: WorkspaceOption = [],  # noqa: B006
    dry_run: DryRunOption = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask, whatever the count.")] = False,
    confirm_above: Annotated[int, typer.Option(help="Ask before queueing more than this many runs.")] = 10,
    affected_by: Annotated[list[str], typer.Option("--affected-by", help="Only workspaces whose trigger patterns "
                                                   "match this changed path (repeatable).")] = [],  # noqa: B006
    triggers: Annotated[Path, typer.Option("--triggers", help="The dependency-map YAML for --affected-by.")] = Path(
        "tfc-triggers.yaml"),
    output: OutputOption = None,
) -> int:
    """Queue plans in the selected workspaces (tags, name globs, or the workspaces a change affects)."""
    filters = _filters(include_tag, exclude_tag, workspace)
    if not (include_tag or exclude_tag or workspace or affected_by):
        raise UsageError("select workspaces with --include-tag, --exclude-tag, --workspace or --affected-by")
    affected: set[str] | None = None
    if affected_by:
        patterns = load_patterns(triggers)
        if not patterns:
            raise ConfigError(f"{triggers}: no trigger patterns; run `tfc deps generate` first")
        affected = set(affected_workspaces(patterns, affected_by))
    client = get_client(ctx)
    selected = [ws for ws in client.list_workspaces(tags=include_tag)
                if filters.admits(ws) and (affected is None or ws.name in affected)]
    as_json = wants_json(ctx, output)
    human = stderr if as_json else Console(highlight=False)
    human.print(f"{len(selected)} workspace(s) selected")
    if dry_run or not selected:
        for ws in selected:
            human.print(f"  would queue a plan in {ws.name}")
        if as_json:
            emit_json({"dry_run": dry_run, "workspaces": [ws.name for ws in selected]})
        return int(ExitCode.OK)
    if len(selected) > confirm_above and not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"{len(selected)} runs is more than --confirm-above {confirm_above}: pass --yes")
        if not typer.confirm(f"Queue plans in {len(selected)} workspaces?", default=False, err=True):
            return int(ExitCode.ATTENTION)
    with _progress(stderr, stderr.is_terminal) as progress:
        task = progress.add_task("queueing", total=len(selected), detail="")
        results = trigger_runs(client, selected, message, on_done=lambda _: progress.advance(task))
    failed = [r for r in results if r.error]
    for result in failed:
        human.print(f"[red]failed[/] {result.workspace.name}: {result.error}")
    human.print(f"{len(results) - len(failed)} run(s) queued, {len(failed)} failed")
    if as_json:
        emit_json([{"workspace": r.workspace.name, "run_id": r.run_id, "error": r.error} for r in results])
    return int(ExitCode.ATTENTION if failed else ExitCode.OK)


def status(
    ctx: typer.Context,
    commit: CommitOption,
    watch: Annotated[bool, typer.Option("--watch", help="Refresh until nothing is planning or applying.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between refreshes with --watch.")] = 10.0,
    output: OutputOption = None,
) -> int:
    """Where every workspace stands for a commit: planning, needs confirmation, applying, applied, errored…"""
    prefix = commit_prefix(commit)
    client = get_client(ctx)
    as_json = wants_json(ctx, output)
    while True:
        lines = commit_status(client.list_org_runs(commit=prefix), prefix)
        if not watch or not any(line.stage.in_progress for line in lines):
            break
        _status_table(stderr, lines)
        time.sleep(interval)
    if as_json:
        emit_json({"counts": stage_counts(lines), "runs": lines})
    else:
        _status_table(Console(highlight=False), lines)
    attention = any(line.stage.value in ("errored", "needs attention") for line in lines)
    return int(ExitCode.ATTENTION if attention else ExitCode.OK)


def _status_table(console: Console, lines: Sequence[StatusLine]) -> None:
    counts = stage_counts(lines)
    summary = ", ".join(f"{n} {stage}" for stage, n in counts.items()) or "no runs for this commit"
    table = Table("stage", "workspace", "run", "status", title=summary)
    for line in lines:
        table.add_row(str(line.stage), line.workspace, line.run_id, line.status)
    console.print(table)
