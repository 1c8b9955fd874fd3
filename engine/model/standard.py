"""A standard: a published promise about a service, written as data.

The shape follows the way standards are published: a statement in plain words,
the measure behind it, the period and segments it is reported by, and a target
that may change on a date.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from engine.model.common import Attribute, LimitText, Percent, Strict


class OpenCases(StrEnum):
    """How cases still open on the as-of date enter a share-within-limit measure."""

    exclude = "exclude"
    count_when_overdue = "count_when_overdue"


class ShareWithin(Strict):
    """Share of cases completed within a limit (see engine/measure/share_within.py)."""

    start: str = Field(alias="from", description="The column holding when the clock starts.")
    end: str = Field(alias="to", description="The column holding when the case was completed.")
    limit: LimitText | None = Field(None, description="e.g. '28 days', '2 business days'.")
    due: str | None = Field(None, description="A column holding each case's own due date.")
    open_cases: OpenCases = OpenCases.exclude

    @model_validator(mode="after")
    def _limit_or_due(self) -> ShareWithin:
        if (self.limit is None) == (self.due is None):
            raise ValueError("give either 'limit' (like '28 days') or 'due' (a due-date column)")
        return self


class WhenUnknown(StrEnum):
    exclude = "exclude"
    not_met = "not_met"


class ShareMeeting(Strict):
    """Share of records meeting a condition (see engine/measure/share_meeting.py)."""

    condition: str = Field(description="e.g. payment_correct, or satisfaction >= 4")
    when_unknown: WhenUnknown = Field(
        WhenUnknown.exclude,
        description="Records whose condition cannot be decided (a blank cell): "
        "'exclude' leaves them out and counts them; 'not_met' counts them as not met.",
    )


class ReportedRatio(Strict):
    """Ratio of counts already made (see engine/measure/reported_ratio.py)."""

    numerator: str = Field(description="The column counting cases that met the standard.")
    denominator: str = Field(description="The column counting all cases.")


class Measure(Strict):
    """Exactly one measure kind, named by its key."""

    share_within: ShareWithin | None = None
    share_meeting: ShareMeeting | None = None
    reported_ratio: ReportedRatio | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Measure:
        given = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(given) != 1:
            kinds = ", ".join(type(self).model_fields)
            raise ValueError(f"give exactly one measure kind ({kinds}); found {len(given)}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in type(self).model_fields if getattr(self, k) is not None)

    @property
    def spec(self) -> ShareWithin | ShareMeeting | ReportedRatio:
        spec: ShareWithin | ShareMeeting | ReportedRatio = getattr(self, self.kind)
        return spec


class PeriodKind(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"
    fiscal_year = "fiscal_year"
    rolling = "rolling"


class Period(Strict):
    kind: PeriodKind
    by: str = Field(description="The date column that places a case in a period.")
    start_month: int | None = Field(
        None, ge=1, le=12, description="fiscal_year only: the first month (4 = April)."
    )
    days: int | None = Field(None, ge=1, description="rolling only: the window's length in days.")

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Period:
        if self.kind is PeriodKind.rolling and self.days is None:
            raise ValueError("a rolling period needs 'days', e.g. days: 28")
        if self.days is not None and self.kind is not PeriodKind.rolling:
            raise ValueError("'days' applies only to kind: rolling")
        if self.start_month is not None and self.kind is not PeriodKind.fiscal_year:
            raise ValueError("'start_month' applies only to kind: fiscal_year")
        return self


class TargetStep(Strict):
    """The target in force from a date (or from the start, for the first step)."""

    effective: dt.date | None = Field(None, alias="from")
    at_least: Percent | None = None
    at_most: Percent | None = None
    warning_below: Percent | None = Field(
        None, description="With at_least: a value at or above the target but below this "
        "is a warning."
    )
    warning_above: Percent | None = Field(
        None, description="With at_most: a value at or below the target but above this "
        "is a warning."
    )
    minimum_sample: int = Field(
        1, ge=1, description="Fewer cases than this gives insufficient_data, never a breach."
    )

    @model_validator(mode="after")
    def _coherent(self) -> TargetStep:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of 'at_least' or 'at_most'")
        if self.at_least is not None:
            if self.warning_above is not None:
                raise ValueError("with at_least, the warning band is 'warning_below'")
            if self.warning_below is not None and self.warning_below < self.at_least:
                raise ValueError("'warning_below' must be at or above 'at_least'")
        if self.at_most is not None:
            if self.warning_below is not None:
                raise ValueError("with at_most, the warning band is 'warning_above'")
            if self.warning_above is not None and self.warning_above > self.at_most:
                raise ValueError("'warning_above' must be at or below 'at_most'")
        return self

    @property
    def higher_is_better(self) -> bool:
        return self.at_least is not None

    @property
    def threshold(self) -> Any:
        return self.at_least if self.at_least is not None else self.at_most


class RoundingMethod(StrEnum):
    half_up = "half_up"
    half_even = "half_even"


class Rounding(Strict):
    """A publisher's stated rule: round the value to N decimals (in percent) before comparing."""

    decimals: int = Field(ge=0, le=6)
    method: RoundingMethod = RoundingMethod.half_up


Segment = str | list[str]


class Standard(Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", description="e.g. BEN-01")
    title: str
    statement: str = Field(description="The standard as published, in plain words.")
    attribute: Attribute
    owner: str
    version: str | None = Field(None, description="Your own version label, e.g. 2025.1")
    dataset: str
    population: str | None = Field(
        None, description="Which rows the standard covers, e.g. benefit_type != 'Death grant'"
    )
    measure: Measure
    period: Period
    segments: list[Segment] = Field(
        default_factory=list,
        description="Columns to break results down by; a list of columns crosses them.",
    )
    target: list[TargetStep] = Field(min_length=1)
    rounding: Rounding | None = None
    evidence: list[str] | None = Field(
        None, description="Columns that identify a case in alerts (default: the dataset key)."
    )

    # json_schema_input_type: the schema for editors admits what we accept, a single step too.
    @field_validator("target", mode="before",
                     json_schema_input_type=Annotated[list[TargetStep], Field(min_length=1)]
                     | TargetStep)
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _target_history(self) -> Standard:
        steps = self.target
        for i, step in enumerate(steps[1:], start=1):
            if step.effective is None:
                raise ValueError(f"target step {i + 1} needs 'from' (the date it takes effect)")
        dates = [s.effective for s in steps[1:]]
        if dates != sorted(dates) or len(set(dates)) != len(dates):  # type: ignore[type-var]
            raise ValueError("target steps must be in date order, each from a later date")
        if len({s.higher_is_better for s in steps}) > 1:
            raise ValueError("all target steps must be at_least, or all at_most")
        return self

    def target_on(self, day: dt.date) -> TargetStep | None:
        """The target in force on ``day``; None before the first dated step."""
        current = None
        for step in self.target:
            if step.effective is None or step.effective <= day:
                current = step
        return current

    def segment_sets(self) -> list[tuple[str, ...]]:
        """The whole population first, then each segmentation as a tuple of columns."""
        sets: list[tuple[str, ...]] = [()]
        for seg in self.segments:
            cols = (seg,) if isinstance(seg, str) else tuple(seg)
            if cols not in sets:
                sets.append(cols)
        return sets
