"""Demand: the cases a dataset is expected to receive in the periods ahead.

The counts per complete period (:mod:`engine.measure.volume`) are forecast the same way
as a standard's values (:mod:`engine.track.forecast`): a linear trend, with seasonal
effects once every month or quarter appears twice; each period ahead with its 95%
prediction interval, never below zero. The period holding the as-of date is left out of
the history unless it is over: a part-month would look like a fall in demand.
"""

from __future__ import annotations

import datetime as dt

from engine import calendar
from engine.model.improvement import Demand
from engine.model.standard import PeriodKind
from engine.model.tracking import Demand as DemandRecord
from engine.model.tracking import DemandPoint
from engine.track.forecast import Observation, fit
from engine.track.trajectory import forecast_at


def forecast_demand(dataset: str, demand: Demand, counted: dict[dt.date, int | float],
                    left_out: dict[str, int], as_of: dt.date) -> DemandRecord:
    kind = PeriodKind(demand.period.value)
    history, seen = [], []
    left = dict(left_out)
    for start in sorted(counted):
        if calendar.period_end(kind, start) > as_of:
            left["period_not_over"] = left.get("period_not_over", 0) + 1
            continue
        label = calendar.label(kind, start)
        history.append(DemandPoint(period=label, period_start=start, cases=counted[start]))
        found = calendar.season(kind, start)
        seen.append(Observation(calendar.ordinal(kind, start), found[0] if found else None,
                                float(counted[start]), label))
    head = dict(dataset=dataset, by=demand.by, period_kind=kind.value,
                count=demand.count or "rows", history=history, left_out=left)
    seasons = calendar.season(kind, history[0].period_start) if history else None
    fitted = fit(seen, seasons[1] if seasons else None)
    if isinstance(fitted, str):
        return DemandRecord(**head, forecast=[], method=None, reason=fitted)
    ahead = []
    start = history[-1].period_start
    for _ in range(demand.horizon):
        start = calendar.shift(kind, start, 1)
        found = calendar.season(kind, start)
        ahead.append(forecast_at(fitted, calendar.ordinal(kind, start),
                                 found[0] if found else None, calendar.label(kind, start),
                                 "cases", seen))
    return DemandRecord(**head, forecast=ahead, method=fitted.method)
