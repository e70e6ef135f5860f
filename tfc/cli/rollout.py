"""``tfc rollout``: promote one commit tier by tier, applying each tier as `tfc review` does; ``status`` shows where."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from tfc.cli.context import OutputOption, emit_json, get_client, stderr, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.cli.review import (
    AuditOption,
    CommitOption,
    ExcludeTagOption,
    IncludeTagOption,
    WildcardOption,
    WorkspaceOption,
    ask_about_group,
    filters_from_options,
    parse_duration,
)
from tfc.errors import ConfigError, ExitCode, TfcError, UsageError
from tfc.review.selection import commit_prefix
from tfc.review.wildcard import parse_wildcard

app = typer.Typer(help="Staged rollouts: one commit, tier by tier, each only after the last succeeded.",
                  invoke_without_command=True)

TiersOption = Annotated[str | None, typer.Option("--tiers", help="Tiers in order, e.g. dev,staging,prod,gxp "
                                                 "(workspaces carry tier:<name> tags).")]
StateOption = Annotated[Path | None, typer.Option("--state", help="Progress file (default: "
                                                  "$XDG_STATE_HOME/tfc/rollouts/<org>/<commit>.json).")]


def _tiers(text: str | None) -> tuple[str, ...]:
    tiers = tuple(t.strip() for t in (text or "").split(",") if t.strip())
    if not tiers:
        raise UsageError("give --tiers, e.g. --tiers dev,staging,prod")
    if len(set(tiers)) != len(tiers):
        raise UsageError(f"--tiers {text}: a tier is listed twice")
    return tiers


def _names(values: list[str], tiers: tuple[str, ...], flag: str) -> frozenset[str]:
    names = frozenset(t.strip() for value in values for t in value.split(",") if t.strip())
    unknown = sorted(names - set(tiers))
    if unknown:
        raise UsageError(f"{flag} {', '.join(unknown)}: not in --tiers {','.join(tiers)}")
    return names


@app.callback()
def rollout(
    ctx: typer.Context,
    commit: Annotated[str | None, typer.Option("--commit", help="Commit SHA (7+ hex characters).")] = None,
    tiers: TiersOption = None,
    wildcard: WildcardOption = [],  # noqa: B006 - typer reads the default, never mutates it
    include_tag: IncludeTagOption = [],  # noqa: B006
    exclude_tag: ExcludeTagOption = [],  # noqa: B006
    workspace: WorkspaceOption = [],  # noqa: B006
    manual: Annotated[list[str], typer.Option("--manual", help="Tier that waits for a person before it starts "
                                              "(repeatable).")] = [],  # noqa: B006
    approve_gate: Annotated[list[str], typer.Option("--approve-gate", help="Open a --manual tier's gate "
                                                    "(with --resume).")] = [],  # noqa: B006
    soak: Annotated[str, typer.Option("--soak", help="After a tier applied, wait this long (e.g. 10m) and fail it "
                                      "if any of its workspaces errored meanwhile; 0 for none.")] = "0",
    plan_timeout: Annotated[str, typer.Option("--plan-timeout", help="Longest wait for a tier's plans.")] = "30m",
    wait_timeout: Annotated[str, typer.Option("--wait-timeout", help="Longest wait for a tier's applies.")] = "2h",
    poll_interval: Annotated[float, typer.Option("--poll-interval", min=0, help="Seconds between checks.")] = 10.0,
    resume: Annotated[bool, typer.Option("--resume", help="Continue from the progress file.")] = False,
    restart: Annotated[bool, typer.Option("--restart", help="Forget the progress file and start over "
                                          "(applied runs stay applied; nothing is re-applied).")] = False,
    state: StateOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the promotion plan; apply nothing.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply only what the rules approve; never ask.")] = False,
    audit_log: AuditOption = None,
    output: OutputOption = None,
) -> int | None:
    """Apply a commit tier by tier: in each tier review and apply as `tfc review` does, wait for every apply,
    verify, optionally soak, then promote. Halts at the first failing tier; `--manual` tiers wait for a person.

    Exit codes: 0 every tier succeeded, 3 halted on a failure or stopped at a gate (the command to continue is
    printed), 1 an error, 2 bad usage, 130 interrupted (resume with --resume).
    """
    if ctx.invoked_subcommand is not None:
        return None
    if commit is None:
        raise UsageError("give --commit SHA (and --tiers)")
    prefix, tier_list = commit_prefix(commit), _tiers(tiers)
    rules = tuple(parse_wildcard(w) for w in wildcard)
    options_kwargs: dict[str, Any] = {
        "prefix": prefix, "tiers": tier_list, "rules": rules,
        "filters": filters_from_options(include_tag, exclude_tag, workspace),
        "manual": _names(manual, tier_list, "--manual"),
        "soak": timedelta(seconds=parse_duration(soak)) if soak.strip() not in ("0", "0s") else timedelta(),
        "plan_timeout": timedelta(seconds=parse_duration(plan_timeout)),
        "wait_timeout": timedelta(seconds=parse_duration(wait_timeout)),
        "poll_seconds": poll_interval,
    }
    gates = _names(approve_gate, tier_list, "--approve-gate")
    if resume and restart:
        raise UsageError("give --resume or --restart, not both")
    interactive = not yes and not dry_run
    if interactive and not sys.stdin.isatty():
        raise UsageError("no terminal to ask for approval: pass --yes (applies only what the rules allow) or --dry-run")
    from tfc.review.audit import AuditLog, default_audit_path
    from tfc.review.session import tfc_identity
    from tfc.rollout.decide import continue_command
    from tfc.rollout.engine import Options, Rollout, promotion_plan
    from tfc.rollout.state import RolloutState, StateFile, default_state_path

    options = Options(**options_kwargs)
    client = get_client(ctx)
    as_json = wants_json(ctx, output)
    human = stderr if as_json else make_console()
    if dry_run:
        plan = promotion_plan(client, options)
        for entry in plan:
            gate = " (waits for a person first)" if entry["gate"] else ""
            human.print(plain(f"tier {entry['tier']}{gate}: {entry['confirmable']} run(s) to review "
                              f"{entry['by_decision']}, {entry['not_confirmable']} not confirmable"))
        if as_json:
            emit_json(json_document("rollout", {"commit": prefix, "dry_run": True, "tiers": plan}))
        return int(ExitCode.OK)
    organization = client.settings.organization or "organization"
    store = StateFile(state or default_state_path(organization, prefix))
    saved = store.load()
    if saved is not None and not resume and not restart:
        raise ConfigError(f"a rollout of {prefix} is already recorded in {store.path}: pass --resume to continue it "
                          "or --restart to start over")
    if resume and saved is None:
        raise ConfigError(f"{store.path}: no rollout of {prefix} to resume")
    if saved is not None and resume:
        if tuple(saved.tiers) != tier_list:
            raise UsageError(f"--tiers {','.join(tier_list)} differs from the recorded rollout's "
                             f"{','.join(saved.tiers)}")
        current = saved
    else:
        current = RolloutState(organization, prefix, list(tier_list))
    current.opened_gates = sorted({*current.opened_gates, *gates})
    store.save(current)
    audit = AuditLog(audit_log or default_audit_path(), tfc_user=tfc_identity(client))
    ask = (lambda number, grp: ask_about_group(human, number, grp)) if interactive else None
    end = Rollout(client, options, store, current, audit, report=lambda line: human.print(plain(line)),
                  ask=ask).run()
    rest = _rest_of_command(sys.argv, tier_list)
    document: dict[str, Any] = {"commit": prefix, "dry_run": False, "outcome": end.kind, "tier": end.tier,
                                "untouched": list(end.untouched), "state_file": str(store.path),
                                "tiers": [{"tier": t, **_record(current, t)} for t in tier_list]}
    if end.kind == "gate":
        command = continue_command(prefix, tier_list, rest, end.tier)
        human.print(plain(f"tier {end.tier} waits for a person. When it may go: {command}"))
        document["continue_with"] = command
    elif end.kind == "halted":
        untouched = ", ".join(end.untouched) or "none"
        human.print(plain(f"rollout halted at tier {end.tier}; untouched tiers: {untouched}"))
    else:
        human.print(plain(f"rollout of {prefix} done: {', '.join(tier_list)} succeeded"))
    if as_json:
        emit_json(json_document("rollout", document))
    return int(ExitCode.OK if end.kind == "done" else ExitCode.ATTENTION)


def _record(state: Any, tier: str) -> dict[str, Any]:
    record = state.records.get(tier)
    if record is None:
        return {"phase": "pending", "applied": [], "counts": {}, "reasons": []}
    return {"phase": str(record.phase), "applied": record.applied, "counts": record.counts, "reasons": record.reasons,
            "started_at": record.started_at, "finished_at": record.finished_at}


_DROPPED = {"--resume", "--restart", "--dry-run"}
_DROPPED_WITH_VALUE = {"--commit", "--tiers", "--approve-gate", "--state"}


def _rest_of_command(argv: list[str], tiers: tuple[str, ...]) -> list[str]:
    """The user's own rollout flags (wildcards, filters, gates…), to repeat in the command that continues."""
    try:
        start = argv.index("rollout") + 1
    except ValueError:
        return []
    rest, skip = [], False
    for arg in argv[start:]:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in _DROPPED:
            continue
        if name in _DROPPED_WITH_VALUE:
            skip = "=" not in arg
            continue
        rest.append(arg)
    return rest


@app.command("status")
def status(
    ctx: typer.Context,
    commit: CommitOption,
    tiers: TiersOption = None,
    state: StateOption = None,
    output: OutputOption = None,
) -> int:
    """Where a rollout stands, tier by tier: the recorded progress and every workspace's run of the commit."""
    from tfc.client import RUN_INCLUDES
    from tfc.rollout.engine import stages_by_tier
    from tfc.rollout.state import StateFile, default_state_path

    prefix = commit_prefix(commit)
    client = get_client(ctx)
    store = StateFile(state or default_state_path(client.settings.organization or "organization", prefix))
    saved = store.load()
    tier_list = tuple(saved.tiers) if saved is not None and tiers is None else _tiers(tiers)
    runs = [r for r in client.list_org_runs(commit=prefix, include=RUN_INCLUDES)
            if (r.commit_sha or "").lower().startswith(prefix)]
    if not runs and saved is None:
        raise TfcError(f"no runs of commit {prefix} and no recorded rollout of it")
    live = stages_by_tier(runs, prefix, tier_list)
    rows: list[dict[str, Any]] = [
        {"tier": t, **_record(saved, t), "runs": live.get(t, {})} if saved is not None
        else {"tier": t, "phase": "not started", "runs": live.get(t, {})} for t in tier_list]
    if wants_json(ctx, output):
        emit_json(json_document("rollout status", {"commit": prefix, "state_file": str(store.path)
                                                   if saved is not None else None, "tiers": rows}))
    else:
        console = make_console()
        for row in rows:
            runs_text = ", ".join(f"{n} {stage}" for stage, n in row["runs"].items()) or "no runs"
            reasons = f" — {'; '.join(row['reasons'])}" if row.get("reasons") else ""
            console.print(plain(f"{row['tier']}: {row['phase']}{reasons} ({runs_text})"))
    failed = any(row.get("phase") in ("failed", "waiting for a person") for row in rows)
    return int(ExitCode.ATTENTION if failed else ExitCode.OK)
