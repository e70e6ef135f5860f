"""``tfc backup``: sweep (back up what webhooks missed, report staleness), verify backups, restore one."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from backup.restore import fetch
from backup.settings import DEFAULT_STALE_AFTER, BucketSettings, bucket_settings, parse_duration
from backup.staleness import Outcome
from backup.store import BackupStore
from backup.sweep import sweep as run_sweep
from backup.verify import verify as run_verify
from tfc.atomic import write_atomically
from tfc.cli.context import OutputOption, emit_json, get_client, get_state, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.errors import ConfigError, ExitCode
from tfc.settings import current_environ

app = typer.Typer(help="State backups in S3: sweep, verify, restore (the webhook Lambda writes them).",
                  no_args_is_help=True)

BucketOption = Annotated[str | None, typer.Option("--bucket", help="S3 bucket (env BACKUP_BUCKET).")]
PrefixOption = Annotated[str | None, typer.Option("--prefix", help="Key prefix (env BACKUP_PREFIX; default tfstate).")]


def _store(bucket: str | None, prefix: str | None) -> tuple[BackupStore, BucketSettings]:
    import boto3  # boto3 honours AWS_ENDPOINT_URL, AWS_PROFILE and the rest of the AWS environment

    settings = bucket_settings(current_environ(), bucket=bucket, prefix=prefix)
    return BackupStore(boto3.client("s3"), settings.bucket, kms_key_id=settings.kms_key_id), settings


def _organization(ctx: typer.Context) -> str:
    state = get_state(ctx)
    organization = state.flags.organization or current_environ().get("TFE_ORGANIZATION")
    if not organization and state.sandbox:
        organization = get_client(ctx).settings.organization
    if not organization:
        raise ConfigError("no organization given: pass --organization ORG or set TFE_ORGANIZATION")
    return organization


@app.command("sweep")
def sweep(
    ctx: typer.Context,
    bucket: BucketOption = None,
    prefix: PrefixOption = None,
    stale_after: Annotated[str, typer.Option("--stale-after", help="A state unbacked for longer is stale.")] = (
        DEFAULT_STALE_AFTER),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; back up nothing.")] = False,
    output: OutputOption = None,
) -> None:
    """Compare every workspace's current state with its newest backup; back up what a missed webhook left behind.

    Exit 3 when a workspace is stale (still behind, or its state went unbacked longer than --stale-after) or failed.
    """
    threshold = parse_duration(stale_after, name="--stale-after")
    store, settings = _store(bucket, prefix)
    client = get_client(ctx)
    report = run_sweep(client, store, prefix=settings.prefix, organization=client.settings.require_organization(),
                       now=datetime.now(UTC), stale_after=threshold, dry_run=dry_run)
    counts = {kind.value: report.count(kind) for kind in Outcome}
    if wants_json(ctx, output):
        emit_json(json_document("backup sweep", {
            "organization": report.organization, "bucket": store.bucket, "prefix": settings.prefix,
            "dry_run": dry_run, "counts": counts, "workspaces": [
                {"workspace": i.workspace, "outcome": i.outcome.value, "tfc_serial": i.tfc_serial,
                 "backup_serial": i.backup_serial, "detail": i.detail} for i in report.items]}))
    else:
        console = make_console()
        shown = [i for i in report.items if i.outcome is not Outcome.UP_TO_DATE and i.outcome is not Outcome.NO_STATE]
        if shown:
            table = Table("workspace", "outcome", "TFC serial", "backup serial", "detail")
            for i in shown:
                table.add_row(plain(i.workspace), i.outcome.value, _serial(i.tfc_serial), _serial(i.backup_serial),
                              plain(i.detail))
            console.print(table)
        console.print(", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "no workspaces")
        if not report.side_loaded:
            make_console(stderr=True).print("note: the server ignored include=current_state_version; "
                                            "state versions were read one workspace at a time")
    if report.attention:
        raise typer.Exit(int(ExitCode.ATTENTION))


def _serial(value: int | None) -> str:
    return "—" if value is None else str(value)


@app.command("verify")
def verify(
    ctx: typer.Context,
    bucket: BucketOption = None,
    prefix: PrefixOption = None,
    sample: Annotated[int | None, typer.Option("--sample", min=1, help="Check N random objects, not all.")] = None,
    output: OutputOption = None,
) -> None:
    """Prove backups are intact: readable, checksum and key match, state parses, serials never go backwards.

    Checks the organization's backups (--organization or TFE_ORGANIZATION), else the whole prefix. Exit 1 when any
    object is corrupt or missing.
    """
    store, settings = _store(bucket, prefix)
    state = get_state(ctx)
    organization = state.flags.organization or current_environ().get("TFE_ORGANIZATION")
    scope = f"{settings.prefix}/" if settings.prefix else ""
    if organization:
        scope += f"{organization}/"
    report = run_verify(store, prefix=settings.prefix, scope=scope, sample=sample, rng=random.Random())
    if wants_json(ctx, output):
        emit_json(json_document("backup verify", {
            "bucket": store.bucket, "scope": scope, "listed": report.listed, "checked": report.checked,
            "problems": [{"key": p.key, "kind": p.kind, "detail": p.detail} for p in report.problems]}))
    else:
        console = make_console()
        if report.problems:
            table = Table("key", "problem", "detail")
            for p in report.problems:
                table.add_row(plain(p.key), p.kind, plain(p.detail))
            console.print(table)
        console.print(f"{report.checked} of {report.listed} backup objects checked in s3://{plain(store.bucket)}/"
                      f"{plain(scope)}: {len(report.problems)} problem(s)")
    if report.problems:
        raise typer.Exit(int(ExitCode.ERROR))


@app.command("restore")
def restore(
    ctx: typer.Context,
    workspace: Annotated[str, typer.Argument(help="Workspace name.")],
    serial: Annotated[int | None, typer.Option("--serial", help="That serial (default: the newest backup).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default WORKSPACE.tfstate).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    bucket: BucketOption = None,
    prefix: PrefixOption = None,
) -> None:
    """Fetch a workspace's backup for break-glass local mode; its checksum is verified before anything is written."""
    target = out or Path(f"{workspace}.tfstate")
    if target.exists() and not force:
        raise ConfigError(f"{target}: already exists; pass --force to replace it")
    store, settings = _store(bucket, prefix)
    restored = fetch(store, prefix=settings.prefix, organization=_organization(ctx), workspace=workspace,
                     serial=serial)
    if force:
        write_atomically(target, restored.body)
    else:
        try:
            with target.open("xb") as handle:  # exclusive: a file that appeared meanwhile is not replaced
                handle.write(restored.body)
        except FileExistsError:
            raise ConfigError(f"{target}: already exists; pass --force to replace it") from None
    console = make_console()
    run = restored.metadata.get("run-id")
    console.print(f"wrote {plain(target)} from s3://{plain(store.bucket)}/{plain(restored.key)} "
                  f"(serial {restored.serial}{f', run {plain(run)}' if run else ''}, sha256 verified)")
    console.print("To use it in local mode: in the workspace's directory, remove the `cloud` block (or backend), "
                  "then run:\n"
                  "  terraform init -reconfigure\n"
                  f"  terraform state push {plain(target)}")
