"""The impact of a quality initiative: the change from before its start to after it.

**The windows.** *After* is every complete period that began on or after the start
(at most ``window``); *before* is as many periods just before the period that holds the
start. That period itself, part before and part after, is left out. At least
:data:`MIN_PERIODS` periods with a value are needed on each side.

**Seasonal adjustment.** Where the periods are months or quarters and every month (or
quarter) appears at least twice before the start, each one's usual effect is estimated
from all the history before the start (least squares: trend plus an effect per month,
:mod:`engine.track.forecast`) and taken off every value first, so a winter-to-summer
comparison does not pass for an improvement.

**The change** is the mean of the after window less the mean of the before window, with
Welch's 95% confidence interval, which does not assume the two windows vary alike. The
change is *distinguishable from noise* when the interval leaves out zero.

**The cost per additional case.** For a percentage, the change in points × the cases in
the after window ÷ 100 is how many more cases met the standard than the before level
would have given; the initiative's cost divided by that is its cost per additional case,
with the range from the interval's bounds when the whole interval is an improvement.
"""

from __future__ import annotations

import datetime as dt
import math
from statistics import fmean, variance

from engine import calendar
from engine.model.improvement import Initiative
from engine.model.standard import Standard
from engine.model.tracking import Impact, Window
from engine.track.forecast import LEVEL, fit
from engine.track.series import Point
from engine.track.trajectory import observations

MIN_PERIODS = 3


def impact(initiative: Initiative, std: Standard, segment: dict[str, str], points: list[Point],
           as_of: dt.date, unit: str) -> Impact:
    head = dict(initiative=initiative.name, start=initiative.start, standard=std.id,
                segment=segment, unit=unit,
                cost=float(initiative.cost) if initiative.cost is not None else None,
                currency=initiative.currency)
    complete = [p for p in points if p.value is not None and p.end <= as_of]
    after = [p for p in complete if p.start >= initiative.start]
    before_all = [p for p in complete if p.end < initiative.start]
    k = min(len(after), initiative.window or len(after), len(before_all))
    if k < MIN_PERIODS:
        side = "after the start" if len(after) <= len(before_all) else "before the start"
        have = min(len(after), len(before_all))
        return Impact(**head, finding="not assessed",
                      reason=f"{have} complete period{'s' * (have != 1)} with a value {side}; "
                      f"at least {MIN_PERIODS} are needed on each side")
    after, before = after[:k], before_all[-k:]
    effects = _seasonal(std, before_all, as_of)
    adjust = (lambda p: float(p.value) - effects[_season(std, p)]) if effects else \
        (lambda p: float(p.value))
    a, b = [adjust(p) for p in after], [adjust(p) for p in before]
    change = fmean(a) - fmean(b)
    lower, upper = _welch(a, b, change)
    sign = 1 if std.target[0].higher_is_better else -1
    distinguishable = lower > 0 or upper < 0
    finding = ("no distinguishable change" if not distinguishable else
               "improved" if sign * change > 0 else "worsened")
    cases_after = sum(p.cases for p in after)
    extra = per_case = per_case_range = None
    if unit == "%":
        extra = sign * change * cases_after / 100
        if initiative.cost is not None and extra > 0:
            per_case = float(initiative.cost) / extra
            worst, best = sorted((sign * lower, sign * upper))
            if worst > 0:
                per_case_range = (float(initiative.cost) / (best * cases_after / 100),
                                  float(initiative.cost) / (worst * cases_after / 100))
    what = "mean of the periods after less the mean of as many before, Welch's interval"
    return Impact(
        **head, before=_window(before, b), after=_window(after, a),
        seasonal_adjustment=bool(effects),
        method=(what + ("; each period's usual seasonal effect, estimated from "
                        f"{len(before_all)} periods before the start, taken off first"
                        if effects else "")),
        change=change, lower=lower, upper=upper, distinguishable=distinguishable,
        finding=finding, additional_cases=extra, cost_per_additional_case=per_case,
        cost_per_additional_case_range=per_case_range)


def _season(std: Standard, p: Point) -> int:
    found = calendar.season(std.period.kind, p.start)
    assert found is not None
    return found[0]


def _seasonal(std: Standard, history: list[Point], as_of: dt.date) -> dict[int, float]:
    """Each season's effect from the history before the start, when it is long enough."""
    found = calendar.season(std.period.kind, history[0].start) if history else None
    if found is None:
        return {}
    fitted = fit(observations(std, history, as_of), found[1])
    if isinstance(fitted, str) or fitted.seasons is None:
        return {}
    return fitted.seasonal_effects()


def _welch(a: list[float], b: list[float], change: float) -> tuple[float, float]:
    from scipy.special import stdtrit

    va, vb = variance(a) / len(a), variance(b) / len(b)
    spread = math.sqrt(va + vb)
    if spread == 0:
        return change, change
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    t = float(stdtrit(df, 0.5 + LEVEL / 2))
    return change - t * spread, change + t * spread


def _window(points: list[Point], values: list[float]) -> Window:
    return Window(first=points[0].period, last=points[-1].period, periods=len(points),
                  mean=fmean(values), cases=sum(p.cases for p in points))
