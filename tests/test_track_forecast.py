"""Forecasts: ordinary least squares with a 95% prediction interval, checked against
statsmodels, which computes the same fit independently.

A trend needs at least 6 values; once every month (or quarter) of the year has two
values, the fit adds one effect per month. statsmodels is given its own design — its
own origin for t and December (not January) as the month left out — so the agreement is
on the forecast itself, not on how the engine happens to write the design down.
"""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import statsmodels.api as sm
from track_standards import monthly_standard

from engine.model.standard import Standard
from engine.model.tracking import Tracking, TrackStatus
from engine.track.forecast import Fit, Observation, fit
from engine.track.series import Point
from engine.track.trajectory import track

REL = 1e-9
SEASON = [3.0, 2.0, 1.0, -0.5, -1.5, -3.0, -4.0, -2.5, 0.0, 1.5, 2.0, 1.5]  # January first


def months(first: tuple[int, int], n: int) -> list[tuple[int, int]]:
    """(year, month) for ``n`` consecutive months from ``first``."""
    year, number = first
    out = []
    for _ in range(n):
        out.append((year, number))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return out


def noisy_series(n: int, seed: int, seasonal: bool) -> list[float]:
    rng = random.Random(seed)
    return [60 + 0.4 * i + (SEASON[i % 12] if seasonal else 0.0) + rng.gauss(0, 0.8)
            for i in range(n)]


def observations(values: list[float], seasons: int = 12) -> list[Observation]:
    """Consecutive periods from January 2023 (ordinal 2023·12)."""
    return [Observation(2023 * 12 + i, i % seasons + 1, v, f"p{i}")
            for i, v in enumerate(values)]


def ols(values: list[float], at: int, seasons: int | None) -> tuple[float, float, float]:
    """statsmodels' prediction and 95% prediction interval at period index ``at``
    (0 is the first value): trend + an effect for each season but the last."""

    def row(i: int) -> list[float]:
        dummies = [] if seasons is None else [1.0 if i % seasons == s else 0.0
                                              for s in range(seasons - 1)]
        return [1.0, 1000.0 + i, *dummies]

    x = np.array([row(i) for i in range(len(values))])
    fitted = sm.OLS(np.array(values), x).fit()
    frame = fitted.get_prediction(np.array([row(at)])).summary_frame(alpha=0.05)
    return (float(frame["mean"].iloc[0]), float(frame["obs_ci_lower"].iloc[0]),
            float(frame["obs_ci_upper"].iloc[0]))


def engine_forecast(values: list[float], at: int, seasons: int = 12) -> tuple[Fit, tuple[
        float, float, float]]:
    fitted = fit(observations(values, seasons), seasons)
    assert isinstance(fitted, Fit), fitted
    return fitted, fitted.predict(2023 * 12 + at, at % seasons + 1)


# --- the fit ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [6, 7, 12, 23])
def test_a_trend_and_its_prediction_interval_are_statsmodels(n: int) -> None:
    values = noisy_series(n, seed=n, seasonal=False)
    fitted, found = engine_forecast(values, at=n + 5)
    assert found == pytest.approx(ols(values, n + 5, None), rel=REL)
    # 23 months leave one month of the year with a single value: no month effects yet.
    assert fitted.method == f"linear trend, least squares over {n} periods"
    assert (fitted.seasons, fitted.df) == (None, n - 2)


@pytest.mark.parametrize("n", [24, 36])
def test_two_years_of_months_add_month_of_year_effects(n: int) -> None:
    values = noisy_series(n, seed=100 + n, seasonal=True)
    for ahead in (1, 6, 11):  # several months of the year, each with its own effect
        fitted, found = engine_forecast(values, at=n - 1 + ahead)
        assert found == pytest.approx(ols(values, n - 1 + ahead, 12), rel=REL)
    assert fitted.method == f"linear trend with month-of-year effects, least squares over {n} " \
        "periods"
    assert (fitted.seasons, fitted.df) == (12, n - 13)  # a constant, a slope, 11 effects


def test_two_years_of_quarters_add_quarter_of_year_effects() -> None:
    values = [50.0, 53.5, 52.0, 49.0, 51.2, 54.9, 53.1, 50.6, 52.5]
    fitted, found = engine_forecast(values, at=12, seasons=4)
    assert found == pytest.approx(ols(values, 12, 4), rel=REL)
    assert fitted.method.startswith("linear trend with quarter-of-year effects")


def test_the_seasonal_effects_of_a_year_sum_to_nothing() -> None:
    fitted, _ = engine_forecast(noisy_series(36, seed=7, seasonal=True), at=40)
    effects = fitted.seasonal_effects()
    assert sorted(effects) == list(range(1, 13))
    assert sum(effects.values()) == pytest.approx(0, abs=1e-9)
    # The planted pattern comes back, give or take the noise: January +3, July −4.
    assert effects[1] == pytest.approx(3.0, abs=1.0)
    assert effects[7] == pytest.approx(-4.0, abs=1.0)


def test_five_values_are_too_few_for_a_trend() -> None:
    found = fit(observations([60.0, 61.0, 62.5, 62.0, 64.0]), 12)
    assert isinstance(found, str)
    assert found == "too short to forecast: 5 periods with a value; a trend needs at least 6"


# --- through track(): the forecast for the goal's period -----------------------------------


def standard(improvement: dict[str, Any]) -> Standard:
    return monthly_standard(improvement)


def monthly_points(first: tuple[int, int], values: list[float]) -> list[Point]:
    out = []
    for (year, number), value in zip(months(first, len(values)), values, strict=True):
        start = dt.date(year, number, 1)
        end = (dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1))
        out.append(Point(f"{year}-{number:02d}", start, end, Fraction(value), None, None, 200,
                         "80%", "this run"))
    return out


def tracked(improvement: dict[str, Any], first: tuple[int, int], values: list[float],
            as_of: dt.date) -> Tracking:
    (found,) = track(standard(improvement), {"all": ({}, monthly_points(first, values))},
                     as_of, 4, "1", "%")
    return found


def test_the_tracked_forecast_is_statsmodels_for_the_goals_month() -> None:
    values = noisy_series(24, seed=3, seasonal=True)  # January 2023 to December 2024
    assert min(values) > 55 and max(values) < 80  # well inside 0–100: nothing clipped
    goal = {"baseline": {"period": "2022-12", "value": "60%"},
            "goal": {"value": "90%", "by": "2025-06-30"}}
    found = tracked(goal, (2023, 1), values, dt.date(2025, 1, 10))
    # June 2025 is 29 months after January 2023.
    value, lower, upper = ols(values, 29, 12)
    forecast = found.forecast
    assert (forecast.value, forecast.lower, forecast.upper) == pytest.approx(
        (value, lower, upper), rel=REL)
    assert found.forecast_at_goal_date == forecast.value
    assert (forecast.period, forecast.periods_used, forecast.first, forecast.last) == (
        "2025-06", 24, "2023-01", "2024-12")
    assert forecast.method is not None and "month-of-year effects" in forecast.method
    assert found.status_reason.endswith(f"{forecast.method})")


def test_each_periods_forecast_uses_the_history_up_to_it() -> None:
    values = noisy_series(24, seed=3, seasonal=True)
    goal = {"baseline": {"period": "2022-12", "value": "60%"},
            "goal": {"value": "90%", "by": "2025-06-30"}}
    history = tracked(goal, (2023, 1), values, dt.date(2025, 1, 10)).history
    made = [tp.forecast_at_goal_date for tp in history]
    assert made[:5] == [None] * 5  # fewer than 6 values so far
    # June 2023 (6 values) and November 2024 (23): a trend alone, for June 2025 (index 29).
    assert made[5] == pytest.approx(ols(values[:6], 29, None)[0], rel=REL)
    assert made[22] == pytest.approx(ols(values[:23], 29, None)[0], rel=REL)
    assert made[23] == pytest.approx(ols(values, 29, 12)[0], rel=REL)


# 70% in December 2024 to 82% by 31 December 2025; June's path is 70 + 12·181/365 = 75.95.
LINEAR = {"baseline": {"period": "2024-12", "value": "70%"},
          "goal": {"value": "82%", "by": "2025-12-31"}}
JUNE_PATH = 70 + 12 * 181 / 365


@pytest.mark.parametrize(("values", "status"), [
    # Rising 1.5 a month: June is 2.55 behind the path, but the trend reaches 82 by December.
    pytest.param([66.0, 67.6, 68.9, 70.5, 72.1, 73.4], TrackStatus.at_risk, id="steep"),
    # Rising 0.5 a month: 2.45 behind and the trend stops short of 82.
    pytest.param([71.0, 71.6, 72.0, 72.4, 73.1, 73.5], TrackStatus.off_track, id="flat"),
])
def test_behind_by_more_than_the_tolerance_a_forecast_reaching_the_goal_is_at_risk(
        values: list[float], status: TrackStatus) -> None:
    found = tracked(LINEAR, (2025, 1), values, dt.date(2025, 7, 10))
    assert JUNE_PATH - values[-1] > 2
    reaches = ols(values, 11, None)[0] >= 82  # December is index 11
    assert reaches is (status is TrackStatus.at_risk)
    assert found.forecast.value == pytest.approx(ols(values, 11, None)[0], rel=REL)
    assert found.status is status
    if status is TrackStatus.at_risk:
        assert found.history[-1].note == "behind the path, but forecast to reach the goal"
        assert "but the trend reaches the goal" in found.status_reason
    else:
        assert "more than the tolerance of 2 points" in found.status_reason
