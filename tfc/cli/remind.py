"""``tfc remind``: reminders of pending applies from a workstation or CI (the Lambda does the same on a timer).

Every subcommand reads and writes the same state as the Lambda when given ``--state dynamodb://TABLE`` (or
``state:`` in the notifier config), so a person sees and changes the Lambda's snoozes and reassignments."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from notifier.config import SLACK_ID, NotifierConfig, load_config
from notifier.interactions import parse_duration
from notifier.owners import notify_owners
from notifier.slack import SlackPort
from notifier.state import Override, StateStore, open_store
from notifier.tick import run_tick
from tfc.cli.context import OutputOption, emit_json, get_client, get_state, stderr, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.errors import ConfigError, ExitCode, UsageError
from tfc.review.selection import commit_prefix

app = typer.Typer(help="Slack reminders of pending applies; reassign and snooze them.", no_args_is_help=True)

StateOption = Annotated[str | None, typer.Option(
    "--state", help="dynamodb://TABLE (the Lambda's table) or a state file (default: the config's state:, else "
    "$XDG_STATE_HOME/tfc/remind.json).")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="Notifier YAML (docs/reminders.md).")]
CommitOption = Annotated[str, typer.Option("--commit", help="The commit whose pending applies this is about.")]
NowOption = Annotated[str | None, typer.Option("--now", help="Act as if it were this ISO time (with offset), "
                                                "e.g. 2026-11-25T09:00+01:00: for dry runs and planning.")]
StatsOption = Annotated[bool, typer.Option("--stats", help="Print API request counts on stderr at the end.")]
CHANNEL = re.compile(r"#[a-z0-9][a-z0-9_-]{0,79}")


def _store(state: str | None, config: NotifierConfig) -> StateStore:
    return open_store(state or config.state, os.environ)


def _moment(now: str | None, option: str = "--now") -> datetime:
    if now is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        raise UsageError(f"{option} {now!r}: expected an ISO time, e.g. 2026-11-25T09:00+01:00") from None
    if moment.tzinfo is None:
        raise UsageError(f"{option} {now!r}: give a time zone offset, e.g. {now}+00:00")
    return moment


@app.command("run")
def run(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show who would get what and why; send nothing.")] = False,
    config: ConfigOption = None,
    state: StateOption = None,
    now: NowOption = None,
    slack_api_url: Annotated[str | None, typer.Option(help="Slack Web API base URL (tests, proxies).")] = None,
    owners: Annotated[bool, typer.Option("--owners/--no-owners", help="Also notify owners of failures.")] = True,
    stats: StatsOption = False,
    output: OutputOption = None,
) -> None:
    """One reminder tick: remind each person (or channel) of their pending applies, if due and in hours.
    Exits 3 when a message could not be sent (the others were; the next tick retries those)."""
    settings = load_config(config)
    moment = _moment(now)
    if now is not None and not dry_run:
        raise UsageError("--now is for dry runs and planning: add --dry-run")
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not dry_run and not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set (or use --dry-run)")
    slack = SlackPort.connect(token, slack_api_url) if token else None
    store = _store(state, settings)
    client = get_client(ctx)
    if stats and not get_state(ctx).stats:
        ctx.call_on_close(lambda: stderr.print(f"API requests: {json.dumps(client.stats.as_dict())}"))
    outcomes = run_tick(client, store, slack, settings, moment, dry_run=dry_run)
    notices = notify_owners(client, store, slack, settings, moment, dry_run=dry_run) if owners else []
    failed = [o for o in outcomes if o.action == "failed"] + [n for n in notices if n.action == "failed"]
    if wants_json(ctx, output):
        emit_json(json_document("remind run", {"dry_run": dry_run, "now": moment, "failed": len(failed),
                                               "reminders": outcomes, "owner_notifications": [
            {"workspace": n.failure.workspace, "run_id": n.failure.run_id, "channel": n.channel,
             "action": n.action, "detail": n.detail} for n in notices]}))
    else:
        title = f"reminders ({'dry run' if dry_run else 'sent'})"
        table = Table("recipient", "runs", "commits", "action", "why", title=title)
        for o in outcomes:
            table.add_row(plain(o.recipient), str(o.runs), " ".join(c[:8] for c in o.commits), o.action,
                          plain(o.detail))
        console = make_console()
        console.print(table)
        for n in notices:
            console.print(f"owner notification: {plain(n.failure.workspace)} ({n.failure.stage} errored) -> "
                          f"{plain(n.channel)}: {n.action}" + (f" ({plain(n.detail)})" if n.detail else ""))
        if failed:
            make_console(stderr=True).print(f"{len(failed)} message(s) failed; the next tick retries them")
    if failed:
        raise typer.Exit(ExitCode.ATTENTION)


def reassign_target(to: str, config: NotifierConfig) -> str:
    """A Slack user id, a person from the config (by login or email) with a Slack id, or a #channel."""
    if SLACK_ID.fullmatch(to) or CHANNEL.fullmatch(to):
        return to
    person = config.person(to)
    if person is not None and person.slack_id:
        return person.slack_id
    if person is not None:
        raise UsageError(f"--to {to!r}: {to} has no Slack id in the notifier config (people.{to}.slack)")
    raise UsageError(f"--to {to!r}: not a Slack user id (U…), a person in the notifier config, or a #channel")


@app.command("reassign")
def reassign(
    commit: CommitOption,
    to: Annotated[str | None, typer.Option("--to", help="Slack user id (U…), a person from the notifier config, "
                                           "or #channel.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the reassignment.")] = False,
    config: ConfigOption = None,
    state: StateOption = None,
) -> None:
    """Send a commit's reminders to someone else."""
    sha = commit_prefix(commit)
    settings = load_config(config)
    if clear == bool(to):
        raise UsageError("give --to USER or --clear")
    store = _store(state, settings)
    if clear:
        store.clear_override(sha, "reassign")
        typer.echo(f"commit {sha[:12]}: reassignment cleared")
        return
    target = reassign_target(to or "", settings)
    store.set_override(Override(sha, "reassign", target, os.environ.get("USER", "cli")))
    typer.echo(f"commit {sha[:12]}: reassigned to {target}")


@app.command("snooze")
def snooze(
    commit: CommitOption,
    until: Annotated[str | None, typer.Option("--until", help="ISO time, e.g. 2026-11-25T09:00+01:00.")] = None,
    duration: Annotated[str | None, typer.Option("--for", help="Duration, e.g. 30m, 4h, 2d (30 days at most).")] = None,
    clear: Annotated[bool, typer.Option("--clear")] = False,
    config: ConfigOption = None,
    state: StateOption = None,
    now: NowOption = None,
) -> None:
    """Pause a commit's reminders until a time or for a while."""
    sha = commit_prefix(commit)
    store = _store(state, load_config(config))
    if clear:
        store.clear_override(sha, "snooze")
        typer.echo(f"commit {sha[:12]}: snooze cleared")
        return
    if bool(until) == bool(duration):
        raise UsageError("give --until TIME or --for DURATION (one of them)")
    start = _moment(now)
    if until:
        moment = _moment(until, "--until")
    else:
        try:
            moment = start + parse_duration(duration or "")
        except ValueError as exc:
            raise UsageError(f"--for: {exc}") from None
    store.set_override(Override(sha, "snooze", moment.isoformat(), os.environ.get("USER", "cli")))
    typer.echo(f"commit {sha[:12]}: reminders snoozed until {moment.isoformat(timespec='minutes')}")


@app.command("list")
def list_overrides(ctx: typer.Context, config: ConfigOption = None, state: StateOption = None,
                   output: OutputOption = None) -> None:
    """Active snoozes and reassignments."""
    overrides = _store(state, load_config(config)).overrides()
    if wants_json(ctx, output):
        emit_json(json_document("remind list", {"overrides": overrides}))
        return
    table = Table("commit", "kind", "value", "by")
    for o in overrides:
        table.add_row(plain(o.commit[:12]), o.kind, plain(o.value), plain(o.by))
    make_console().print(table)
