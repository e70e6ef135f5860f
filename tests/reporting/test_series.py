"""The daily series as tables: versions on both sides of the period, workspaces created and deleted mid-period."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.charts import top_n
from reporting.counting import from_state_file, from_summary, provider_name, rum
from reporting.forecast import first_days_of_months, fit, forecast
from reporting.records import ResourceCount, VersionSummary, WorkspaceHistory
from reporting.series import (
    Period,
    breakdown,
    by_account,
    by_provider,
    by_tag,
    by_type,
    latest_per_workspace,
    total_series,
)

AWS = 'provider["registry.terraform.io/hashicorp/aws"]'


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def version(day: int, count: int, rtype: str = "aws_s3_bucket", hour: int = 12) -> VersionSummary:
    return VersionSummary(f"sv-{day}-{count}", day, at(day, hour), (ResourceCount(rtype, "hashicorp/aws", count),
                                                                   ResourceCount("data.aws_ami", "hashicorp/aws", 7)))


def ws(name: str, *versions: VersionSummary, deleted: datetime | None = None, tags: tuple[str, ...] = ()) -> WorkspaceHistory:
    return WorkspaceHistory(f"ws-{name}", name, tags, None, versions, deleted)


PERIOD = Period(date(2026, 3, 10), date(2026, 3, 14))


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        (ws("before-only", version(1, 5)), [5, 5, 5, 5, 5]),  # the version before the period counts from day one
        (ws("both-sides", version(1, 5), version(12, 8), version(20, 9)), [5, 5, 8, 8, 8]),
        (ws("created-mid", version(11, 3)), [0, 3, 3, 3, 3]),
        (ws("deleted-mid", version(1, 4), deleted=at(13, 9)), [4, 4, 4, 0, 0]),
        (ws("late-in-day", version(10, 2, hour=23)), [2, 2, 2, 2, 2]),  # counted on the day it was written
        (ws("quiet-days", version(10, 1), version(14, 6)), [1, 1, 1, 1, 6]),
        (ws("no-versions"), [0, 0, 0, 0, 0]),
        (ws("never-billed", version(1, 5, rtype="null_resource")), [0, 0, 0, 0, 0]),
    ],
)
def test_daily_totals(history: WorkspaceHistory, expected: list[int]) -> None:
    assert total_series([history], PERIOD).end == expected


def test_breakdowns_sum_to_the_total() -> None:
    histories = [ws("a", version(1, 5), version(12, 8, rtype="aws_iam_role"), tags=("type:deploy", "account:111")),
                 ws("b", version(11, 3), tags=("type:network",))]
    totals = total_series(histories, PERIOD).end
    for label in (by_type, by_provider, by_tag("type"), by_account({"b": "222"})):
        series = breakdown(histories, PERIOD, label)
        assert [sum(column) for column in zip(*(s.end for s in series.values()), strict=True)] == totals
    assert {k: v.end for k, v in breakdown(histories, PERIOD, by_type).items()} == {
        "aws_iam_role": [0, 0, 8, 8, 8], "aws_s3_bucket": [5, 8, 3, 3, 3]}
    assert set(breakdown(histories, PERIOD, by_account({"b": "222"}))) == {"111", "222"}
    assert set(breakdown(histories, PERIOD, by_tag("owner"))) == {"(untagged)"}
    assert {k: v.end for k, v in breakdown(histories, PERIOD, by_provider).items()} == {"hashicorp/aws": totals}


def test_latest_per_workspace_and_top_n() -> None:
    rows = latest_per_workspace([ws("a", version(1, 5)), ws("b", version(11, 9)), ws("c", version(20, 2))],
                                PERIOD.end)
    assert rows == [("b", 9, "sv-11-9"), ("a", 5, "sv-1-5"), ("c", 0, None)]
    assert top_n({"x": [1, 9], "y": [5, 5], "z": [2, 1]}, 1) == {"x": [1, 9], "other": [7, 6]}


def test_rum_counting_rule() -> None:
    resources = from_summary([
        {"type": "aws_instance", "provider": AWS, "count": 3},
        {"type": "aws_instance", "provider": AWS, "count": 2},
        {"type": "data.aws_ami", "provider": AWS, "count": 4},
        {"type": "terraform_data", "provider": 'provider["terraform.io/builtin/terraform"]', "count": 1},
    ])
    assert rum(resources) == 5
    assert provider_name(AWS) == "hashicorp/aws"
    state = {"resources": [{"mode": "managed", "type": "aws_instance", "provider": AWS, "instances": [{}, {}]},
                           {"mode": "data", "type": "aws_ami", "provider": AWS, "instances": [{}]}]}
    assert from_state_file(state) == (ResourceCount("aws_instance", "hashicorp/aws", 2),
                                      ResourceCount("data.aws_ami", "hashicorp/aws", 1))


def test_forecast_of_a_straight_line_is_exact() -> None:
    series = [(date(2026, 1, 1 + n), 100 + 2 * n) for n in range(30)]
    trend = fit(series)
    assert trend.slope_per_day == pytest.approx(2.0) and trend.residual_sd == pytest.approx(0.0, abs=1e-9)
    (point,) = forecast(series, 1)
    assert point.day == date(2026, 2, 1)
    assert point.expected == pytest.approx(100 + 2 * 31) and point.low == pytest.approx(point.high)


def test_forecast_band_widens_with_noise_and_distance() -> None:
    series = [(date(2026, 1, 1 + n), 100 + 2 * n + (5 if n % 2 else -5)) for n in range(30)]
    points = forecast(series, 3)
    widths = [p.high - p.low for p in points]
    assert all(w > 0 for w in widths) and widths == sorted(widths)
    assert all(p.low <= p.expected <= p.high for p in points)
    assert first_days_of_months(date(2026, 11, 24), 3) == [date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]


def v(day: int, hour: int, count: int, *, billable: int | None = None, skipped: str | None = None,
      minute: int = 0) -> VersionSummary:
    return VersionSummary(f"sv-{day}-{hour}-{minute}-{count}", day * 100 + hour, datetime(2026, 3, day, hour, minute,
                                                                                           tzinfo=UTC),
                          (ResourceCount("aws_s3_bucket", "hashicorp/aws", count),), billable, skipped)


@pytest.mark.parametrize(
    ("histories", "end", "peak"),
    [
        # 2 -> 102 -> 2 within one day: billing sees 102, the end of the day 2
        ([ws("a", v(1, 0, 2), v(12, 9, 102), v(12, 10, 2))], [2, 2, 2, 2, 2], [2, 2, 102, 2, 2]),
        # the day's peak includes the value carried in from the day before
        ([ws("a", v(1, 0, 9), v(12, 9, 3))], [9, 9, 3, 3, 3], [9, 9, 9, 3, 3]),
        # a spike before the period is not in it; one in the period's last minute is; one after it is not
        ([ws("a", v(1, 0, 2), v(9, 23, 50), v(9, 23, 2, minute=30), v(14, 23, 40, minute=59), v(15, 0, 90))],
         [2, 2, 2, 2, 40], [2, 2, 2, 2, 40]),
        # a version written exactly at midnight belongs to the day it starts
        ([ws("a", v(1, 0, 2), v(11, 0, 6))], [2, 6, 6, 6, 6], [2, 6, 6, 6, 6]),
        # deleted mid-day: the day peaks at what it had, and ends at zero
        ([ws("a", v(1, 0, 4), deleted=at(12, 9))], [4, 4, 0, 0, 0], [4, 4, 4, 0, 0]),
        # a version written after the deletion does not count
        ([ws("a", v(1, 0, 4), v(13, 9, 8), deleted=at(12, 9))], [4, 4, 0, 0, 0], [4, 4, 4, 0, 0]),
        # deleted before the period: nothing
        ([ws("a", v(1, 0, 4), deleted=at(5, 9))], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
        # simultaneous changes in two workspaces are one instant: 10 moves, the peak stays 10
        ([ws("a", v(1, 0, 10), v(11, 9, 0)), ws("b", v(11, 9, 10))], [10, 10, 10, 10, 10], [10, 10, 10, 10, 10]),
        # ... one after the other, the total passes through 20 or 0
        ([ws("a", v(1, 0, 10), v(11, 10, 0)), ws("b", v(11, 9, 10))], [10, 10, 10, 10, 10], [10, 20, 10, 10, 10]),
        # a skipped (unreadable) version does not count: the one before it goes on
        ([ws("a", v(1, 0, 3), v(11, 9, 0, skipped="unreadable state file: not JSON"))], [3] * 5, [3] * 5),
        # TFC's billable count is the version's RUM
        ([ws("a", v(1, 0, 3, billable=5), v(12, 9, 30, billable=1))], [5, 5, 1, 1, 1], [5, 5, 5, 1, 1]),
        ([ws("a", v(12, 9, 3, billable=0))], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]),
    ],
)
def test_end_of_day_and_peak(histories: list[WorkspaceHistory], end: list[int], peak: list[int]) -> None:
    total = total_series(histories, PERIOD)
    assert (total.end, total.peak) == (end, peak)


def _value(histories: list[WorkspaceHistory], until: datetime, inclusive: bool) -> int:
    """The organization's RUM counting every event at or before (inclusive) or strictly before ``until``."""
    total = 0
    for h in histories:
        def happened(when: datetime) -> bool:
            return when <= until if inclusive else when < until

        if h.deleted_at is not None and happened(h.deleted_at):
            continue
        live = [x for x in h.versions if x.skipped is None and happened(x.created_at)
                and (h.deleted_at is None or x.created_at < h.deleted_at)]
        if live:
            last = live[-1]
            total += last.billable if last.billable is not None else rum(last.resources)
    return total


def _oracle(histories: list[WorkspaceHistory], period: Period) -> tuple[list[int], list[int]]:
    """Brute force: the value before each day and after every instant within it."""
    instants = sorted({x.created_at for h in histories for x in h.versions}
                      | {h.deleted_at for h in histories if h.deleted_at is not None})
    end, peak = [], []
    for day in period.days():
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        stop = datetime.combine(day, datetime.max.time(), tzinfo=UTC)
        values = [_value(histories, start, inclusive=False)]
        values += [_value(histories, t, inclusive=True) for t in instants if start <= t <= stop]
        peak.append(max(values))
        end.append(_value(histories, stop, inclusive=True))
    return end, peak


WHEN = st.builds(lambda d, h: datetime(2026, 3, d, h, tzinfo=UTC), st.integers(7, 16), st.integers(0, 23))
VERSION = st.builds(
    lambda when, count, billable, skipped: VersionSummary(
        "sv", 1, when, (ResourceCount("aws_s3_bucket", "p", count), ResourceCount("null_resource", "n", 2)),
        billable, "unreadable" if skipped else None),
    WHEN, st.integers(0, 100), st.none() | st.integers(0, 100), st.integers(0, 4).map(lambda n: n == 0),
)
HISTORY = st.builds(
    lambda name, versions, deleted: WorkspaceHistory(name, name, (), None,
                                                     tuple(sorted(versions, key=lambda x: x.created_at)), deleted),
    st.sampled_from(["a", "b", "c", "d"]), st.lists(VERSION, max_size=6), st.none() | WHEN,
)


@given(st.lists(HISTORY, max_size=4))
def test_the_sweep_agrees_with_brute_force(histories: list[WorkspaceHistory]) -> None:
    total = total_series(histories, PERIOD)
    assert (total.end, total.peak) == _oracle(histories, PERIOD)
    assert all(p >= e for p, e in zip(total.peak, total.end, strict=True))
    assert all(p >= e for p, e in zip(total.peak[1:], total.end, strict=False))  # carried across days


@pytest.mark.parametrize(
    ("histories", "end", "peak"),
    [
        # the period's first day: a spike within it, and the value carried into it, both count for its peak
        ([ws("a", v(1, 0, 2), v(10, 9, 102), v(10, 10, 2))], [2, 2, 2, 2, 2], [102, 2, 2, 2, 2]),
        ([ws("a", v(1, 0, 9), v(10, 9, 3))], [3, 3, 3, 3, 3], [9, 3, 3, 3, 3]),
        # a version written at the very instant the workspace was noticed deleted does not count
        ([ws("a", v(1, 0, 4), v(12, 9, 8), deleted=at(12, 9))], [4, 4, 0, 0, 0], [4, 4, 4, 0, 0]),
    ],
)
def test_end_of_day_and_peak_at_the_edges(histories: list[WorkspaceHistory], end: list[int], peak: list[int]) -> None:
    total = total_series(histories, PERIOD)
    assert (total.end, total.peak) == (end, peak)


def test_instances_of_one_label_in_one_version_add_up() -> None:
    both = VersionSummary("sv", 1, at(1), (ResourceCount("aws_s3_bucket", "hashicorp/aws", 2),
                                           ResourceCount("aws_s3_bucket", "acme/aws", 3),
                                           ResourceCount("null_resource", "hashicorp/null", 4)))
    assert breakdown([ws("a", both)], PERIOD, by_type)["aws_s3_bucket"].end == [5] * 5
    assert set(breakdown([ws("a", both)], PERIOD, by_account({}))) == {"(unknown)"}


def test_latest_per_workspace_at_the_edges_of_the_day() -> None:
    end = PERIOD.end  # 2026-03-14
    histories = [
        ws("same-day", v(1, 0, 1), v(14, 12, 7)),  # written during the day: counts
        ws("next-midnight", v(1, 0, 2), v(15, 0, 9)),  # written at the next midnight: not yet
        ws("next-morning", v(1, 0, 3), v(15, 9, 9)),
        ws("deleted-today", v(1, 0, 50), deleted=at(14, 9)),
        ws("deleted-at-midnight", v(1, 0, 60), deleted=datetime(2026, 3, 15, tzinfo=UTC)),
        ws("a-tie", v(1, 0, 3)),  # ties are ordered by name, not as given
    ]
    rows = latest_per_workspace(histories, end)
    assert rows == [("deleted-at-midnight", 60, "sv-1-0-0-60"), ("same-day", 7, "sv-14-12-0-7"),
                    ("a-tie", 3, "sv-1-0-0-3"), ("next-morning", 3, "sv-1-0-0-3"), ("next-midnight", 2, "sv-1-0-0-2"),
                    ("deleted-today", 0, None)]


def test_days_are_utc_days_whatever_the_machines_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as clock

    history = ws("a", v(1, 0, 2), v(12, 2, 102), v(12, 3, 2))  # 02:00-03:00 UTC: the 11th in New York
    monkeypatch.setenv("TZ", "America/New_York")
    clock.tzset()
    try:
        total = total_series([history], PERIOD)
    finally:
        monkeypatch.undo()
        clock.tzset()
    assert total.peak == [2, 2, 102, 2, 2]


def test_versions_written_as_the_workspace_was_noticed_deleted_are_not_sources() -> None:
    from reporting.report import build_report

    history = ws("a", v(1, 0, 4), v(11, 9, 6), v(12, 9, 8), deleted=at(12, 9))
    report = build_report([history], PERIOD)
    assert (report.sources.versions, report.sources.billable) == (2, 0)


def test_a_period_of_the_last_days() -> None:
    period = Period.last_days(7, date(2026, 11, 2))
    assert (period.start, period.end, period.length) == (date(2026, 10, 27), date(2026, 11, 2), 7)
    assert period.days()[0] == period.start and period.days()[-1] == period.end
    assert period.start_time == datetime(2026, 10, 27, tzinfo=UTC)
