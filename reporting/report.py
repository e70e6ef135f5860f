"""A usage report: the daily series, breakdowns, forecast and summary computed from workspace histories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from reporting.forecast import ForecastPoint, forecast
from reporting.records import WorkspaceHistory
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


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    tag_key: str
    total: list[tuple[date, int]]
    by_type: dict[str, list[int]]
    by_provider: dict[str, list[int]]
    by_tag: dict[str, list[int]]
    by_account: dict[str, list[int]]
    workspaces: list[tuple[str, int, str | None]]
    forecast: list[ForecastPoint]
    workspace_tags: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @property
    def today(self) -> int:
        return self.total[-1][1]

    @property
    def growth(self) -> tuple[int, float | None]:
        first = self.total[0][1]
        change = self.today - first
        return change, (change / first if first else None)

    def top_growers(self, n: int = 5) -> list[tuple[str, int]]:
        """Resource types that grew most over the period."""
        deltas = [(name, values[-1] - values[0]) for name, values in self.by_type.items()]
        return sorted((d for d in deltas if d[1] > 0), key=lambda d: (-d[1], d[0]))[:n]

    def summary(self) -> dict[str, object]:
        change, ratio = self.growth
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "rum_today": self.today,
            "rum_at_start": self.total[0][1],
            "growth": change,
            "growth_ratio": round(ratio, 4) if ratio is not None else None,
            "top_growers": [{"resource_type": t, "growth": g} for t, g in self.top_growers()],
            "forecast": [{"month": p.day.isoformat(), "expected": round(p.expected), "low": round(p.low),
                          "high": round(p.high)} for p in self.forecast],
            "workspaces_counted": sum(1 for _, rum, _ in self.workspaces if rum),
        }


def build_report(
    histories: Sequence[WorkspaceHistory],
    period: Period,
    *,
    tag_key: str = "type",
    account_map: Mapping[str, str] | None = None,
    forecast_months: int = 12,
) -> Report:
    total = total_series(histories, period)
    return Report(
        period=period,
        tag_key=tag_key,
        total=total,
        by_type=breakdown(histories, period, by_type),
        by_provider=breakdown(histories, period, by_provider),
        by_tag=breakdown(histories, period, by_tag(tag_key)),
        by_account=breakdown(histories, period, by_account(account_map or {})),
        workspaces=latest_per_workspace(histories, period.end),
        forecast=forecast(total, forecast_months) if len(total) >= 2 else [],
        workspace_tags={h.name: {tag_key: h.tag_value(tag_key), "account": (account_map or {}).get(h.name)
                                 or h.tag_value("account")} for h in histories},
    )
