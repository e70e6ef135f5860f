"""``index.html``: the report as one page a person opens at contract renewal.

Self-contained: the charts are embedded as PNG data URIs, there is no JavaScript and no external resource,
so the page reads the same from a local directory, an S3 download or an e-mail attachment. Every name in it
(workspaces, resource types, accounts) is HTML-escaped: it comes from TFC or the account map.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape

from reporting.report import Report

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.muted { color: #666; font-size: .9rem; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.2rem 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1rem; min-width: 12rem; }
.card .value { font-size: 1.6rem; font-weight: 600; } .card .label { color: #555; font-size: .85rem; }
.tables { display: flex; flex-wrap: wrap; gap: 2rem; }
table { border-collapse: collapse; font-size: .9rem; } td, th { padding: .2rem .6rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } tr:nth-child(even) { background: #f6f6f6; }
img { max-width: 100%; border: 1px solid #eee; margin: .5rem 0; }
"""


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _card(value: str, label: str) -> str:
    return f'<div class="card"><div class="value">{escape(value)}</div><div class="label">{escape(label)}</div></div>'


def _table(title: str, heading: str, rows: Sequence[tuple[str, int]]) -> str:
    body = "".join(f'<tr><td>{escape(name)}</td><td class="n">+{value:,}</td></tr>' for name, value in rows)
    if not rows:
        body = '<tr><td colspan="2" class="muted">none grew</td></tr>'
    return (f"<div><h3>{escape(title)}</h3><table><tr><th>{escape(heading)}</th><th class=\"n\">growth</th></tr>"
            f"{body}</table></div>")


def index_html(report: Report, charts: Mapping[str, bytes]) -> bytes:
    """The page, with ``charts`` (file name -> PNG bytes) embedded in the order given."""
    start, end = report.period.start.isoformat(), report.period.end.isoformat()
    change, ratio = report.growth
    cards = [
        _card(_number(report.peak_today), f"RUM on {end}: daily peak (what billing counts)"),
        _card(_number(report.today), f"RUM on {end}: end of day"),
        _card(f"{change:+,}" + (f" ({ratio:+.1%})" if ratio is not None else ""),
              f"change of the daily peak since {start}"),
    ]
    target = report.renewal or (report.forecast[-1] if report.forecast else None)
    if target is not None:
        what = "at renewal" if report.renewal else "forecast"
        cards.append(_card(_number(target.expected), f"peak {what} on {target.day.isoformat()} "
                           f"(95% band {_number(target.low)}–{_number(target.high)})"))
    accounts = [(report.account_label(a), g) for a, g in report.top_growers(report.by_account)]
    tables = [
        _table("Workspaces that grew most", "workspace", report.top_growers(report.by_workspace)),
        _table("Resource types that grew most", "resource type", report.top_growers(report.by_type)),
        _table("Accounts that grew most", "account", accounts),
    ]
    images = "".join(
        f'<img alt="{escape(name)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        for name, png in charts.items()
    )
    sources = report.sources
    notes = [f"{sources.billable:,} of {sources.versions:,} state versions counted from TFC's billable-rum-count, "
             "the rest from their resource summaries or state files."]
    if sources.skipped:
        notes.append(f"{len(sources.skipped)} state versions could not be read and were skipped: "
                     + "; ".join(sources.skipped[:20]) + (" …" if len(sources.skipped) > 20 else ""))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Resources under management, {escape(start)} – {escape(end)}</title><style>{STYLE}</style></head>
<body>
<h1>Resources under management</h1>
<p class="muted">{escape(start)} – {escape(end)} (UTC days). HCP Terraform bills managed resource instances at their
peak; the daily peak is the highest count reached during the day, end of day the count at midnight UTC.
The forecast is a straight-line trend through the daily peaks with its 95% prediction band.</p>
<div class="cards">{"".join(cards)}</div>
<h2>What grew most (end of day, {escape(start)} → {escape(end)})</h2>
<div class="tables">{"".join(tables)}</div>
<h2>Charts</h2>
{images}
<h2>How this was counted</h2>
<p class="muted">{"<br>".join(escape(n) for n in notes)} The CSV files beside this page hold every number.</p>
</body></html>
"""
    return page.encode()
