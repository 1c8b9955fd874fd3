"""Text cells → declared types, vectorised with Polars; every failed cell becomes a reject.

Conventions (stated in the README):
* blank cells (empty or spaces only) are missing values;
* dates accept the declared ``format`` and ISO 8601 (``2025-01-31``), which is also how
  real Excel dates reach this module;
* booleans accept Y/N, Yes/No, True/False, T/F and 1/0 in any case;
* decimals use the dataset's decimal mark; integers may not have a fraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from engine.model.dataset import ColumnType, Dataset

TRUE = ["y", "yes", "true", "t", "1"]
FALSE = ["n", "no", "false", "f", "0"]
_ISO_DATETIME = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
                 "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]

REASONS = {
    "missing_value": "a required cell is blank",
    "bad_date": "not a date in the declared format",
    "bad_datetime": "not a date and time in the declared format",
    "not_an_integer": "not a whole number",
    "not_a_number": "not a number",
    "not_a_boolean": "not yes/no (Y/N, Yes/No, 1/0, True/False)",
    "not_allowed_value": "not one of the declared values",
    "duplicate_key": "the same key appears on more than one row",
    "extra_cells": "the row has more cells than the header",
}


@dataclass
class Coerced:
    frame: pl.DataFrame  # typed declared columns, in declaration order
    failures: pl.DataFrame  # _i (row index), column, value, reason


def coerce(raw: pl.DataFrame, ds: Dataset) -> Coerced:
    """``raw`` holds one Utf8 column per declared column; returns typed columns and failures."""
    typed, checks = [], []
    for name, col in ds.columns.items():
        text = pl.col(name).str.strip_chars()
        text = pl.when(text == "").then(None).otherwise(text)
        value = _convert(text, col.type, col.format, ds.csv.decimal)
        typed.append(value.alias(name))
        required = col.required or name in ds.key
        reason: Any = pl.when(text.is_null() & pl.lit(required)).then(pl.lit("missing_value"))
        reason = reason.when(text.is_not_null() & value.is_null()).then(pl.lit(_reason(col.type)))
        if col.values is not None:
            reason = reason.when(text.is_not_null() & ~text.is_in(col.values)).then(
                pl.lit("not_allowed_value"))
        checks.append(reason.otherwise(None).alias(name))
    frame = raw.select(typed)
    indexed = raw.with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    reasons = indexed.select("_i", *checks)
    failures = (
        reasons.unpivot(index="_i", variable_name="column", value_name="reason")
        .drop_nulls("reason")
        .join(indexed.unpivot(index="_i", variable_name="column",
                                               value_name="value"), on=["_i", "column"])
        .sort("_i", "column")
    )
    return Coerced(frame, failures.select("_i", "column", "value", "reason"))


def _reason(kind: ColumnType) -> str:
    return {
        ColumnType.date: "bad_date", ColumnType.datetime: "bad_datetime",
        ColumnType.integer: "not_an_integer", ColumnType.decimal: "not_a_number",
        ColumnType.boolean: "not_a_boolean",
    }.get(kind, "missing_value")


def _convert(text: pl.Expr, kind: ColumnType, fmt: str | None, decimal: str) -> pl.Expr:
    if kind in (ColumnType.string, ColumnType.category):
        return text
    if kind is ColumnType.integer:
        number = text.str.replace_all(r"[\s\u00a0]", "")
        number = number.str.replace(r"\.0+$", "")  # 12.0 from a spreadsheet is 12
        return number.cast(pl.Int64, strict=False)
    if kind is ColumnType.decimal:
        number = text.str.replace_all(r"[\s\u00a0]", "")
        if decimal == ",":
            number = number.str.replace_all(r"\.", "").str.replace(",", ".", literal=True)
        return number.cast(pl.Float64, strict=False)
    if kind is ColumnType.boolean:
        lowered = text.str.to_lowercase()
        return (pl.when(lowered.is_in(TRUE)).then(True)
                .when(lowered.is_in(FALSE)).then(False).otherwise(None))
    if kind is ColumnType.date:
        formats = [f for f in (fmt, "%Y-%m-%d") if f]
        # A real Excel datetime in a date column keeps its date.
        candidates = [text.str.strptime(pl.Date, f, strict=False, exact=True) for f in formats]
        candidates.append(
            pl.when(text.str.contains(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}"))
            .then(text.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False))
        )
        return pl.coalesce(candidates)
    formats = [f for f in (fmt, *_ISO_DATETIME) if f]
    candidates = [text.str.strptime(pl.Datetime("us"), f, strict=False, exact=True)
                  for f in formats]
    candidates.append(text.str.strptime(pl.Date, "%Y-%m-%d", strict=False, exact=True)
                      .cast(pl.Datetime("us")))
    return pl.coalesce(candidates)
