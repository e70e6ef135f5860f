"""PNG charts of the report (matplotlib, non-interactive Agg backend).

Each chart is described first as data (``ChartData``: title, series plotted) so tests check what is drawn,
not pixels; ``render`` turns a description into PNG bytes. Colours are fixed per label across charts.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reporting.report import Report
from reporting.series import top_n

PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
           "#64B5CD", "#1F77B4", "#FF7F0E")
OTHER_COLOUR = "#BBBBBB"
TOP = 8


@dataclass(frozen=True, slots=True)
class ChartData:
    file_name: str
    title: str
    y_label: str
    days: list[date]
    stacked: dict[str, list[int]] = field(default_factory=dict)  # stacked areas, bottom first
    line: list[int] = field(default_factory=list)  # a total line
    forecast: list[tuple[date, float, float, float]] = field(default_factory=list)  # day, expected, low, high


def chart_data(report: Report) -> list[ChartData]:
    days = report.period.days()
    span = f"{report.period.start.isoformat()} – {report.period.end.isoformat()}"
    return [
        ChartData("rum_by_type.png", f"Resources under management by resource type (top {TOP}), {span}",
                  "managed resource instances", days, stacked=top_n(report.by_type, TOP)),
        ChartData("rum_by_workspace_type.png", f"Resources under management by workspace {report.tag_key}, {span}",
                  "managed resource instances", days, stacked=top_n(report.by_tag, TOP)),
        ChartData("rum_by_account.png", f"Resources under management by account (top {TOP}), {span}",
                  "managed resource instances", days, stacked=top_n(report.by_account, TOP)),
        ChartData("rum_total_forecast.png", f"Total resources under management and {len(report.forecast)}-month "
                  "forecast (95% band)", "managed resource instances", days, line=[v for _, v in report.total],
                  forecast=[(p.day, p.expected, p.low, p.high) for p in report.forecast]),
    ]


def _colours(labels: list[str]) -> list[str]:
    ordered = sorted(label for label in labels if label != "other")
    index = {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(ordered)}
    return [OTHER_COLOUR if label == "other" else index[label] for label in labels]


def render(chart: ChartData) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates
    import matplotlib.pyplot as plt

    mdates: Any = matplotlib.dates  # its locators and formatters are untyped
    figure, plot_axes = plt.subplots(figsize=(11, 5.5), dpi=100)
    axes: Any = plot_axes  # matplotlib's stubs do not accept dates as x values
    try:
        if chart.stacked:
            labels = list(chart.stacked)
            axes.stackplot(chart.days, *chart.stacked.values(), labels=labels, colors=_colours(labels), alpha=0.9)
            axes.legend(loc="upper left", fontsize=8, ncols=2, frameon=False)
        if chart.line:
            axes.plot(chart.days, chart.line, color=PALETTE[0], linewidth=2, label="actual")
        if chart.forecast:
            days = [chart.days[-1], *(f[0] for f in chart.forecast)]
            expected = [chart.line[-1], *(f[1] for f in chart.forecast)]
            axes.plot(days, expected, color=PALETTE[1], linestyle="--", linewidth=2, label="forecast")
            axes.fill_between([f[0] for f in chart.forecast], [f[2] for f in chart.forecast],
                              [f[3] for f in chart.forecast], color=PALETTE[1], alpha=0.2, label="95% band")
            axes.legend(loc="upper left", frameon=False)
        axes.set_title(chart.title, fontsize=11)
        axes.set_ylabel(chart.y_label)
        axes.set_ylim(bottom=0)
        months = max(1, (chart.days[-1] - chart.days[0]).days // 30 + len(chart.forecast))
        axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, months // 12)))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        figure.autofmt_xdate()
        axes.grid(axis="y", alpha=0.3)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(figure)
