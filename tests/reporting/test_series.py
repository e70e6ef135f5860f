"""The daily series as tables: versions on both sides of the period, workspaces created and deleted mid-period."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reporting.counting import from_state_file, from_summary, provider_name, rum
from reporting.forecast import first_days_of_months, fit, forecast
from reporting.records import ResourceCount, VersionSummary, WorkspaceHistory
from reporting.charts import top_n
from reporting.series import Period, breakdown, by_account, by_tag, by_type, latest_per_workspace, total_series

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
    for label in (by_type, by_tag("type"), by_account({"b": "222"})):
        series = breakdown(histories, PERIOD, label)
        assert [sum(column) for column in zip(*(s.end for s in series.values()), strict=True)] == totals
    assert {k: v.end for k, v in breakdown(histories, PERIOD, by_type).items()} == {
        "aws_iam_role": [0, 0, 8, 8, 8], "aws_s3_bucket": [5, 8, 3, 3, 3]}
    assert set(breakdown(histories, PERIOD, by_account({"b": "222"}))) == {"111", "222"}
    assert set(breakdown(histories, PERIOD, by_tag("owner"))) == {"(untagged)"}


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
