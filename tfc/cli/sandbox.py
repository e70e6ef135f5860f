"""``tfc sandbox serve``: the TFC-compatible sandbox on a port, for any TFC client to use."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from tfc.cli.output import make_console
from tfc.errors import UsageError

app = typer.Typer(help="The built-in TFC-compatible sandbox.", no_args_is_help=True)


@app.command("serve")
def serve(
    scenario: Annotated[str, typer.Option(help="'demo', 'scale' or a scenario YAML file (docs/sandbox.md).")] = "demo",
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 8080,
    lifecycle_seconds: Annotated[float, typer.Option(help="Seconds per run lifecycle step.")] = 3.0,
    latency_ms: Annotated[float, typer.Option(help="Latency added to every request.")] = 0.0,
    rate_limit: Annotated[float, typer.Option(help="Requests/second per token, as TFC; 0 turns it off.")] = 30.0,
    faults: Annotated[
        str | None, typer.Option(help="Injected faults: 5xx=F,429=F,drop=F,lost=F,lost5xx=F,only=TEXT,seed=N.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the demo scenario.")] = 0,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request.")] = True,
) -> None:
    """Serve the sandbox until Ctrl-C; prints the base URL and a token to use."""
    from tfc.sandbox import BUILT_IN, FaultSpec, Sandbox

    try:
        spec = FaultSpec.parse(faults) if faults else None
    except ValueError as exc:
        raise UsageError(f"--faults: {exc}") from None
    source = scenario if scenario in BUILT_IN else Path(scenario)
    sandbox = Sandbox.from_scenario(source, lifecycle_seconds=lifecycle_seconds, latency_s=latency_ms / 1000,
                                    rate_limit=rate_limit or None, faults=spec, seed=seed)
    console = make_console()
    with sandbox.serve(host, port, access_log=access_log) as base_url:
        console.print(f"TFC sandbox serving organization [bold]{sandbox.organization}[/] at [bold]{base_url}[/]")
        console.print(f"  export TFE_ADDRESS={base_url} TFE_TOKEN={sandbox.token} "
                      f"TFE_ORGANIZATION={sandbox.organization}")
        console.print(f'  curl -H "Authorization: Bearer {sandbox.token}" '
                      f"{base_url}/api/v2/organizations/{sandbox.organization}/workspaces")
        console.print("Ctrl-C stops it.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopped")
    sandbox.close()
