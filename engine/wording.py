"""How numbers are shown to people: percentages that never hide a miss, segments, targets;
and how an alert ends, with its owner and next step."""

from __future__ import annotations

from fractions import Fraction

Marks = Fraction | float | None | tuple[Fraction | None, ...]


def show_percent(value: Fraction | float | None, target: Marks = None,
                 decimals: int = 1) -> str:
    """One decimal, unless rounding would make a value look equal to its target (or to
    any of several marks, such as a warning threshold): 79.96% against 80% is shown as
    79.96%, not 80.0%."""
    if value is None:
        return "—"
    return f"{float(value):.{places(value, target, decimals)}f}%"


def show_value(value: Fraction | float | None, unit: str, target: Marks = None) -> str:
    """A value in its unit: 82.5%, 4.33 per 1,000, 19.40 days, 4.21 (a score)."""
    if unit == "%":
        return show_percent(value, target)
    if value is None:
        return "—"
    return f"{float(value):,.{decimals_shown(value, unit, target)}f}" \
        f"{' ' + unit if unit else ''}"


def decimals_shown(value: Fraction | float, unit: str, target: Marks = None) -> int:
    """The decimals :func:`show_value` shows ``value`` with (1 for a percentage, 2 for
    other units, more near a target), for formats such as a spreadsheet's."""
    return places(value, target, 1 if unit == "%" else 2)


def show_gap(gap: Fraction | float, unit: str, decimals: int = 1) -> str:
    """How far from a target, never shown as 0 when it is not: '7.6 points',
    '0.04 points', '2.40 days'."""
    size = abs(Fraction(gap))
    return f"{float(size):.{places(size, Fraction(0), decimals)}f} " + (
        "points" if unit == "%" else (unit or "points"))


def places(value: Fraction | float, marks: Marks, start: int) -> int:
    """The decimals to show ``value`` with: ``start``, or more (up to 6) while it would
    round onto one of the ``marks`` it is not equal to."""
    exact = Fraction(value)
    wanted = [Fraction(m) for m in (marks if isinstance(marks, tuple) else (marks,))
              if m is not None]
    n = start
    while n < 6 and any(exact != m and _round(exact, n) == _round(m, n) for m in wanted):
        n += 1
    return n


def show_float(value: float | None, unit: str) -> str:
    """A value kept as a float (tracking, forecasts), shown as :func:`show_value` shows the
    decimal it was written as (0.1, not 0.1000000000000000055…)."""
    return show_value(Fraction(repr(value)) if value is not None else None, unit)


def show_float_level(value: float, unit: str) -> str:
    """A level kept as a float (a goal), as written: 90%, not 90.0%."""
    return show_level(Fraction(repr(value)), unit)


def show_level(level: Fraction, unit: str) -> str:
    """A target level as written: 80%, 4.5 per 1,000, 21 days."""
    text = f"{level.numerator}" if level.denominator == 1 else f"{float(level):g}"
    if unit == "%":
        return f"{text}%"
    return f"{text}{' ' + unit if unit else ''}"


def _round(value: Fraction, places: int) -> Fraction:
    scaled = value * 10**places
    return Fraction(round(scaled), 10**places)


def show_segment(segment: dict[str, str]) -> str:
    if not segment:
        return "all"
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in segment.items())


def segment_key(segment: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in segment.items()) or "all"


def show_number(number: int | float) -> str:
    return f"{number:,}" if isinstance(number, int) else f"{number:,.2f}"


def owner_and_next_step(owner: str, next_step: str) -> str:
    """How an alert's message ends, so that it can be forwarded alone: 'Owner: Benefits
    Processing. Next step: review the cases …' (a step gets its full stop if it has none)."""
    step = next_step.strip()
    if step and step[-1] not in ".!?":
        step += "."
    return " ".join([*([f"Owner: {owner.strip()}."] if owner.strip() else []),
                     *([f"Next step: {step}"] if step else [])])


def without_owner_and_next_step(message: str, owner: str, next_step: str) -> str:
    """``message`` without the ending :func:`owner_and_next_step` gave it (as it is, if it
    has none): what happened, for a listing that shows the owner and step apart."""
    tail = owner_and_next_step(owner, next_step)
    return message.removesuffix(f" {tail}") if tail else message
