"""What every measure kind shares: population, periods, segments, and the one aggregation.

A kind (one module each) turns the population's rows into four row-level columns:

* ``_num`` — how much this row adds to the numerator (0 or 1, or a reported count)
* ``_den`` — how much it adds to the denominator
* ``_pdate`` — the date that places the row in a period
* ``_reason`` — null when the row is counted, else why it is left out (stated, counted)

and optionally ``_open_overdue`` (1 for an open case counted as a miss). This module
then places rows in periods and sums them per period and segment — all in the query
engine, in one pass per segmentation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

import ibis
import pyarrow as pa

from engine import calendar, expr
from engine.model.catalogue import Calendar
from engine.model.dataset import ColumnType, Dataset
from engine.model.standard import PeriodKind, Standard

BLANK_SEGMENT = "(blank)"


@dataclass(frozen=True)
class Context:
    as_of: dt.date
    calendar: Calendar
    fiscal_year_start: int
    backend: Any  # an Ibis backend (DuckDB by default)


@dataclass(frozen=True)
class Cell:
    """One measured cell: a standard's numbers for one period and segment."""

    period_start: dt.date
    period_end: dt.date
    period: str
    segment: dict[str, str]
    numerator: int | float
    denominator: int | float
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Measured:
    standard: Standard
    cells: list[Cell]
    rows_in_population: int
    rows_outside_population: int
    excluded: dict[str, int]


class Kind(Protocol):
    """A measure kind module."""

    def rows(self, std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any: ...


def measure(kind: Kind, std: Standard, ds: Dataset, data: pa.Table, ctx: Context) -> Measured:
    table = ibis.memtable(data)
    total = _scalar(ctx, table.count())
    if std.population:
        types = ds.column_types()
        keep = expr.parse(std.population, types).to_ibis(table, ctx.as_of)
        # A row whose population condition is unknown (blank cells) is outside it.
        table = table.filter(keep.fill_null(False))
    inside = _scalar(ctx, table.count())
    rows = kind.rows(std, ds, table, ctx)
    if "_open_overdue" not in rows.columns:
        rows = rows.mutate(_open_overdue=ibis.literal(0))
    rows = _place_in_periods(rows, std, ds, ctx)
    excluded = _count_by(ctx, rows.filter(rows._reason.notnull()), "_reason")
    counted = rows.filter(rows._reason.isnull())
    cells: list[Cell] = []
    for columns in std.segment_sets():
        cells.extend(_aggregate(counted, std, columns, ctx))
    return Measured(std, cells, inside, total - inside, excluded)


def as_date(column: Any, kind: ColumnType) -> Any:
    return column.date() if kind is ColumnType.datetime else column


def _place_in_periods(rows: Any, std: Standard, ds: Dataset, ctx: Context) -> Any:
    period = std.period
    day = rows._pdate
    kind = period.kind
    if kind is PeriodKind.rolling:
        assert period.days is not None
        first = calendar.rolling_start(ctx.as_of, period.days)
        inside = (day >= first) & (day <= ctx.as_of)
        start = ibis.ifelse(inside, ibis.literal(first), ibis.null().cast("date"))
        reason = ibis.ifelse(day.notnull() & ~inside, "outside_window", rows._reason)
        return rows.mutate(_pstart=start, _reason=reason)
    if kind is PeriodKind.fiscal_year:
        shift = calendar.fiscal_start_month(period, ctx.fiscal_year_start) - 1
        start = (day - ibis.interval(months=shift)).truncate("Y") + ibis.interval(months=shift)
    else:
        start = day.truncate({PeriodKind.week: "W", PeriodKind.month: "M",
                              PeriodKind.quarter: "Q", PeriodKind.year: "Y"}[kind])
    reason = ibis.ifelse(rows._reason.isnull() & day.isnull(), "no_period_date", rows._reason)
    return rows.mutate(_pstart=start.cast("date"), _reason=reason)


def _aggregate(rows: Any, std: Standard, columns: tuple[str, ...], ctx: Context) -> list[Cell]:
    keys = [rows._pstart.name("_pstart")] + [
        rows[c].cast("string").fill_null(BLANK_SEGMENT).name(c) for c in columns
    ]
    grouped = rows.group_by(keys).aggregate(
        _num=rows._num.sum(), _den=rows._den.sum(), _open=rows._open_overdue.sum(),
        _n=rows.count(),
    )
    out = []
    for rec in ctx.backend.to_pyarrow(grouped).to_pylist():
        start = rec["_pstart"]
        counts = {"cases": int(rec["_n"])}
        if rec["_open"]:
            counts["open_overdue_counted"] = int(rec["_open"])
        out.append(Cell(
            period_start=start,
            period_end=calendar.period_end(std.period.kind, start, days=std.period.days),
            period=calendar.label(std.period.kind, start, days=std.period.days),
            segment={c: rec[c] for c in columns},
            numerator=_number(rec["_num"]), denominator=_number(rec["_den"]), counts=counts,
        ))
    return sorted(out, key=lambda c: (c.period_start, sorted(c.segment.items())))


def _number(value: Any) -> int | float:
    if value is None:
        return 0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _scalar(ctx: Context, expression: Any) -> int:
    return int(ctx.backend.to_pyarrow(expression).as_py())


def _count_by(ctx: Context, rows: Any, column: str) -> dict[str, int]:
    grouped = rows.group_by(column).aggregate(n=rows.count())
    return {r[column]: int(r["n"]) for r in ctx.backend.to_pyarrow(grouped).to_pylist()}
