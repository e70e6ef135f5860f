"""What the charts draw and the page says: stable colours by name, a distinct "other", accounts by name with
"other" only beyond what fits, a y-axis that fits the data, and a self-contained, escaped index.html."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from reporting.accounts import AccountMap
from reporting.charts import (
    ACCOUNT_BARS,
    OTHER,
    OTHER_COLOUR,
    PALETTE,
    ChartData,
    chart_data,
    colour_of,
    colours,
    top_n,
    y_range,
)
from reporting.page import index_html
from reporting.records import ResourceCount, VersionSummary, WorkspaceHistory
from reporting.report import Report, build_report
from reporting.series import Period

PERIOD = Period(date(2026, 3, 10), date(2026, 3, 14))
LABEL = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


def history(name: str, account: str, start: int, end: int, rtype: str = "aws_s3_bucket") -> WorkspaceHistory:
    def version(day: int, count: int) -> VersionSummary:
        return VersionSummary(f"sv-{name}-{day}", day, datetime(2026, 3, day, 12, tzinfo=UTC),
                              (ResourceCount(rtype, "hashicorp/aws", count),))

    return WorkspaceHistory(f"ws-{name}", name, ("type:deploy", f"account:{account}"), None,
                            (version(1, start), version(12, end)))


def report_of(histories: list[WorkspaceHistory], accounts: AccountMap | None = None) -> Report:
    return build_report(histories, PERIOD, accounts=accounts, forecast_months=2, renewal_date=date(2026, 9, 1))


@given(st.lists(LABEL, unique=True, max_size=len(PALETTE)))
def test_colours_are_distinct_never_grey_and_other_is_its_own(labels: list[str]) -> None:
    chosen = colours([*labels, OTHER])
    assert chosen[-1] == OTHER_COLOUR and OTHER_COLOUR not in chosen[:-1]
    assert len(set(chosen[:-1])) == len(labels)  # no two series of a chart share a colour
    assert all(c in PALETTE for c in chosen[:-1])
    for c in chosen[:-1]:
        red, green, blue = (int(c[i:i + 2], 16) for i in (1, 3, 5))
        assert max(red, green, blue) - min(red, green, blue) > 20  # a colour, not a grey


@given(LABEL, st.lists(LABEL, max_size=6))
def test_a_label_keeps_its_colour_whatever_else_is_charted(label: str, others: list[str]) -> None:
    """By name, not by rank: the colour changes only if another label in the chart already has it."""
    rest = [o for o in others if o not in (label, OTHER)]
    chosen = dict(zip([*rest, label], colours([*rest, label]), strict=True))
    taken_before = {chosen[o] for o in rest if o < label}  # labels earlier by name choose first
    assert chosen[label] == colour_of(label) or colour_of(label) in taken_before


def test_colours_do_not_depend_on_order_or_rank() -> None:
    assert colours(["b", "a", "c"]) == list(reversed(colours(["c", "a", "b"])))
    assert colour_of("aws_s3_bucket") == colour_of("aws_s3_bucket") != OTHER_COLOUR


def test_top_n_folds_the_rest_into_other() -> None:
    assert top_n({"x": [1, 9], "y": [5, 5], "z": [2, 1]}, 1) == {"x": [1, 9], OTHER: [7, 6]}
    assert top_n({"x": [1, 9], "y": [5, 5]}, 2) == {"x": [1, 9], "y": [5, 5]}
    assert top_n({"b": [0, 3], "a": [0, 3]}, 1) == {"a": [0, 3], OTHER: [0, 3]}  # ties by name


def test_the_account_chart_names_accounts_and_shows_other_only_beyond_what_fits() -> None:
    names = AccountMap(names={"111": "payments-prod"})
    few = report_of([history("a", "111", 3, 30), history("b", "222", 5, 6)], names)
    bars = next(c for c in chart_data(few) if c.file_name == "rum_by_account.png").bars
    assert bars == {"payments-prod": (3, 30), "222": (5, 6)}
    many = report_of([history(f"w{n:02d}", f"{n:03d}", n, n + 1) for n in range(1, ACCOUNT_BARS + 4)])
    bars = next(c for c in chart_data(many) if c.file_name == "rum_by_account.png").bars
    assert len(bars) == ACCOUNT_BARS and list(bars)[-1] == f"{OTHER} (4 accounts)"
    assert bars[f"{OTHER} (4 accounts)"] == (1 + 2 + 3 + 4, 2 + 3 + 4 + 5)  # the four smallest
    assert next(iter(bars)) == f"{ACCOUNT_BARS + 3:03d}"  # largest first


def test_the_forecast_chart_shows_peak_end_and_marks_the_renewal() -> None:
    report = report_of([history("a", "1", 100, 104), history("b", "1", 50, 55)])
    chart = chart_data(report)[0]
    assert chart.file_name == "rum_total_forecast.png"
    assert chart.lines == {"daily peak": [150, 150, 159, 159, 159], "end of day": [150, 150, 159, 159, 159]}
    assert chart.marked is not None and chart.marked[0] == date(2026, 9, 1)
    assert [f[0] for f in chart.forecast] == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 9, 1)]
    low, high = y_range(chart)
    lowest = min(150, *(f[2] for f in chart.forecast))
    assert 0 < low < lowest and high > max(f[3] for f in chart.forecast)  # fits the data, not from zero
    assert lowest - low < 0.1 * (high - low)


def test_y_range_has_a_margin_and_never_goes_below_zero() -> None:
    days = PERIOD.days()
    flat = ChartData("x.png", "t", "y", days, lines={"peak": [5] * 5})
    assert y_range(flat) == (4.0, 6.0)
    near_zero = ChartData("x.png", "t", "y", days, lines={"peak": [0, 100, 100, 100, 100]})
    assert y_range(near_zero) == (0.0, 108.0)
    band = ChartData("x.png", "t", "y", days, lines={"peak": [1000] * 5}, forecast=[(date(2026, 4, 1), 1100, 900,
                                                                                     1300)])
    assert y_range(band) == (900 - 32.0, 1300 + 32.0)


def test_the_page_is_self_contained_and_escapes_every_name() -> None:
    hostile = '<script>alert("x")</script>'
    report = report_of([history(hostile, "111", 3, 30, rtype="aws_<b>bold</b>"), history("b", "222", 5, 6)],
                       AccountMap(names={"111": "pay & <i>ments</i>"}))
    page = index_html(report, {"rum_total_forecast.png": b"\x89PNG-bytes"}).decode()
    assert "<script" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "aws_&lt;b&gt;bold&lt;/b&gt;" in page and "pay &amp; &lt;i&gt;ments&lt;/i&gt;" in page
    assert 'src="data:image/png;base64,iVBORy1ieXRlcw=="' in page
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing fetched from elsewhere
    summary = report.summary()
    for number in (f"{report.peak_today:,}", f"{report.today:,}", "+28 (+350.0%)", "peak at renewal on 2026-09-01"):
        assert number in page, number
    assert summary["rum_peak_today"] == 36 and summary["growth"] == 28


def test_the_page_lists_the_top_growers_of_each_kind() -> None:
    report = report_of([history(f"w{n}", f"{n % 3}", 1, 1 + n, rtype=f"t{n % 4}") for n in range(14)],
                       AccountMap(names={"0": "zero-account"}))
    page = index_html(report, {}).decode()
    tables = re.findall(r"<h3>(.*?)</h3><table>(.*?)</table>", page)
    assert [t for t, _ in tables] == ["Workspaces that grew most", "Resource types that grew most",
                                      "Accounts that grew most"]
    rows = {t: re.findall(r"<tr><td>(.*?)</td><td class=\"n\">\+([\d,]+)</td></tr>", body) for t, body in tables}
    assert rows["Workspaces that grew most"][:2] == [("w13", "13"), ("w12", "12")]
    assert len(rows["Workspaces that grew most"]) == 10  # the ten that grew most; w0 did not grow at all
    assert rows["Resource types that grew most"][0] == ("t1", str(1 + 5 + 9 + 13))
    assert ("zero-account", str(3 + 6 + 9 + 12)) in rows["Accounts that grew most"]
