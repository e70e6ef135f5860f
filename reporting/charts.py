"""PNG charts of the report (matplotlib, non-interactive Agg backend).

Each chart is described first as data (``ChartData``: title, series plotted) so tests check what is drawn,
not pixels; ``render`` turns a description into PNG bytes. A series' colour follows from its name (a hash
into a palette without greys), so a resource type or account keeps its colour from one report to the next
whatever else is in the chart; "other" is grey and hatched, unlike any series.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reporting.report import Report
from reporting.series import Daily

# Tableau 20 without its two greys: 18 colours, none of them grey.
PALETTE = ("#1F77B4", "#AEC7E8", "#FF7F0E", "#FFBB78", "#2CA02C", "#98DF8A", "#D62728", "#FF9896", "#9467BD",
           "#C5B0D5", "#8C564B", "#C49C94", "#E377C2", "#F7B6D2", "#BCBD22", "#DBDB8D", "#17BECF", "#9EDAE5")
OTHER = "other"
OTHER_COLOUR = "#E0E0E0"
OTHER_HATCH = "///"
TOP = 8
ACCOUNT_BARS = 40


@dataclass(frozen=True, slots=True)
class ChartData:
    file_name: str
    title: str
    y_label: str
    days: list[date]
    stacked: dict[str, list[int]] = field(default_factory=dict)  # stacked areas, bottom first
    lines: dict[str, list[int]] = field(default_factory=dict)  # e.g. peak and end of day
    forecast: list[tuple[date, float, float, float]] = field(default_factory=list)  # day, expected, low, high
    bars: dict[str, tuple[int, int]] = field(default_factory=dict)  # label -> (at the start, at the end)
    marked: tuple[date, float, float, float] | None = None  # the forecast point to label, e.g. the renewal


def colour_of(label: str) -> str:
    """The palette colour a label prefers: the same in every report."""
    return PALETTE[int.from_bytes(hashlib.sha256(label.encode()).digest()[:4], "big") % len(PALETTE)]


def colours(labels: Sequence[str]) -> list[str]:
    """Each label's colour; two labels of one chart never share one (the later name takes the next free)."""
    taken: dict[str, str] = {}
    for label in sorted(set(labels) - {OTHER}):
        start = PALETTE.index(colour_of(label))
        used = set(taken.values())
        taken[label] = next((c for i in range(len(PALETTE)) if (c := PALETTE[(start + i) % len(PALETTE)])
                             not in used), colour_of(label))
    return [OTHER_COLOUR if label == OTHER else taken[label] for label in labels]


def top_n(series: Mapping[str, list[int]], n: int) -> dict[str, list[int]]:
    """The ``n`` largest series (by their last value), largest at the bottom, and the rest summed as other."""
    ranked = sorted(series.items(), key=lambda item: (-item[1][-1] if item[1] else 0, item[0]))
    kept = dict(ranked[:n])
    rest = [values for _, values in ranked[n:]]
    if rest:
        kept[OTHER] = [sum(column) for column in zip(*rest, strict=True)]
    return kept


def account_bars(report: Report) -> dict[str, tuple[int, int]]:
    """Every account by name, largest first; beyond ``ACCOUNT_BARS`` accounts the smallest are summed into
    one "other (N accounts)" bar, so other appears only when there are too many accounts to show."""
    ranked = sorted(((report.account_label(a), v.end[0], v.end[-1]) for a, v in report.by_account.items()),
                    key=lambda row: (-row[2], row[0]))
    cut = len(ranked) if len(ranked) <= ACCOUNT_BARS else ACCOUNT_BARS - 1
    shown, rest = ranked[:cut], ranked[cut:]
    bars = {label: (start, end) for label, start, end in shown}
    if rest:
        bars[f"{OTHER} ({len(rest)} accounts)"] = (sum(r[1] for r in rest), sum(r[2] for r in rest))
    return bars


def _ends(series: Mapping[str, Daily]) -> dict[str, list[int]]:
    return {name: values.end for name, values in series.items()}


def chart_data(report: Report) -> list[ChartData]:
    days = report.period.days()
    span = f"{report.period.start.isoformat()} – {report.period.end.isoformat()}"
    forecast = sorted({p.day: p for p in (*report.forecast, *([report.renewal] if report.renewal else []))}.values(),
                      key=lambda p: p.day)
    return [  # the headline first: the page shows them in this order
        ChartData("rum_total_forecast.png", "Total resources under management: daily peak (billed), end of day, "
                  "and the peak's forecast with its 95% band", "managed resource instances", days,
                  lines={"daily peak": report.total.peak, "end of day": report.total.end},
                  forecast=[(p.day, p.expected, p.low, p.high) for p in forecast],
                  marked=next(((p.day, p.expected, p.low, p.high) for p in (report.renewal, *forecast[-1:]) if p),
                              None)),
        ChartData("rum_by_account.png", f"Resources under management by account on {report.period.end.isoformat()}"
                  f" (bar) and on {report.period.start.isoformat()} (tick)", "managed resource instances", days,
                  bars=account_bars(report)),
        ChartData("rum_by_type.png", f"Resources under management by resource type (top {TOP}, end of day), {span}",
                  "managed resource instances", days, stacked=top_n(_ends(report.by_type), TOP)),
        ChartData("rum_by_workspace_type.png",
                  f"Resources under management by workspace {report.tag_key} (end of day), {span}",
                  "managed resource instances", days, stacked=top_n(_ends(report.by_tag), TOP)),
    ]


def y_range(chart: ChartData) -> tuple[float, float]:
    """The line chart's y-axis: the data with a margin, not from zero (a line near 10,000 fills the plot)."""
    values: list[float] = [v for line in chart.lines.values() for v in line]
    values += [v for f in chart.forecast for v in (f[2], f[3])]
    low, high = min(values), max(values)
    margin = max((high - low) * 0.08, 1.0)
    return max(0.0, low - margin), high + margin


def render(chart: ChartData) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = 5.5 if not chart.bars else max(4.0, 0.32 * len(chart.bars) + 1.5)
    figure, plot_axes = plt.subplots(figsize=(11, height), dpi=100)
    axes: Any = plot_axes  # matplotlib's stubs do not accept dates as x values
    try:
        if chart.bars:
            _bars(axes, chart)
        else:
            _over_time(axes, chart)
        axes.set_title(chart.title, fontsize=11)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _bars(axes: Any, chart: ChartData) -> None:
    labels = list(chart.bars)
    positions = list(range(len(labels)))[::-1]  # largest at the top
    ends = [chart.bars[label][1] for label in labels]
    others = [label.startswith(OTHER) for label in labels]
    names = [OTHER if other else label for label, other in zip(labels, others, strict=True)]
    bars = axes.barh(positions, ends, color=colours(names), edgecolor=["#555555" if o else "none" for o in others])
    for bar, other in zip(bars, others, strict=True):
        if other:
            bar.set_hatch(OTHER_HATCH)
    axes.scatter([chart.bars[label][0] for label in labels], positions, marker="|", s=180, color="#222222",
                 zorder=3)
    for position, value in zip(positions, ends, strict=True):
        axes.annotate(f"{value:,}", (value, position), xytext=(4, 0), textcoords="offset points", va="center",
                      fontsize=8)
    axes.set_yticks(positions, labels, fontsize=9)
    axes.set_xlabel(chart.y_label)
    axes.margins(x=0.08)
    axes.grid(axis="x", alpha=0.3)


def _over_time(axes: Any, chart: ChartData) -> None:
    import matplotlib.dates

    mdates: Any = matplotlib.dates  # its locators and formatters are untyped
    if chart.stacked:
        labels = list(chart.stacked)
        areas = axes.stackplot(chart.days, *chart.stacked.values(), labels=labels, colors=colours(labels), alpha=0.9)
        for area, label in zip(areas, labels, strict=True):
            if label == OTHER:
                area.set_hatch(OTHER_HATCH)
                area.set_edgecolor("#888888")
        handles, names = axes.get_legend_handles_labels()
        axes.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
                    frameon=False)
        axes.set_ylim(bottom=0)
    for (name, values), style in zip(chart.lines.items(), ({"color": "#1F77B4", "linewidth": 2.2},
                                                           {"color": "#FF7F0E", "linewidth": 1, "linestyle": ":"}),
                                     strict=False):
        axes.plot(chart.days, values, label=name, **style)
    if chart.forecast:
        peak = next(iter(chart.lines.values()))
        days = [chart.days[-1], *(f[0] for f in chart.forecast)]
        axes.plot(days, [peak[-1], *(f[1] for f in chart.forecast)], color="#D62728", linestyle="--", linewidth=2,
                  label="forecast of the peak")
        axes.fill_between(days, [peak[-1], *(f[2] for f in chart.forecast)],
                          [peak[-1], *(f[3] for f in chart.forecast)], color="#D62728", alpha=0.18,
                          edgecolor="#D62728", linewidth=0.8, label="95% band")
        if chart.marked is not None:
            day, expected, low, high = chart.marked
            axes.axvline(day, color="#D62728", linewidth=0.8, alpha=0.6)
            axes.annotate(f"{day.isoformat()}: {expected:,.0f}\n95% band {low:,.0f}–{high:,.0f}", (day, expected),
                          xytext=(-8, 12), textcoords="offset points", ha="right", va="bottom", fontsize=9,
                          color="#B22222", bbox={"boxstyle": "round", "fc": "white", "ec": "#D62728", "alpha": 0.9})
        axes.set_ylim(*y_range(chart))
        axes.legend(loc="upper left", frameon=False)
    elif chart.lines:
        axes.set_ylim(*y_range(chart))
        axes.legend(loc="upper left", frameon=False)
    axes.set_ylabel(chart.y_label)
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    end = chart.forecast[-1][0] if chart.forecast else chart.days[-1]
    months = max(1, (end - chart.days[0]).days // 30)
    axes.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-months // 12))))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    axes.figure.autofmt_xdate()
    axes.grid(axis="y", alpha=0.3)
