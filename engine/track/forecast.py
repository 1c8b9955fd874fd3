"""Forecasts from a short history: least squares, stated plainly, with an interval.

A series of per-period values is fitted by ordinary least squares:

* **linear trend** — ``value = a + b·t`` (t counts periods), from at least
  :data:`MIN_TREND` values;
* **linear trend with seasonal effects** — the same plus one effect per month (or
  quarter) of the year, once every season has at least two values (two years of monthly
  data).

The forecast for a future period is the fitted line there; its interval is the 95%
prediction interval for a single new value, ``ŷ ± t(0.975, n−p) · s · √(1 + x₀ᵀ(XᵀX)⁻¹x₀)``,
the one any statistics package gives for an ordinary least-squares fit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95
MIN_TREND = 6  # fewer values than this and a trend is a guess, so none is given


@dataclass(frozen=True)
class Observation:
    at: int  # the period's ordinal (engine.calendar.ordinal)
    season: int | None  # its month or quarter of the year, where the kind has seasons
    value: float
    period: str = ""  # its label, to say which periods a forecast used


@dataclass(frozen=True)
class Fit:
    method: str
    coefficients: np.ndarray
    inverse: np.ndarray  # (XᵀX)⁻¹
    variance: float  # s², the residual variance
    df: int
    origin: int
    seasons: int | None
    used: int

    def design(self, at: int, season: int | None) -> np.ndarray:
        row = [1.0, float(at - self.origin)]
        if self.seasons is not None:
            row += [1.0 if season == s else 0.0 for s in range(2, self.seasons + 1)]
        return np.array(row)

    def predict(self, at: int, season: int | None) -> tuple[float, float, float]:
        """The forecast for one period, and its prediction interval."""
        from scipy.special import stdtrit  # light: only the t quantile

        x0 = self.design(at, season)
        value = float(x0 @ self.coefficients)
        spread = float(np.sqrt(self.variance * (1.0 + x0 @ self.inverse @ x0)))
        t = float(stdtrit(self.df, 0.5 + LEVEL / 2))
        return value, value - t * spread, value + t * spread

    def seasonal_effects(self) -> dict[int, float]:
        """Each season's effect, centred so the effects of a year sum to zero."""
        assert self.seasons is not None
        raw = [0.0, *map(float, self.coefficients[2:])]
        mean = sum(raw) / len(raw)
        return {s: raw[s - 1] - mean for s in range(1, self.seasons + 1)}


def fit(points: list[Observation], seasons: int | None) -> Fit | str:
    """Fit the history; a reason in words when it is too short to forecast."""
    if len(points) < MIN_TREND:
        return (f"too short to forecast: {len(points)} period{'s' * (len(points) != 1)} "
                f"with a value; a trend needs at least {MIN_TREND}")
    counts = Counter(p.season for p in points)
    seasonal = (seasons is not None and len(counts) == seasons
                and min(counts.values()) >= 2 and len(points) > seasons + 2)
    used_seasons = seasons if seasonal else None
    origin = points[0].at
    rows = []
    for p in points:
        row = [1.0, float(p.at - origin)]
        if used_seasons is not None:
            row += [1.0 if p.season == s else 0.0 for s in range(2, used_seasons + 1)]
        rows.append(row)
    x = np.array(rows)
    y = np.array([p.value for p in points])
    inverse = np.linalg.pinv(x.T @ x)
    coefficients = inverse @ x.T @ y
    residuals = y - x @ coefficients
    df = len(points) - x.shape[1]
    variance = float(residuals @ residuals) / df
    what = "month" if seasons == 12 else "quarter"
    method = (f"linear trend with {what}-of-year effects" if seasonal else "linear trend")
    return Fit(f"{method}, least squares over {len(points)} periods",
               coefficients, inverse, variance, df, origin, used_seasons, len(points))
