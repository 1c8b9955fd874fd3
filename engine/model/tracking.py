"""The results contract, continued: improvement tracking, initiatives' impact, demand.

Written to ``results.json`` under ``tracking``, ``initiatives`` and ``demand``. Values
are floats for reading; every status is decided on exact values (``value_exact``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class TrackStatus(StrEnum):
    achieved = "achieved"  # the value has reached the goal
    on_track = "on_track"  # at or ahead of the path
    at_risk = "at_risk"  # behind the path, within the tolerance or heading for the goal
    off_track = "off_track"  # behind the path by more than the tolerance, not heading there
    not_assessed = "not_assessed"  # no value, the baseline period itself, or not over yet


class Forecast(_Out):
    period: str | None = Field(None, description="The period forecast (the one that holds "
                               "the goal's date, or a period ahead)")
    value: float | None = None
    lower: float | None = Field(None, description="95% prediction interval, lower bound")
    upper: float | None = None
    method: str | None = Field(None, description="How it was computed, in words")
    periods_used: int = 0
    first: str | None = Field(None, description="The first period of the history used")
    last: str | None = Field(None, description="The last period of the history used")
    reason: str | None = Field(None, description="Why there is no forecast")


class TrackPoint(_Out):
    """One period of a tracked series."""

    period: str
    period_start: dt.date
    period_end: dt.date
    value: float | None
    value_exact: str | None
    numerator: int | float | None
    denominator: int | float | None
    target: str | None = Field(None, description="The standard's target in force then")
    expected: float | None = Field(None, description="The path's value at the period's end")
    gap: float | None = Field(None, description="Ahead of the path (positive) or behind it "
                              "(negative), in points or the measure's unit")
    status: TrackStatus
    note: str | None = None
    forecast_at_goal_date: float | None = Field(
        None, description="The forecast made from the history up to this period")
    source: str = Field(description="'this run', or the stored run the value came from")


class Baseline(_Out):
    period: str
    value: float | None
    value_exact: str | None
    source: str = Field(description="'published' or how it was computed")


class Tracking(_Out):
    standard: str
    standard_version: str
    segment: dict[str, str]
    unit: str
    direction: str = Field(description="'at_least' (higher is better) or 'at_most'")
    baseline: Baseline
    goal: float
    by: dt.date
    path: str
    milestones: list[dict[str, str]] = Field(default_factory=list)
    tolerance: float
    latest: float | None
    latest_period: str | None
    expected_now: float | None
    gap: float | None
    forecast_at_goal_date: float | None
    forecast: Forecast
    needed_per_period: float | None = Field(
        None, description="The improvement per period still needed to reach the goal by its "
        "date, from the latest value")
    periods_left: int | None = None
    status: TrackStatus
    status_reason: str
    history: list[TrackPoint]


class Window(_Out):
    first: str
    last: str
    periods: int
    mean: float
    cases: int | float


class Impact(_Out):
    initiative: str
    start: dt.date
    standard: str
    segment: dict[str, str]
    unit: str
    cost: float | None = None
    currency: str | None = None
    before: Window | None = None
    after: Window | None = None
    seasonal_adjustment: bool = False
    method: str | None = None
    change: float | None = Field(None, description="After minus before, in points or the "
                                 "measure's unit (seasonally adjusted where stated)")
    lower: float | None = Field(None, description="95% confidence interval of the change")
    upper: float | None = None
    distinguishable: bool | None = Field(
        None, description="Whether the interval excludes no change")
    finding: str = Field(description="'improved', 'worsened', 'no distinguishable change', "
                         "or 'not assessed'")
    additional_cases: float | None = Field(
        None, description="Cases meeting the standard after the start beyond what the "
        "before level would give (percentage measures)")
    cost_per_additional_case: float | None = None
    cost_per_additional_case_range: tuple[float, float] | None = None
    reason: str | None = None


class DemandPoint(_Out):
    period: str
    period_start: dt.date
    cases: int | float


class Demand(_Out):
    dataset: str
    by: str
    period_kind: str
    count: str = Field(description="'rows', or the count column or expression summed")
    history: list[DemandPoint]
    left_out: dict[str, int] = Field(
        default_factory=dict, description="Rows not counted, by reason (no_date, "
        "period_not_over)")
    forecast: list[Forecast]
    method: str | None
    reason: str | None = None
