"""A standard: a published promise about a service, written as data.

The shape follows the way standards are published: a statement in plain words,
the measure behind it, the period and segments it is reported by, and a target
that may change on a date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from engine.model.common import (
    Attribute,
    ErrorAt,
    Level,
    LevelText,
    LimitText,
    LimitUnit,
    Strict,
    level_in_unit,
    unit_mismatch,
)
from engine.model.improvement import Demand, Improvement
from engine.model.policy import Rules


# Roles tell the loader how to check a field against the dataset (engine/load/checks.py).
def _role(role: str) -> dict[str, Any]:
    return {"role": role}


DATE_COLUMN, NUMBER_COLUMN, COLUMN = _role("date column"), _role("number column"), _role("column")
CONDITION, NUMBER_EXPR = _role("condition"), _role("number expression")


class OpenCases(StrEnum):
    """How cases still open on the as-of date enter a measure."""

    exclude = "exclude"
    count_when_overdue = "count_when_overdue"


class LimitsByCategory(Strict):
    """A limit that depends on a category, looked up from this table."""

    by: str = Field(description="The column holding the category.", json_schema_extra=COLUMN)
    values: dict[str, LimitText] = Field(min_length=1,
                                         description="Category → limit, e.g. Passport: 20 days")
    otherwise: LimitText | None = Field(
        None, description="The limit for any other category (default: such cases are left "
        "out and counted as no_limit_for_category).")


class Pause(Strict):
    """Stop-the-clock: time spent waiting for the client, excluded from the elapsed time."""

    days: str | None = Field(None, description="A column of paused days (in the limit's unit).",
                             json_schema_extra=NUMBER_COLUMN)
    start: str | None = Field(None, alias="from", description="When the clock stopped.",
                              json_schema_extra=DATE_COLUMN)
    end: str | None = Field(None, alias="to", description="When the clock restarted.",
                            json_schema_extra=DATE_COLUMN)

    @model_validator(mode="after")
    def _one_way(self) -> Pause:
        if (self.days is None) == (self.start is None and self.end is None):
            raise ValueError("give either 'days' (a column of paused days) or 'from' and 'to'")
        if (self.start is None) != (self.end is None):
            raise ValueError("a pause needs both 'from' and 'to'")
        return self


class ShareWithin(Strict):
    """Share of cases completed within a limit (see engine/measure/share_within.py)."""

    RESULT: ClassVar[str] = "percent"
    start: str = Field(alias="from", description="The column holding when the clock starts.",
                       json_schema_extra=DATE_COLUMN)
    end: str = Field(alias="to", description="The column holding when the case was completed.",
                     json_schema_extra=DATE_COLUMN)
    limit: LimitText | None = Field(None, description="e.g. '28 days', '2 business days'.")
    limits: LimitsByCategory | None = Field(None, description="A limit per category.")
    due: str | None = Field(None, description="A column holding each case's own due date; "
                            "where given it overrides the limit.", json_schema_extra=DATE_COLUMN)
    pause: Pause | None = None
    open_cases: OpenCases = OpenCases.exclude

    @model_validator(mode="after")
    def _some_limit(self) -> ShareWithin:
        if self.limit is not None and self.limits is not None:
            raise ValueError("give 'limit' or 'limits', not both")
        if self.limit is None and self.limits is None and self.due is None:
            raise ValueError("give 'limit' (like '28 days'), 'limits' (per category) or 'due' "
                             "(a due-date column)")
        return self


class AdvanceNotice(Strict):
    """An event at least N days before a reference date (see engine/measure/advance_notice.py)."""

    RESULT: ClassVar[str] = "percent"
    event: str = Field(description="The column holding when the notice was given.",
                       json_schema_extra=DATE_COLUMN)
    before: str = Field(description="The column holding the date the notice is for.",
                        json_schema_extra=DATE_COLUMN)
    notice: LimitText = Field(description="The notice needed, e.g. '30 days'.")
    open_cases: OpenCases = OpenCases.exclude


class WhenUnknown(StrEnum):
    exclude = "exclude"
    not_met = "not_met"


class ShareMeeting(Strict):
    """Share of records meeting a condition (see engine/measure/share_meeting.py)."""

    RESULT: ClassVar[str] = "percent"
    condition: str = Field(description="e.g. payment_correct, or satisfaction >= 4",
                           json_schema_extra=CONDITION)
    when_unknown: WhenUnknown = Field(
        WhenUnknown.exclude,
        description="Records whose condition cannot be decided (a blank cell): "
        "'exclude' leaves them out and counts them; 'not_met' counts them as not met.",
    )


class ReportedRatio(Strict):
    """Ratio of counts already made (see engine/measure/reported_ratio.py)."""

    RESULT: ClassVar[str] = "percent"
    numerator: str = Field(description="The count of cases that met the standard: a column, "
                           "or arithmetic on columns (attendances - breaches).",
                           json_schema_extra=NUMBER_EXPR)
    denominator: str = Field(description="The count of all cases.", json_schema_extra=NUMBER_EXPR)


class Rate(Strict):
    """Events per N (see engine/measure/rate.py)."""

    RESULT: ClassVar[str] = "number"
    events: str = Field(description="What counts as an event: a condition (abandoned) or a "
                        "count column (complaints).", json_schema_extra=_role("events"))
    exposure: str | None = Field(
        None, description="What the events are counted against: a count column (clients). "
        "Default: each row counts once.", json_schema_extra=NUMBER_EXPR)
    per: int = Field(ge=1, examples=[1000],
                     description="The rate is events per this many, e.g. 100 or 1000.")


class Statistic(StrEnum):
    mean = "mean"
    median = "median"
    percentile = "percentile"


class PercentileMethod(StrEnum):
    nearest_rank = "nearest_rank"
    linear = "linear"


class Summary(Strict):
    """Mean, median or percentile of a duration or a score (see engine/measure/summary.py)."""

    RESULT: ClassVar[str] = "number"
    statistic: Statistic
    p: Decimal | None = Field(None, gt=0, le=100, description="percentile only, e.g. 90.")
    method: PercentileMethod = Field(
        PercentileMethod.nearest_rank,
        description="percentile only: nearest_rank (an observed value) or linear "
        "(interpolated, as Excel's PERCENTILE.INC).")
    value: str | None = Field(None, description="A number column or expression to summarise.",
                              json_schema_extra=NUMBER_EXPR)
    start: str | None = Field(None, alias="from", description="Or a duration: its start…",
                              json_schema_extra=DATE_COLUMN)
    end: str | None = Field(None, alias="to", description="…and its end.",
                            json_schema_extra=DATE_COLUMN)
    unit: LimitUnit | None = Field(None, description="The duration's unit: days, business "
                                   "days, weeks, hours, minutes or seconds.")

    @model_validator(mode="after")
    def _one_source(self) -> Summary:
        duration = self.start is not None or self.end is not None
        if duration == (self.value is not None):
            raise ValueError("give either 'value' (a number column) or 'from' and 'to' (dates)")
        if duration and (self.start is None or self.end is None or self.unit is None):
            raise ValueError("a duration needs 'from', 'to' and 'unit'")
        if not duration and self.unit is not None:
            raise ValueError("'unit' goes with a duration ('from' and 'to'); a 'value' is "
                             "summarised as it is, in its own unit")
        if (self.p is None) != (self.statistic is not Statistic.percentile):
            raise ValueError("'p' goes with statistic: percentile, and it needs one")
        return self


class SurveyShare(Strict):
    """Share of respondents at or above a score (see engine/measure/survey_share.py)."""

    RESULT: ClassVar[str] = "percent"
    score: str = Field(description="The column holding each respondent's score.",
                       json_schema_extra=NUMBER_COLUMN)
    at_or_above: Decimal = Field(description="The lowest score that counts, e.g. 4.")
    scale: tuple[Decimal, Decimal] = Field(description="The lowest and highest valid scores, "
                                           "e.g. [1, 5].")

    @model_validator(mode="after")
    def _inside(self) -> SurveyShare:
        low, high = self.scale
        if low >= high:
            raise ValueError("'scale' is [lowest, highest], lowest first")
        if not low <= self.at_or_above <= high:
            raise ValueError("'at_or_above' must be a score on the scale")
        return self


class Backlog(Strict):
    """Open cases older than a limit on the as-of date (see engine/measure/backlog.py)."""

    RESULT: ClassVar[str] = "percent"
    start: str = Field(alias="from", json_schema_extra=DATE_COLUMN,
                       description="The column holding when the case was opened.")
    end: str = Field(alias="to", json_schema_extra=DATE_COLUMN,
                     description="The column holding when the case was closed (blank: open).")
    limit: LimitText = Field(description="A case open longer than this is in the backlog.")


class Weekday(StrEnum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"


class Schedule(Strict):
    """When the service is meant to be available."""

    days: list[Weekday] = Field(default_factory=lambda: list(Weekday), min_length=1)
    hours: str = Field("00:00-24:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):"
                       r"[0-5]\d|24:00)$", description="Opening hours, e.g. 08:00-20:00.")
    business_days_only: bool = Field(False, description="Closed on public holidays and "
                                     "closures of the catalogue's calendar.")

    def window(self) -> tuple[int, int]:
        """Opening and closing time in seconds after midnight."""
        a, b = self.hours.split("-")
        h1, m1 = map(int, a.split(":"))
        h2, m2 = map(int, b.split(":"))
        return h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60

    @model_validator(mode="after")
    def _opens_before_close(self) -> Schedule:
        a, b = self.window()
        if a >= b:
            raise ValueError("opening hours must open before they close, e.g. 08:00-20:00")
        return self


class Availability(Strict):
    """Share of scheduled service time available (see engine/measure/availability.py)."""

    RESULT: ClassVar[str] = "percent"
    start: str = Field(alias="from", json_schema_extra=DATE_COLUMN,
                       description="The column holding when an outage began.")
    end: str = Field(alias="to", json_schema_extra=DATE_COLUMN,
                     description="The column holding when it ended (blank: still down).")
    maintenance: str | None = Field(
        None, description="Which outages were announced maintenance, e.g. planned = true; "
        "their time is taken out of the scheduled time.", json_schema_extra=CONDITION)
    schedule: Schedule = Schedule()
    since: dt.date = Field(description="The first day the service was scheduled to run.")


class Measure(Strict):
    """Exactly one measure kind, named by its key."""

    share_within: ShareWithin | None = None
    advance_notice: AdvanceNotice | None = None
    share_meeting: ShareMeeting | None = None
    reported_ratio: ReportedRatio | None = None
    rate: Rate | None = None
    summary: Summary | None = None
    survey_share: SurveyShare | None = None
    backlog: Backlog | None = None
    availability: Availability | None = None

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
    def spec(self) -> Any:
        return getattr(self, self.kind)

    @property
    def in_percent(self) -> bool:
        """Whether the measure's value is a percentage (else a number in its own unit)."""
        return bool(self.spec.RESULT == "percent")

    @property
    def unit(self) -> str:
        """The unit its values are shown in: '%', 'per 1,000', 'days', or '' for a score."""
        if self.in_percent:
            return "%"
        if self.rate is not None:
            return f"per {self.rate.per:,}"
        assert self.summary is not None
        return self.summary.unit.value if self.summary.unit is not None else ""


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
        None, ge=1, le=12, examples=[4],
        description="fiscal_year only: the first month (4 = April).")
    days: int | None = Field(None, ge=1, examples=[28],
                             description="rolling only: the window's length in days.")

    @model_validator(mode="after")
    def _options_fit_kind(self) -> Period:
        if self.kind is PeriodKind.rolling and self.days is None:
            raise ValueError("a rolling period needs 'days', e.g. days: 28")
        if self.days is not None and self.kind is not PeriodKind.rolling:
            raise ValueError("'days' applies only to kind: rolling")
        if self.start_month is not None and self.kind is not PeriodKind.fiscal_year:
            raise ValueError("'start_month' applies only to kind: fiscal_year")
        return self

    @classmethod
    def suggest(cls, value: Any) -> str:
        """What to write for a period given as a bare word: a mapping of its kind, where the
        word names one ('monthly' too), with the days a rolling period needs."""
        word = value.strip().lower() if isinstance(value, str) else ""
        kinds = {k.value for k in PeriodKind}
        kind = next((w for w in (word, word.removesuffix("ly")) if w in kinds), "month")
        days = ", days: 28" if kind == PeriodKind.rolling else ""
        return f"{{kind: {kind}, by: decided_date{days}}}"


def demand_for(demand: Demand | None, periods: list[Period]) -> Demand | None:
    """A dataset's ``demand`` block, or one taken from the first of its standards' periods
    that is not rolling (by its date column, rows counted)."""
    if demand is not None:
        return demand
    for period in periods:
        if period.kind is not PeriodKind.rolling:
            return Demand(by=period.by, period=period.kind.value)
    return None


class WrittenAs(StrEnum):
    percent = "percent"
    fraction = "fraction"


class ColumnTarget(Strict):
    """A target read from the extract, for data that carries each row's own target (a
    service inventory). It must be the same on every row of a result's cell."""

    column: str = Field(json_schema_extra=NUMBER_COLUMN)
    written_as: WrittenAs = Field(description="'fraction' when 80% is written 0.8, 'percent' "
                                  "when it is written 80.")

    def __str__(self) -> str:
        return f"the '{self.column}' column"


def _target_kind(value: Any) -> str:
    return "column" if isinstance(value, dict | ColumnTarget) else "level"


TargetLevel = Annotated[
    Annotated[LevelText, Tag("level")] | Annotated[ColumnTarget, Tag("column")],
    Discriminator(_target_kind),
]


class TargetStep(Strict):
    """The target in force from a date (or from the start, for the first step).

    Levels are percentages (``80%``) for share measures, and numbers in the measure's
    unit (``20`` days, ``4.2`` points, ``2.5`` per 1,000) for rates and summaries.
    """

    effective: dt.date | None = Field(None, alias="from")
    at_least: TargetLevel | None = None
    at_most: TargetLevel | None = None
    warning_below: LevelText | None = Field(
        None, description="With at_least: a value at or above the target but below this "
        "is a warning."
    )
    warning_above: LevelText | None = Field(
        None, description="With at_most: a value at or below the target but above this "
        "is a warning."
    )
    minimum_sample: int = Field(
        1, ge=1, examples=[30],
        description="Fewer cases than this gives insufficient_data, never a breach.")

    @model_validator(mode="after")
    def _coherent(self) -> TargetStep:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of 'at_least' or 'at_most'")
        if self.at_least is not None and self.warning_above is not None:
            raise ValueError("with at_least, the warning band is 'warning_below'")
        if self.at_most is not None and self.warning_below is not None:
            raise ValueError("with at_most, the warning band is 'warning_above'")
        band = self.warning_below or self.warning_above
        level = self.threshold
        if band is not None and isinstance(level, Level) and band.percent == level.percent:
            if self.at_least is not None and band.value < level.value:
                raise ValueError("'warning_below' must be at or above 'at_least'")
            if self.at_most is not None and band.value > level.value:
                raise ValueError("'warning_above' must be at or below 'at_most'")
        return self

    _in_the_measures_unit = field_validator("at_least", "at_most", "warning_below",
                                            "warning_above")(level_in_unit)

    @property
    def higher_is_better(self) -> bool:
        return self.at_least is not None

    @property
    def way(self) -> str:
        """The key its threshold is written under: at_least or at_most."""
        return "at_least" if self.higher_is_better else "at_most"

    @property
    def threshold(self) -> Level | ColumnTarget:
        level = self.at_least if self.at_least is not None else self.at_most
        assert level is not None
        return level

    @property
    def band(self) -> Level | None:
        return self.warning_below if self.higher_is_better else self.warning_above

    def levels(self) -> list[Level]:
        return [x for x in (self.threshold, self.band) if isinstance(x, Level)]


def _dated_in_order(steps: list[TargetStep]) -> None:
    """Each step after the first takes effect on a later date than the one before it; a
    step out of order is reported at its own 'from' (the first step's 'from' counts too)."""
    for i, step in enumerate(steps[1:], start=1):
        if step.effective is None:
            raise ErrorAt(("target", i), "every step after the first needs 'from' (the "
                          "date it takes effect), like from: 2026-01-01")
    for i in range(1, len(steps)):
        earlier, date = steps[i - 1].effective, steps[i].effective
        if earlier is not None and date is not None and date <= earlier:
            raise ErrorAt(("target", i, "from"),
                          f"{date} is not after the step before it (from {earlier}); "
                          "list target steps in date order, each from a later date")


def _one_way(steps: list[TargetStep]) -> None:
    """Every step goes the way the first does: impact and tracking read a standard's
    direction from its first step. The first step that turns is reported at its threshold."""
    way = steps[0].way
    for i, step in enumerate(steps[1:], start=1):
        if step.way != way:
            band = "warning_below" if way == "at_least" else "warning_above"
            raise ErrorAt(("target", i, step.way),
                          f"this step is {step.way}, but the first step is {way}; all of a "
                          f"target's steps go the same way: write this one as {way}"
                          + (f" (and its warning band as {band})" if step.band else "")
                          + f", or make every step {step.way}")


class RoundingMethod(StrEnum):
    half_up = "half_up"
    half_even = "half_even"


class Rounding(Strict):
    """A publisher's stated rule: round the value to N decimals (in percent) before comparing."""

    decimals: int = Field(ge=0, le=6, examples=[1])
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
    alerts: Rules | None = Field(
        None, description="This standard's own alert rules, over alert-policy.yaml's: e.g. "
        "escalation: {after: 2 periods}, warning: off.")
    improvement: Improvement | None = Field(
        None, description="An improvement goal tracked each period: baseline, goal, path.")

    # json_schema_input_type: the schema for editors admits what we accept, a single step too.
    @field_validator("target", mode="before",
                     json_schema_input_type=Annotated[list[TargetStep], Field(min_length=1)]
                     | TargetStep)
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _target_history(self) -> Standard:
        _dated_in_order(self.target)
        _one_way(self.target)
        percent = self.measure.in_percent
        for i, step in enumerate(self.target):
            for level in step.levels():
                if level.percent != percent:
                    raise ValueError(f"target step {i + 1}: {unit_mismatch(level, percent)}")
            if isinstance(step.threshold, ColumnTarget) and not percent:
                raise ErrorAt(("target", i, step.way),
                              "a target from a column needs a percentage measure; write the "
                              "target as a number in the measure's unit, like "
                              f"{step.way}: 4.2")
        for level in self.improvement.levels() if self.improvement is not None else ():
            if level.percent != percent:
                raise ValueError(f"improvement: {unit_mismatch(level, percent)}")
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

