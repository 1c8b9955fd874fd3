"""Small value types shared by standards and datasets: percentages, limits, attributes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
)


class Strict(BaseModel):
    """Base for every YAML-facing model: unknown keys are errors, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ErrorAt(ValueError):
    """A model validator's error about one place inside the model (``at``: keys and list
    indexes, as written in YAML), so the loader points at that line, not the whole block."""

    def __init__(self, at: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.at = at


class WrongForm(ValueError):
    """A value written in a form its key does not take, refused before pydantic reads it
    (a mapping where a limit is text): the loader says what to write there, as it does for
    pydantic's own wrong-type errors, by the name of the type the key takes."""

    def __init__(self, expected: str, message: str) -> None:
        super().__init__(message)
        self.expected = expected


_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def parse_percent(value: Any) -> Decimal:
    """'80%' → Decimal('80'). Bare numbers are refused: 0.8 and 80 must not be confused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{value!r} is not a percentage; write it like 80%")
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is a bare number; {write_as_percent(value)}")
    match = _PERCENT.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a percentage; write it like 80% or 92.5%")
    try:
        pct = Decimal(match.group(1))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"'{value}' is not a percentage") from exc
    if pct > 100:
        raise ValueError(f"'{value}' is more than 100%")
    return pct


Percent = Annotated[
    Decimal,
    BeforeValidator(parse_percent),
    PlainSerializer(lambda d: f"{d}%", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$", "examples": ["80%"]}),
]


def parse_level(value: Any) -> Any:
    """A target level: '80%' (a percentage) or a bare number (4.2, 20) in the measure's unit."""
    if isinstance(value, dict | BaseModel):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a target; write 80% or a number like 4.2")
    if isinstance(value, str) and "%" in value:
        return {"value": parse_percent(value), "percent": True}
    if isinstance(value, int | float | str):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else repr(value))
        except InvalidOperation:
            raise ValueError(f"'{value}' is not a percentage or a number; write it like 80% "
                             "(or, for a rate or a summary, a number like 4.2)") from None
        if not number.is_finite():
            raise ValueError(f"'{value}' is not a finite number")
        return {"value": number, "percent": False}
    raise ValueError(f"{value!r} is not a target; write 80% or a number like 4.2")


class Level(Strict):
    """A target level: a percentage (``80%``) or a number in the measure's own unit."""

    value: Decimal
    percent: bool

    def __str__(self) -> str:
        return f"{self.value}%" if self.percent else f"{self.value}"


def write_as_percent(number: int | float | Decimal) -> str:
    """What to write for a bare number where a percentage is wanted. A number between 0
    and 1 is most likely a share (0.8 for 80%), so that reading is offered first."""
    if 0 < number < 1:
        share = (Decimal(str(number)) * 100).normalize()
        return (f"write a percentage with its sign: {share:f}% if {number} is a share of "
                f"one, or {number}% if it is already a percentage")
    return f"write a percentage with its sign, like {number}%"


def unit_mismatch(level: Level, percent: bool) -> str:
    """Why a level is in the wrong unit for a measure (percentage or not), and what to write."""
    if percent:
        return f"{level} is a bare number; {write_as_percent(level.value)}"
    return (f"{level} is a percentage, but this measure gives a number in its own unit; "
            f"write it as a number, like {level.value}")


def level_in_unit(value: Any, info: ValidationInfo) -> Any:
    """A field validator: with the loader's context (whether the measure gives a
    percentage), a level in the wrong unit is reported at its own key."""
    percent = (info.context or {}).get("percent")
    if percent is None or not isinstance(value, Level) or value.percent == percent:
        return value
    raise ValueError(unit_mismatch(value, percent))


def parse_points(value: Any) -> Any:
    """Points written 2, 2.5 or '2 points' (a float by its shortest repr, for Decimal)."""
    if isinstance(value, str):
        value = value.strip().removesuffix("points").removesuffix("point").strip()
    if isinstance(value, float):
        value = repr(value)
    return value


LevelText = Annotated[
    Level,
    BeforeValidator(parse_level),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"anyOf": [{"type": "string", "examples": ["80%"]}, {"type": "number"}]}),
]


class LimitUnit(StrEnum):
    seconds = "seconds"
    minutes = "minutes"
    hours = "hours"
    days = "days"
    business_days = "business days"
    weeks = "weeks"

    @property
    def needs_time_of_day(self) -> bool:
        return self in (LimitUnit.seconds, LimitUnit.minutes, LimitUnit.hours)


_UNIT_WORDS = {
    "second": LimitUnit.seconds, "seconds": LimitUnit.seconds,
    "minute": LimitUnit.minutes, "minutes": LimitUnit.minutes,
    "hour": LimitUnit.hours, "hours": LimitUnit.hours,
    "day": LimitUnit.days, "days": LimitUnit.days,
    "calendar day": LimitUnit.days, "calendar days": LimitUnit.days,
    "business day": LimitUnit.business_days, "business days": LimitUnit.business_days,
    "working day": LimitUnit.business_days, "working days": LimitUnit.business_days,
    "week": LimitUnit.weeks, "weeks": LimitUnit.weeks,
}
_LIMIT = re.compile(r"^\s*(\d+)\s+([a-z ]+?)\s*$")


class Limit(Strict):
    """A time limit such as ``28 days``, ``2 business days`` or ``10 minutes``."""

    amount: int
    unit: LimitUnit

    @classmethod
    def parse(cls, value: Any) -> Any:
        if isinstance(value, dict):
            # Read as a model, {days: 15} would only be missing 'amount' and 'unit', keys no
            # one writes: a limit is written as text.
            raise WrongForm("Limit", "a limit is written as a whole number and a unit, like "
                            "'28 days', not as keys and values")
        if not isinstance(value, str):
            return value
        match = _LIMIT.match(value.lower())
        unit = _UNIT_WORDS.get(match.group(2)) if match else None
        if not match or unit is None:
            raise ValueError(
                f"'{value}' is not a limit; write a whole number and a unit, like '28 days', "
                "'2 business days', '48 hours' or '10 minutes'"
            )
        return {"amount": int(match.group(1)), "unit": unit}

    @classmethod
    def suggest(cls, value: Any) -> str | None:
        """What to write for a limit given as keys and values: {days: 15} (or {amount: 15,
        unit: days}) → '15 days'; None when what was meant is unclear."""
        if not isinstance(value, dict):
            return None
        amount, word = value.get("amount"), value.get("unit")
        if len(value) == 1:
            [(word, amount)] = value.items()
        unit = _UNIT_WORDS.get(str(word).strip().lower())
        whole = isinstance(amount, int) and not isinstance(amount, bool) and amount >= 0
        return str(cls(amount=amount, unit=unit)) if unit is not None and whole else None

    def __str__(self) -> str:
        unit = self.unit.value
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


LimitText = Annotated[
    Limit,
    BeforeValidator(Limit.parse),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["28 days", "2 business days", "10 minutes"]}),
]


class Publication(Strict):
    """``publication:`` in catalogue.yaml: how the public performance statement is made."""

    title: str = Field("Service performance statement",
                       description="The statement's heading.")
    suppress_below: int = Field(
        10, ge=0, description="In the public statement, a cell with fewer cases than this "
        "is shown as suppressed, so no one can be identified (0: suppress nothing). The "
        "internal workbook shows every cell.")


class Attribute(StrEnum):
    """The service attribute a standard serves (ISSA / Citizen-Centric Services)."""

    timeliness = "timeliness"
    access = "access"
    accuracy = "accuracy"
    responsiveness = "responsiveness"
    satisfaction = "satisfaction"
    respect = "respect"
    reliability = "reliability"
    transparency = "transparency"
    fairness = "fairness"


class Severity(StrEnum):
    """How serious an alert is."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


IDENTIFIER = r"^[a-z][a-z0-9_]*$"
