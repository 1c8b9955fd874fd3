"""The statement's improvement goals and initiatives: the goals table, the path and
forecast drawn on a standard's chart, and what is withheld when any of it rests on a
suppressed figure — a least-squares forecast, a path from a baseline, or an initiative's
before and after would each give a withheld value away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.model.results import Result
from engine.model.tracking import Impact, Tracking
from engine.report import chart
from engine.report.published import (
    STATUS_CSS,
    SUPPRESSED,
    Badge,
    Cells,
    Figure,
    anchor,
)
from engine.report.summary import level_number
from engine.report.tracking import STATUS_MARK, impact_words
from engine.wording import show_float, show_float_level, show_segment


@dataclass(frozen=True)
class GoalRow:
    anchor: str
    standard: str
    segment: str
    baseline: Figure
    baseline_period: str
    latest: Figure
    latest_period: str
    path_now: str
    goal: str
    forecast: str
    status: Badge


def chart_goal(t: Tracking, series: list[Result], cells: Cells) -> chart.Goal:
    start = series[0].period_start
    # The path starts at the baseline, on the baseline period's last day when the chart
    # shows that period.
    base = [(x.period_end, t.baseline.value) for x in series
            if x.period == t.baseline.period and t.baseline.value is not None]
    path = [] if baseline_withheld(t, cells) else base[:1] + [
        (p.period_end, p.expected) for p in t.history
        if p.expected is not None and p.period_end >= start]
    last = path[-1][0] if path else start
    if path:
        for m in t.milestones:
            day, level = _milestone(m)
            if day is not None and level is not None and last < day < t.by:
                path.append((day, level))
        if t.by > last:
            path.append((t.by, t.goal))
    f = t.forecast
    shown_forecast = f.value is not None and not forecast_withheld(t, cells)
    return chart.Goal(
        path=path, stepped=t.path == "stepped", goal=t.goal, by=t.by,
        note=f"Goal: {show_float_level(t.goal, t.unit)} by {t.by.isoformat()}",
        forecast=f.value if shown_forecast else None,
        lower=f.lower if shown_forecast else None, upper=f.upper if shown_forecast else None,
        forecast_note=forecast_words(t) if shown_forecast else "")


def goal_row(t: Tracking, cells: Cells) -> GoalRow:
    base_hidden = baseline_withheld(t, cells)
    latest_why = cells.why(t.standard, t.latest_period, t.segment)
    icon, words = STATUS_MARK[t.status].split(" ", 1)
    f = t.forecast
    if f.value is None:
        forecast = f"none: {f.reason}" if f.reason else "none"
    elif forecast_withheld(t, cells):
        forecast = SUPPRESSED
    else:
        forecast = f"{show_float(f.value, t.unit)} ({show_float(f.lower, t.unit)} to " \
                   f"{show_float(f.upper, t.unit)}) for {f.period}"
    why = cells.why(t.standard, t.baseline.period, t.segment)
    return GoalRow(
        anchor=anchor("std", t.standard), standard=t.standard,
        segment=show_segment(t.segment).capitalize() if not t.segment
        else show_segment(t.segment),
        baseline=cells.withheld(why) if why else Figure(show_float(t.baseline.value, t.unit), ""),
        baseline_period=t.baseline.period,
        latest=cells.withheld(latest_why) if latest_why
        else Figure(show_float(t.latest, t.unit), ""),
        latest_period=t.latest_period or "",
        path_now=SUPPRESSED if base_hidden else show_float(t.expected_now, t.unit),
        goal=f"{show_float_level(t.goal, t.unit)} by {t.by.isoformat()}", forecast=forecast,
        status=Badge(icon, words[:1].upper() + words[1:], STATUS_CSS[t.status]))


def goal_note(t: Tracking, cells: Cells) -> str:
    words = STATUS_MARK[t.status].split(" ", 1)[1]
    text = f"Improvement goal: {show_float_level(t.goal, t.unit)} by {t.by.isoformat()}; {words}"
    if t.forecast.value is not None and not forecast_withheld(t, cells):
        text += f". {forecast_words(t)}"
    return text + "."


def forecast_words(t: Tracking) -> str:
    f = t.forecast
    return (f"Forecast for {f.period}: {show_float(f.value, t.unit)} (95% interval "
            f"{show_float(f.lower, t.unit)} to {show_float(f.upper, t.unit)})")


def baseline_withheld(t: Tracking, cells: Cells) -> bool:
    """The path starts at the baseline: a withheld baseline withholds the path."""
    return cells.why(t.standard, t.baseline.period, t.segment) is not None


def forecast_withheld(t: Tracking, cells: Cells) -> bool:
    """A least-squares forecast is a known sum of the values it was fitted to, so with
    one of them withheld it would give that one away."""
    f = t.forecast
    first = f.first or (t.history[0].period if t.history else "")
    last = f.last or (t.history[-1].period if t.history else "")
    return baseline_withheld(t, cells) or cells.any_between(t.standard, t.segment, first,
                                                             last)


def initiative_words(i: Impact, cells: Cells) -> str:
    windows = [w for w in (i.before, i.after) if w is not None]
    if any(cells.any_between(i.standard, i.segment, w.first, w.last) for w in windows):
        where = f" ({show_segment(i.segment)})" if i.segment else ""
        return (f"{i.initiative} (from {i.start}), {i.standard}{where}: not published, "
                "because it rests on figures suppressed for small numbers.")
    return impact_words(i)


def _milestone(m: dict[str, str]) -> tuple[dt.date | None, float | None]:
    level = level_number(m.get("value", ""))
    try:
        day = dt.date.fromisoformat(m.get("by", ""))
    except ValueError:
        return None, None
    return (day, float(level)) if level is not None else (None, None)
