"""The report's CSV files. Columns are documented in docs/usage-reports.md."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence

from reporting.report import Report
from reporting.series import Daily


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _long(
    report: Report, series: Mapping[str, Daily], extra: Callable[[str], Sequence[object]] = lambda _: ()
) -> list[tuple[object, ...]]:
    """One row per day and label (end of day, peak, then ``extra`` columns); rows where both are zero omitted."""
    days = report.period.days()
    rows = []
    for name, values in series.items():
        for day, end, peak in zip(days, values.end, values.peak, strict=True):
            if end or peak:
                rows.append((day.isoformat(), name, end, peak, *extra(name)))
    return sorted(rows, key=lambda row: (str(row[0]), str(row[1])))


def csv_documents(report: Report) -> dict[str, bytes]:
    """File name -> content."""
    tag = report.tag_key
    counts = ("rum_end_of_day", "rum_peak")
    start = {name: values.end[0] for name, values in report.by_workspace.items()}
    days = report.period.days()

    def account_of(workspace: str) -> str:
        return report.workspace_tags.get(workspace, {}).get("account") or ""

    forecasts = sorted({p.day: p for p in (*report.forecast, *([report.renewal] if report.renewal else []))}.values(),
                       key=lambda p: p.day)
    return {
        "rum_daily.csv": _csv(("date", *counts), ((d.isoformat(), e, p) for d, e, p in
                                                   zip(days, report.total.end, report.total.peak, strict=True))),
        "rum_by_type.csv": _csv(("date", "resource_type", *counts), _long(report, report.by_type)),
        "rum_by_provider.csv": _csv(("date", "provider", *counts), _long(report, report.by_provider)),
        f"rum_by_tag_{tag}.csv": _csv(("date", tag, *counts), _long(report, report.by_tag)),
        "rum_by_account.csv": _csv(("date", "account", *counts, "account_name"),
                                   _long(report, report.by_account, lambda a: (report.account_names.get(a, ""),))),
        "workspaces_latest.csv": _csv(
            ("workspace", "rum", "rum_at_start", "state_version_id", tag, "account", "account_name"),
            ((name, rum, start.get(name, 0), sv or "", report.workspace_tags.get(name, {}).get(tag) or "",
              account_of(name), report.account_names.get(account_of(name), ""))
             for name, rum, sv in report.workspaces),
        ),
        "rum_forecast.csv": _csv(("day", "expected_peak", "low", "high"),
                                 ((p.day.isoformat(), round(p.expected), round(p.low), round(p.high))
                                  for p in forecasts)),
    }
