"""Open cases that have passed their limit, or will within a few days: the few rows the
decision layer sees (never all of them).

A kind that measures cases against a deadline (``share_within``, ``advance_notice``)
already knows, for an as-of date, which open cases can no longer make it (its
``_open_overdue`` column). A case at risk within N days is one that is not late on the
as-of date but would be on the as-of date + N, if still open. So:

1. one scan of the population's open rows, each on the as-of date and with the as-of
   date moved N days on (row by row: ``Context.ahead``), selects every candidate —
   already late, or late by then;
2. on those few rows only, a search finds the first day each is late: for a case not
   late yet, the day it must be done by; for one already late, the day it fell due,
   before the as-of date (looking back to two years before the earliest of the cases'
   own dates). Each run of the query tries every case on several days at once, and a
   few runs narrow them all down to the day. This rests on a kind's lateness only
   growing as the date moves on, as it does for every deadline: a case late on one day
   is late on every later day.

On DuckDB the kind's query is built and compiled once, over a view of rows with their
days ahead that each run points at other rows: compiling a query is most of the work on
a small extract. Each case is identified by the standard's ``evidence`` columns
(default: the dataset's key), with the file and row it came from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from engine import calendar
from engine.measure.base import Context, population, segment_value, used_rows
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
    # The period whose results place it, as the measure does: by its ``period.by`` date, or
    # the as-of date's when that is blank; None outside a rolling window. A case alert can
    # list cases of several periods: the as-of date's and earlier ones still open.
    period: str | None

    @property
    def label(self) -> str:
        if self.ids:
            return ", ".join(f"{v}" for v in self.ids.values())
        return f"{self.file} row {self.row}"

    def evidence(self) -> dict[str, Any]:
        # results_period, not period: a column of the extract may be called that.
        return {"case": self.label, "complete_by": self.due_by.isoformat(),
                "results_period": self.period, **self.segment, **self.dates, **self.ids,
                "extract_file": self.file, "extract_row": self.row}


def supports(kind: ModuleType) -> bool:
    """Whether a kind measures open cases against a deadline."""
    return all(hasattr(kind, f) for f in ("open_column", "case_dates", "deadline"))


def select(kind: ModuleType, std: Standard, ds: Dataset, data: pa.Table, ctx: Context,
           within: int) -> list[Case]:
    """Open cases late on the as-of date, or late within ``within`` days (0: late only)."""
    dates = kind.case_dates(std.measure.spec)
    probing = _Compiled if ctx.backend.name == "duckdb" else _Portable
    with probing(kind, std, ds, data, ctx, within) as probe:
        candidates, late_on = probe.candidates()
        days = _first_late(probe, candidates, late_on, dates, ctx.as_of,
                           reach=_reach(kind, std))
    return _cases(candidates, days, std, ds, dates, ctx)


class _Probe(Protocol):
    def candidates(self) -> tuple[pa.Table, np.ndarray]:
        """The open rows of the population late on the as-of date or ``within`` days on
        (``_file``, ``_row`` and the dataset's columns), and for each 0 if it is late on
        the as-of date already, else ``within``: every row tried on both days, in one run."""

    def late_then(self, rows: pa.Table, which: np.ndarray, days: np.ndarray
                  ) -> np.ndarray:
        """For each probe ``k``: whether row ``which[k]`` of ``rows`` (candidates) is late
        with the as-of date moved ``days[k]`` on."""



class _Compiled:
    """DuckDB: the kind's query, built and compiled once over the view ``_PROBE`` (rows
    with a column of days ahead), then run with the view pointed at other rows: the
    extract's rows to select the candidates, then the candidates with the days each
    probe moves them on."""

    def __init__(self, kind: ModuleType, std: Standard, ds: Dataset, data: pa.Table,
                 ctx: Context, within: int) -> None:
        self.kind, self.std, self.ds, self.data, self.ctx = kind, std, ds, data, ctx
        self.within, self.con = within, ctx.backend.con
        self.columns = ["_file", "_row", *ds.columns]

    def __enter__(self) -> _Compiled:
        self.con.register(_ROWS, self.data)
        # The query is kept for as long as its SQL runs: Ibis holds the tables it
        # registered (a calendar) for the expressions that use them.
        self.query = self._build()
        self.sql = str(self.ctx.backend.compile(self.query))
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.con.execute(f"DROP VIEW IF EXISTS {_PROBE}")
        finally:
            for name in (_ROWS, _CASES, _DAYS):
                self.con.unregister(name)

    def candidates(self) -> tuple[pa.Table, np.ndarray]:
        self._point(self._extract(sorted({0, self.within})))
        return _first_of_each(self.con.sql(
            f"SELECT {', '.join(_quoted(c) for c in self.columns)}, _ahead "
            f"FROM ({self.sql}) WHERE _open_overdue = 1").to_arrow_table())

    def late_then(self, rows: pa.Table, which: np.ndarray, days: np.ndarray
                  ) -> np.ndarray:
        self.con.register(_CASES, rows.append_column(
            "_of", pa.array(np.arange(rows.num_rows, dtype=np.int64))))
        self.con.register(_DAYS, pa.table({
            "_i": pa.array(np.arange(len(which), dtype=np.int64)), "_of": which,
            "_ahead": days}))
        self._point(f"SELECT c.* EXCLUDE (_of), d._i, d._ahead FROM {_DAYS} AS d "
                    f"JOIN {_CASES} AS c ON c._of = d._of")
        found = self.con.sql(f"SELECT _i, _open_overdue FROM ({self.sql})").to_arrow_table()
        return _late_flags(found, len(which))

    def _build(self) -> Any:
        """The query, built over the extract's rows with the earliest and the latest day
        it will be run for, so that a business-day calendar the kind joins covers every
        run."""
        self._point(self._extract([-self._back(), self.within]))
        schema = self.data.select(self.columns).schema.append(
            pa.field("_i", pa.int64())).append(pa.field("_ahead", pa.int64()))
        probed = ibis.table(ibis.Schema.from_pyarrow(schema), name=_PROBE)
        query = _rows_ahead(self.kind, self.std, self.ds, probed, self.ctx).select(
            *self.columns, "_i", "_ahead", "_open_overdue")
        # Ibis registers the tables it holds in memory (a calendar) as it runs a query;
        # this one runs as SQL, so they are registered first.
        self.ctx.backend._run_pre_execute_hooks(query)
        return query

    def _back(self) -> int:
        """:func:`_look_back` over the extract's open rows in use: as far back as any
        open case can have fallen due."""
        dates = list(dict.fromkeys(self.kind.case_dates(self.std.measure.spec)))
        is_open = f"{_quoted(self.kind.open_column(self.std.measure.spec))} IS NULL"
        earliest = self.con.sql(
            f"SELECT {', '.join(f'min({_quoted(d)}) AS {_quoted(d)}' for d in dates)} "
            f"FROM {_ROWS} WHERE {self._in_use()} AND {is_open}").to_arrow_table()
        return _look_back(earliest, dates, self.ctx.as_of, _reach(self.kind, self.std))

    def _extract(self, days: list[int]) -> str:
        """The extract's rows in use, each once for every day of ``days``."""
        return (f"SELECT {', '.join(_quoted(c) for c in self.columns)}, NULL::BIGINT AS _i, "
                f"d._ahead FROM {_ROWS} CROSS JOIN (VALUES "
                f"{', '.join(f'({day}::BIGINT)' for day in days)}) AS d(_ahead) "
                f"WHERE {self._in_use()}")

    def _in_use(self) -> str:
        """A condition that leaves out the reader's rejected and blank rows."""
        return "_used" if "_used" in self.data.column_names else "TRUE"

    def _point(self, rows: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {_PROBE} AS {rows}")


class _Portable:
    """Any other engine: the extract as the backend already holds it (``used_rows``), and
    each query compiled on its own."""

    def __init__(self, kind: ModuleType, std: Standard, ds: Dataset, data: pa.Table,
                 ctx: Context, within: int) -> None:
        self.kind, self.std, self.ds, self.data, self.ctx = kind, std, ds, data, ctx
        self.within = within

    def __enter__(self) -> _Portable:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def candidates(self) -> tuple[pa.Table, np.ndarray]:
        days = ibis.memtable(pa.table({"_ahead": pa.array(sorted({0, self.within}),
                                                          pa.int64())}))
        table = used_rows(self.data, self.ctx).cross_join(days)
        rows = _rows_ahead(self.kind, self.std, self.ds, table, self.ctx)
        late = rows.filter(rows._open_overdue == 1)
        return _first_of_each(self.ctx.backend.to_pyarrow(
            late.select("_file", "_row", *self.ds.columns, "_ahead")))

    def late_then(self, rows: pa.Table, which: np.ndarray, days: np.ndarray
                  ) -> np.ndarray:
        probes = rows.take(pa.array(which)).append_column(
            "_i", pa.array(np.arange(len(which), dtype=np.int64))).append_column(
            "_ahead", pa.array(days))
        late = self.kind.rows(self.std, self.ds, ibis.memtable(probes), _ahead(self.ctx))
        found = self.ctx.backend.to_pyarrow(late.select("_i", "_open_overdue"))
        return _late_flags(found, len(which))


def _rows_ahead(kind: ModuleType, std: Standard, ds: Dataset, table: Any, ctx: Context
                ) -> Any:
    """The kind's rows for the open rows of the population, each with the as-of date moved
    on by its ``_ahead`` days."""
    table = table.filter(table[kind.open_column(std.measure.spec)].isnull())
    return kind.rows(std, ds, population(std, ds, table, ctx), _ahead(ctx))


def _ahead(ctx: Context) -> Context:
    return dataclasses.replace(ctx, ahead="_ahead")


def _late_flags(found: pa.Table, count: int) -> np.ndarray:
    """Whether each of ``count`` probes is late, from a result of ``_i`` (the probe) and
    ``_open_overdue``, in any order."""
    late = np.zeros(count, dtype=bool)
    late[found["_i"].to_numpy()] = found["_open_overdue"].to_numpy() == 1
    return late


def _first_of_each(found: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """The candidates, each once, and the first of the days tried on which each is late,
    from the rows found late (a row once per day, in ``_ahead``). Rows are told apart by
    their file and row, not by their values: an engine may group -0.0 with 0.0."""
    files = found["_file"].combine_chunks()
    if not pa.types.is_dictionary(files.type):
        files = pc.dictionary_encode(files)
    file = files.indices.to_numpy(zero_copy_only=False)
    row = found["_row"].to_numpy()
    order = np.lexsort((found["_ahead"].to_numpy(), row, file))
    first = order[np.r_[True, (np.diff(file[order]) != 0) | (np.diff(row[order]) != 0)]] \
        if len(order) else order
    chosen = found.take(pa.array(first))
    return chosen.drop_columns("_ahead"), chosen["_ahead"].to_numpy().astype(np.int64)


def _first_late(probe: _Probe, candidates: pa.Table, late_on: np.ndarray,
                dates: list[str], as_of: dt.date, *, reach: int = 0) -> np.ndarray:
    """The first day each candidate is late, in days from the as-of date: for one not late
    yet (late ``late_on`` days on), the day it must be done by; for one late already
    (``late_on`` 0), the day it fell due, the last it could still have been done — so the
    longest overdue come first and each says since when. A search, row by row, from a
    day it is in time to one it is late: the as-of date, or for a case late already
    :func:`_look_back` days ago (taken as in time). Lateness only grows with the date:
    the day late that follows a day in time is the one."""
    late = late_on == 0
    back = _look_back(candidates.filter(pa.array(late)), dates, as_of, reach)
    lo = np.where(late, -back, 0)  # in time at lo, late at hi
    hi = late_on.copy()
    while len(open_ := np.flatnonzero(hi - lo > 1)):
        lo[open_], hi[open_] = _narrow(probe, candidates, open_, lo[open_], hi[open_])
    return hi


def _narrow(probe: _Probe, rows: pa.Table, which: np.ndarray, lo: np.ndarray,
            hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One step of the search: each row tried on several days between ``lo`` and ``hi``
    at once, as many as :data:`_PROBES` allows (a few runs of the query rather than one
    per halving: a run costs more than the rows it tries, up to a point); the last day
    in time and the first late among them close in on the day it is first late."""
    width = (hi - lo)[:, None]
    ways = int(np.clip(_PROBES // len(which), 2, width.max()))
    steps = np.arange(1, ways, dtype=np.int64)  # ways - 1 days a row, evenly spread:
    days = np.clip(lo[:, None] - (-width * steps // ways),  # lo + ⌈width × step / ways⌉
                   lo[:, None] + 1, hi[:, None] - 1)
    late = probe.late_then(rows, np.repeat(which, len(steps)), days.ravel()
                           ).reshape(days.shape)
    # Late on a day, late on every later one: the days in time come first, k of them.
    k, rows_at = (~late).sum(axis=1), np.arange(len(which))
    return (np.where(k > 0, days[rows_at, np.maximum(k - 1, 0)], lo),
            np.where(k < len(steps), days[rows_at, np.minimum(k, len(steps) - 1)], hi))


def _reach(kind: ModuleType, std: Standard) -> int:
    """How far before its own dates a case of the kind can fall due (notice before an
    event), in calendar days; 0 where a deadline only follows them."""
    return int(kind.reach_back(std.measure.spec)) if hasattr(kind, "reach_back") else 0


def _look_back(rows: pa.Table, dates: list[str], as_of: dt.date, reach: int = 0) -> int:
    """How far back to look: to the earliest of the cases' own dates, ``reach`` days more
    (a deadline can lie before the date it is counted back from: notice before an event),
    and two years more again."""
    days = [d for d in (pc.min(rows[name]).as_py() for name in dates) if d is not None]
    earliest = min((d.date() if isinstance(d, dt.datetime) else d for d in days),
                   default=as_of)
    return max((as_of - earliest).days, 0) + reach + 731


def _cases(candidates: pa.Table, days: np.ndarray, std: Standard, ds: Dataset,
           dates: list[str], ctx: Context) -> list[Case]:
    """The cases, in order. Built column by column: each column read once and each of its
    distinct values labelled once."""
    count, as_of = candidates.num_rows, ctx.as_of
    ids = list(dict.fromkeys(std.evidence or ds.key))
    segments = sorted({c for cols in std.segment_sets() for c in cols})
    shown = [_labels(candidates[c], _text) for c in ids]
    dated = [_labels(candidates[c], _date_text) for c in dates]
    due = _labels(pa.chunked_array([days]), lambda day: as_of + dt.timedelta(days=day))
    files, numbers = candidates["_file"].to_pylist(), candidates["_row"].to_pylist()
    # Ties by what identifies the case, not by where it sits: the same cases come out in
    # the same order whatever the order of the rows and files they were read from.
    keys = list(zip(due, *([v or "" for v in col] for col in dated), *shown, files,
                    numbers, strict=True))
    by_id, by_date = _by_row(ids, shown, count), _by_row(dates, dated, count, blanks=False)
    by_segment = _by_row(
        segments, [_labels(candidates[c], segment_value) for c in segments], count)
    overdue = (days <= 0).tolist()
    periods = _labels(candidates[std.period.by], lambda day: _period(std, day, ctx))
    return [Case(file=files[i], row=numbers[i], ids=by_id[i], segment=by_segment[i],
                 dates=by_date[i], due_by=due[i], overdue=overdue[i], period=periods[i])
            for i in sorted(range(count), key=keys.__getitem__)]


def _period(std: Standard, day: Any, ctx: Context) -> str | None:
    """The label of the period a case's ``period.by`` date places it in, as
    :func:`engine.measure.base.case_rows` places an open case: the as-of date's period
    when that date is blank."""
    if isinstance(day, dt.datetime):
        day = day.date()
    period = std.period
    start = calendar.start_of(period, ctx.as_of if day is None else day, ctx.as_of,
                              ctx.fiscal_year_start)
    return None if start is None else calendar.label(period.kind, start, days=period.days)


def _by_row(names: list[str], columns: list[list[Any]], count: int, *,
            blanks: bool = True) -> list[dict[str, Any]]:
    """Each of ``count`` rows as a dict of its cells by column name, filled a column at a
    time (``blanks`` False: a blank cell is left out)."""
    rows: list[dict[str, Any]] = [{} for _ in range(count)]
    for name, column in zip(names, columns, strict=True):
        for row, value in zip(rows, column, strict=True):
            if blanks or value is not None:
                row[name] = value
    return rows


def _labels(column: pa.ChunkedArray, label: Callable[[Any], Any]) -> list[Any]:
    """``label`` of each cell of a column, called once per distinct value (once per cell
    for floats, where equal values can read differently: -0.0 and 0.0)."""
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if pa.types.is_floating(kind):
        return [label(v) for v in column.to_pylist()]
    cells = column.combine_chunks()
    if not pa.types.is_dictionary(cells.type):
        cells = pc.dictionary_encode(cells)
    labels = [label(v) for v in cells.dictionary.to_pylist()]
    at = cells.indices.cast(pa.int64())
    if at.null_count:  # a blank, labelled after the values
        labels.append(label(None))
        at = at.fill_null(len(labels) - 1)
    return np.array(labels, dtype=object)[at.to_numpy()].tolist()


_PROBE, _ROWS, _CASES, _DAYS = ("_engine_case_probe", "_engine_case_rows",
                                 "_engine_case_cases", "_engine_case_days")
# A step of the search tries about so many days (cases × days), and at least one a case.
_PROBES = 200_000


def _quoted(name: str) -> str:
    """A column in SQL: its name quoted, as a column may be named like a keyword (order)."""
    return f'"{name}"'


def _text(value: Any) -> str:
    """A cell as a case alert shows it: a segment as results label it, a blank as ''."""
    return "" if value is None else segment_value(value)


def _date_text(value: Any) -> str | None:
    """One of the kind's dates as a case alert shows it; a blank stays out."""
    return None if value is None else segment_value(value)
