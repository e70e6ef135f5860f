"""What every command shares: the global options, the client (real or sandbox), and output helpers."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tfc.cli.output import make_console
from tfc.settings import SettingsFlags, current_environ, resolve_settings

if TYPE_CHECKING:
    from tfc.client import TfcClient  # httpx: imported by the commands that talk to TFC

stderr = make_console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


OutputOption = Annotated[
    OutputFormat | None,
    typer.Option("--output", help="table for people, json for scripts (default: the global --output)."),
]


@dataclasses.dataclass
class CliState:
    flags: SettingsFlags
    output: OutputFormat = OutputFormat.table
    debug: bool = False
    stats: bool = False
    sandbox: str | None = None
    clients: list[TfcClient] = dataclasses.field(default_factory=list)
    secrets: list[str] = dataclasses.field(default_factory=list)

    @property
    def organization(self) -> str | None:
        return self.flags.organization


def get_state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState(flags=SettingsFlags())
    return root.obj


def wants_json(ctx: typer.Context, output: OutputFormat | None) -> bool:
    return (output or get_state(ctx).output) is OutputFormat.json


def get_client(ctx: typer.Context) -> TfcClient:
    """The command's TFC client, built once per invocation and closed when the command ends."""
    state = get_state(ctx)
    if state.clients:
        return state.clients[0]
    if state.sandbox:
        from tfc.sandbox import Sandbox  # imported lazily: only the sandbox needs Flask

        # The sandbox plays a TFC whose rate limit is the client's (TFC's 30/s unless --rate-limit says otherwise).
        rate = state.flags.rate_limit_per_second or 30.0
        sandbox = Sandbox.from_scenario(_scenario_source(state.sandbox), rate_limit=rate)
        overrides: dict[str, Any] = {"rate_limit_per_second": rate}
        if state.flags.max_concurrency:
            overrides["max_concurrency"] = state.flags.max_concurrency
        client = sandbox.client(**overrides)
        ctx.find_root().call_on_close(sandbox.close)
        if state.flags.organization and state.flags.organization != sandbox.organization:
            stderr.print(
                f"[yellow]note:[/] the sandbox serves organization {sandbox.organization!r}, "
                f"not {state.flags.organization!r}"
            )
    else:
        from tfc.client import TfcClient

        settings = resolve_settings(state.flags, current_environ())
        state.secrets.append(settings.token.reveal())
        client = TfcClient(settings)
    state.clients.append(client)
    ctx.find_root().call_on_close(client.close)
    return client


def _scenario_source(value: str) -> str | Path:
    from tfc.sandbox import BUILT_IN

    return value if value in BUILT_IN else Path(value)


def to_jsonable(value: Any) -> Any:
    """Records, enums and datetimes as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def emit_json(value: Any) -> None:
    """Write one JSON document to stdout (data only; diagnostics go to stderr)."""
    json.dump(to_jsonable(value), sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
