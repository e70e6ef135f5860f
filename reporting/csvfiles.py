"""The report's CSV files, each written atomically. Columns are documented in docs/usage-reports.md."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from reporting.report import Report
from tfc.atomic import write_atomically


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _long(report: Report, series: dict[str, list[int]]) -> Iterable[tuple[str, str, int]]:
    days = report.period.days()
    for name, values in series.items():
        for day, value in zip(days, values, strict=True):
            if value:
                yield day.isoformat(), name, value


def csv_documents(report: Report) -> dict[str, bytes]:
    """File name -> content."""
    tag = report.tag_key
    return {
        "rum_daily.csv": _csv(("date", "rum"), ((d.isoformat(), v) for d, v in report.total)),
        "rum_by_type.csv": _csv(("date", "resource_type", "rum"), sorted(_long(report, report.by_type))),
        "rum_by_provider.csv": _csv(("date", "provider", "rum"), sorted(_long(report, report.by_provider))),
        f"rum_by_tag_{tag}.csv": _csv(("date", f"{tag}", "rum"), sorted(_long(report, report.by_tag))),
        "rum_by_account.csv": _csv(("date", "account", "rum"), sorted(_long(report, report.by_account))),
        "workspaces_latest.csv": _csv(
            ("workspace", "rum", "state_version_id", tag, "account"),
            ((name, rum, sv or "", report.workspace_tags.get(name, {}).get(tag) or "",
              report.workspace_tags.get(name, {}).get("account") or "") for name, rum, sv in report.workspaces),
        ),
        "rum_forecast.csv": _csv(("month", "expected", "low", "high"),
                                 ((p.day.isoformat(), round(p.expected), round(p.low), round(p.high))
                                  for p in report.forecast)),
    }


def write_csvs(report: Report, directory: Path) -> list[Path]:
    paths = []
    for name, content in csv_documents(report).items():
        path = directory / name
        write_atomically(path, content)
        paths.append(path)
    return paths
