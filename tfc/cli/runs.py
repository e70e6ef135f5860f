"""``tfc runs``: read-only listing of runs across the organization."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tfc.cli.context import OutputOption, emit_json, get_client, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.client import CONFIRMABLE_STATUSES
from tfc.errors import UsageError

app = typer.Typer(help="Runs of the organization.", no_args_is_help=True)


@app.command("list")
def list_runs(
    ctx: typer.Context,
    status: Annotated[
        list[str], typer.Option("--status", help="Run status, e.g. planned, applied (repeatable).")
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    needs_confirmation: Annotated[
        bool, typer.Option("--needs-confirmation", help="Only runs waiting for a person to confirm the apply.")
    ] = False,
    commit: Annotated[str | None, typer.Option(help="Commit SHA or a prefix of at least 7 hex characters.")] = None,
    workspace: Annotated[list[str], typer.Option("--workspace", help="Workspace name (repeatable).")] = [],  # noqa: B006
    output: OutputOption = None,
) -> None:
    """List runs across the organization, with their workspace and commit, in as few requests as TFC allows."""
    if commit is not None and (len(commit) < 7 or any(c not in "0123456789abcdefABCDEF" for c in commit)):
        raise UsageError(f"--commit {commit!r}: expected at least 7 hexadecimal characters of a commit SHA")
    statuses = [*status, *(CONFIRMABLE_STATUSES if needs_confirmation else ())]
    client = get_client(ctx)
    runs = [
        run
        for run in client.list_org_runs(statuses=statuses, commit=commit, workspace_names=workspace)
        if commit is None or (run.commit_sha or "").lower().startswith(commit.lower())
    ]
    if wants_json(ctx, output):
        emit_json(json_document("runs list", {"runs": runs}))
        return
    table = Table("run", "workspace", "status", "commit", "author", "created", title=f"{len(runs)} runs")
    for run in runs:
        ingress = run.ingress
        cells = (
            run.id,
            run.workspace.name if run.workspace else (run.workspace_id or ""),
            run.status,
            (run.commit_sha or "")[:12],
            (ingress.sender_username if ingress else None) or "",
            run.created_at.isoformat(timespec="minutes") if run.created_at else "",
        )
        table.add_row(*(plain(cell) for cell in cells))
    make_console().print(table)
