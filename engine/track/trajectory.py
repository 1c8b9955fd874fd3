"""Improvement goals: the path each period should be on, and the status against it.

**The path.** It starts at the baseline on the last day of the baseline period and ends
at the goal on the goal's date, through any milestones. ``linear`` draws a straight line
between those points; ``stepped`` holds each value until the next point's date, then
steps to it. A period is held against the path's value on its last day; after the goal's
date the path is the goal.

**The status of a period**, decided on exact values, in this order:

1. ``achieved`` — the value has reached the goal (at or above it; at or below for an
   ``at_most`` standard);
2. ``on_track`` — the value is at or ahead of the path;
3. ``at_risk`` — it is behind the path by no more than the tolerance, or, while the goal's
   date is ahead, the forecast for it (from the history up to this period) reaches the
   goal;
4. ``off_track`` — behind the path by more than the tolerance, and not forecast to reach
   the goal (or the goal's date has passed).

A period is ``not_assessed`` when it has no value (too few cases), when it is in or
before the baseline period, or when it is not over on the as-of date. The standard's
status is its latest assessed period's. Without enough history for a forecast the
status is decided on the path alone, and says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

from engine import calendar
from engine.model.improvement import Improvement, PathKind
from engine.model.standard import Period, PeriodKind, Rate, Standard
from engine.model.tracking import Baseline, Forecast, Tracking, TrackPoint, TrackStatus
from engine.track.forecast import Fit, Observation, fit
from engine.track.series import Point, Series
from engine.wording import show_level, show_number, show_value

Knot = tuple[dt.date, Fraction]


def track(std: Standard, series: Series, as_of: dt.date, fiscal_start: int, version: str,
          unit: str) -> list[Tracking]:
    """Every segment's tracking (the whole population first)."""
    goal = std.improvement
    assert goal is not None
    start = calendar.fiscal_start_month(std.period, fiscal_start)
    b_first, b_last = calendar.label_range(goal.baseline.period, start)
    whole = _baseline(std, series.get("all", ({}, []))[1], b_first, b_last, None)
    out = []
    for segment, points in series.values():
        base = whole if not segment else _baseline(std, points, b_first, b_last, whole)
        out.append(_track_one(std, goal, segment, points, base, b_last, as_of, start, version,
                              unit))
    return out


def _scale(std: Standard) -> Fraction | None:
    """What a pooled numerator / denominator is multiplied by (None: not poolable)."""
    if std.measure.kind == "summary":
        return Fraction(1) if std.measure.spec.statistic.value == "mean" else None
    if isinstance(std.measure.spec, Rate):
        return Fraction(std.measure.spec.per)
    return Fraction(100)


def _baseline(std: Standard, points: list[Point], first: dt.date, last: dt.date,
              whole: Baseline | None) -> Baseline:
    assert std.improvement is not None
    label = std.improvement.baseline.period
    given = std.improvement.baseline.value
    if given is not None and whole is None:
        published = Fraction(given.value)
        return Baseline(period=label, value=float(published), value_exact=str(published),
                        source="published")
    # Only periods with a value: one the minimum sample withheld cannot set a baseline.
    inside = [p for p in points
              if p.start >= first and p.end <= last and p.value is not None]
    exact = [p for p in inside if (p.start, p.end) == (first, last)]
    scale = _scale(std)
    value: Fraction | None = None
    if exact and exact[0].value is not None:
        value, how = exact[0].value, f"the value of {label} ({exact[0].source})"
    elif inside and scale is not None and all(p.numerator is not None for p in inside):
        num = sum((Fraction(str(p.numerator)) for p in inside), Fraction(0))
        den = sum((Fraction(str(p.denominator)) for p in inside), Fraction(0))
        if den:
            value = num * scale / den
            how = (f"computed from {inside[0].period} to {inside[-1].period} "
                   f"({len(inside)} period{'s' * (len(inside) != 1)}): {_count(num)} of "
                   f"{_count(den)}")
    if value is not None:
        return Baseline(period=label, value=float(value), value_exact=str(value), source=how)
    if whole is not None and given is not None:  # a segment without data: the published value
        return whole
    withheld = [p for p in points if p.start >= first and p.end <= last and p.cases]
    why = ("its results have fewer cases than the minimum sample"
           if not inside and withheld else "no results in the baseline period" if not inside
           else "its results cannot be pooled (give the published value)")
    return Baseline(period=label, value=None, value_exact=None, source=why)


def _count(total: Fraction) -> str:
    return show_number(int(total) if total.denominator == 1 else float(total))


def path_knots(goal: Improvement, baseline: Fraction, baseline_end: dt.date) -> list[Knot]:
    return [(baseline_end, baseline), *((m.by, Fraction(m.value.value)) for m in
                                        goal.milestones),
            (goal.goal.by, Fraction(goal.goal.value.value))]


def expected(knots: list[Knot], kind: PathKind, day: dt.date) -> Fraction:
    """The path's value on ``day``."""
    if day <= knots[0][0]:
        return knots[0][1]
    for (d0, v0), (d1, v1) in itertools.pairwise(knots):
        if day < d1:
            if kind is PathKind.stepped:
                return v0
            return v0 + (v1 - v0) * Fraction((day - d0).days, (d1 - d0).days)
    return knots[-1][1]


def _track_one(std: Standard, goal: Improvement, segment: dict[str, str], points: list[Point],
               base: Baseline, b_last: dt.date, as_of: dt.date, fiscal_start: int,
               version: str, unit: str) -> Tracking:
    sign = 1 if std.target[0].higher_is_better else -1
    target = Fraction(goal.goal.value.value)
    tolerance = Fraction(goal.tolerance)
    goal_at, goal_season = _goal_period(std.period, goal.goal.by, fiscal_start)
    knots = (path_knots(goal, Fraction(base.value_exact), b_last)
             if base.value_exact is not None else None)
    history: list[TrackPoint] = []
    latest: tuple[TrackPoint, Point, Fraction, Forecast] | None = None
    for i, p in enumerate(points):
        exp = expected(knots, goal.path, p.end) if knots and p.end > b_last else None
        forecast = _forecast(std, points[:i + 1], as_of, goal, goal_at, goal_season, unit)
        status, note = _status(p, exp, sign, target, tolerance, forecast, goal.goal.by, b_last,
                               as_of, base, unit)
        gap = sign * (p.value - exp) if p.value is not None and exp is not None else None
        tp = TrackPoint(
            period=p.period, period_start=p.start, period_end=p.end,
            value=float(p.value) if p.value is not None else None,
            value_exact=str(p.value) if p.value is not None else None,
            numerator=p.numerator, denominator=p.denominator, target=p.target,
            expected=float(exp) if exp is not None else None,
            gap=float(gap) if gap is not None else None, status=status, note=note,
            forecast_at_goal_date=forecast.value, source=p.source)
        history.append(tp)
        if status is not TrackStatus.not_assessed and exp is not None:
            latest = (tp, p, exp, forecast)
    common = dict(standard=std.id, standard_version=version, segment=segment, unit=unit,
                  direction="at_least" if sign > 0 else "at_most", baseline=base,
                  goal=float(target), by=goal.goal.by, path=goal.path.value,
                  milestones=[{"by": m.by.isoformat(), "value": str(m.value)}
                              for m in goal.milestones],
                  tolerance=float(tolerance), history=history)
    if latest is None:
        reason = _unassessed(base, history)
        forecast = _forecast(std, points, as_of, goal, goal_at, goal_season, unit)
        return Tracking(**common, latest=None, latest_period=None, expected_now=None, gap=None,
                        forecast_at_goal_date=forecast.value, forecast=forecast,
                        status=TrackStatus.not_assessed, status_reason=reason)
    tp, p, exp, forecast = latest
    assert p.value is not None
    left = goal_at[0] - calendar.ordinal(std.period.kind, p.start, days=std.period.days)
    needed = None
    if left > 0:
        needed = float(max(Fraction(0), sign * (target - p.value)) / left)
    reason = _reason(tp, std, unit, sign, tolerance, forecast, goal.goal.by, as_of)
    return Tracking(**common, latest=tp.value, latest_period=tp.period, expected_now=float(exp),
                    gap=tp.gap, forecast_at_goal_date=forecast.value, forecast=forecast,
                    needed_per_period=needed, periods_left=max(left, 0),
                    status=tp.status, status_reason=reason)


def _goal_period(period: Period, day: dt.date, fiscal_start: int
                 ) -> tuple[tuple[int, str], int | None]:
    """The ordinal and label, and the season, of the period that holds the goal's date."""
    if period.kind is PeriodKind.rolling:
        assert period.days is not None
        start = day - dt.timedelta(days=period.days - 1)
    else:
        start = calendar.period_start(period.kind, day, fiscal_start)
    found = calendar.season(period.kind, start)
    return ((calendar.ordinal(period.kind, start, days=period.days),
             calendar.label(period.kind, start, days=period.days)), found[0] if found else None)


def observations(std: Standard, points: list[Point], as_of: dt.date) -> list[Observation]:
    """The complete periods with a value, as a forecast's history."""
    out = []
    for p in points:
        if p.value is None or p.end > as_of:
            continue
        found = calendar.season(std.period.kind, p.start)
        out.append(Observation(calendar.ordinal(std.period.kind, p.start, days=std.period.days),
                               found[0] if found else None, float(p.value), p.period))
    return out


def _forecast(std: Standard, points: list[Point], as_of: dt.date, goal: Improvement,
              goal_at: tuple[int, str], goal_season: int | None, unit: str) -> Forecast:
    if points and goal.goal.by <= points[-1].end:
        return Forecast(reason=f"the goal's date {goal.goal.by} has passed")
    seen = observations(std, points, as_of)
    found = calendar.season(std.period.kind, points[-1].start) if points else None
    fitted = fit(seen, found[1] if found else None)
    if isinstance(fitted, str):
        return Forecast(reason=fitted, periods_used=len(seen))
    return forecast_at(fitted, goal_at[0], goal_season, goal_at[1], unit, seen)


def forecast_at(fitted: Fit, at: int, season: int | None, label: str, unit: str,
                seen: list[Observation]) -> Forecast:
    """The fitted forecast for one period, kept inside what the unit allows (0–100%,
    no negative counts)."""
    value, lower, upper = fitted.predict(at, season)
    high = 100.0 if unit == "%" else float("inf")

    def inside(x: float) -> float:
        return min(max(x, 0.0), high)

    return Forecast(period=label, value=inside(value), lower=inside(lower), upper=inside(upper),
                    method=fitted.method, periods_used=fitted.used, first=seen[0].period,
                    last=seen[-1].period)


def _status(p: Point, exp: Fraction | None, sign: int, target: Fraction, tolerance: Fraction,
            forecast: Forecast, by: dt.date, b_last: dt.date, as_of: dt.date, base: Baseline,
            unit: str) -> tuple[TrackStatus, str | None]:
    if base.value_exact is None:
        return TrackStatus.not_assessed, f"no baseline: {base.source}"
    if p.end <= b_last:
        return TrackStatus.not_assessed, "in or before the baseline period"
    if p.end > as_of:
        return TrackStatus.not_assessed, f"the period is not over on {as_of}"
    if p.value is None or exp is None:
        return TrackStatus.not_assessed, "no value (too few cases)"
    if sign * (p.value - target) >= 0:
        return TrackStatus.achieved, None
    behind = sign * (exp - p.value)
    if behind <= 0:
        return TrackStatus.on_track, None
    if behind <= tolerance:
        return TrackStatus.at_risk, "behind the path, within the tolerance"
    if by > p.end and forecast.value is not None and \
            sign * (Fraction(forecast.value) - target) >= 0:
        return TrackStatus.at_risk, "behind the path, but forecast to reach the goal"
    return TrackStatus.off_track, None


def _unassessed(base: Baseline, history: list[TrackPoint]) -> str:
    if base.value_exact is None:
        return f"not assessed: no baseline for {base.period} ({base.source})"
    if not history:
        return "not assessed: no results yet"
    return f"not assessed: {history[-1].note or 'no period after the baseline yet'}"


def _reason(tp: TrackPoint, std: Standard, unit: str, sign: int, tolerance: Fraction,
            forecast: Forecast, by: dt.date, as_of: dt.date) -> str:
    assert tp.value is not None and tp.expected is not None
    value = show_value(Fraction(tp.value_exact or 0), unit)
    path = show_value(tp.expected, unit)
    how_far = show_value(abs(tp.gap or 0), unit if unit != "%" else "").strip()
    points = " points" if unit == "%" else ""
    words = {
        TrackStatus.achieved: f"{tp.period} is {value}, at or past the goal",
        TrackStatus.on_track: f"{tp.period} is {value}, at or ahead of the path's {path}",
    }.get(tp.status)
    if words is None:
        words = f"{tp.period} is {value}, {how_far}{points} behind the path's {path}"
        tol = show_level(tolerance, "") + points
        if tp.status is TrackStatus.at_risk and tp.note and "tolerance" in tp.note:
            words += f" (within the tolerance of {tol})"
        elif tp.status is TrackStatus.at_risk:
            words += f" (more than {tol}), but the trend reaches the goal"
        else:
            words += f", more than the tolerance of {tol}"
            if by <= as_of:
                words += f", and the goal's date {by} has passed"
    if forecast.value is not None:
        words += (f"; forecast for {forecast.period}: {show_value(forecast.value, unit)} "
                  f"(95% interval {show_value(forecast.lower, unit)} to "
                  f"{show_value(forecast.upper, unit)}, {forecast.method})")
    elif forecast.reason:
        words += f"; no forecast: {forecast.reason}, so the status rests on the path alone"
    return words
