"""Availability of a service: the share of scheduled service time it was available.

``availability`` reads an outage (incident) log — one row per outage, with when it began
(``from``) and ended (``to``; blank while still down) — and the service's ``schedule``
(days of the week and opening hours, by default all day every day; with
``business_days_only`` it is closed on the catalogue's public holidays and closures).
For each period from ``since`` to the as-of date:

    availability = (scheduled − maintenance − unplanned downtime) / (scheduled − maintenance)

Outages marked as announced maintenance by the ``maintenance`` condition are taken out of
the scheduled time rather than counted as downtime. Only the part of an outage inside
scheduled hours counts; overlapping outages are merged, so no second is counted twice;
an outage still open runs to the end of the as-of day; outages spanning two periods are
split between them. The numerator and denominator are whole seconds, so the verdict is
exact. A date column (no time of day) covers whole days.

Segments split the log by a column (the online service, the phone line); each segment
is reported for every period, with no downtime where it had no outage. The whole
population counts the time any outage in the log was open. The sample for
``minimum_sample`` is the number of scheduled days.

Example (met): target at least 99.5%; June has 30 days × 24 h = 2,592,000 scheduled
seconds, 4 hours of announced maintenance and 2 hours of unplanned outage →
2,570,400 / 2,577,600 = 99.72%, met. Example (breach): 16 hours of unplanned outage →
99.16%, breach.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from engine import calendar, expr
from engine.measure.base import BLANK_SEGMENT, Cell, Context, in_order
from engine.model.dataset import Dataset
from engine.model.standard import Availability, Standard

NAME = "availability"
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Span = tuple[dt.datetime, dt.datetime]


def cells(std: Standard, ds: Dataset, table: Any, ctx: Context
          ) -> tuple[list[Cell], dict[str, int]]:
    spec = std.measure.availability
    assert isinstance(spec, Availability)
    columns = sorted({c for cols in std.segment_sets() for c in cols})
    planned = (expr.parse(spec.maintenance, ds.column_types()).to_ibis(table, ctx.as_of)
               .fill_null(False) if spec.maintenance else False)
    picked = table.select(_from=table[spec.start], _to=table[spec.end], _planned=planned,
                          **{c: table[c].cast("string") for c in columns})
    records = ctx.backend.to_pyarrow(picked).to_pylist()
    open_days = _scheduled_days(spec, ctx)
    excluded: dict[str, int] = defaultdict(int)
    outages: list[tuple[Span, bool, dict[str, str]]] = []
    end_of_as_of = _moment(ctx.as_of + dt.timedelta(days=1))
    for rec in records:
        if rec["_from"] is None:
            excluded["missing_start"] += 1
            continue
        start = _moment(rec["_from"])
        stop = _moment(rec["_to"], end=True) if rec["_to"] is not None else end_of_as_of
        if stop < start:
            excluded["ends_before_start"] += 1
            continue
        segment = {c: rec[c] if rec[c] is not None else BLANK_SEGMENT for c in columns}
        outages.append(((start, min(stop, end_of_as_of)), bool(rec["_planned"]), segment))
    out: list[Cell] = []
    for cols in std.segment_sets():
        groups: dict[tuple[str, ...], list[tuple[Span, bool]]] = defaultdict(list)
        for span, is_planned, segment in outages:
            groups[tuple(segment[c] for c in cols)].append((span, is_planned))
        if not cols:
            groups.setdefault((), [])
        for values, spans in groups.items():
            out.extend(_periods(std, spec, ctx, dict(zip(cols, values, strict=True)), spans,
                                open_days))
    return in_order(out), dict(excluded)


def _periods(std: Standard, spec: Availability, ctx: Context, segment: dict[str, str],
             spans: list[tuple[Span, bool]], open_days: list[dt.date]) -> list[Cell]:
    maintenance = _merge([s for s, planned in spans if planned])
    unplanned = _merge([s for s, planned in spans if not planned])
    opens, closes = spec.schedule.window()
    per_period: dict[dt.date, list[int]] = {}
    for day in open_days:
        window = (_moment(day) + dt.timedelta(seconds=opens),
                  _moment(day) + dt.timedelta(seconds=closes))
        lost_m = _overlap(maintenance, window)
        # Downtime during maintenance is maintenance, not counted twice.
        lost_d = _overlap(unplanned, window) - _overlap_pairs(unplanned, maintenance, window)
        start = _period_start(std, ctx, day)
        if start is None:
            continue
        total = per_period.setdefault(start, [0, 0, 0, 0])
        total[0] += closes - opens
        total[1] += lost_m
        total[2] += lost_d
        total[3] += 1
    cells = []
    for start, (scheduled, lost_m, lost_d, days) in per_period.items():
        kind, length = std.period.kind, std.period.days
        cells.append(Cell(
            period_start=start, period_end=calendar.period_end(kind, start, days=length),
            period=calendar.label(kind, start, days=length), segment=segment,
            numerator=scheduled - lost_m - lost_d, denominator=scheduled - lost_m,
            sample=days, counts={"scheduled_seconds": scheduled, "maintenance_seconds": lost_m,
                                 "downtime_seconds": lost_d,
                                 "outages": sum(1 for _ in spans)},
        ))
    return cells


def _scheduled_days(spec: Availability, ctx: Context) -> list[dt.date]:
    first = spec.since
    if first > ctx.as_of:
        return []
    counts = dict(calendar.business_days(ctx.calendar, first, ctx.as_of))
    wanted = {_DAYS.index(d.value) for d in spec.schedule.days}
    days, previous = [], counts[first] - 1 if counts[first] else 0
    for day, count in counts.items():
        business = count > previous
        previous = count
        if day.weekday() in wanted and (business or not spec.schedule.business_days_only):
            days.append(day)
    return days


def _period_start(std: Standard, ctx: Context, day: dt.date) -> dt.date | None:
    """The start of the period ``day`` falls in; None outside a rolling window."""
    return calendar.start_of(std.period, day, ctx.as_of, ctx.fiscal_year_start)


def _moment(value: dt.date | dt.datetime, *, end: bool = False) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value + dt.timedelta(days=1 if end else 0), dt.time())


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


def _overlap(spans: list[Span], window: Span) -> int:
    return sum(_seconds(max(a, window[0]), min(b, window[1])) for a, b in spans)


def _overlap_pairs(first: list[Span], second: list[Span], window: Span) -> int:
    return sum(_seconds(max(a, c, window[0]), min(b, d, window[1]))
               for a, b in first for c, d in second)


def _seconds(start: dt.datetime, stop: dt.datetime) -> int:
    return max(0, int((stop - start).total_seconds()))


def describe(spec: Availability) -> str:
    days = ", ".join(d.value for d in spec.schedule.days)
    closed = ", closed on public holidays" if spec.schedule.business_days_only else ""
    planned = (f" Outages where {spec.maintenance} holds are announced maintenance, taken out "
               "of the scheduled time." if spec.maintenance else "")
    return (f"The share of scheduled time ({days}, {spec.schedule.hours}{closed}) since "
            f"{spec.since} not lost to outages (from {spec.start} to {spec.end}; overlaps "
            f"counted once).{planned}")
