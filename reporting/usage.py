"""One usage-report run: load the cache, refresh from TFC, save the cache, compute the report and its files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from reporting.cache import Store, dump, load
from reporting.csvfiles import csv_documents
from reporting.fetch import refresh
from reporting.records import FetchStats
from reporting.report import Report, build_report
from reporting.series import Period
from tfc.client import TfcClient


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
    account_map: Mapping[str, str] | None = None,
    forecast_months: int = 12,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[], None] | None = None,
) -> UsageRun:
    cache = load(store, address=client.settings.address, organization=client.settings.require_organization())
    histories, stats = refresh(client, cache, period.start_time, now, on_start=on_start, on_done=on_done)
    store.write(dump(cache))
    report = build_report(histories, period, tag_key=tag_key, account_map=account_map,
                          forecast_months=forecast_months)
    return UsageRun(report, stats)


def artifacts(report: Report) -> dict[str, bytes]:
    """Every file of the report: the CSVs and the PNG charts (matplotlib is imported only here)."""
    from reporting.charts import chart_data, render

    files = dict(csv_documents(report))
    for chart in chart_data(report):
        files[chart.file_name] = render(chart)
    return files


def summary_text(report: Report, stats: FetchStats) -> str:
    change, ratio = report.growth
    percent = f" ({ratio:+.1%})" if ratio is not None else ""
    growers = ", ".join(f"{t} +{g}" for t, g in report.top_growers(3)) or "none"
    lines = [
        f"Resources under management on {report.period.end.isoformat()}: {report.today:,}",
        f"Change since {report.period.start.isoformat()}: {change:+,}{percent}",
        f"Top growers: {growers}",
    ]
    if report.forecast:
        last = report.forecast[-1]
        lines.append(f"Forecast for {last.day.isoformat()}: {last.expected:,.0f} (95% band {last.low:,.0f}–"
                     f"{last.high:,.0f})")
    lines.append(f"Fetched {stats.versions_fetched} state versions from {stats.workspaces_fetched} of "
                 f"{stats.workspaces} workspaces in {stats.requests} requests; {stats.state_files_downloaded} "
                 "counted from state files (no summary)")
    lines.extend(stats.notes)
    return "\n".join(lines)
