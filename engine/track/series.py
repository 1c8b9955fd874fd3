"""A standard's history, per segment: this run's results, then earlier runs' from the store.

A period measured by this run takes this run's value; a period only earlier runs
measured (last year's extract) takes the value of the newest run that measured it.
Each point says where it came from, so every tracked figure traces back to a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from engine import calendar
from engine.model.results import Result, Verdict
from engine.model.standard import Standard
from engine.wording import segment_key

THIS_RUN = "this run"


@dataclass(frozen=True)
class Point:
    period: str
    start: dt.date
    end: dt.date
    value: Fraction | None
    numerator: int | float | None
    denominator: int | float | None
    cases: int | float
    target: str | None
    source: str


def point(result: Result, source: str) -> Point:
    """A result as a point of history; a result the minimum sample withheld (or with no
    cases) has no value, so it can neither set a baseline nor be assessed."""
    judged = result.verdict is not Verdict.insufficient_data
    value = Fraction(result.value_exact) if judged and result.value_exact is not None else None
    return Point(result.period, result.period_start, result.period_end, value,
                 result.numerator, result.denominator, result.cases,
                 str(result.target.value) if result.target is not None else None, source)


Series = dict[str, tuple[dict[str, str], list[Point]]]  # segment key → (segment, points)


def history(std: Standard, current: Iterable[Result],
            stored: Iterable[tuple[str, Result]] = ()) -> Series:
    """Every segment's points in period order. ``stored`` is (source, result), newest run
    first; a stored period of another period kind (the standard changed) is left out."""
    found: dict[str, tuple[dict[str, str], dict[dt.date, Point]]] = {}
    for source, result in [(THIS_RUN, r) for r in current] + list(stored):
        if result.standard != std.id or not _same_kind(std, result):
            continue
        _, points = found.setdefault(segment_key(result.segment), (result.segment, {}))
        points.setdefault(result.period_start, point(result, source))
    return {key: (segment, [points[d] for d in sorted(points)])
            for key, (segment, points) in sorted(found.items())}


def _same_kind(std: Standard, result: Result) -> bool:
    period = std.period
    return calendar.label(period.kind, result.period_start, days=period.days) == result.period
