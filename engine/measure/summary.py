"""Mean, median or percentile of a duration or a score.

``summary`` summarises one number per case: a duration between two dates in a unit
("the average claim is decided in 21 days", "90% of calls are answered within 180
seconds" read as the 90th percentile of the wait) or a number column (a satisfaction
score, a handling time already in seconds). Targets are numbers in the measure's unit:
``at_most: 21`` (days) or ``at_least: 4.2`` (points).

* **mean** — the exact sum divided by the count.
* **median** — the middle value; with an even count, the mean of the two middle values.
* **percentile** ``p`` — by ``method: nearest_rank`` (the default), the smallest value
  with at least p% of the cases at or below it, always a value that occurred; by
  ``method: linear``, interpolated between the two nearest values exactly as Excel's
  PERCENTILE.INC (and the median) does.

All three are computed exactly: a 90th percentile of 10 waits by nearest rank is the
9th smallest wait; a median of 20, 21, 23 and 30 days is 22 days.

A case with no value (open, or a blank cell) is left out and counted as ``open`` or
``missing_value``; a duration that ends before it starts as ``ends_before_start``.

Example (met): target at most 21 days; 30 pension claims decided in May with a mean of
19.4 days → met. Example (breach): median 24 days against at most 21 → breach.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import ibis

from engine import expr
from engine.measure.base import Cell, Context, group_keys, in_order, new_cell, period_date
from engine.measure.elapsed import Base, Clock, amount_in_base, base_of
from engine.model.common import Limit
from engine.model.dataset import ColumnType, Dataset
from engine.model.standard import PercentileMethod, Standard, Statistic, Summary

NAME = "summary"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = _spec(std)
    types = ds.column_types()
    if spec.value is not None:
        parsed = expr.parse(spec.value, types, want=expr.NUMBER)
        value = parsed.to_ibis(table, ctx.as_of)
        if any(types.get(c) is ColumnType.decimal for c in parsed.columns):
            value = value.cast("decimal(38, 9)")  # summed exactly, not in floating point
        reason = ibis.ifelse(value.isnull(), "missing_value", ibis.null().cast("string"))
        t = table
    else:
        assert spec.start and spec.end and spec.unit
        clock = Clock(table, types, ctx.as_of, ctx.calendar, ctx.backend)
        base = base_of(spec.unit)
        if base == Base.business_days:
            clock.join_business_days([spec.start, spec.end])
        value = clock.elapsed(base, spec.start, spec.end)
        t = clock.table
        reason = ibis.cases(
            (t[spec.start].isnull(), "missing_start"),
            (t[spec.end].isnull(), "open"),
            (value < 0, "ends_before_start"),
            else_=ibis.null().cast("string"),
        )
    return t.mutate(_val=value, _num=ibis.literal(0), _den=ibis.literal(1),
                    _pdate=period_date(std, ds, t), _reason=reason)


def aggregate(rows: Any, std: Standard, columns: tuple[str, ...], ctx: Context) -> list[Cell]:
    spec = _spec(std)
    keys = group_keys(rows, columns)
    names = [k.get_name() for k in keys]
    r = rows.mutate(*keys)
    if spec.statistic is Statistic.mean:
        grouped = r.group_by(names).aggregate(_sum=r._val.sum(), _n=r.count())
        out = [
            new_cell(std, rec, columns, numerator=_plain(rec["_sum"]), denominator=rec["_n"],
                     exact=_fraction(rec["_sum"]) / rec["_n"] / _unit(spec),
                     counts={"cases": rec["_n"]})
            for rec in ctx.backend.to_pyarrow(grouped).to_pylist()
        ]
        return in_order(out)
    p = Fraction(spec.p) if spec.p is not None else Fraction(50)
    nearest = spec.statistic is Statistic.percentile and \
        spec.method is PercentileMethod.nearest_rank
    w = ibis.window(group_by=names, order_by=r._val)
    r = r.mutate(_rn=ibis.row_number().over(w), _cnt=r._val.count().over(
        ibis.window(group_by=names)))
    a, b = p.numerator, p.denominator * 100
    if nearest:  # 0-based rank ceil(p·n) − 1
        lo = (r._cnt * a + b - 1) // b - 1
        hi = lo
    else:  # h = (n − 1)·p; the values at floor(h) and ceil(h)
        lo = (r._cnt - 1) * a // b
        hi = ((r._cnt - 1) * a + b - 1) // b
    picked = r.filter((r._rn == lo) | (r._rn == hi)).select(*names, "_rn", "_val", "_cnt")
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rec in ctx.backend.to_pyarrow(picked).to_pylist():
        found.setdefault(tuple(rec[n] for n in names), {**rec, "values": {}})[
            "values"][rec["_rn"]] = _fraction(rec["_val"])
    out = []
    for rec in found.values():
        n, values = rec["_cnt"], rec["values"]
        h = Fraction(0) if nearest else (n - 1) * p / 100
        low = values[min(values)]
        high = values[max(values)]
        value = low + (h - int(h)) * (high - low)
        out.append(new_cell(std, rec, columns, numerator=None, denominator=n,
                            exact=value / _unit(spec), counts={"cases": n}))
    return in_order(out)


def _spec(std: Standard) -> Summary:
    spec = std.measure.summary
    assert isinstance(spec, Summary)
    return spec


def _unit(spec: Summary) -> int:
    """Base units (days, business days, seconds) per unit of the result."""
    return amount_in_base(Limit(amount=1, unit=spec.unit)) if spec.unit else 1


def _fraction(value: Any) -> Fraction:
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(Decimal(value) if isinstance(value, Decimal) else Decimal(repr(value)))


def _plain(value: Any) -> int | float:
    return int(value) if isinstance(value, int) else float(value)


def describe(spec: Summary) -> str:
    if spec.statistic is Statistic.percentile:
        how = ("nearest rank: a value that occurred" if spec.method is
               PercentileMethod.nearest_rank else "interpolated as Excel's PERCENTILE.INC")
        what = f"The {spec.p}th percentile ({how}) of"
    else:
        what = f"The {spec.statistic.value} of"
    of = (spec.value if spec.value is not None
          else f"the {spec.unit.value if spec.unit else ''} from {spec.start} to {spec.end} "
          "(open cases left out)")
    return f"{what} {of}."
