"""Share of cases completed within a limit.

``share_within`` counts, among the cases in the population, the share whose
completion (``to``) came no later than the limit after the start (``from``).
The limit is inclusive: "within 28 days" is met by a claim decided on day 28.

* **calendar days / weeks** — whole days between the two dates (times of day ignored);
  lodged 1 March and decided 29 March is 28 days: met; decided 30 March: not met.
* **business days** — business days after the start, by the catalogue's calendar
  (Monday to Friday, less public holidays and closures). A complaint received on
  Thursday 17 April 2025 and acknowledged on Tuesday 22 April took 2 business days in
  Ontario (Good Friday is a holiday): met within 2 business days.
* **hours / minutes / seconds** — exact elapsed time between two date-times.
* **due** — each case's own due-date column: met when completed on or before it.

Open cases (no ``to`` date on the as-of date): with ``open_cases: count_when_overdue``
a case already past its limit counts as not met, in the period of the as-of date when
periods are placed by the completion date (it is a breach now); an open case still
within its limit is left out and counted as ``open_within_limit``. With
``open_cases: exclude`` every open case is left out and counted.

Example (met): target at least 80%, 40 claims decided in May, 33 within 28 days →
82.5%, met. Example (breach): 40 claims, 31 within 28 days, plus 2 open claims already
past 28 days on the as-of date 31 May → 31 / 42 = 73.8%, breach.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa

from engine.calendar import business_days
from engine.measure.base import Context, as_date
from engine.model.common import LimitUnit
from engine.model.dataset import Dataset
from engine.model.standard import OpenCases, ShareWithin, Standard

NAME = "share_within"
_SECONDS = {LimitUnit.seconds: 1, LimitUnit.minutes: 60, LimitUnit.hours: 3600}


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.share_within
    assert isinstance(spec, ShareWithin)
    types = ds.column_types()
    start, end = table[spec.start], table[spec.end]
    start_day, end_day = as_date(start, types[spec.start]), as_date(end, types[spec.end])
    as_of = ibis.literal(ctx.as_of)

    if spec.due is not None:
        due = as_date(table[spec.due], types[spec.due])
        met, overdue, missing = end_day <= due, as_of > due, due.isnull()
    else:
        assert spec.limit is not None
        unit, amount = spec.limit.unit, spec.limit.amount
        missing = ibis.literal(False)
        if unit in _SECONDS:
            limit = amount * _SECONDS[unit]
            # An open case's clock runs to the end of the as-of day.
            now = ibis.literal(dt.datetime.combine(ctx.as_of + dt.timedelta(days=1), dt.time()))
            met = (end.epoch_seconds() - start.epoch_seconds()) <= limit
            overdue = (now.epoch_seconds() - start.epoch_seconds()) > limit
        elif unit is LimitUnit.business_days:
            table, done, so_far = _business_days(table, start_day, end_day, ctx)
            met, overdue = done <= amount, so_far > amount
        else:
            days = amount * (7 if unit is LimitUnit.weeks else 1)
            met = end_day.delta(start_day, unit="day") <= days
            overdue = as_of.delta(start_day, unit="day") > days
        start, end = table[spec.start], table[spec.end]
        start_day, end_day = as_date(start, types[spec.start]), as_date(end, types[spec.end])

    is_open = end.isnull()
    open_overdue = is_open & overdue
    counted_open = spec.open_cases is OpenCases.count_when_overdue
    reason = (
        ibis.cases(
            (start.isnull(), "missing_start"),
            (missing, "missing_due_date"),
            (is_open & ~overdue, "open_within_limit"),
            (open_overdue & ibis.literal(not counted_open), "open_overdue_excluded"),
            (~is_open & (end_day < start_day), "ends_before_start"),
            else_=ibis.null().cast("string"),
        )
    )
    by = as_date(table[std.period.by], types[std.period.by])
    # An overdue open case has no completion date; it is a breach now, on the as-of date.
    pdate = ibis.ifelse(by.isnull() & open_overdue, as_of, by)
    return table.mutate(
        _num=ibis.ifelse(~is_open & met, 1, 0),
        _den=ibis.literal(1),
        _open_overdue=ibis.ifelse(open_overdue, 1, 0),
        _pdate=pdate.cast("date"),
        _reason=reason,
    )


def _business_days(table: Any, start: Any, end: Any, ctx: Context) -> tuple[Any, Any, Any]:
    """Join the business-day calendar twice; return (table, elapsed done, elapsed so far)."""
    bounds = ctx.backend.to_pyarrow(table.aggregate(lo=start.min(), hi=end.max())).to_pylist()[0]
    first = bounds["lo"] or ctx.as_of
    last = max(filter(None, [bounds["hi"], ctx.as_of]))
    days, counts = zip(*business_days(ctx.calendar, first, last), strict=True)
    cal = ibis.memtable(pa.table({"_d": pa.array(days, pa.date32()), "_n": list(counts)}))
    as_of_count = dict(zip(days, counts, strict=True))[ctx.as_of] if ctx.as_of >= first else 0
    t = table.mutate(_sd=start.cast("date"), _ed=end.cast("date"))
    c1 = cal.rename(_sd="_d", _bs="_n")
    t = t.left_join(c1, "_sd")
    c2 = cal.rename(_ed="_d", _be="_n")
    t = t.left_join(c2, "_ed")
    t = t.drop(*[c for c in t.columns if c.endswith("_right")])
    return t, t._be - t._bs, ibis.literal(as_of_count) - t._bs
