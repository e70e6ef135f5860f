"""``tfc review``, ``tfc apply``, ``tfc run`` and ``tfc status``: batch work on the runs of one commit."""

from __future__ import annotations

import re
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
from tfc.cli.output import json_document, make_console, plain
from tfc.cli.review_render import (
    decision_record,
    group_record,
    render_group,
    render_reported,
    render_results,
    reported_record,
    result_record,
    selection_summary,
)
from tfc.client import TfcClient
from tfc.errors import ConfigError, ExitCode, TfcError, UsageError
from tfc.review.assess import Group, group, select_and_assess
from tfc.review.audit import AuditLog, default_audit_path
from tfc.review.decision import Verdict
from tfc.review.execute import Outcome, Result
from tfc.review.selection import Filters, Selection, commit_prefix
from tfc.review.session import Approval, apply_approved, approve, record_unapplied, tally, tfc_identity
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


def filters_from_options(include_tag: Sequence[str], exclude_tag: Sequence[str], workspace: Sequence[str],
                         author: Sequence[str] = ()) -> Filters:
    """The selection the shared options ask for (review, apply, run and rollout use the same options)."""
    return Filters(tuple(include_tag), tuple(exclude_tag), tuple(workspace), tuple(author))


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


AuthorOption = Annotated[list[str], typer.Option("--author", help="Only runs of commits by this VCS login "
                                                 "(the run's ingress sender; repeatable).")]
WaitTimeoutOption = Annotated[str, typer.Option("--wait-timeout", help="With --wait, stop following after this long "
                                                "(e.g. 90s, 30m, 2h) and report the runs still running.")]
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smh]?)")


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``30m`` or ``2h`` as seconds; anything else is a usage error."""
    match = _DURATION.fullmatch(text.strip())
    if match is None or float(match.group(1)) <= 0:
        raise UsageError(f"invalid --wait-timeout {text!r}: expected a positive duration such as 90s, 30m or 2h")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def review(
    ctx: typer.Context,
    commit: CommitOption,
    wildcard: WildcardOption = [],  # noqa: B006 - typer reads the default, never mutates it
    include_tag: IncludeTagOption = [],  # noqa: B006
    exclude_tag: ExcludeTagOption = [],  # noqa: B006
    workspace: WorkspaceOption = [],  # noqa: B006
    author: AuthorOption = [],  # noqa: B006
    dry_run: DryRunOption = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply what the rules approve without asking; "
                                      "groups that need a person are left.")] = False,
    wait: WaitOption = False,
    wait_timeout: WaitTimeoutOption = "2h",
    poll_interval: PollOption = 5.0,
    details: Annotated[bool, typer.Option("--details/--no-details", help="Attribute-level diffs.")] = True,
    audit_log: AuditOption = None,
    output: OutputOption = None,
) -> int:
    """Review the runs of a commit across workspaces: approve by rule, review equal plans once, apply safely.

    Exit codes: 0 every run of the commit applied or nothing left to do, 3 some runs were left for a person,
    failed, changed since review or are still running, 1 an error (including a commit with no runs), 2 bad usage.
    """
    selection = filters_from_options(include_tag, exclude_tag, workspace, author)
    return _review(ctx, commit, wildcard, selection, dry_run=dry_run,
                   wait=wait, wait_timeout=parse_duration(wait_timeout), poll_interval=poll_interval, details=details,
                   audit_log=audit_log, output=output, interactive=not yes, command="review")


def apply(
    ctx: typer.Context,
    commit: CommitOption,
    wildcard: WildcardOption = [],  # noqa: B006
    include_tag: IncludeTagOption = [],  # noqa: B006
    exclude_tag: ExcludeTagOption = [],  # noqa: B006
    workspace: WorkspaceOption = [],  # noqa: B006
    author: AuthorOption = [],  # noqa: B006
    dry_run: DryRunOption = False,
    wait: WaitOption = False,
    wait_timeout: WaitTimeoutOption = "2h",
    poll_interval: PollOption = 5.0,
    audit_log: AuditOption = None,
    output: OutputOption = None,
) -> int:
    """Apply, without prompts, the runs of a commit whose every change a --wildcard rule allows.

    Same selection, rules and exit codes as `tfc review --yes`; nothing that needs a person is applied.
    """
    if not wildcard:
        raise UsageError("tfc apply needs at least one --wildcard rule (use `tfc review` to approve by hand)")
    selection = filters_from_options(include_tag, exclude_tag, workspace, author)
    return _review(ctx, commit, wildcard, selection, dry_run=dry_run,
                   wait=wait, wait_timeout=parse_duration(wait_timeout), poll_interval=poll_interval, details=False,
                   audit_log=audit_log, output=output, interactive=False, command="apply")


def _review(
    ctx: typer.Context,
    commit: str,
    wildcards: Sequence[str],
    filters: Filters,
    *,
    dry_run: bool,
    wait: bool,
    wait_timeout: float,
    poll_interval: float,
    details: bool,
    audit_log: Path | None,
    output: Any,
    interactive: bool,
    command: str,
) -> int:
    rules = [parse_wildcard(w) for w in wildcards]  # usage errors before any request
    prefix = commit_prefix(commit)
    as_json = wants_json(ctx, output)
    human = stderr if as_json else make_console()
    if interactive and not dry_run and not sys.stdin.isatty():
        raise UsageError("no terminal to ask for approval: pass --yes (applies only what the rules allow) or --dry-run")
    client = get_client(ctx)
    with _progress(stderr, stderr.is_terminal) as progress:
        task = progress.add_task("finding runs and reading plans", total=None, detail="")
        selection, assessed = select_and_assess(client, prefix, filters, rules,
                                                on_done=lambda _: progress.advance(task))
    if not selection.candidates and not selection.reported:
        where = client.settings.organization or "the organization"
        narrowed = " in the selected workspaces" if filters != Filters() else ""
        raise TfcError(f"no runs of commit {prefix} in organization {where}{narrowed}")
    human.print(plain(selection_summary(selection, prefix)))
    groups = group(assessed)
    asking = interactive and not dry_run
    shown: set[int] = set()
    for number, grp in enumerate(groups, 1):
        if asking and grp.reviewable and grp.decision.verdict is Verdict.REVIEW:
            continue  # shown once, in full, when the person is asked about it
        needs_person = grp.decision.verdict is not Verdict.APPROVE
        render_group(human, number, grp, details=details and needs_person, max_workspaces=8)
        shown.add(number)
    render_reported(human, selection.reported)

    def ask(number: int, grp: Group) -> str:
        shown.add(number)
        return ask_about_group(human, number, grp)

    approved = approve(groups, ask if asking else None)
    for number, grp in enumerate(groups, 1):
        if number not in shown:  # the person quit before reaching it: it is left, and listed
            render_group(human, number, grp, details=False, max_workspaces=8)
    document: dict[str, Any] = {"commit": selection.commit, "dry_run": dry_run}
    document["groups"] = [group_record(g, n) for n, g in enumerate(groups, 1)]
    document["decisions"] = [decision_record(item, n) for n, g in enumerate(groups, 1) for item in g.members]
    document["reported"] = [reported_record(r) for r in selection.reported]
    results: list[Result] | None = None
    if approved and not dry_run and (
        not interactive or typer.confirm(f"Apply {len(approved)} run(s)?", default=False, err=True)
    ):
        audit = AuditLog(audit_log or default_audit_path(), tfc_user=tfc_identity(client))
        record_unapplied(audit, selection, assessed, approved)
        results = _apply(client, selection, approved, audit, wait=wait, wait_timeout=wait_timeout,
                         poll_interval=poll_interval)
        render_results(human, results)
        document["results"] = [result_record(r) for r in results]
    counted = tally(selection, assessed, approved, results, dry_run=dry_run)
    human.print(plain(f"{'dry run: ' if dry_run else ''}{counted.text()}"))
    if as_json:
        document["summary"] = counted.as_dict()
        emit_json(json_document(command, document))
    return int(counted.exit_code)


def _apply(client: TfcClient, selection: Selection, approved: dict[str, Approval], audit: AuditLog, *, wait: bool,
           wait_timeout: float, poll_interval: float) -> list[Result]:
    with _progress(stderr, stderr.is_terminal) as progress:
        applying = progress.add_task("applying", total=len(approved), detail="")
        following = progress.add_task("waiting", total=None, visible=wait, detail="")
        counts = {"ok": 0, "not": 0}

        def applied(result: Result) -> None:
            counts["ok" if result.outcome is Outcome.APPLYING else "not"] += 1
            progress.update(applying, advance=1, detail=f"confirmed {counts['ok']} · not applied {counts['not']}")
            progress.update(following, total=counts["ok"])

        return apply_approved(client, selection, approved, audit, wait=wait, wait_timeout=wait_timeout,
                              poll_interval=poll_interval, on_applied=applied,
                              on_completed=lambda _: progress.advance(following))


def ask_about_group(console: Console, number: int, grp: Group) -> str:
    """Show one group with every workspace in it and ask approve / skip / quit (default skip)."""
    render_group(console, number, grp, details=True, max_workspaces=len(grp.members))
    runs = len(grp.members)
    return Prompt.ask(f"Group {number} ({runs} run{'' if runs == 1 else 's'}): approve, skip or quit?",
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
    filters = filters_from_options(include_tag, exclude_tag, workspace)
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
    human = stderr if as_json else make_console()
    human.print(f"{len(selected)} workspace(s) selected")
    if not selected:
        raise TfcError("no workspace matches the selection")
    if dry_run:
        for ws in selected:
            human.print(plain(f"  would queue a plan in {ws.name}"))
        if as_json:
            emit_json(json_document("run", {"dry_run": True, "workspaces": [ws.name for ws in selected],
                                            "runs": []}))
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
        human.print(f"[red]failed[/] {plain(result.workspace.name)}: {plain(result.error)}")
    human.print(f"{len(results) - len(failed)} run(s) queued, {len(failed)} failed")
    if as_json:
        runs = [{"workspace": r.workspace.name, "run_id": r.run_id, "error": r.error} for r in results]
        emit_json(json_document("run", {"dry_run": False, "workspaces": [ws.name for ws in selected], "runs": runs}))
    return int(ExitCode.ATTENTION if failed else ExitCode.OK)


def status(
    ctx: typer.Context,
    commit: CommitOption,
    watch: Annotated[bool, typer.Option("--watch", help="Refresh until nothing is planning or applying.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between refreshes with --watch.")] = 10.0,
    output: OutputOption = None,
) -> int:
    """Where every workspace stands for a commit: planning, needs confirmation, applying, applied, errored…

    Exit codes: 0 nothing needs attention, 3 some run errored or waits on a policy decision, 1 an error
    (including a commit with no runs), 2 bad usage.
    """
    prefix = commit_prefix(commit)
    client = get_client(ctx)
    as_json = wants_json(ctx, output)
    while True:
        lines = commit_status(client.list_org_runs(commit=prefix), prefix)
        if not watch or not any(line.stage.in_progress for line in lines):
            break
        _status_table(stderr, lines)
        time.sleep(interval)
    if not lines:
        raise TfcError(f"no runs of commit {prefix} in organization {client.settings.organization or '?'}")
    if as_json:
        emit_json(json_document("status", {"commit": prefix, "counts": stage_counts(lines), "runs": lines}))
    else:
        _status_table(make_console(), lines)
    attention = any(line.stage.value in ("errored", "needs attention") for line in lines)
    return int(ExitCode.ATTENTION if attention else ExitCode.OK)


def _status_table(console: Console, lines: Sequence[StatusLine]) -> None:
    counts = stage_counts(lines)
    summary = ", ".join(f"{n} {stage}" for stage, n in counts.items()) or "no runs for this commit"
    table = Table("stage", "workspace", "run", "status", title=summary)
    for line in lines:
        table.add_row(str(line.stage), plain(line.workspace), plain(line.run_id), plain(line.status))
    console.print(table)
