"""How numbers are shown to people: percentages that never hide a miss, segments, targets."""

from __future__ import annotations

from fractions import Fraction


def show_percent(value: Fraction | float | None, target: Fraction | None = None,
                 decimals: int = 1) -> str:
    """One decimal, unless rounding would make a value look equal to its target:
    79.96% against 80% is shown as 79.96%, not 80.0%."""
    if value is None:
        return "—"
    exact = Fraction(value)
    places = decimals
    while places < 6 and target is not None and exact != target and \
            _round(exact, places) == _round(target, places):
        places += 1
    return f"{float(exact):.{places}f}%"


def show_value(value: Fraction | float | None, unit: str, target: Fraction | None = None
               ) -> str:
    """A value in its unit: 82.5%, 4.33 per 1,000, 19.40 days, 4.21 (a score)."""
    if unit == "%":
        return show_percent(value, target)
    if value is None:
        return "—"
    exact = Fraction(value)
    places = 2
    while places < 6 and target is not None and exact != target and \
            _round(exact, places) == _round(target, places):
        places += 1
    return f"{float(exact):,.{places}f}{' ' + unit if unit else ''}"


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
