"""``tfc monitor`` (a monitoring tick, slow plans) and ``tfc agents recommend`` (autoscaling): parse, call, render."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from monitor.autoscale import recommend_pools
from monitor.config import MonitorConfig, from_env, parse_ecs_services, parse_selector
from monitor.messages import minutes
from monitor.plantime import plan_times, slowest_workspaces
from monitor.report import to_document
from monitor.state import FileMonitorStore
from monitor.tick import Tick, metric_lines
from notifier.config import load_config
from notifier.interactions import parse_duration
from notifier.slack import SlackPort
from tfc.cli.context import OutputOption, emit_json, get_client, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.errors import ConfigError, ExitCode, UsageError
from tfc.settings import current_environ

app = typer.Typer(help="Agent-pool exhaustion, run queues and slow plans (docs/monitoring.md).", no_args_is_help=True)
agents_app = typer.Typer(help="Agent pools: autoscaling recommendations (docs/monitoring.md).", no_args_is_help=True)

StateOption = Annotated[Path | None, typer.Option("--state", help="State file (default: "
                                                  "$XDG_STATE_HOME/tfc/monitor.json).")]
SelectorOption = Annotated[str | None, typer.Option("--selector", help="Workspaces whose plans are watched: tags, "
                                                    "comma-separated, all required (default tier:dev).")]


def _store(path: Path | None) -> FileMonitorStore:
    if path is None:
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        path = Path(base) / "tfc" / "monitor.json"
    return FileMonitorStore(path)


def _config(selector: str | None, ecs: list[str] | None = None) -> MonitorConfig:
    """The Lambda's environment settings (docs/monitoring.md), with the flags on top."""
    config = from_env(current_environ())
    if selector is not None:
        config = replace(config, plan_selector=parse_selector(selector))
    if ecs:
        config = replace(config, ecs_services=parse_ecs_services(",".join(ecs), "--ecs"))
    return config


def _ecs(config: MonitorConfig) -> Any:
    if not config.ecs_services:
        return None
    import boto3

    return boto3.client("ecs", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))


@app.command("run")
def run(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Decide and show; send, save and scale nothing.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Notifier YAML: owner team channels.")] = None,
    state: StateOption = None,
    selector: SelectorOption = None,
    metrics: Annotated[bool, typer.Option("--metrics", help="Print CloudWatch EMF lines instead of a table.")] = False,
    slack_api_url: Annotated[str | None, typer.Option(help="Slack Web API base URL (tests, proxies).")] = None,
    output: OutputOption = None,
) -> int:
    """One monitoring tick: pools, queues, slow plans; alerts once per transition or run. Exit 3 while alerting."""
    settings = _config(selector)
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not dry_run and not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set (or use --dry-run)")
    slack = SlackPort.connect(token, slack_api_url) if token and not dry_run else None
    tick = Tick(get_client(ctx), _store(state), settings, load_config(config), slack=slack, ecs=_ecs(settings),
                dry_run=dry_run)
    report = tick.run(datetime.now(UTC))
    if metrics:
        for entry in metric_lines(report, settings.namespace):
            typer.echo(entry)
    elif wants_json(ctx, output):
        emit_json(json_document("monitor run", {"dry_run": dry_run, **to_document(report)}))
    else:
        console = make_console()
        table = Table("pool", "idle", "busy", "unknown", "errored", "queued", "oldest wait", "state", "alert",
                      "desired", title=f"agent pools{' (dry run)' if dry_run else ''}")
        for p in report.pools:
            c, q = p.counts, p.queue
            table.add_row(plain(c.name), str(c.idle), str(c.busy), str(c.unknown), str(c.errored),
                          str(q.waiting_runs), minutes(q.oldest_wait) if q.oldest_wait else "-",
                          "EXHAUSTED" if p.exhausted else "ok", f"{p.event}: {p.alert}" if p.event else p.alert,
                          str(p.recommendation.desired))
        console.print(table)
        for s in report.slow_plans:
            state_word = "took" if s.plan.finished else "planning for"
            console.print(f"slow plan: {plain(s.plan.workspace)} ({s.plan.run_id}) {state_word} "
                          f"{minutes(s.plan.took)} → {plain(s.channel)}: {s.action}")
        for error in report.errors:
            make_console(stderr=True).print(f"error: {plain(error)}")
    return int(ExitCode.ATTENTION if report.alerting or report.failed else ExitCode.OK)


@app.command("plans")
def plans(
    ctx: typer.Context,
    since: Annotated[str, typer.Option("--since", help="How far back: e.g. 12h, 7d.")] = "7d",
    selector: SelectorOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Workspaces to show.")] = 20,
    output: OutputOption = None,
) -> None:
    """The slowest workspaces' plans (p50, p95, slowest) from the organization's runs since a moment."""
    try:
        window = parse_duration(since)
    except ValueError as exc:
        raise UsageError(f"--since: {exc}") from None
    chosen = _config(selector).plan_selector
    now = datetime.now(UTC)
    cutoff = now - window
    runs = []
    for item in get_client(ctx).list_org_runs(include=("workspace",)):
        if item.created_at is not None and item.created_at < cutoff:
            break  # newest first: everything after is older
        runs.append(item)
    rows = slowest_workspaces(plan_times(runs, chosen, now), limit)
    if wants_json(ctx, output):
        emit_json(json_document("monitor plans", {"since": cutoff.isoformat(), "selector": list(chosen),
                                                  "runs_read": len(runs), "workspaces": [
            {"workspace": r.workspace, "plans": r.plans, "p50_seconds": r.p50.total_seconds(),
             "p95_seconds": r.p95.total_seconds(), "slowest_seconds": r.slowest.total_seconds()} for r in rows]}))
        return
    table = Table("workspace", "plans", "p50", "p95", "slowest",
                  title=f"slowest plans since {cutoff.isoformat(timespec='minutes')} ({','.join(chosen) or 'all'})")
    for r in rows:
        table.add_row(plain(r.workspace), str(r.plans), _short(r.p50), _short(r.p95), _short(r.slowest))
    make_console().print(table)


def _short(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 60}m{seconds % 60:02d}s"


@agents_app.command("recommend")
def recommend(
    ctx: typer.Context,
    pool: Annotated[list[str] | None, typer.Option("--pool", help="Only this pool (repeatable).")] = None,
    ecs: Annotated[list[str] | None, typer.Option("--ecs", help="POOL=CLUSTER/SERVICE: the ECS service that runs "
                                                  "the pool's agents (repeatable).")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Set the ECS services' desired counts (default: dry run).")]
    = False,
    state: StateOption = None,
    output: OutputOption = None,
) -> int:
    """The desired agent count per pool from busy agents, queued runs and run times (formula: docs/monitoring.md)."""
    settings = _config(None, ecs)
    if apply and not settings.ecs_services:
        raise UsageError("--apply needs --ecs POOL=CLUSTER/SERVICE (or MONITOR_ECS_SERVICES)")
    results, errors = recommend_pools(get_client(ctx), _store(state), settings, datetime.now(UTC),
                                      ecs=_ecs(settings), apply=apply, only=pool or ())
    failed = [r for r in results if r.scaling is not None and r.scaling.action == "failed"]
    if wants_json(ctx, output):
        emit_json(json_document("agents recommend", {"apply": apply, "errors": errors, "pools": [
            {"name": r.counts.name, "busy": r.counts.busy, "idle": r.counts.idle,
             "queued_workspaces": r.queue.waiting_workspaces, "current": r.recommendation.current,
             "desired": r.recommendation.desired, "held": r.recommendation.held, "reason": r.recommendation.reason,
             "scaling": None if r.scaling is None else {"cluster": r.scaling.cluster, "service": r.scaling.service,
                                                        "before": r.scaling.before, "action": r.scaling.action,
                                                        "detail": r.scaling.detail}} for r in results]}))
    else:
        table = Table("pool", "busy", "queued", "current", "desired", "why", "ECS",
                      title="agent recommendations" + ("" if apply else " (dry run)"))
        for r in results:
            action = "-" if r.scaling is None else f"{r.scaling.action} {r.scaling.detail}".strip()
            table.add_row(plain(r.counts.name), str(r.counts.busy), str(r.queue.waiting_workspaces),
                          str(r.recommendation.current), str(r.recommendation.desired), plain(r.recommendation.reason),
                          plain(action))
        make_console().print(table)
        for error in errors:
            make_console(stderr=True).print(f"error: {plain(error)}")
    return int(ExitCode.ATTENTION if failed or errors else ExitCode.OK)
