"""The impact of a quality initiative: after less before, Welch's interval, seasons taken off.

The rules are the module docstring of ``engine/track/impact.py``. The interval is
checked against scipy's Welch test, and the seasonal adjustment against effects
estimated by statsmodels from the same history, so neither is the engine checking itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from fractions import Fraction
from statistics import fmean

import numpy as np
import pytest
import statsmodels.api as sm
from pydantic import ValidationError
from scipy import stats
from track_standards import monthly_standard

from engine.model.improvement import Initiative
from engine.model.standard import Standard
from engine.model.tracking import Impact
from engine.track.impact import impact
from engine.track.series import Point

AS_OF = dt.date(2025, 1, 10)
CASES = 200  # cases per month
SEASON = [3.0, 2.0, 1.0, -0.5, -1.5, -3.0, -4.0, -2.5, 0.0, 1.5, 2.0, 1.5]  # January first


def standard(direction: str = "at_least") -> Standard:
    return monthly_standard(direction=direction)


def initiative(start: str, **more: object) -> Initiative:
    return Initiative.model_validate({"name": "Triage desk", "start": start,
                                      "standards": ["T-01"], **more})


def points(values: list[float], first: tuple[int, int] = (2022, 1)) -> list[Point]:
    """Consecutive months from ``first``, ``CASES`` cases each."""
    out = []
    year, number = first
    for value in values:
        start = dt.date(year, number, 1)
        end = dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)
        out.append(Point(f"{year}-{number:02d}", start, end, Fraction(value), None, None, CASES,
                         "80%", "this run"))
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return out


def seasonal(seed: int, step: float, n: int = 36, step_from: int = 24) -> list[float]:
    """75% with the planted seasons and noise (sd 1), ``step`` more from index ``step_from``
    (January 2024 when the series starts in January 2022)."""
    rng = random.Random(seed)
    return [75 + SEASON[i % 12] + rng.gauss(0, 1.0) + (step if i >= step_from else 0.0)
            for i in range(n)]


def welch(after: list[float], before: list[float]) -> tuple[float, float]:
    found = stats.ttest_ind(after, before, equal_var=False).confidence_interval(
        confidence_level=0.95)
    return float(found.low), float(found.high)


def assessed(found: Impact) -> tuple[float, float, float]:
    assert found.change is not None and found.lower is not None and found.upper is not None
    return found.change, found.lower, found.upper


# --- a planted effect, and none -------------------------------------------------------------


def test_a_planted_five_point_rise_is_found_with_the_seasons_taken_off() -> None:
    found = impact(initiative("2024-01-01", cost=60000, currency="CAD"), standard(), {},
                   points(seasonal(seed=1, step=5)), AS_OF, "%")
    change, lower, upper = assessed(found)
    assert lower < 5 < upper and lower > 0
    assert (found.distinguishable, found.finding) == (True, "improved")
    assert found.seasonal_adjustment  # 24 months before the start: every month twice
    assert found.method is not None and "estimated from 24 periods before the start" in \
        found.method
    assert found.before is not None and found.after is not None
    assert (found.before.first, found.before.last, found.before.periods) == (
        "2023-01", "2023-12", 12)
    assert (found.after.first, found.after.last, found.after.cases) == ("2024-01", "2024-12",
                                                                        2400)
    # 12 × 200 = 2,400 cases after: change/100 × 2,400 = 24·change more met the standard;
    # 60,000 / (24·change) = 2,500 / change each, between 2,500/upper and 2,500/lower.
    assert found.additional_cases == pytest.approx(24 * change, rel=1e-12)
    assert found.cost_per_additional_case == pytest.approx(2500 / change, rel=1e-12)
    assert found.cost_per_additional_case_range == pytest.approx((2500 / upper, 2500 / lower),
                                                                 rel=1e-12)
    assert (found.cost, found.currency) == (60000.0, "CAD")


def test_the_same_series_without_the_rise_is_no_distinguishable_change() -> None:
    # Seed 1 (the series above less its step): the interval is about −0.67 to +0.67.
    found = impact(initiative("2024-01-01", cost=60000), standard(), {},
                   points(seasonal(seed=1, step=0)), AS_OF, "%")
    _, lower, upper = assessed(found)
    assert lower < 0 < upper
    assert (found.distinguishable, found.finding) == (False, "no distinguishable change")
    assert found.cost_per_additional_case_range is None


def test_a_fall_is_a_worsening_with_no_cost_per_case() -> None:
    found = impact(initiative("2024-01-01", cost=60000), standard(), {},
                   points(seasonal(seed=1, step=-5)), AS_OF, "%")
    _, _, upper = assessed(found)
    assert upper < 0
    assert found.finding == "worsened"
    assert found.additional_cases is not None and found.additional_cases < 0
    assert found.cost_per_additional_case is None


def test_for_a_lower_is_better_standard_a_fall_is_an_improvement() -> None:
    found = impact(initiative("2024-01-01", cost=60000), standard("at_most"), {},
                   points(seasonal(seed=1, step=-5)), AS_OF, "%")
    change, lower, upper = assessed(found)
    assert upper < 0 and found.finding == "improved"
    # The fall is what counts: −change/100 × 2,400 = −24·change fewer cases over the line.
    assert found.additional_cases == pytest.approx(-24 * change, rel=1e-12)
    assert found.cost_per_additional_case == pytest.approx(2500 / -change, rel=1e-12)
    assert found.cost_per_additional_case_range == pytest.approx(
        (2500 / -lower, 2500 / -upper), rel=1e-12)


# --- the windows ---------------------------------------------------------------------------


def test_too_few_periods_after_the_start_is_not_assessed() -> None:
    found = impact(initiative("2024-11-01"), standard(), {}, points(seasonal(1, 0, n=36)),
                   AS_OF, "%")
    assert found.finding == "not assessed"
    assert found.reason == ("2 complete periods with a value after the start; at least 3 are "
                            "needed on each side")
    assert found.change is None and found.distinguishable is None


def test_too_few_periods_before_the_start_is_not_assessed() -> None:
    found = impact(initiative("2024-03-01"), standard(), {},
                   points([70.0, 71.0, 75.0, 76.0, 74.0, 77.0], first=(2024, 1)),
                   dt.date(2024, 7, 10), "%")
    assert found.finding == "not assessed"
    assert found.reason == ("2 complete periods with a value before the start; at least 3 are "
                            "needed on each side")


def test_a_period_not_over_or_without_a_value_is_left_out() -> None:
    series = points(seasonal(1, 5))
    series[30] = dataclasses.replace(series[30], value=None)  # July 2024: too few cases
    found = impact(initiative("2024-01-01"), standard(), {}, series, dt.date(2024, 12, 20), "%")
    # After: January to November 2024 (December is not over on the 20th) less July = 10.
    assert found.after is not None and found.before is not None
    assert (found.after.first, found.after.last, found.after.periods) == ("2024-01", "2024-11",
                                                                          10)
    assert (found.before.first, found.before.last) == ("2023-03", "2023-12")


def test_the_month_holding_a_mid_month_start_is_on_neither_side() -> None:
    found = impact(initiative("2024-01-15"), standard(), {}, points(seasonal(1, 5)), AS_OF, "%")
    assert found.after is not None and found.before is not None
    assert (found.after.first, found.after.periods) == ("2024-02", 11)
    assert (found.before.first, found.before.last) == ("2023-02", "2023-12")


def test_a_window_limits_each_side() -> None:
    found = impact(initiative("2024-01-01", window="4 periods"), standard(), {},
                   points(seasonal(1, 5)), AS_OF, "%")
    assert found.after is not None and found.before is not None
    assert (found.before.first, found.before.last, found.after.first, found.after.last) == (
        "2023-09", "2023-12", "2024-01", "2024-04")


def test_a_window_too_small_to_assess_is_refused() -> None:
    """Fewer than 3 periods a side can never be judged, so such a window is an error."""
    with pytest.raises(ValidationError, match="greater than or equal to 3"):
        initiative("2024-01-01", window=2)


# --- the interval and the seasonal adjustment, computed independently -----------------------


def test_without_two_years_before_the_start_the_interval_is_welchs_on_the_values() -> None:
    values = [71.2, 73.0, 70.4, 72.8, 71.9, 70.1, 72.2, 73.5, 71.0, 72.6,  # 10 before
              75.9, 74.1, 77.3, 76.0, 74.8, 78.2]  # 6 after, more spread
    found = impact(initiative("2022-11-01"), standard(), {}, points(values), AS_OF, "%")
    assert not found.seasonal_adjustment
    after, before = values[10:], values[4:10]  # as many before as after: the last 6
    change, lower, upper = assessed(found)
    assert change == pytest.approx(fmean(after) - fmean(before), rel=1e-12)
    assert (lower, upper) == pytest.approx(welch(after, before), rel=1e-9)


def test_twenty_three_months_before_the_start_are_too_few_for_seasons() -> None:
    found = impact(initiative("2023-12-01"), standard(), {}, points(seasonal(1, 5, 36, 23)),
                   AS_OF, "%")
    assert found.finding == "improved"
    assert not found.seasonal_adjustment  # December 2022 is the only December before


def test_the_seasonal_adjustment_is_the_usual_effect_from_all_the_history_before() -> None:
    # From July 2024: the 6 months after (summer, low) against the 6 before (spring, high).
    values = seasonal(seed=4, step=5, n=36, step_from=30)
    found = impact(initiative("2024-07-01"), standard(), {}, points(values), AS_OF, "%")
    assert found.seasonal_adjustment
    # statsmodels: trend + an effect for each month but December over the 30 months before;
    # the effects, centred so a year's sum to zero, are taken off every value.
    history = values[:30]
    x = np.array([[1.0, i, *(1.0 if i % 12 == s else 0.0 for s in range(11))]
                  for i in range(30)])
    raw = [*sm.OLS(np.array(history), x).fit().params[2:], 0.0]  # January … December
    effect = [e - fmean(raw) for e in raw]
    after = [v - effect[i % 12] for i, v in enumerate(values) if i >= 30]
    before = [v - effect[i % 12] for i, v in enumerate(values) if 24 <= i < 30]
    change, lower, upper = assessed(found)
    assert change == pytest.approx(fmean(after) - fmean(before), rel=1e-9)
    assert (lower, upper) == pytest.approx(welch(after, before), rel=1e-9)
    assert lower < 5 < upper
    # Unadjusted, summer against spring understates the rise: the planted effects average
    # +0.17 for January–June and −0.25 for July–December (estimated here, with the noise,
    # at 0.74 points between them).
    unadjusted = fmean(values[30:]) - fmean(values[24:30])
    assert change - unadjusted == pytest.approx(
        fmean(effect[:6]) - fmean(effect[6:]), rel=1e-9)
    assert change > unadjusted
