"""Improvement goals: the path each period is held against, and each period's status.

The rules are the module docstring of ``engine/track/trajectory.py``. Every expected
value here is worked out by hand in the comments, on exact fractions: the path's value on
a period's last day, the baseline pooled from numerators and denominators, the
improvement per period still needed.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest
from track_standards import monthly_standard

from engine.model.standard import Standard
from engine.model.tracking import Tracking, TrackStatus
from engine.track.series import Point
from engine.track.trajectory import track

AS_OF = dt.date(2025, 7, 15)
ON = TrackStatus.on_track
AT_RISK = TrackStatus.at_risk
OFF = TrackStatus.off_track
ACHIEVED = TrackStatus.achieved
NOT_ASSESSED = TrackStatus.not_assessed


def standard(improvement: dict[str, Any], direction: str = "at_least",
             level: str = "80%") -> Standard:
    return monthly_standard(improvement, direction, level, segments=["region"])


def month(label: str) -> tuple[dt.date, dt.date]:
    """A month's first and last day, written out (not from engine.calendar)."""
    year, number = int(label[:4]), int(label[5:7])
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def point(label: str, value: Fraction | int | None, numerator: int | None = None,
          denominator: int | None = None) -> Point:
    first, last = month(label)
    exact = Fraction(value) if value is not None else None
    return Point(label, first, last, exact, numerator, denominator, denominator or 100, "80%",
                 "this run")


def whole(std: Standard, points: list[Point], as_of: dt.date = AS_OF) -> Tracking:
    """The whole population's tracking."""
    (found,) = track(std, {"all": ({}, points)}, as_of, 4, "2025.1", "%")
    return found


def by_period(tracking: Tracking) -> dict[str, Any]:
    return {tp.period: tp for tp in tracking.history}


# 70% in December 2024 to 82% by 31 December 2025, a straight line.
LINEAR = {"baseline": {"period": "2024-12", "value": "70%"},
          "goal": {"value": "82%", "by": "2025-12-31"}}


def path_on(days: int) -> Fraction:
    """The linear path ``days`` after 2024-12-31: 70 + 12·days/365 (2025 has 365 days)."""
    return 70 + Fraction(12 * days, 365)


# --- the path ----------------------------------------------------------------------------


def test_a_linear_path_is_held_at_each_periods_last_day() -> None:
    labels = ["2024-12", "2025-01", "2025-02", "2025-06", "2025-12", "2026-01"]
    tracked = whole(standard(LINEAR), [point(label, 75) for label in labels],
                    as_of=dt.date(2026, 2, 15))
    expected = {tp.period: tp.expected for tp in tracked.history}
    assert expected == {
        "2024-12": None,  # the baseline period itself is not held against the path
        "2025-01": float(path_on(31)),  # 31 Jan is 31 days on: 70 + 12·31/365 = 71.019…
        "2025-02": float(path_on(59)),  # 28 Feb: 31 + 28 = 59 days
        "2025-06": float(path_on(181)),  # 30 Jun: 31+28+31+30+31+30 = 181 days: 75.950…
        "2025-12": 82.0,  # the goal's date: the goal
        "2026-01": 82.0,  # after the goal's date the path is the goal
    }


def test_a_stepped_path_holds_each_value_until_the_milestones_date() -> None:
    goal = {"baseline": {"period": "2024-12", "value": "70%"},
            "goal": {"value": "82%", "by": "2025-09-30"}, "path": "stepped",
            "milestones": [{"by": "2025-03-31", "value": "74%"},
                           {"by": "2025-06-30", "value": "78%"}]}
    labels = [f"2025-{m:02d}" for m in range(1, 11)]
    tracked = whole(standard(goal), [point(label, 72) for label in labels],
                    as_of=dt.date(2025, 11, 15))
    expected = {tp.period: tp.expected for tp in tracked.history}
    # The period ending on a milestone's date has its value; the one before, the previous.
    assert expected == {"2025-01": 70.0, "2025-02": 70.0, "2025-03": 74.0,
                        "2025-04": 74.0, "2025-05": 74.0, "2025-06": 78.0,
                        "2025-07": 78.0, "2025-08": 78.0, "2025-09": 82.0, "2025-10": 82.0}


def test_a_linear_path_bends_at_each_milestone() -> None:
    goal = {"baseline": {"period": "2024-12", "value": "70%"},
            "goal": {"value": "82%", "by": "2025-12-31"},
            "milestones": [{"by": "2025-03-31", "value": "74%"}]}
    tracked = whole(standard(goal), [point(m, 72) for m in ("2025-02", "2025-03", "2025-05")])
    expected = {tp.period: tp.expected for tp in tracked.history}
    # 31 Dec → 31 Mar is 90 days for 4 points; 28 Feb is 59 of them.
    # 31 Mar → 31 Dec is 275 days for 8 points; 31 May is 61 of them.
    assert expected == {"2025-02": float(70 + Fraction(4 * 59, 90)), "2025-03": 74.0,
                        "2025-05": float(74 + Fraction(8 * 61, 275))}


# --- the status of a period, on exact values ------------------------------------------------

JUNE = path_on(181)  # the path on 30 June 2025


@pytest.mark.parametrize(("value", "status", "note"), [
    pytest.param(JUNE, ON, None, id="exactly on the path"),
    pytest.param(JUNE + Fraction(1, 10**6), ON, None, id="ahead of the path"),
    pytest.param(JUNE - Fraction(1, 10**6), AT_RISK, "behind the path, within the tolerance",
                 id="a millionth behind"),
    pytest.param(JUNE - 2, AT_RISK, "behind the path, within the tolerance",
                 id="exactly the tolerance behind"),
    pytest.param(JUNE - 2 - Fraction(1, 10**6), OFF, None, id="a millionth past the tolerance"),
    pytest.param(Fraction(82), ACHIEVED, None, id="exactly the goal"),
    pytest.param(Fraction(95), ACHIEVED, None, id="past the goal"),
])
def test_a_periods_status_is_decided_on_exact_values(value: Fraction, status: TrackStatus,
                                                     note: str | None) -> None:
    tracked = whole(standard(LINEAR), [point("2024-12", 70), point("2025-06", value)])
    june = by_period(tracked)["2025-06"]
    assert (june.status, june.note) == (status, note)
    assert tracked.status is status
    assert tracked.expected_now == float(JUNE)
    # The gap is the value less the path: ahead is positive.
    assert tracked.gap == float(value - JUNE)


def test_without_six_periods_the_status_rests_on_the_path_and_says_so() -> None:
    tracked = whole(standard(LINEAR), [point("2024-12", 70), point("2025-06", JUNE - 3)])
    assert tracked.status is OFF
    assert tracked.forecast.value is None
    assert tracked.forecast.reason is not None
    assert "too short to forecast" in tracked.forecast.reason
    assert "at least 6" in tracked.forecast.reason
    # 3 points behind the path's 76.0% (75.95…), more than the tolerance of 2.
    assert tracked.status_reason.startswith("2025-06 is 73.0%, 3.00 points behind the path's "
                                            "76.0%, more than the tolerance of 2 points; "
                                            "no forecast")
    assert "no forecast: too short to forecast" in tracked.status_reason
    assert "the status rests on the path alone" in tracked.status_reason


def test_the_tolerance_is_the_goals_own() -> None:
    tracked = whole(standard(LINEAR | {"tolerance": "0.5 points"}),
                    [point("2025-05", path_on(151) - Fraction(1, 2)),
                     point("2025-06", JUNE - Fraction(1, 2) - Fraction(1, 10**6))])
    # 31 May is 151 days on; exactly 0.5 behind is at risk, a millionth more is off track.
    assert [tp.status for tp in tracked.history] == [AT_RISK, OFF]


def test_the_standards_status_is_its_latest_assessed_periods() -> None:
    points = [point("2025-04", 90), point("2025-05", 60), point("2025-06", None)]
    tracked = whole(standard(LINEAR), points)
    assert [tp.status for tp in tracked.history] == [ACHIEVED, OFF, NOT_ASSESSED]
    assert (tracked.status, tracked.latest_period, tracked.latest) == (OFF, "2025-05", 60.0)


# --- a goal reached, a goal whose date has passed -------------------------------------------


def test_a_goal_reached_before_its_date_is_achieved_and_needs_nothing_more() -> None:
    tracked = whole(standard(LINEAR), [point("2024-12", 70), point("2025-03", 83)])
    assert tracked.status is ACHIEVED
    assert tracked.status_reason.startswith("2025-03 is 83.0%, at or past the goal")
    assert tracked.needed_per_period == 0.0  # nothing more is needed
    assert tracked.periods_left == 9  # March to December 2025


@pytest.mark.parametrize(("latest", "status"), [
    pytest.param(75, OFF, id="short of it"),
    pytest.param(82, ACHIEVED, id="reached"),
])
def test_after_the_goals_date_there_is_no_forecast_and_nothing_left_to_spread(
        latest: int, status: TrackStatus) -> None:
    goal = {"baseline": {"period": "2024-06", "value": "70%"},
            "goal": {"value": "82%", "by": "2025-03-31"}}
    # Ten months with a value: enough for a forecast, were the goal's date ahead.
    labels = ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
              "2025-07", "2025-08", "2025-09"]
    points = [point(label, 70 + i // 2) for i, label in enumerate(labels[:-1])]
    tracked = whole(standard(goal), [*points, point("2025-09", latest)],
                    as_of=dt.date(2025, 10, 15))
    assert tracked.status is status
    assert tracked.forecast.value is None
    assert tracked.forecast.reason == "the goal's date 2025-03-31 has passed"
    assert tracked.needed_per_period is None
    assert tracked.periods_left == 0
    assert tracked.expected_now == 82.0  # the path after the goal's date is the goal
    if status is OFF:
        assert "the goal's date 2025-03-31 has passed" in tracked.status_reason


# --- a lower-is-better standard ------------------------------------------------------------

# 30% reopened in December 2024 down to 18% by 31 December 2025.
AT_MOST = {"baseline": {"period": "2024-12", "value": "30%"},
           "goal": {"value": "18%", "by": "2025-12-31"}}
JUNE_DOWN = 30 - Fraction(12 * 181, 365)  # 24.049…


@pytest.mark.parametrize(("value", "status"), [
    pytest.param(JUNE_DOWN, ON, id="exactly on the path"),
    pytest.param(JUNE_DOWN - 1, ON, id="below the path is ahead"),
    pytest.param(JUNE_DOWN + Fraction(1, 10**6), AT_RISK, id="a millionth above"),
    pytest.param(JUNE_DOWN + 2, AT_RISK, id="the tolerance above"),
    pytest.param(JUNE_DOWN + 2 + Fraction(1, 10**6), OFF, id="past the tolerance above"),
    pytest.param(Fraction(18), ACHIEVED, id="exactly the goal"),
    pytest.param(Fraction(10), ACHIEVED, id="below the goal"),
])
def test_for_a_lower_is_better_standard_the_statuses_turn_round(value: Fraction,
                                                                status: TrackStatus) -> None:
    tracked = whole(standard(AT_MOST, "at_most", "25%"), [point("2025-06", value)])
    assert tracked.direction == "at_most"
    assert tracked.status is status
    assert tracked.expected_now == float(JUNE_DOWN)
    # Ahead (below the path) is a positive gap.
    assert tracked.gap == float(JUNE_DOWN - value)


def test_for_a_lower_is_better_standard_the_fall_still_needed_is_positive() -> None:
    tracked = whole(standard(AT_MOST, "at_most", "25%"), [point("2025-06", 24)])
    # (24 − 18) / 6 periods (June to December) = 1 point a period, downwards.
    assert tracked.needed_per_period == 1.0
    assert tracked.periods_left == 6


# --- the baseline -----------------------------------------------------------------------


def test_a_computed_baseline_pools_numerators_and_denominators() -> None:
    goal = {"baseline": {"period": "2024-Q4"}, "goal": {"value": "95%", "by": "2025-12-31"}}
    points = [point("2024-11", Fraction(1, 2) * 100, 1, 2),
              point("2024-12", 90, 90, 100), point("2025-01", 89, 89, 100)]
    tracked = whole(standard(goal), points)
    # (1 + 90) / (2 + 100) × 100 = 9100/102 = 4550/51 = 89.215…, not (50 + 90)/2 = 70.
    assert tracked.baseline.value_exact == "4550/51"
    assert tracked.baseline.value == float(Fraction(4550, 51))
    assert tracked.baseline.source == ("computed from 2024-11 to 2024-12 (2 periods): "
                                       "91 of 102")
    # The path starts there on 31 December 2024: 89 is behind it by more than 0 in January.
    # 4550/51 + (95 − 4550/51)·31/365 = 89.70…; 89.70 − 89 = 0.70 ≤ 2: at risk.
    january = by_period(tracked)["2025-01"]
    assert january.expected == float(Fraction(4550, 51)
                                     + (95 - Fraction(4550, 51)) * Fraction(31, 365))
    assert january.status is AT_RISK


def test_a_baseline_of_one_period_is_that_periods_value() -> None:
    goal = {"baseline": {"period": "2024-12"}, "goal": {"value": "95%", "by": "2025-12-31"}}
    tracked = whole(standard(goal), [point("2024-12", Fraction(889, 10), 889, 1000)])
    assert (tracked.baseline.value_exact, tracked.baseline.source) == (
        "889/10", "the value of 2024-12 (this run)")


def test_without_numerators_a_longer_baseline_cannot_be_computed() -> None:
    goal = {"baseline": {"period": "2024-Q4"}, "goal": {"value": "95%", "by": "2025-12-31"}}
    tracked = whole(standard(goal), [point("2024-11", 50), point("2024-12", 90),
                                     point("2025-01", 91)])
    assert tracked.baseline.value is None
    assert tracked.baseline.source == ("its results cannot be pooled (give the published "
                                       "value)")
    assert tracked.status is NOT_ASSESSED
    assert tracked.status_reason.startswith("not assessed: no baseline for 2024-Q4")
    assert {tp.status for tp in tracked.history} == {NOT_ASSESSED}


def test_a_segment_computes_its_own_baseline_beside_a_published_one() -> None:
    goal = {"baseline": {"period": "2024-12", "value": "70%"},
            "goal": {"value": "82%", "by": "2025-12-31"}}
    series = {"all": ({}, [point("2024-12", 71, 71, 100), point("2025-01", 72, 72, 100)]),
              "region=West": ({"region": "West"},
                              [point("2024-12", 60, 30, 50), point("2025-01", 62, 31, 50)]),
              "region=East": ({"region": "East"}, [point("2025-01", 72, 36, 50)])}
    found = {str(t.segment): t.baseline for t in track(standard(goal), series, AS_OF, 4, "1",
                                                       "%")}
    assert found["{}"].source == "published"  # the published value, not 71
    assert found["{'region': 'West'}"].value_exact == "60"  # its own December
    assert found["{'region': 'East'}"].value_exact == "70"  # no December: the published one


# --- periods that are not assessed --------------------------------------------------------


def test_the_baseline_a_period_without_a_value_and_one_not_over_are_not_assessed() -> None:
    points = [point("2024-11", 69), point("2024-12", 70), point("2025-01", 72),
              point("2025-02", None), point("2025-03", 90)]
    tracked = whole(standard(LINEAR), points, as_of=dt.date(2025, 3, 30))
    notes = [(tp.period, tp.status, tp.note) for tp in tracked.history]
    assert notes == [
        ("2024-11", NOT_ASSESSED, "in or before the baseline period"),
        ("2024-12", NOT_ASSESSED, "in or before the baseline period"),
        ("2025-01", ON, None),  # 72 ≥ 71.019…
        ("2025-02", NOT_ASSESSED, "no value (too few cases)"),
        ("2025-03", NOT_ASSESSED, "the period is not over on 2025-03-30"),
    ]
    # March would be achieved, but it is not over: January decides.
    assert (tracked.status, tracked.latest_period) == (ON, "2025-01")


def test_with_no_period_after_the_baseline_the_standard_is_not_assessed() -> None:
    tracked = whole(standard(LINEAR), [point("2024-12", 70)])
    assert tracked.status is NOT_ASSESSED
    assert tracked.status_reason == "not assessed: in or before the baseline period"
    assert tracked.latest is None and tracked.needed_per_period is None


# --- the improvement still needed -----------------------------------------------------------


def test_the_improvement_needed_spreads_the_distance_over_the_periods_left() -> None:
    tracked = whole(standard(LINEAR), [point("2025-03", 73)])
    # March to December 2025 is 9 periods: (82 − 73) / 9 = 1 point a period.
    assert (tracked.needed_per_period, tracked.periods_left) == (1.0, 9)


def test_a_goal_dated_within_a_month_counts_that_month() -> None:
    goal = {"baseline": {"period": "2024-12", "value": "70%"},
            "goal": {"value": "82%", "by": "2025-11-15"}}
    tracked = whole(standard(goal), [point("2025-02", 74)])
    # The goal's period is November 2025, 9 after February: (82 − 74) / 9 = 8/9.
    assert tracked.needed_per_period == float(Fraction(8, 9))
    assert tracked.periods_left == 9


def test_a_baseline_month_without_a_value_gives_no_baseline() -> None:
    goal = {"baseline": {"period": "2024-12"}, "goal": {"value": "90%", "by": "2025-12-31"}}
    tracked = whole(standard(goal), [point("2024-12", None, 1, 2),
                                     point("2025-01", 80, 80, 100)])
    assert tracked.baseline.value is None
    assert tracked.status is NOT_ASSESSED
