"""``tfc usage report``: resources under management over a period, as CSV files, PNG charts and a summary."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tfc.cli.context import OutputOption, emit_json, get_client, stderr, wants_json
from tfc.errors import ConfigError

app = typer.Typer(help="Usage reports: resources under management over time.", no_args_is_help=True)


def _account_map(path: Path | None) -> dict[str, str]:
    """A CSV file of ``workspace,account`` rows (a header row is allowed)."""
    if path is None:
        return {}
    try:
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the account mapping: {exc.strerror}") from None
    mapping = {}
    for line, row in enumerate(rows, 1):
        if not row or row[0].startswith("#") or (line == 1 and row[:2] == ["workspace", "account"]):
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise ConfigError(f"{path}:{line}: expected 'workspace,account'")
        mapping[row[0].strip()] = row[1].strip()
    return mapping


@app.command("report")
def report(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=2, help="Length of the period, ending today.")] = 365,
    out: Annotated[Path, typer.Option(help="Directory for the CSV files and PNG charts.")] = Path("usage-report"),
    by_tag: Annotated[str, typer.Option("--by-tag", help="Tag key for the workspace breakdown.")] = "type",
    account_map: Annotated[Path | None, typer.Option(help="CSV of workspace,account (else the account: tag).")] = None,
    forecast_months: Annotated[int, typer.Option(min=1, help="Months to forecast.")] = 12,
    cache: Annotated[Path | None, typer.Option(help="Cache file (default: OUT/.usage-cache.json).")] = None,
    charts: Annotated[bool, typer.Option("--charts/--no-charts", help="Draw the PNG charts.")] = True,
    output: OutputOption = None,
) -> None:
    """Rebuild resources under management per day from every workspace's state versions; write CSVs and charts."""
    from reporting.cache import LocalStore
    from reporting.csvfiles import write_csvs
    from reporting.series import Period
    from reporting.usage import artifacts, run_usage_report, summary_text
    from tfc.atomic import write_atomically

    mapping = _account_map(account_map)
    client = get_client(ctx)
    now = datetime.now(UTC)
    period = Period.last_days(days, now.date())
    store = LocalStore(cache or out / ".usage-cache.json")
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=stderr, disable=not stderr.is_terminal)
    with progress:
        task = progress.add_task("state versions", total=None)
        run = run_usage_report(client, store, period, now=now, tag_key=by_tag, account_map=mapping,
                               forecast_months=forecast_months,
                               on_start=lambda total: progress.update(task, total=total),
                               on_done=lambda: progress.advance(task))
    written = write_csvs(run.report, out)
    if charts:
        for name, content in artifacts(run.report).items():
            if name.endswith(".png"):
                write_atomically(out / name, content)
                written.append(out / name)
    if wants_json(ctx, output):
        emit_json({**run.report.summary(), "files": [str(p) for p in written],
                   "fetch": {"requests": run.stats.requests, "versions_fetched": run.stats.versions_fetched,
                             "state_files_downloaded": run.stats.state_files_downloaded,
                             "notes": run.stats.notes}})
        return
    console = Console(highlight=False)
    console.print(summary_text(run.report, run.stats))
    console.print(f"wrote {len(written)} files to {out}/")
