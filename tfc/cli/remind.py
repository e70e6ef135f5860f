"""``tfc remind``: reminders of pending applies from a workstation or CI (the Lambda does the same on a timer)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from notifier.config import load_config
from notifier.interactions import parse_duration
from notifier.owners import notify_owners
from notifier.slack import SlackPort
from notifier.state import FileStore, Override
from notifier.tick import run_tick
from tfc.cli.context import OutputOption, emit_json, get_client, wants_json
from tfc.errors import ConfigError, UsageError
from tfc.review.selection import commit_prefix

app = typer.Typer(help="Slack reminders of pending applies; reassign and snooze them.", no_args_is_help=True)

StateOption = Annotated[Path | None, typer.Option("--state", help="State file (default: "
                                                  "$XDG_STATE_HOME/tfc/remind.json).")]
CommitOption = Annotated[str, typer.Option("--commit", help="The commit whose pending applies this is about.")]


def _store(path: Path | None) -> FileStore:
    if path is None:
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        path = Path(base) / "tfc" / "remind.json"
    return FileStore(path)


@app.command("run")
def run(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show who would get what and why; send nothing.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Notifier YAML (docs/reminders.md).")] = None,
    state: StateOption = None,
    slack_api_url: Annotated[str | None, typer.Option(help="Slack Web API base URL (tests, proxies).")] = None,
    owners: Annotated[bool, typer.Option("--owners/--no-owners", help="Also notify owners of failures.")] = True,
    output: OutputOption = None,
) -> None:
    """One reminder tick: remind each person (or channel) of their pending applies, if due and in hours."""
    settings = load_config(config)
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not dry_run and not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set (or use --dry-run)")
    slack = SlackPort.connect(token, slack_api_url) if token else None
    store = _store(state)
    client = get_client(ctx)
    now = datetime.now(UTC)
    outcomes = run_tick(client, store, slack, settings, now, dry_run=dry_run)
    failures = notify_owners(client, store, slack, settings, now, dry_run=dry_run) if owners else []
    if wants_json(ctx, output):
        emit_json({"reminders": outcomes, "owner_notifications": [
            {"workspace": f.workspace, "run_id": f.run_id, "channel": c, "action": a} for f, c, a in failures]})
        return
    title = f"reminders ({'dry run' if dry_run else 'sent'})"
    table = Table("recipient", "runs", "commits", "action", "why", title=title)
    for o in outcomes:
        table.add_row(o.recipient, str(o.runs), " ".join(c[:8] for c in o.commits), o.action, o.detail)
    console = Console(highlight=False)
    console.print(table)
    for failure, channel, action in failures:
        console.print(f"owner notification: {failure.workspace} ({failure.summary}) -> {channel}: {action}")


@app.command("reassign")
def reassign(
    commit: CommitOption,
    to: Annotated[str | None, typer.Option("--to", help="Slack user id (U…) who should apply instead.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the reassignment.")] = False,
    state: StateOption = None,
) -> None:
    """Send a commit's reminders to someone else."""
    sha = commit_prefix(commit)
    store = _store(state)
    if clear:
        store.clear_override(sha, "reassign")
    elif to:
        store.set_override(Override(sha, "reassign", to, os.environ.get("USER", "cli")))
    else:
        raise UsageError("give --to USER or --clear")
    typer.echo(f"commit {sha[:12]}: " + ("reassignment cleared" if clear else f"reassigned to {to}"))


@app.command("snooze")
def snooze(
    commit: CommitOption,
    until: Annotated[str | None, typer.Option("--until", help="ISO time, e.g. 2026-11-25T09:00+01:00.")] = None,
    duration: Annotated[str | None, typer.Option("--for", help="Duration, e.g. 30m, 4h, 2d.")] = None,
    clear: Annotated[bool, typer.Option("--clear")] = False,
    state: StateOption = None,
) -> None:
    """Pause a commit's reminders until a time or for a while."""
    sha = commit_prefix(commit)
    store = _store(state)
    if clear:
        store.clear_override(sha, "snooze")
        typer.echo(f"commit {sha[:12]}: snooze cleared")
        return
    if bool(until) == bool(duration):
        raise UsageError("give --until TIME or --for DURATION (one of them)")
    try:
        moment = datetime.fromisoformat(until) if until else datetime.now(UTC) + parse_duration(duration or "")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if moment.tzinfo is None:
        raise UsageError(f"--until {until!r}: give a time zone offset, e.g. {until}+00:00")
    store.set_override(Override(sha, "snooze", moment.isoformat(), os.environ.get("USER", "cli")))
    typer.echo(f"commit {sha[:12]}: reminders snoozed until {moment.isoformat(timespec='minutes')}")


@app.command("list")
def list_overrides(ctx: typer.Context, state: StateOption = None, output: OutputOption = None) -> None:
    """Active snoozes and reassignments."""
    overrides = _store(state).overrides()
    if wants_json(ctx, output):
        emit_json(overrides)
        return
    table = Table("commit", "kind", "value", "by")
    for o in overrides:
        table.add_row(o.commit[:12], o.kind, o.value, o.by)
    Console(highlight=False).print(table)
