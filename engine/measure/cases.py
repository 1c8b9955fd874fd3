"""Open cases that have passed their limit, or will within a few days: the few rows the
decision layer sees (never all of them).

A kind that measures cases against a deadline (``share_within``, ``advance_notice``)
already knows, for an as-of date, which open cases can no longer make it (its
``_open_overdue`` column). A case at risk within N days is one that is not late on the
as-of date but would be on the as-of date + N, if still open. So:

1. one scan of the population with the as-of date moved N days on selects every
   candidate — already late, or late by then;
2. on those few rows only, the kind is evaluated once for each day from the as-of date
   to N days on (the as-of date moved on row by row: ``Context.ahead``, one query); the
   first day a case is late says when it must be done by — the as-of date itself for a
   case already late.

Each case is identified by the standard's ``evidence`` columns (default: the dataset's
key), with the file and row it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from types import ModuleType
from typing import Any, cast

import ibis
import numpy as np
import polars as pl
import pyarrow as pa

from engine.measure.base import Context, population, segment_value
from engine.model.dataset import Dataset
from engine.model.standard import Standard


@dataclass(frozen=True)
class Case:
    """An open case past its limit (``overdue``), or one that must be done by ``due_by``."""

    file: str
    row: int
    ids: dict[str, str]  # the evidence columns and their values
    segment: dict[str, str]
    dates: dict[str, str]  # the kind's own dates (when it was opened, its due date…)
    due_by: dt.date  # the last day it could be completed in time (past, for a late case)
    overdue: bool

    @property
    def label(self) -> str:
        if self.ids:
            return ", ".join(f"{v}" for v in self.ids.values())
        return f"{self.file} row {self.row}"

    def evidence(self) -> dict[str, Any]:
        return {"case": self.label, "complete_by": self.due_by.isoformat(),
                **self.segment, **self.dates, **self.ids,
                "extract_file": self.file, "extract_row": self.row}


def supports(kind: ModuleType) -> bool:
    """Whether a kind measures open cases against a deadline."""
    return all(hasattr(kind, f) for f in ("open_column", "case_dates", "deadline"))


def select(kind: ModuleType, std: Standard, ds: Dataset, data: pa.Table, ctx: Context,
           within: int) -> list[Case]:
    """Open cases late on the as-of date, or late within ``within`` days (0: late only)."""
    # The few rows still open first (Polars, without a query to compile), then the
    # population among them.
    still_open = pl.col(kind.open_column(std.measure.spec)).is_null()
    if "_used" in data.column_names:  # the reader's rejected and blank rows stay out
        still_open = still_open & pl.col("_used")
    data = cast(pl.DataFrame, pl.from_arrow(data)).filter(still_open).drop(
        "_used", strict=False).to_arrow()
    table = population(std, ds, ibis.memtable(data), ctx)
    rows = kind.rows(std, ds, table.mutate(_ahead=ibis.literal(within)), _ahead(ctx))
    candidates = ctx.backend.to_pyarrow(  # every declared column, to evaluate them again
        rows.filter(rows._open_overdue == 1).select("_file", "_row", *ds.columns))
    if not candidates.num_rows:
        return []
    candidates = candidates.append_column(
        "_i", pa.array(np.arange(candidates.num_rows, dtype=np.int64)))
    days = _first_late(kind, std, ds, candidates, ctx, within)
    late = np.flatnonzero(days == 0)
    days[late] = _fell_due(kind, std, ds, candidates.take(pa.array(late)), ctx)
    ids = std.evidence or ds.key
    segments = sorted({c for cols in std.segment_sets() for c in cols})
    dates = kind.case_dates(std.measure.spec)
    out = []
    for rec, day in zip(candidates.to_pylist(), days.tolist(), strict=True):
        out.append(Case(
            file=rec["_file"], row=rec["_row"],
            ids={c: _text(rec[c]) for c in ids},
            segment={c: segment_value(rec[c]) for c in segments},
            dates={c: _text(rec[c]) for c in dates if rec[c] is not None},
            due_by=ctx.as_of + dt.timedelta(days=day), overdue=day <= 0))
    # Ties by what identifies the case, not by where it sits: the same cases come out in
    # the same order whatever the order of the rows and files they were read from.
    out.sort(key=lambda c: (c.due_by, tuple(c.dates.get(d) or "" for d in dates),
                            tuple(c.ids.values()), c.file, c.row))
    return out


def _ahead(ctx: Context) -> Context:
    return dataclasses.replace(ctx, ahead="_ahead")


def _first_late(kind: ModuleType, std: Standard, ds: Dataset, candidates: pa.Table,
                ctx: Context, within: int) -> np.ndarray:
    """For each candidate, the first day from the as-of date (0) on which it is late: each
    candidate once per day ahead, in one query."""
    if within == 0:
        return np.zeros(candidates.num_rows, dtype=np.int64)
    days = ibis.memtable(pa.table({"_ahead": pa.array(range(within + 1), pa.int64())}))
    rows = kind.rows(std, ds, ibis.memtable(candidates).cross_join(days), _ahead(ctx))
    late = rows.filter(rows._open_overdue == 1)
    first = ctx.backend.to_pyarrow(late.group_by("_i").aggregate(_days=late._ahead.min()))
    out = np.full(candidates.num_rows, within, dtype=np.int64)  # late then, by selection
    out[first["_i"].to_numpy()] = first["_days"].to_numpy()
    return out


def _fell_due(kind: ModuleType, std: Standard, ds: Dataset, rows: pa.Table,
              ctx: Context) -> np.ndarray:
    """For cases already late: the last day (before or on the as-of date) they could still
    have been done, in days from the as-of date (0 or less) — so the longest overdue come
    first and each says since when. A bisection, row by row, between :func:`_look_back`
    days ago (taken as in time) and the as-of date (late); lateness only grows with the
    date. The query is compiled once and run again on each step's days."""
    if not rows.num_rows:
        return np.zeros(0, dtype=np.int64)
    back = _look_back(rows, kind.case_dates(std.measure.spec), ctx.as_of)
    lo = np.full(rows.num_rows, -back, dtype=np.int64)  # in time at lo
    hi = np.zeros(rows.num_rows, dtype=np.int64)  # late at hi
    rows = rows.set_column(rows.schema.get_field_index("_i"), "_i",
                           pa.array(np.arange(rows.num_rows, dtype=np.int64)))
    if ctx.backend.name != "duckdb":  # any other engine: one query per step
        return _bisect(lambda days: _late_then(kind, std, ds, rows, days, ctx), lo, hi)
    con = ctx.backend.con  # DuckDB: the probe table is swapped under one compiled query
    sql: list[str] = []

    def probe(days: np.ndarray) -> np.ndarray:
        data = rows.append_column("_ahead", pa.array(days))
        con.register(_PROBE, data)
        if not sql:  # the first run goes through Ibis, which registers its own tables
            probed = ibis.table(ibis.Schema.from_pyarrow(data.schema), name=_PROBE)
            late_then = kind.rows(std, ds, probed, _ahead(ctx))
            query = late_then.select("_i", "_open_overdue").order_by("_i")
            sql.append(str(ibis.to_sql(query, dialect="duckdb")))
            found = ctx.backend.to_pyarrow(query)
        else:
            found = con.sql(sql[0]).to_arrow_table()
        return found["_open_overdue"].to_numpy() == 1

    probe(lo)  # built over the widest span, so its calendar covers every later step
    hi = _bisect(probe, lo, hi)
    con.unregister(_PROBE)
    return hi


def _bisect(probe: Any, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    while (hi - lo > 1).any():
        mid = (lo + hi) // 2
        late = probe(mid)
        hi = np.where(late, mid, hi)
        lo = np.where(late, lo, mid)
    return hi


def _late_then(kind: ModuleType, std: Standard, ds: Dataset, rows: pa.Table,
               days: np.ndarray, ctx: Context) -> np.ndarray:
    """Whether each row is late with the as-of date moved ``days`` on (portable: the rows
    go in as an Ibis memtable, so the query is compiled again on each step)."""
    data = rows.append_column("_ahead", pa.array(days))
    late_then = kind.rows(std, ds, ibis.memtable(data), _ahead(ctx))
    found = ctx.backend.to_pyarrow(late_then.select("_i", "_open_overdue").order_by("_i"))
    return found["_open_overdue"].to_numpy() == 1


def _look_back(rows: pa.Table, dates: list[str], as_of: dt.date) -> int:
    """How far back to look: to the earliest of the cases' own dates, and two years more
    (a deadline can lie before the date it is counted back from: notice before an event)."""
    days = [d for name in dates for d in rows[name].to_pylist() if d is not None]
    earliest = min((d.date() if isinstance(d, dt.datetime) else d for d in days),
                   default=as_of)
    return max((as_of - earliest).days, 0) + 731


_PROBE = "_engine_case_probe"


def _text(value: Any) -> str:
    """A cell as a case alert shows it: a segment as results label it, a blank as ''."""
    return "" if value is None else segment_value(value)
