"""``tfc usage report``: resources under management over a period, as CSV files, PNG charts and a summary."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tfc.cli.context import OutputOption, emit_json, get_client, stderr, wants_json
from tfc.cli.output import json_document, make_console, plain
from tfc.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from reporting.accounts import AccountMap

app = typer.Typer(help="Usage reports: resources under management over time.", no_args_is_help=True)


def _account_map(path: Path | None) -> AccountMap | None:
    if path is None:
        return None
    from reporting.accounts import parse_account_map

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the account map: {exc.strerror}") from None
    return parse_account_map(data, str(path))


def _writable_directory(path: Path, option: str) -> None:
    """Create ``path`` and prove a file can be written in it, before anything is fetched."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".tfc-write-check-"):
            pass
    except OSError as exc:
        raise ConfigError(f"{option} {path}: cannot write there: {exc.strerror or exc}") from None


@app.command("report")
def report(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=2, help="Length of the period, ending today.")] = 365,
    out: Annotated[Path, typer.Option(help="Directory for the CSV files and PNG charts.")] = Path("usage-report"),
    by_tag: Annotated[str, typer.Option("--by-tag", help="Tag key for the workspace breakdown.")] = "type",
    account_map: Annotated[Path | None, typer.Option(
        help="CSV of workspace,account[,name] or account,name rows (else the account: tag).")] = None,
    forecast_months: Annotated[int, typer.Option(min=1, help="Months to forecast.")] = 12,
    renewal_date: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d"], help="Contract renewal date (YYYY-MM-DD): the peak forecast on that day.")] = None,
    cache: Annotated[Path | None, typer.Option(help="Cache file (default: OUT/.usage-cache.json).")] = None,
    charts: Annotated[bool, typer.Option("--charts/--no-charts", help="Draw the PNG charts.")] = True,
    output: OutputOption = None,
) -> None:
    """Rebuild resources under management per day from every workspace's state versions; write CSVs and charts."""
    from reporting.cache import LocalStore
    from reporting.series import Period
    from reporting.usage import artifacts, run_usage_report, summary_text
    from tfc.atomic import write_atomically

    accounts = _account_map(account_map)
    now = datetime.now(UTC)
    period = Period.last_days(days, now.date())
    renewal: date | None = renewal_date.date() if renewal_date else None
    if renewal is not None and renewal <= period.end:
        raise UsageError(f"--renewal-date {renewal.isoformat()} is not after the report's last day "
                         f"{period.end.isoformat()}")
    _writable_directory(out, "--out")
    if cache is not None:
        if cache.is_dir():
            raise ConfigError(f"--cache {cache}: is a directory; name the cache file")
        _writable_directory(cache.parent, "--cache")
    store = LocalStore(cache or out / ".usage-cache.json")
    client = get_client(ctx)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=stderr, disable=not stderr.is_terminal)
    with progress:
        task = progress.add_task("state versions", total=None)
        run = run_usage_report(client, store, period, now=now, tag_key=by_tag, accounts=accounts,
                               forecast_months=forecast_months, renewal_date=renewal,
                               on_start=lambda total: progress.update(task, total=total),
                               on_done=lambda: progress.advance(task))
    written = []
    for name, content in artifacts(run.report, charts=charts).items():
        write_atomically(out / name, content)
        written.append(out / name)
    for note in run.stats.notes:
        stderr.print(f"warning: {plain(note)}")
    if wants_json(ctx, output):
        emit_json(json_document("usage report", {
            **run.report.summary(), "files": [str(p) for p in written],
            "fetch": {"requests": run.stats.requests, "versions_fetched": run.stats.versions_fetched,
                      "state_files_downloaded": run.stats.state_files_downloaded, "notes": run.stats.notes}}))
        return
    console = make_console()
    console.print(plain(summary_text(run.report, run.stats)))
    console.print(plain(f"wrote {len(written)} files to {out}/"))
