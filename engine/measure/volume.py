"""Volume: how many cases a dataset received per period, for demand forecasts.

Every row the extract kept counts (the standards' populations do not apply: demand is
everything that arrives), placed in a period by the dataset's ``demand.by`` date; an
extract already counted sums its ``demand.count`` column or expression instead. Rows
without that date are counted as ``no_date``; rows dated after the as-of date as
``after_as_of``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pyarrow as pa

from engine import expr
from engine.measure.base import Context, used_rows
from engine.measure.elapsed import as_date
from engine.model.dataset import Dataset
from engine.model.improvement import Demand
from engine.model.standard import PeriodKind


def volumes(ds: Dataset, demand: Demand, data: pa.Table, ctx: Context
            ) -> tuple[dict[dt.date, int | float], dict[str, int]]:
    """Cases per period start, and rows left out by reason."""
    types = ds.column_types()
    table = used_rows(data, ctx)
    day = as_date(table[demand.by], types[demand.by]).cast("date")
    kind = PeriodKind(demand.period.value)
    if kind is PeriodKind.fiscal_year:
        month = ctx.fiscal_year_start
        start = ibis.date(day.year() - ibis.ifelse(day.month() < month, 1, 0), month, 1)
    else:
        start = day.truncate({PeriodKind.week: "W", PeriodKind.month: "M",
                              PeriodKind.quarter: "Q", PeriodKind.year: "Y"}[kind])
    count: Any = ibis.literal(1)
    if demand.count is not None:
        count = expr.parse(demand.count, types, want=expr.NUMBER).to_ibis(table, ctx.as_of)
    reason = ibis.cases((day.isnull(), "no_date"), (day > ctx.as_of, "after_as_of"),
                        else_=ibis.null().cast("string"))
    rows = table.mutate(_pstart=start.cast("date"), _reason=reason, _count=count)
    grouped = rows.group_by([rows._pstart, rows._reason]).aggregate(
        _n=rows.count(), _cases=rows._count.sum())
    counted: dict[dt.date, int | float] = {}
    left_out: dict[str, int] = {}
    for rec in ctx.backend.to_pyarrow(grouped).to_pylist():
        if rec["_reason"] is not None:
            left_out[rec["_reason"]] = left_out.get(rec["_reason"], 0) + rec["_n"]
        else:
            counted[rec["_pstart"]] = rec["_cases"] or 0
    return counted, left_out
