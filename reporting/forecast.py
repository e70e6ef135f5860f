"""A simple, explainable forecast of total RUM for renewal planning.

Model: ordinary least squares line through the daily totals, ``y = a + b·t`` (t in days). The band is the
prediction interval ``ŷ ± z·s·sqrt(1 + 1/n + (t - t̄)² / Σ(tᵢ - t̄)²)`` with ``s`` the residual standard
deviation and z = 1.96 (≈95 % if residuals are roughly normal). Forecast points are the first day of each
following month.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

Z_95 = 1.96


@dataclass(frozen=True, slots=True)
class Trend:
    intercept: float
    slope_per_day: float
    residual_sd: float
    origin: date
    n: int
    mean_t: float
    sxx: float

    def at(self, day: date) -> float:
        return self.intercept + self.slope_per_day * (day - self.origin).days

    def band(self, day: date) -> tuple[float, float]:
        t = (day - self.origin).days
        spread = Z_95 * self.residual_sd * math.sqrt(1 + 1 / self.n + (t - self.mean_t) ** 2 / self.sxx)
        centre = self.at(day)
        return max(0.0, centre - spread), centre + spread


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    day: date
    expected: float
    low: float
    high: float


def fit(series: Sequence[tuple[date, int]]) -> Trend:
    if len(series) < 2:
        raise ValueError("a trend needs at least two days")
    origin = series[0][0]
    ts = [(d - origin).days for d, _ in series]
    ys = [float(y) for _, y in series]
    n = len(ts)
    mean_t = sum(ts) / n
    mean_y = sum(ys) / n
    sxx = sum((t - mean_t) ** 2 for t in ts)
    slope = sum((t - mean_t) * (y - mean_y) for t, y in zip(ts, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_t
    residuals = [y - (intercept + slope * t) for t, y in zip(ts, ys, strict=True)]
    sd = math.sqrt(sum(r * r for r in residuals) / (n - 2)) if n > 2 else 0.0
    return Trend(intercept, slope, sd, origin, n, mean_t, sxx)


def first_days_of_months(after: date, months: int) -> list[date]:
    out = []
    year, month = after.year, after.month
    for _ in range(months):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        out.append(date(year, month, 1))
    return out


def _point(trend: Trend, day: date) -> ForecastPoint:
    low, high = trend.band(day)
    return ForecastPoint(day, max(0.0, trend.at(day)), low, high)


def forecast(series: Sequence[tuple[date, int]], months: int) -> list[ForecastPoint]:
    """The trend at the first day of each of the ``months`` months after the series ends."""
    trend = fit(series)
    return [_point(trend, day) for day in first_days_of_months(series[-1][0], months)]


def forecast_at(series: Sequence[tuple[date, int]], day: date) -> ForecastPoint:
    """The trend on one day, e.g. a contract renewal date."""
    return _point(fit(series), day)
