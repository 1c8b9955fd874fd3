"""Parquet files → the declared columns, typed where the file's own type already fits.

Parquet carries column names and types, so there is no header row to find: the column
names are matched to the declared headers like a header row would be, and row numbers
count records from 1. A column stored in the declared type is kept as it is; any other
is read as text and goes through the same coercion as CSV, so ``"2025-01-31"`` stored as
text is still a date and ``"n/a"`` in a number column is still a reject. A declared column
stored as lists or records (nested types) is refused, naming it: it holds no single value
per row. A damaged file is refused with Polars' own words (the footer is checked before
anything is read: a schema declaring billions of columns fails there, in microseconds).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from engine.model.dataset import ColumnType, Dataset
from engine.problems import Problem
from engine.read.coerce import TYPES
from engine.read.header import Header, locate
from engine.read.sources import Unreadable

_FITS = {
    ColumnType.integer: lambda t: t.is_integer(),
    ColumnType.decimal: lambda t: t.is_numeric(),
    ColumnType.boolean: lambda t: t == pl.Boolean,
    ColumnType.date: lambda t: t == pl.Date,
    ColumnType.datetime: lambda t: isinstance(t, pl.Datetime) and t.time_zone is None,
}


def scan(path: Path, shown: Path, ds: Dataset) -> tuple[pl.LazyFrame, Header]:
    try:
        frame = pl.scan_parquet(path, glob=False)  # "x[1].parquet" is a name, no pattern
        schema = frame.collect_schema()
    except BaseException as exc:  # Polars raises several error types for a damaged file
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # a panic in Polars' Rust code is a BaseException; Ctrl-C is one too
        raise Unreadable(Problem(shown, f"the Parquet file is damaged ({str(exc)[:160]})",
                                 hint="export the extract again")) from None
    names = list(schema)
    header = locate(shown, ds, [(0, names)], header_row=0)
    columns = []
    for name, pos in header.positions.items():
        source, kind = names[pos], ds.columns[name].type
        if schema[source].is_nested() or schema[source] == pl.Object:
            raise Unreadable(Problem(shown, f"column '{source}' holds "
                                     f"{schema[source]} values (lists or records), not one "
                                     "value per row", hint="export it as plain text, "
                                     "numbers or dates"))
        fits = _FITS.get(kind)
        if fits is not None and fits(schema[source]):
            columns.append(pl.col(source).cast(TYPES[kind]).alias(name))
        else:
            columns.append(pl.col(source).cast(pl.String).alias(name))
    return frame.with_row_index("_i").select(
        *columns,
        (pl.col("_i").cast(pl.Int64) + 1).alias("_row"),
        pl.lit(None, pl.String).alias("_extra"),
    ), header
