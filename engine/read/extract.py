"""A dataset's files → one :class:`Extract`: typed rows used, rows filtered, rows rejected."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa

from engine import expr
from engine.model.dataset import Dataset
from engine.problems import InputError, Problem
from engine.read.coerce import REASONS, coerce
from engine.read.raw import Unreadable, read_grid

BLANK_ROW = "blank row (every declared cell is empty)"


@dataclass(frozen=True)
class Reject:
    file: str
    row: int
    column: str
    value: str
    reason: str
    message: str


@dataclass(frozen=True)
class FileRead:
    path: str
    sha256: str
    rows_read: int
    header_row: int
    unexpected_columns: list[str]


@dataclass
class Extract:
    dataset: Dataset
    table: pa.Table  # declared columns (typed) + _file + _row, used rows only
    files: list[FileRead]
    rows_read: int
    filtered_by: dict[str, int] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)

    @property
    def rows_used(self) -> int:
        return self.table.num_rows

    @property
    def rows_filtered(self) -> int:
        return sum(self.filtered_by.values())

    @property
    def rows_rejected(self) -> int:
        return len({(r.file, r.row) for r in self.rejects})

    def rejected_by(self) -> dict[str, int]:
        first: dict[tuple[str, int], str] = {}
        for r in self.rejects:
            first.setdefault((r.file, r.row), r.reason)
        return dict(sorted(Counter(first.values()).items()))


def resolve_files(ds: Dataset, root: Path) -> list[Path]:
    """The dataset's files under ``root`` (its glob patterns), sorted for a stable order."""
    found: set[Path] = set()
    for pattern in ds.files:
        found.update(p for p in root.glob(pattern) if p.is_file())
    return sorted(found)


def read_dataset(ds: Dataset, paths: list[Path], as_of: dt.date, *, shown_base: Path | None = None
                 ) -> Extract:
    """Read every file of ``ds``; raise :class:`InputError` (exit 3) if one cannot be read."""
    problems: list[Problem] = []
    frames: list[pl.DataFrame] = []
    files: list[FileRead] = []
    for path in paths:
        shown = _shown(path, shown_base)
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(shown, f"cannot read the file: {exc.strerror}",
                                    hint="check the path and that the file is not open "
                                    "elsewhere"))
            continue
        try:
            grid = read_grid(path, shown, ds, data)
        except Unreadable as err:
            problems.append(err.problem)
            continue
        frame = pl.DataFrame(
            {name: pl.Series(name, values, dtype=pl.Utf8) for name, values in grid.columns.items()}
            | {"_row": pl.Series("_row", grid.rows, dtype=pl.Int64)}
        ).with_columns(_file=pl.lit(str(shown)))
        frames.append(frame)
        files.append(FileRead(str(shown), hashlib.sha256(data).hexdigest(), len(grid.rows),
                              grid.header_row, grid.unexpected))
    if not paths:
        patterns = ", ".join(ds.files)
        problems.append(Problem(None, f"dataset '{ds.name}': no file matches {patterns}",
                                hint="check the dataset's files, or give --data "
                                f"{ds.name}=PATH"))
    if problems:
        raise InputError(problems, exit_code=3)
    raw = pl.concat(frames) if frames else pl.DataFrame()
    return _validate(ds, raw, files, as_of)


def _validate(ds: Dataset, raw: pl.DataFrame, files: list[FileRead], as_of: dt.date) -> Extract:
    declared = list(ds.columns)
    rows_read = raw.height
    blank = pl.all_horizontal(
        [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in declared]
    )
    blanks = int(raw.select(blank.sum()).item()) if rows_read else 0
    filtered = {BLANK_ROW: blanks} if blanks else {}
    raw = raw.filter(~blank).with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    coerced = coerce(raw.select(declared), ds)
    typed = pl.concat([raw.select("_i", "_file", "_row"), coerced.frame], how="horizontal")
    failures = coerced.failures.select("_i", "column", "value", "reason")

    bad = set(failures["_i"].to_list())
    if ds.key:
        failures = pl.concat([failures, _duplicates(typed.filter(~pl.col("_i").is_in(bad)), ds)])
        bad = set(failures["_i"].to_list())
    if ds.checks:
        failures = pl.concat([failures, _row_checks(typed.filter(~pl.col("_i").is_in(bad)),
                                                    ds, as_of)])
        bad = set(failures["_i"].to_list())

    where = raw.select("_i", "_file", "_row")
    rejects = [
        # Failures name columns (a row check names each it reads, joined by " / ");
        # here, and only here, names become the headers people see in the extract.
        Reject(f["_file"], f["_row"], _headers(ds, f["column"]), f["value"] or "", f["reason"],
               _message(ds, f["reason"]))
        for f in failures.join(where, on="_i").sort("_file", "_row", "column")
        .iter_rows(named=True)
    ]
    used = typed.filter(~pl.col("_i").is_in(bad)).select(*declared, "_file", "_row")
    return Extract(ds, used.to_arrow(), files, rows_read, filtered, rejects)


def _duplicates(typed: pl.DataFrame, ds: Dataset) -> pl.DataFrame:
    # Every copy is rejected: nothing says which of two conflicting rows is right.
    dup = typed.filter(pl.struct(ds.key).is_duplicated())
    return dup.select(
        "_i",
        pl.lit(ds.key[0]).alias("column"),
        pl.concat_str([pl.col(k).cast(pl.Utf8) for k in ds.key], separator=" / ").alias("value"),
        pl.lit("duplicate_key").alias("reason"),
    )


def _row_checks(typed: pl.DataFrame, ds: Dataset, as_of: dt.date) -> pl.DataFrame:
    import ibis

    frames = []
    table = ibis.memtable(typed.drop("_file").to_arrow())
    types = ds.column_types()
    con = ibis.duckdb.connect()
    for check in ds.checks:
        rule = expr.parse(check.rule, types)
        failed = table.filter((~rule.to_ibis(table, as_of)).fill_null(False))
        cols = sorted(rule.columns)
        value = ibis.literal(" / ").join(  # e.g. "2025-04-08 / 2025-04-02"
            [table[c].cast("string").fill_null("") for c in cols]) if cols else ibis.literal("")
        got = con.to_pyarrow(failed.select(_i=failed["_i"], value=value.name("value")))
        frames.append(pl.from_arrow(got).with_columns(  # type: ignore[union-attr]
            column=pl.lit(" / ".join(cols)), reason=pl.lit(check.reason),
        ).select("_i", "column", "value", "reason"))
    return pl.concat(frames) if frames else pl.DataFrame()


def _headers(ds: Dataset, columns: str) -> str:
    return " / ".join(ds.header_of(c) if c in ds.columns else c for c in columns.split(" / "))


def _message(ds: Dataset, reason: str) -> str:
    for check in ds.checks:
        if check.reason == reason:
            return check.message or f"fails the check {check.rule}"
    return REASONS.get(reason, reason)


def _shown(path: Path, base: Path | None) -> Path:
    try:
        return path.resolve().relative_to((base or Path.cwd()).resolve())
    except ValueError:
        return path
