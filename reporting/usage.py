"""One usage-report run: load the cache, refresh from TFC, save the cache, compute the report and its files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from reporting.accounts import AccountMap
from reporting.cache import Store, dump, load
from reporting.csvfiles import csv_documents
from reporting.fetch import refresh
from reporting.records import FetchStats
from reporting.report import Report, build_report
from reporting.series import Period
from tfc.client import TfcClient

UNKNOWN_SHOWN = 20
SKIPPED_SHOWN = 20


@dataclass(frozen=True, slots=True)
class UsageRun:
    report: Report
    stats: FetchStats


def run_usage_report(
    client: TfcClient,
    store: Store,
    period: Period,
    *,
    now: datetime,
    tag_key: str = "type",
    accounts: AccountMap | None = None,
    forecast_months: int = 12,
    renewal_date: date | None = None,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> UsageRun:
    cache = load(store, address=client.settings.address, organization=client.settings.require_organization())
    histories, stats = refresh(client, cache, period.start_time, now, on_start=on_start, on_done=on_done)
    store.write(dump(cache))
    if accounts is not None:
        unknown = accounts.unknown_workspaces(h.name for h in histories if h.deleted_at is None)
        if unknown:
            shown = ", ".join(unknown[:UNKNOWN_SHOWN]) + (" …" if len(unknown) > UNKNOWN_SHOWN else "")
            stats = replace(stats, notes=[*stats.notes, f"{accounts.source}: {len(unknown)} workspaces not in the "
                                          f"organization (ignored): {shown}"])
    report = build_report(histories, period, tag_key=tag_key, accounts=accounts, forecast_months=forecast_months,
                          renewal_date=renewal_date)
    return UsageRun(report, stats)


def artifacts(report: Report, *, charts: bool = True) -> dict[str, bytes]:
    """Every file of the report: the CSVs, the PNG charts (unless ``charts`` is false) and index.html.

    matplotlib is imported only here, and only for the charts.
    """
    from reporting.page import index_html

    files = dict(csv_documents(report))
    drawn: dict[str, bytes] = {}
    if charts:
        from reporting.charts import chart_data, render

        drawn = {chart.file_name: render(chart) for chart in chart_data(report)}
    files.update(drawn)
    files["index.html"] = index_html(report, drawn)
    return files


def summary_text(report: Report, stats: FetchStats) -> str:
    change, ratio = report.growth
    percent = f" ({ratio:+.1%})" if ratio is not None else ""
    growers = ", ".join(f"{t} +{g:,}" for t, g in report.top_growers(report.by_type, 3)) or "none"
    end = report.period.end.isoformat()
    sources = report.sources
    lines = [
        f"Resources under management on {end}: peak {report.peak_today:,}, end of day {report.today:,}",
        f"Change of the daily peak since {report.period.start.isoformat()}: {change:+,}{percent}",
        f"Top growing resource types: {growers}",
    ]
    if report.renewal:
        r = report.renewal
        lines.append(f"Forecast peak at renewal on {r.day.isoformat()}: {r.expected:,.0f} "
                     f"(95% band {r.low:,.0f}–{r.high:,.0f})")
    elif report.forecast:
        last = report.forecast[-1]
        lines.append(f"Forecast peak on {last.day.isoformat()}: {last.expected:,.0f} (95% band {last.low:,.0f}–"
                     f"{last.high:,.0f})")
    lines.append(f"Counts: {sources.billable:,} of {sources.versions:,} state versions from TFC's billable-rum-count, "
                 "the rest from their resource summaries or state files")
    lines.append(f"Fetched {stats.versions_fetched} state versions from {stats.workspaces_fetched} of "
                 f"{stats.workspaces} workspaces in {stats.requests} requests; {stats.state_files_downloaded} "
                 "counted from state files (no summary)")
    if sources.skipped:
        lines.append(f"Skipped {len(sources.skipped)} state versions that could not be read (the version before "
                     "each keeps counting):")
        lines.extend(f"  {s}" for s in sources.skipped[:SKIPPED_SHOWN])
        if len(sources.skipped) > SKIPPED_SHOWN:
            lines.append(f"  … and {len(sources.skipped) - SKIPPED_SHOWN} more (counts.skipped in --output json)")
    return "\n".join([*lines, *stats.notes])
