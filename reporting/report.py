"""A usage report: the daily series, breakdowns, forecast and summary computed from workspace histories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from reporting.accounts import AccountMap
from reporting.forecast import ForecastPoint, forecast, forecast_at
from reporting.records import VersionSummary, WorkspaceHistory
from reporting.series import (
    Daily,
    Period,
    breakdown,
    by_account,
    by_provider,
    by_tag,
    by_type,
    by_workspace,
    counted_versions,
    latest_per_workspace,
    total_series,
)


@dataclass(frozen=True, slots=True)
class Sources:
    """Where the counts of the state versions in the report came from."""

    versions: int = 0
    billable: int = 0  # TFC's billable-rum-count
    skipped: tuple[str, ...] = ()  # versions that could not be counted, each with its reason


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    tag_key: str
    total: Daily
    by_type: dict[str, Daily]
    by_provider: dict[str, Daily]
    by_tag: dict[str, Daily]
    by_account: dict[str, Daily]
    by_workspace: dict[str, Daily]
    workspaces: list[tuple[str, int, str | None]]
    forecast: list[ForecastPoint]  # of the daily peak
    renewal: ForecastPoint | None = None
    workspace_tags: dict[str, dict[str, str | None]] = field(default_factory=dict)
    account_names: dict[str, str] = field(default_factory=dict)
    sources: Sources = Sources()

    @property
    def today(self) -> int:
        """RUM at the end of the period's last day."""
        return self.total.end[-1]

    @property
    def peak_today(self) -> int:
        return self.total.peak[-1]

    @property
    def growth(self) -> tuple[int, float | None]:
        """Change of the daily peak over the period, absolute and relative."""
        first = self.total.peak[0]
        change = self.peak_today - first
        return change, (change / first if first else None)

    def account_label(self, account: str) -> str:
        return self.account_names.get(account, account)

    def top_growers(self, series: Mapping[str, Daily], n: int = 10) -> list[tuple[str, int]]:
        """The labels whose end-of-day value grew most over the period, largest first."""
        deltas = [(name, values.end[-1] - values.end[0]) for name, values in series.items()]
        return sorted((d for d in deltas if d[1] > 0), key=lambda d: (-d[1], d[0]))[:n]

    def summary(self) -> dict[str, object]:
        change, ratio = self.growth

        def point(p: ForecastPoint) -> dict[str, object]:
            return {"day": p.day.isoformat(), "expected": round(p.expected), "low": round(p.low),
                    "high": round(p.high)}

        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "rum_today": self.today,
            "rum_peak_today": self.peak_today,
            "rum_at_start": self.total.end[0],
            "rum_peak_at_start": self.total.peak[0],
            "growth": change,
            "growth_ratio": round(ratio, 4) if ratio is not None else None,
            "top_growers": {
                "resource_types": [{"name": t, "growth": g} for t, g in self.top_growers(self.by_type)],
                "workspaces": [{"name": t, "growth": g} for t, g in self.top_growers(self.by_workspace)],
                "accounts": [{"name": self.account_label(t), "account": t, "growth": g}
                             for t, g in self.top_growers(self.by_account)],
            },
            "forecast": [point(p) for p in self.forecast],
            "renewal": point(self.renewal) if self.renewal else None,
            "workspaces_counted": sum(1 for _, rum, _ in self.workspaces if rum),
            "counts": {"state_versions": self.sources.versions, "from_billable_rum_count": self.sources.billable,
                       "skipped": list(self.sources.skipped)},
        }


def _sources(histories: Sequence[WorkspaceHistory], period: Period) -> Sources:
    """The versions that count in the period (the last one before it included), and how they were counted."""
    used: list[VersionSummary] = []
    skipped: list[str] = []
    for history in histories:
        versions = counted_versions(history)
        before = [v for v in versions if v.created_at < period.start_time]
        used.extend([*before[-1:], *(v for v in versions if v.created_at >= period.start_time)])
        skipped.extend(f"{history.name} serial {v.serial} ({v.id}): {v.skipped}" for v in history.versions
                       if v.skipped is not None)
    return Sources(len(used), sum(1 for v in used if v.billable is not None), tuple(sorted(skipped)))


def build_report(
    histories: Sequence[WorkspaceHistory],
    period: Period,
    *,
    tag_key: str = "type",
    accounts: AccountMap | None = None,
    forecast_months: int = 12,
    renewal_date: date | None = None,
) -> Report:
    accounts = accounts or AccountMap()
    total = total_series(histories, period)
    peaks = list(zip(period.days(), total.peak, strict=True))
    return Report(
        period=period,
        tag_key=tag_key,
        total=total,
        by_type=breakdown(histories, period, by_type),
        by_provider=breakdown(histories, period, by_provider),
        by_tag=breakdown(histories, period, by_tag(tag_key)),
        by_account=breakdown(histories, period, by_account(accounts.workspaces)),
        by_workspace=by_workspace(histories, period),
        workspaces=latest_per_workspace(histories, period.end),
        forecast=forecast(peaks, forecast_months) if len(peaks) >= 2 else [],
        renewal=forecast_at(peaks, renewal_date) if renewal_date and len(peaks) >= 2 else None,
        workspace_tags={h.name: {tag_key: h.tag_value(tag_key), "account": accounts.workspaces.get(h.name)
                                 or h.tag_value("account")} for h in histories},
        account_names=dict(accounts.names),
        sources=_sources(histories, period),
    )
