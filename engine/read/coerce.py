"""Cells → declared types, vectorised with Polars; every cell that fails becomes a reject.

Two paths give the same answer. The *fast path* runs on every row while the file is
parsed: one cheap test per cell (the declared date format, a plain number, a listed
category). A row it cannot settle is *flagged*, and only flagged rows take the *full
path*, which knows every accepted spelling and names the reason a cell fails. The fast
path accepts nothing the full path would refuse, so a row's result never depends on
which path it took.

Conventions (stated in the README):

* blank cells (empty, or whitespace only) are missing values; whitespace around a value
  (spaces, tabs, line breaks, non-breaking spaces: Unicode's) is removed;
* dates accept the declared ``format`` (or formats) and ISO 8601 (``2025-01-31``); in a
  workbook, real Excel dates and Excel serial numbers (45678) are dates too;
* date-times with an offset (``…+01:00``, ``…Z``) are converted to the dataset's
  ``timezone``; without a declared zone the time is kept as written;
* booleans accept Y/N, Yes/No, True/False, T/F and 1/0 in any case;
* numbers use the dataset's decimal mark; thousands separators (``1,234`` or ``1.234``
  with decimal commas, spaces) are allowed; integers may not have a fraction other than ``.0``;
* a cell of more than ``MAX_CELL_BYTES`` (131,072 bytes; Excel holds 32,767 characters at
  most) is rejected as ``cell_too_long`` without being parsed, and shown cut short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from engine.model.dataset import Column, ColumnType, Dataset
from engine.read.excel_file import ERROR_MARK
from engine.read.sources import Kind

TRUE = ["y", "yes", "true", "t", "1"]
FALSE = ["n", "no", "false", "f", "0"]
BOOLEANS = {**dict.fromkeys(TRUE, True), **dict.fromkeys(FALSE, False)}
_BOOLEANS_AS_WRITTEN = {v: b for k, b in BOOLEANS.items() for v in (k, k.upper(), k.title())}
_TIME_CODES = ("%H", "%I", "%M", "%S", "%p", "%f", "%z")
_ISO_DATETIME = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M",
                 "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
_EXCEL_DATETIME = "%Y-%m-%d %H:%M:%S"  # how the Excel reader writes a real date cell
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_LAST = 2_958_466  # 9999-12-31, the last date Excel knows
_OFFSET = r"\s*(Z|[+-]\d{2}:?\d{2})$"  # Z, +01:00, +0100, also after a space
_FIRST_YEAR = 1000  # %Y also reads "25" as the year 25: a year has four digits
_EXCEL_FIRST = dt.date(1900, 1, 1)  # a time-only cell arrives as 1899-12-31 10:30
_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_SPACES = r"[\s\u00a0\u202f']"
MAX_CELL_BYTES = 131_072  # Python's csv field limit; 4 bytes for each of Excel's 32,767
SHOWN_CHARS = 200  # how much of a too-long cell a reject shows

REASONS = {
    "missing_value": "a required cell is blank",
    "bad_date": "not a date in the declared format",
    "bad_datetime": "not a date and time in the declared format",
    "not_an_integer": "not a whole number",
    "not_a_number": "not a number",
    "not_a_boolean": "not yes/no (Y/N, Yes/No, 1/0, True/False)",
    "not_allowed_value": "not one of the declared values",
    "duplicate_key": "the same key appears on more than one row, with other values",
    "duplicate_row": "the row repeats an earlier row exactly (the same record exported "
                     "again): the earlier row stands for it",
    "extra_cells": "the row has more cells than the header (a delimiter inside a value?)",
    "missing_cells": "the row ends before the last declared column (a line break inside a "
                     "value that is not quoted, or a file cut short?); if the system leaves "
                     "trailing empty cells out, set csv: {short_rows: pad}",
    "cell_too_long": "the cell holds more than 131,072 bytes (a quote left open?)",
    "excel_error": "the cell holds an Excel error, not a value: the formula that fills it "
                   "failed (correct the formula, or the data it reads, and save the "
                   "workbook again)",
    "not_calculated": "the cell holds a formula whose value was never calculated (the "
                      "workbook was written by a program): open it in Excel and save it, "
                      "so that each value is saved with its formula",
}
_EXAMPLE = dt.datetime(2025, 1, 31, 14, 5)  # how a format is shown: by a date written in it
_VALUES_SHOWN = 12  # a longer list of allowed values is cut, saying how many more


def meaning(ds: Dataset, column: str, reason: str) -> str:
    """What ``reason`` means for a cell of ``column``, in a person's words: for a date, how
    one is written; for a listed category, the values it may take."""
    said = REASONS.get(reason, reason)
    col = ds.columns.get(column)
    if col is None:
        return said
    if reason in ("bad_date", "bad_datetime"):
        timed = reason == "bad_datetime"
        shown = [_EXAMPLE.strftime(f) for f in col.formats() if timed or not _has_time(f)]
        shown.append("2025-01-31 14:05" if timed else "2025-01-31")  # ISO is always read
        what = "a real date and time" if timed else "a real date"
        return f"not {what} written like {' or '.join(dict.fromkeys(shown))}"
    if reason == "not_allowed_value" and col.values is not None:
        listed = ", ".join(col.values[:_VALUES_SHOWN])
        more = len(col.values) - _VALUES_SHOWN
        return f"{said}: {listed}" + (f" and {more} more" if more > 0 else "")
    return said


_FAILS = {
    ColumnType.date: "bad_date", ColumnType.datetime: "bad_datetime",
    ColumnType.integer: "not_an_integer", ColumnType.decimal: "not_a_number",
    ColumnType.boolean: "not_a_boolean",
}
TYPES: dict[ColumnType, Any] = {
    ColumnType.string: pl.String, ColumnType.category: pl.Categorical,
    ColumnType.integer: pl.Int64, ColumnType.decimal: pl.Float64,
    ColumnType.boolean: pl.Boolean, ColumnType.date: pl.Date,
    ColumnType.datetime: pl.Datetime("us"),
}


def dtype_of(col: Column) -> Any:
    """A category is stored as a code per row (an Enum when its values are declared):
    ten million region names take bytes, not a string each."""
    if col.type is ColumnType.category and col.values is not None:
        return pl.Enum(col.values)
    return TYPES[col.type]


def raw_name(column: str) -> str:
    return f"_raw_{column}"


@dataclass(frozen=True)
class Fast:
    """Expressions for the fast path: ``columns`` over a frame of the declared columns as
    read; ``blank`` and ``flagged`` over the frame ``columns`` make (each value is parsed
    once, and the tests read it there, rather than parsing it again)."""

    columns: list[pl.Expr]  # typed declared columns, then each raw cell as _raw_<name>
    blank: pl.Expr  # every declared cell is empty
    flagged: pl.Expr  # the row needs the full path (and is not blank)


def fast(ds: Dataset, kind: Kind, schema: pl.Schema) -> Fast:
    typed, raws, blanks, flags = [], [], [], [pl.col("_extra").is_not_null()]
    if "_short" in schema:  # CSV: a row ending before the last declared column
        flags.append(pl.col("_short").is_not_null())
    for name, col in ds.columns.items():
        cell, raw = pl.col(name), pl.col(raw_name(name))
        raws.append(cell.alias(raw_name(name)))
        blanks.append(raw.is_null())
        if col.required or name in ds.key:
            flags.append(raw.is_null())
        if schema[name] != pl.String:  # a typed source (Parquet) already in the declared type
            typed.append(cell.alias(name))
            if _stored_floats(col, schema[name]):  # NaN and infinities: no numbers
                flags.append((~raw.is_finite()).fill_null(False))
            continue
        typed.append(_fast_value(cell, col, ds, kind).alias(name))
        flags.append(_doubtful(raw, pl.col(name), col))
        if kind is Kind.excel:  # an error or a formula without a value, even in free text
            flags.append(raw.str.starts_with(ERROR_MARK).fill_null(False))
    blank = pl.all_horizontal(blanks)
    return Fast(typed + raws, blank, pl.any_horizontal(flags) & ~blank)


def _fast_value(cell: pl.Expr, col: Column, ds: Dataset, kind: Kind) -> pl.Expr:
    """The value where the cell is plainly valid, else null (:func:`_doubtful` flags it)."""
    if col.type in (ColumnType.string, ColumnType.category):
        if col.values is not None:  # a listed value has no surrounding spaces either
            return cell.cast(pl.Enum(col.values), strict=False)
        return cell.cast(dtype_of(col))
    if col.type is ColumnType.integer:
        return cell.cast(pl.Int64, strict=False)
    if col.type is ColumnType.decimal:
        text = cell
        if _decimal_mark(ds, kind) == ",":
            text = pl.when(cell.str.contains(".", literal=True)).then(None).otherwise(
                cell.str.replace(",", ".", literal=True))
        number = text.cast(pl.Float64, strict=False)
        return pl.when(number.is_finite()).then(number)
    if col.type is ColumnType.boolean:
        return cell.replace_strict(_BOOLEANS_AS_WRITTEN, default=None, return_dtype=pl.Boolean)
    if col.type is ColumnType.date:
        if kind is Kind.excel:
            value = cell.str.strptime(pl.Datetime("us"), _EXCEL_DATETIME, strict=False,
                                      exact=True).dt.date()
        else:
            fmt = next((f for f in col.formats() if not _has_time(f)), "%Y-%m-%d")
            value = cell.str.strptime(pl.Date, fmt, strict=False, exact=True)
        return _plausible(value, kind)
    fmt = _EXCEL_DATETIME if kind is Kind.excel else next(
        (f for f in col.formats() if "%z" not in f), _ISO_DATETIME[0])
    return _plausible(cell.str.strptime(pl.Datetime("us"), fmt, strict=False, exact=True),
                      kind)


def _doubtful(raw: pl.Expr, value: pl.Expr, col: Column) -> pl.Expr:
    """Whether the fast path cannot settle a text cell: written, but no value came of it;
    longer than any spreadsheet cell (the full path rejects it unparsed); or, for free
    text, empty or with whitespace around it — any the full path strips, a non-breaking
    space or a line break too."""
    long = raw.str.len_bytes() > MAX_CELL_BYTES
    if col.type in (ColumnType.string, ColumnType.category) and col.values is None:
        # Unicode's whitespace (Rust's regex \s), which is what strip_chars strips.
        return raw.is_not_null() & ((raw == "") | raw.str.contains(r"^\s|\s$") | long)
    return raw.is_not_null() & (value.is_null() | long)


def _stored_floats(col: Column, dtype: Any) -> bool:
    """A decimal column stored as floats, which can hold NaN and infinities: the full
    path refuses them as it refuses the text 'NaN'."""
    return col.type is ColumnType.decimal and dtype.is_float()


def _plausible(moment: pl.Expr, kind: Kind) -> pl.Expr:
    """Null for a year of fewer than four digits, and for a workbook's time-only cells."""
    earliest = (pl.lit(_EXCEL_FIRST) if kind is Kind.excel else
                pl.lit(dt.date(_FIRST_YEAR, 1, 1)))
    return pl.when(moment >= earliest).then(moment)


@dataclass
class Coerced:
    frame: pl.DataFrame  # typed declared columns, in declaration order
    blank: pl.Series  # True where every declared cell is blank
    failures: pl.DataFrame  # _i (row index), column, value, reason


def coerce(raw: pl.DataFrame, ds: Dataset, kind: Kind) -> Coerced:
    """The full path: ``raw`` holds the declared columns as read (text, or already typed).

    One lazy query computes values, reasons and blankness together, so an expression
    used by both a value and its reason is evaluated once.
    """
    columns, texts = [], []
    for name, col in ds.columns.items():
        required = col.required or name in ds.key
        long = _too_long(name, raw.schema[name])
        if raw.schema[name] != pl.String:
            value: pl.Expr = pl.col(name)
            if _stored_floats(col, raw.schema[name]):
                value = pl.when(value.is_finite()).then(value)
            text = pl.col(name).cast(pl.String)
        else:
            text = pl.col(name).str.strip_chars()
            text = pl.when(text == "").then(None).otherwise(text)
            # An overlong cell is not parsed: a 100 MB cell would cost seconds per format.
            value = _convert(pl.when(~long).then(text), col, ds, kind)
        texts.append(text.is_null())
        reason: Any = pl.when(long).then(pl.lit("cell_too_long"))
        as_read = _cut_short(pl.col(name).cast(pl.String))
        if kind is Kind.excel and raw.schema[name] == pl.String:
            marked = pl.col(name).str.starts_with(ERROR_MARK).fill_null(False)
            value = pl.when(~marked).then(value)
            reason = reason.when(marked).then(pl.when(
                pl.col(name).str.starts_with(ERROR_MARK + "=")).then(pl.lit("not_calculated"))
                .otherwise(pl.lit("excel_error")))
            as_read = as_read.str.strip_prefix(ERROR_MARK)
        reason = reason.when(text.is_null() & pl.lit(required)).then(pl.lit("missing_value"))
        if col.type in _FAILS:
            reason = reason.when(text.is_not_null() & value.is_null()).then(
                pl.lit(_FAILS[col.type]))
        if col.values is not None:
            reason = reason.when(text.is_not_null() & ~text.is_in(col.values)).then(
                pl.lit("not_allowed_value"))
        columns += [value.alias(name), reason.otherwise(None).alias(f"_why:{name}"),
                    as_read.alias(f"_text:{name}")]
    if "_extra" in raw.columns:  # more cells than the header: the row, not a cell, is wrong
        columns += [pl.when(pl.col("_extra").is_not_null()).then(pl.lit("extra_cells"))
                    .alias("_why:_extra"), _cut_short(pl.col("_extra")).alias("_text:_extra")]
    if "_short" in raw.columns:  # fewer cells than the declared columns need
        columns += [pl.when(pl.col("_short").is_not_null()).then(pl.lit("missing_cells"))
                    .alias("_why:_short"), pl.col("_short").alias("_text:_short")]
    out = raw.lazy().with_row_index("_i").select(
        pl.col("_i").cast(pl.Int64), *columns, pl.all_horizontal(texts).alias("_blank"),
    ).collect()
    blank = out["_blank"]
    whys = [c for c in out.columns if c.startswith("_why:")]
    failures = (
        # Only the bookkeeping columns are unpivoted: a declared column may well be called
        # 'column', 'value' or 'reason'.
        out.filter(~pl.col("_blank")).select("_i", *whys)
        .unpivot(index="_i", on=whys, variable_name="column", value_name="reason")
        .drop_nulls("reason")
        .with_columns(pl.col("column").str.strip_prefix("_why:"))
    )
    texts_of = [c.replace("_why:", "_text:") for c in whys]
    shown = out.select("_i", *texts_of).unpivot(index="_i", on=texts_of,
                                                 variable_name="column", value_name="value"
                                                 ).with_columns(
        pl.col("column").str.strip_prefix("_text:"))
    failures = (failures.join(shown, on=["_i", "column"])
                .select("_i", "column", "value", "reason").sort("_i", "column"))
    return Coerced(out.select(list(ds.columns)), blank, failures)


def _too_long(name: str, dtype: Any) -> pl.Expr:
    """True for a text cell longer than any spreadsheet cell (a typed cell never is)."""
    if dtype != pl.String:
        return pl.lit(False)
    return (pl.col(name).str.len_bytes() > MAX_CELL_BYTES).fill_null(False)


def _cut_short(text: pl.Expr) -> pl.Expr:
    """A reject's value as shown: an overlong cell only begins (rejects.csv stays small)."""
    return pl.when(text.str.len_bytes() > MAX_CELL_BYTES).then(
        text.str.slice(0, SHOWN_CHARS) + "…").otherwise(text)


def _decimal_mark(ds: Dataset, kind: Kind) -> str:
    """The CSV option applies to CSV text; a workbook's numbers always reach us as 1234.5."""
    return ds.csv.decimal if kind is Kind.csv else "."


def _has_time(fmt: str) -> bool:
    return any(code in fmt for code in _TIME_CODES)


def _convert(text: pl.Expr, col: Column, ds: Dataset, kind: Kind) -> pl.Expr:
    kind_ = col.type
    if kind_ in (ColumnType.string, ColumnType.category):
        return text.cast(dtype_of(col), strict=False)
    if kind_ in (ColumnType.integer, ColumnType.decimal):
        return _number(text, kind_, _decimal_mark(ds, kind))
    if kind_ is ColumnType.boolean:
        return text.str.to_lowercase().replace_strict(BOOLEANS, default=None,
                                                      return_dtype=pl.Boolean)
    moment = _datetime(text, col, ds, kind)
    if kind_ is ColumnType.datetime:
        return _plausible(moment, kind)
    dates = [text.str.strptime(pl.Date, f, strict=False, exact=True)
             for f in [*col.formats(), "%Y-%m-%d"] if not _has_time(f)]
    return _plausible(pl.coalesce([*dates, moment.dt.date()]), kind)


def _number(text: pl.Expr, kind: ColumnType, decimal: str) -> pl.Expr:
    plain = text.str.replace_all(_SPACES, "")
    thousands, mark = (",", r"\.") if decimal == "." else (r"\.", ",")
    grouped = rf"^[+-]?\d{{1,3}}(?:{thousands}\d{{3}})+(?:{mark}\d*)?$"
    plain = pl.when(plain.str.contains(grouped)).then(
        plain.str.replace_all(thousands, "")).otherwise(plain)
    if decimal == ",":
        plain = pl.when(plain.str.contains(".", literal=True)).then(None).otherwise(
            plain.str.replace(",", ".", literal=True))
    plain = pl.when(plain.str.contains(_NUMBER)).then(plain)
    if kind is ColumnType.integer:
        return plain.str.replace(r"\.0*$", "").cast(pl.Int64, strict=False)
    number = plain.cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)  # 1e400 overflows: not a number we can use


def _datetime(text: pl.Expr, col: Column, ds: Dataset, kind: Kind) -> pl.Expr:
    """Every accepted spelling of a moment, as a naive date-time in the institution's zone.

    A written offset is split off first (``10:00+01:00``, ``10:00 +0100``, ``10:00Z``) and
    the rest read as a wall-clock time; with a declared ``timezone`` that time is moved
    from its offset into the zone, without one it is kept as written.
    """
    declared = [f for f in col.formats() if _has_time(f)]
    walls = list(dict.fromkeys([f.replace("%z", "").rstrip() for f in declared]
                               + _ISO_DATETIME))
    days = [f for f in [*col.formats(), "%Y-%m-%d"] if not _has_time(f)]
    naive = pl.coalesce(
        [text.str.strptime(pl.Datetime("us"), f, strict=False, exact=True) for f in walls]
        + [text.str.strptime(pl.Date, f, strict=False, exact=True).cast(pl.Datetime("us"))
           for f in days])
    offset = text.str.extract(_OFFSET, 1)
    bare = pl.when(offset.is_not_null()).then(text.str.replace(_OFFSET, ""))
    written = pl.coalesce([bare.str.strptime(pl.Datetime("us"), f, strict=False, exact=True)
                           for f in walls])
    if ds.timezone:
        digits = offset.str.replace_all(r"[^0-9]", "")
        minutes = (digits.str.slice(0, 2).cast(pl.Int64, strict=False) * 60
                   + digits.str.slice(2, 2).cast(pl.Int64, strict=False)).fill_null(0)
        minutes = pl.when(offset.str.starts_with("-")).then(-minutes).otherwise(minutes)
        utc = (written - pl.duration(minutes=minutes)).dt.replace_time_zone("UTC")
        written = utc.dt.convert_time_zone(ds.timezone).dt.replace_time_zone(None)
    moment = pl.coalesce([naive, written])
    if kind is Kind.excel:  # a number in a date column of a workbook is an Excel serial
        serial = pl.when(text.str.contains(r"^\d+(?:\.\d+)?$")).then(
            text.cast(pl.Float64, strict=False))
        serial = pl.when((serial >= 1) & (serial < _EXCEL_LAST)).then(serial)
        from_serial = pl.lit(_EXCEL_EPOCH, dtype=pl.Datetime("us")) + pl.duration(
            microseconds=(serial * 86_400_000_000).round(0).cast(pl.Int64))
        moment = pl.coalesce([moment, from_serial])
    return moment
