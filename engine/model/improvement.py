"""Improvement goals, quality initiatives and demand: what a standard is meant to become.

An ``improvement`` block on a standard says where it started, where it must get to and
by when, and how it is meant to get there::

    improvement:
      baseline: {period: FY2023-24}            # computed from that period of the data
      goal: {value: 90%, by: 2027-03-31}
      path: linear                              # or stepped
      milestones:
        - {by: 2025-12-31, value: 84%}
      tolerance: 2                              # points behind the path still 'at risk'

``initiatives.yaml`` at the top of a standards folder lists the quality initiatives
whose impact is measured; a dataset's ``demand`` block says how its volume is counted
for demand forecasts. Tracking itself is :mod:`engine.track`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)

from engine.model.common import ErrorAt, LevelText, Strict, level_in_unit, parse_points
from engine.model.policy import Periods

# The labels of the results contract that name a fixed stretch of days.
PERIOD_LABEL = (r"^(\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|W(0[1-9]|[1-4]\d|5[0-3])))?"
                r"|FY\d{4}(-\d{2})?)$")


def _label(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a year written bare: 2024
    if not isinstance(value, str) or not re.match(PERIOD_LABEL, value):
        raise ValueError(f"{value!r} is not a period label; write it like 2024-06 (a month), "
                         "2024-Q2, 2024-W05, 2024 or FY2023-24")
    return value


class Baseline(Strict):
    """Where the improvement starts: a period, with its published value or computed from it."""

    period: Annotated[str, BeforeValidator(_label)] = Field(
        description="A period label: 2024-06, 2024-Q2, 2024, FY2023-24. The path starts at "
        "its last day.", json_schema_extra={"pattern": PERIOD_LABEL})
    value: LevelText | None = Field(
        None, description="The published baseline, e.g. 72%. If omitted, it is computed "
        "from the standard's results in that period (from the extract or the store).")

    _unit = field_validator("value")(level_in_unit)


class Goal(Strict):
    value: LevelText = Field(description="The value to reach, e.g. 90%.")
    by: dt.date = Field(description="The date it must be reached by, e.g. 2027-03-31.")

    _unit = field_validator("value")(level_in_unit)


class Milestone(Strict):
    by: dt.date
    value: LevelText

    _unit = field_validator("value")(level_in_unit)


class PathKind(StrEnum):
    """How the expected value moves from the baseline to the goal."""

    linear = "linear"  # a straight line between the baseline, each milestone and the goal
    stepped = "stepped"  # flat, rising to each milestone's value on its date


class Improvement(Strict):
    """A standard's improvement goal, tracked each period (see engine/track/)."""

    baseline: Baseline
    goal: Goal
    path: PathKind = PathKind.linear
    milestones: list[Milestone] = Field(
        default_factory=list, description="Interim values on the way, in date order.")
    tolerance: Annotated[Decimal, BeforeValidator(parse_points)] = Field(
        Decimal(2), ge=0, description="How far behind the path (points, or the measure's "
        "unit) still counts as at_risk rather than off_track. Default 2.")

    @model_validator(mode="after")
    def _in_order(self) -> Improvement:
        """Each milestone is reported at its own 'by': the first out of order, else the
        first not before the goal."""
        for i in range(1, len(self.milestones)):
            earlier, date = self.milestones[i - 1].by, self.milestones[i].by
            if date <= earlier:
                raise ErrorAt(("milestones", i, "by"),
                              f"{date} is not after the milestone before it (by {earlier}); "
                              "list milestones in date order, each by a later date")
        for i, milestone in enumerate(self.milestones):
            if milestone.by >= self.goal.by:
                raise ErrorAt(("milestones", i, "by"),
                              f"{milestone.by} is not before the goal's date ({self.goal.by}); "
                              "a milestone is a point on the way: give it an earlier date, "
                              "or move the goal's 'by' later")
        return self

    def levels(self) -> list[Any]:
        given = [self.baseline.value] if self.baseline.value is not None else []
        return [*given, self.goal.value, *(m.value for m in self.milestones)]


class AimedAt(Strict):
    """A standard an initiative aims to improve, optionally only in one segment."""

    standard: str
    segment: dict[str, str] = Field(default_factory=dict,
                                    description="e.g. {region: West}; {} is everyone.")


class Initiative(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    start: dt.date = Field(description="The day the initiative took effect.")
    standards: list[AimedAt] = Field(
        min_length=1, description="The standards it aims to improve: ids, or "
        "{standard: BEN-01, segment: {region: West}}.")
    cost: Decimal | None = Field(None, ge=0, description="What it cost, for the cost per "
                                 "additional case meeting the standard.")
    currency: str | None = Field(None, description="e.g. CAD, shown with the cost.")
    window: Periods | None = Field(
        None, ge=3, description="At most this many periods on each side of the start, at "
        "least 3 (default: every complete period since the start).")

    @field_validator("standards", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"standard": v} if isinstance(v, str) else v for v in value]
        return value


class Initiatives(Strict):
    """``initiatives.yaml``: the quality initiatives whose impact is measured."""

    initiatives: list[Initiative] = Field(default_factory=list)


class DemandPeriod(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"
    fiscal_year = "fiscal_year"


class Demand(Strict):
    """How a dataset's volume is counted for demand forecasts."""

    by: str = Field(description="The date column that places a case in a period, e.g. "
                    "lodged_date.", json_schema_extra={"role": "date column"})
    period: DemandPeriod = DemandPeriod.month
    count: str | None = Field(
        None, description="A count column or expression for extracts already counted "
        "(e.g. offered); default: each row is one case.",
        json_schema_extra={"role": "number expression"})
    horizon: Periods = Field(6, ge=1, le=60, description="How many periods ahead to forecast.")
