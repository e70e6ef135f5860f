"""``tfc workspaces``: read-only listing, the client's simplest end-to-end proof."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Annotated

import typer
from rich.table import Table

from tfc.cli.context import OutputOption, emit_json, get_client, wants_json
from tfc.cli.output import json_document, make_console, plain

app = typer.Typer(help="Workspaces of the organization.", no_args_is_help=True)


@app.command("list")
def list_workspaces(
    ctx: typer.Context,
    tag: Annotated[list[str], typer.Option("--tag", help="Only workspaces with this tag (repeatable; all must match).")]
    = [],  # noqa: B006 - typer reads the default, never mutates it
    exclude_tag: Annotated[
        list[str], typer.Option("--exclude-tag", help="Skip workspaces with this tag (repeatable; any excludes).")
    ] = [],  # noqa: B006
    name: Annotated[list[str], typer.Option("--name", help="Workspace name glob, e.g. 'payments-*' (repeatable).")]
    = [],  # noqa: B006
    output: OutputOption = None,
) -> None:
    """List workspaces, filtered by tags server-side and by name globs locally."""
    client = get_client(ctx)
    found = [
        ws
        for ws in client.list_workspaces(tags=tag, exclude_tags=exclude_tag)
        if not name or any(fnmatchcase(ws.name, pattern) for pattern in name)
    ]
    if wants_json(ctx, output):
        emit_json(json_document("workspaces list", {"workspaces": found}))
        return
    table = Table("name", "id", "working directory", "tags", "current run", title=f"{len(found)} workspaces")
    for ws in found:
        cells = (ws.name, ws.id, ws.working_directory or "", " ".join(ws.tag_names), ws.current_run_id or "")
        table.add_row(*(plain(cell) for cell in cells))
    make_console().print(table)
