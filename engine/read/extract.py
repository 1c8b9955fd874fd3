"""A dataset's files → one :class:`Extract`: typed rows used, rows filtered, rows rejected.

For each file: find what it is (``sources``), scan it lazily with the reader for its
format, and run the fast coercion path while it is parsed, in batches, so a ten-million
row file never sits in memory as text. Flagged rows take the full path (``coerce``).
Then, over all files together: duplicate keys, the dataset's row checks, and the
``max_rejected`` threshold. Every row read ends up used, filtered (blank) or rejected.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import polars as pl
import pyarrow as pa

from engine import backend, expr
from engine.load.paths import check_inside
from engine.model.dataset import Dataset, RowCheck
from engine.problems import InputError, Problem
from engine.read import csv_file, excel_file, parquet_file
from engine.read.coerce import coerce, dtype_of, fast, meaning, raw_name
from engine.read.header import Header
from engine.read.sources import Kind, Unreadable, identify, sha256
from engine.read.spill import Rows, Spill, Tally

if TYPE_CHECKING:
    import ibis

BLANK_ROW = "blank row (every declared cell is empty)"
BATCH_ROWS = 256 * 1024  # rows per batch while parsing: memory stays flat, overhead small
WHOLE_ROW = ""  # the column named by a reject that concerns the row, not one cell
HASHER = "sha256 of"  # the start of the name of the thread that hashes a file once parsed
# A row's cell count, as a reader gives it: the cell past the header (every reader), and
# how few cells a row has if it ends before the last declared column (CSV only).
SHAPE = ("_extra", "_short")


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
    sheet: str | None = None
    unexpected_columns: list[str] = field(default_factory=list)


@dataclass
class Extract:
    dataset: Dataset
    # Every row parsed: the declared columns (typed), _file, _row, and _used (false for a
    # row rejected or blank). Leaving rows out would copy the whole extract and hold it
    # twice over for a moment; the measures leave them out as they read (engine.measure).
    # An Arrow table here; an Ibis table on Spark where the files were read where they
    # lie (engine.read.spark_parquet, spark_files): the rows stay on the cluster.
    rows: pa.Table | ibis.Table
    files: list[FileRead]
    rows_read: int
    rows_used: int
    filtered_by: dict[str, int] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)

    @property
    def table(self) -> pa.Table:
        """The rows used, as a table of their own (a copy). Empty once the run has
        :meth:`released` the extract: ``rows_used`` still counts them."""
        if not isinstance(self.rows, pa.Table):  # on Spark: fetched from the cluster
            return self.rows.filter(self.rows._used).drop("_used").to_pyarrow()
        used = cast(pl.DataFrame, pl.from_arrow(self.rows)).filter("_used").drop("_used")
        return used.to_arrow(compat_level=pl.CompatLevel.newest())

    def released(self) -> Extract:
        """This extract without its rows (an empty table of the same columns): its
        files, counts and rejects stay, its memory goes (on Spark, the cached view)."""
        if isinstance(self.rows, pa.Table):
            return replace(self, rows=self.rows.schema.empty_table())
        backend.drop(self.rows)
        return replace(self, rows=self.rows.schema().to_pyarrow().empty_table())

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


class TooManyRejects(InputError):
    """More rows rejected than the dataset's ``max_rejected`` allows; carries the extract
    so the rejects can still be written for the person who has to fix the file."""

    def __init__(self, problems: list[Problem], extract: Extract) -> None:
        super().__init__(problems, exit_code=3)
        self.extract = extract


def resolve_files(ds: Dataset, root: Path) -> list[Path]:
    """The dataset's files under ``root`` (its glob patterns), sorted for a stable order."""
    found: set[Path] = set()
    for pattern in ds.files:
        found.update(p for p in root.glob(pattern) if p.is_file())
    check_inside(root, found)  # a link in the folder may lead out of it
    return sorted(found)


class _Digest:
    """A file's SHA-256, computed in a thread of its own once the file is parsed, while
    the rows are checked. Hashing during the parse would take a core from the parser,
    which uses both; after it, the checks leave one idle (0.35 s of a 10M-row read). For
    a dataset of several files, a file's digest is computed while the next is parsed.

    The file is opened before it is parsed and hashed through that handle, so the digest
    is that of the file read even if another is put in its place (an export tool's
    rename) or it is moved meanwhile. Its size and modification time at the opening and
    once it is hashed are compared: a file written to in between (an export still being
    written) is refused, as its digest would not be that of the rows read."""

    def __init__(self, path: Path, shown: Path) -> None:
        self.shown, self.stop, self.found = shown, threading.Event(), ""
        self.error: BaseException | None = None
        try:
            self.handle = path.open("rb")
            self.seen = os.fstat(self.handle.fileno())
        except OSError as error:
            raise Unreadable(Problem(shown, f"the file cannot be read ({_cause(error)})",
                                     hint="check that it is there and readable, and run "
                                     "again")) from None
        self.thread = threading.Thread(target=self._hash, name=f"{HASHER} {shown}",
                                       daemon=True)

    def start(self) -> None:
        self.thread.start()  # hashing releases the GIL: it overlaps the checks

    def _hash(self) -> None:
        try:
            with self.handle:
                found = sha256(self.handle, self.stop)
                if _same(self.seen, os.fstat(self.handle.fileno())):
                    self.found = found
        except BaseException as error:  # told by value(), on the thread that waits
            self.error = error

    def value(self) -> str:
        """The digest; :class:`Unreadable` if the file could not be read to its end or
        changed before it was hashed."""
        try:
            self.thread.join()
        except BaseException:  # interrupted while waiting: no digest is wanted
            self.cancel()
            raise
        if isinstance(self.error, OSError):
            raise Unreadable(Problem(
                self.shown, f"the file could not be read to its end to compute its SHA-256 "
                f"({_cause(self.error)})", hint="check that it is readable and complete, "
                "and run again"))
        if self.error is not None:
            raise self.error
        if not self.found:
            raise Unreadable(Problem(
                self.shown, "the file changed while it was read: its size or modification "
                "time is not what it was when the read began, so its SHA-256 would not be "
                "that of the rows read", hint="wait until the export is complete, then "
                "run again"))
        return self.found

    def cancel(self) -> None:
        """Stop hashing (the file was refused: no digest is wanted) and wait for it."""
        self.stop.set()
        if self.thread.ident is None:  # never started
            self.handle.close()
        else:
            self.thread.join()


def _same(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)


def _cause(error: OSError) -> str:
    return error.strerror or str(error)


@dataclass
class _Part:
    """One file, read: rows that passed, rejects by (row, column), blank rows."""

    file: FileRead  # its sha256 "" until digest is done: see record()
    typed: pl.DataFrame  # declared columns, _row, and _drop (flagged or blank: not used)
    failures: pl.DataFrame  # _row, column, value, reason
    blanks: int
    reordered: bool  # rescued rows were appended after the others
    spilled: bool = False  # the rows are on disk (engine.read.spill)
    digest: _Digest | None = None

    def record(self) -> FileRead:
        """The file's record with its digest (waiting for it)."""
        return replace(self.file, sha256=self.digest.value()) if self.digest else self.file


def read_dataset(ds: Dataset, paths: list[Path], as_of: dt.date, *, shown_base: Path | None = None,
                 spill: Spill | None = None) -> Extract:
    """Read every file of ``ds``; raise :class:`InputError` (exit 3) if one cannot be read.
    With ``spill``, rows past its threshold are kept on disk (engine.read.spill)."""
    problems: list[Problem] = []
    parts: list[_Part] = []
    digests: list[_Digest] = []  # each registered before its thread starts
    tally = Tally(spill, ds.name) if spill is not None else None  # over all its files
    try:
        for path in paths:
            shown = _shown(path, shown_base)
            try:
                parts.append(read_file(ds, path, shown, tally, digests=digests))
            except Unreadable as err:
                if err.problem not in problems:  # a full spill folder, told once, not per file
                    problems.append(err.problem)
        if not paths:
            problems.append(Problem(None, f"dataset '{ds.name}': no file matches "
                                    f"{', '.join(ds.files)}", hint="check the dataset's "
                                    f"files, or give --data {ds.name}=PATH"))
        if problems:
            raise InputError(problems, exit_code=3)
        extract = _validate(ds, parts, as_of)
        files = []
        for part in parts:
            try:
                files.append(part.record())
            except Unreadable as err:
                problems.append(err.problem)
        if problems:
            raise InputError(problems, exit_code=3)
    except BaseException:
        for digest in digests:  # a refused dataset is not read to its end only to be hashed
            digest.cancel()
        raise
    extract = replace(extract, files=files)
    _enforce_threshold(extract)
    return extract


def read_file(ds: Dataset, path: Path, shown: Path, tally: Tally | None = None, *,
              digests: list[_Digest] | None = None) -> _Part:
    """One file, through the fast path and the full path, and hashed once parsed; the
    rows of all files are then checked together (:func:`_validate`). Its digest is
    waited for here, unless ``digests`` is given: then it is added there, and is still
    being computed (:meth:`_Part.record` waits for it). Called here, and on Spark's
    executors for files read where they lie (engine.read.spark_files)."""
    kind = identify(path, shown)
    digest = _Digest(path, shown)
    try:
        if digests is not None:
            digests.append(digest)
        batches = Rows(tally)
        try:
            flagged, query, kept, header, sheet = _parse(ds, kind, path, shown, batches)
            scanned = batches.frame()
        except BaseException:
            batches.discard()
            raise
        digest.start()
        part = _finish(ds, kind, scanned, flagged, query, kept, header, sheet, shown)
        part.spilled, part.digest = batches.spilled, digest
        if digests is None:
            part.file, part.digest = part.record(), None
    except BaseException:
        digest.cancel()
        raise
    return part


def _finish(ds: Dataset, kind: Kind, scanned: pl.DataFrame | None,
            flagged: list[pl.DataFrame], query: pl.LazyFrame, kept: list[str],
            header: Header, sheet: str | None, shown: Path) -> _Part:
    """A parsed file's rows with its flagged rows through the full path (rescued rows
    join the end), as a part without its digest."""
    if scanned is None:
        scanned = query.clear().collect().select(kept)
    rows, blanks = scanned.height, int(scanned["_blank"].sum())
    rescued, failures, more_blanks = _full_path(ds, kind, pl.concat(flagged) if flagged
                                                else query.clear().collect())
    # Rescued rows join the end; dropped rows leave (and order is restored) in _validate.
    typed = pl.concat([scanned.drop("_blank"), rescued.select(
        *(pl.col(n).cast(scanned.schema[n]) for n in ds.columns), "_row",
        _drop=pl.lit(False)).with_columns(**_key_hash(ds))], rechunk=False)
    record = FileRead(str(shown), "", rows, header.row, sheet, header.unexpected)
    return _Part(record, typed, failures, blanks + more_blanks, bool(rescued.height))


def _parse(ds: Dataset, kind: Kind, path: Path, shown: Path, batches: Rows
           ) -> tuple[list[pl.DataFrame], pl.LazyFrame, list[str], Header, str | None]:
    """The file parsed in batches, the fast path run on each, the kept columns going to
    ``batches``: (the flagged rows, the query, the kept columns, the header, the sheet)."""
    with ExitStack() as stack:
        try:
            frame, header, sheet = _scan(kind, path, shown, ds, stack)
            schema = frame.collect_schema()
            plan = fast(ds, kind, schema)
            shape = [c for c in SHAPE if c in schema]
            # Everything per row is computed inside Polars' streaming engine, in parallel
            # with the parse; Python only sets each batch's doubtful rows aside.
            query = frame.select("_row", *shape, *plan.columns).with_columns(
                _blank=plan.blank, _flag=plan.flagged).with_columns(
                _drop=pl.col("_flag") | pl.col("_blank"), **_key_hash(ds))
            kept = [*ds.columns, "_row", "_drop", "_blank", *_key_hash(ds)]
            flagged = []
            for batch in query.collect_batches(chunk_size=BATCH_ROWS):
                if batch["_flag"].any():
                    flagged.append(_own_text(batch.filter("_flag")))
                batches.add(batch.select(kept))
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
            raise (csv_file.explain(exc, path, shown, ds) if kind is Kind.csv else Unreadable(
                Problem(shown, f"the file cannot be read ({str(exc).splitlines()[0][:160]})",
                        hint="export the extract again"))) from None
    return flagged, query, kept, header, sheet


def _own_text(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with their text in buffers of their own. Polars' text cells are views into
    buffers shared with the batch they were filtered from: a few flagged rows a batch
    would keep every batch's text in memory until the file is read (a third of a
    ten-million-row extract with one flagged row in a thousand), on disk or not."""
    text = [name for name, kind in rows.schema.items() if kind == pl.String]
    return rows.with_columns(pl.concat_str([pl.col(c), pl.lit("")]).alias(c) for c in text)


def _scan(kind: Kind, path: Path, shown: Path, ds: Dataset, stack: ExitStack
          ) -> tuple[pl.LazyFrame, Header, str | None]:
    """The reader for the file's kind: declared columns as read, ``_row`` and ``_extra``
    (and, for CSV, ``_short``)."""
    if kind is Kind.csv:
        return (*csv_file.scan(path, shown, ds, stack), None)
    if kind is Kind.excel:
        return excel_file.scan(path, shown, ds)
    return (*parquet_file.scan(path, shown, ds), None)


def _key_hash(ds: Dataset) -> dict[str, pl.Expr]:
    """The key's hash, computed while the file is parsed (in parallel) for the duplicate test."""
    if not ds.key:
        return {}
    key = pl.col(ds.key[0]) if len(ds.key) == 1 else pl.struct(ds.key)
    return {"_hash": key.hash()}


def _full_path(ds: Dataset, kind: Kind, doubtful: pl.DataFrame
               ) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Flagged rows: (rows rescued, failures by _row, rows found blank after all)."""
    declared = list(ds.columns)
    empty_failures = pl.DataFrame(schema={"_row": pl.Int64, "column": pl.String,
                                          "value": pl.String, "reason": pl.String})
    if doubtful.is_empty():
        return doubtful.clear(), empty_failures, 0
    raw = doubtful.select(*(pl.col(raw_name(n)).alias(n) for n in declared),
                          *(c for c in SHAPE if c in doubtful.columns))
    coerced = coerce(raw, ds, kind)
    rows = doubtful["_row"]
    failures = coerced.failures.with_columns(_row=rows.gather(coerced.failures["_i"]))
    failed = failures["_i"].unique()
    keep = ~coerced.blank & ~pl.Series(range(raw.height)).is_in(failed.implode())
    rescued = coerced.frame.with_columns(_row=rows).filter(keep)
    return rescued, failures.select("_row", "column", "value", "reason"), \
        int(coerced.blank.sum())


def _validate(ds: Dataset, parts: list[_Part], as_of: dt.date) -> Extract:
    files = [p.file for p in parts]
    names = pl.Enum(sorted({p.file.path for p in parts}))  # one small code per row, not a copy
    read = [p for p in parts if p.typed.height]
    if read:
        typed = pl.concat([p.typed for p in read], how="vertical_relaxed")
        typed = typed.with_columns(_file_of(read, names, typed["_row"].chunk_lengths()))
    else:
        typed = _empty(ds, names)
    mask, failures = _checked(ds, typed, parts, as_of)
    # Rows rejected stay, marked: leaving them out would copy every row used.
    typed = typed.select(*ds.columns, "_file", "_row", _used=mask)
    # Rescued rows were appended: the rows are put back in file order, unless they are on
    # disk (engine.read.spill), where sorting would bring them all into memory. The order
    # is for people reading the rows: nothing the run computes depends on it.
    if any(p.reordered for p in parts) and not any(p.spilled for p in parts):
        typed = typed.sort("_file", "_row")
    blanks = sum(p.blanks for p in parts)
    rejects = rejects_of(ds, failures)
    # The newest Arrow layout shares Polars' string buffers: no copy of a large extract.
    table = typed.to_arrow(compat_level=pl.CompatLevel.newest())
    return Extract(ds, table, files, sum(f.rows_read for f in files), int(mask.sum()),
                   {BLANK_ROW: blanks} if blanks else {}, rejects)


def _file_of(read: list[_Part], names: pl.Enum, pieces: list[int]) -> pl.Series:
    """Each row's file, cut in the ``pieces`` the other columns are cut in. A column cut
    otherwise would make every column be copied to match, when it joins them and when
    the rows become an Arrow table: the whole extract held twice, and rows kept on disk
    (engine.read.spill) brought into memory."""
    out, files = [], iter(read)
    part, left = next(files), read[0].typed.height
    for length in pieces:
        piece = []
        while length:
            while not left:
                part = next(files)
                left = part.typed.height
            take = min(length, left)
            piece.append(pl.repeat(part.file.path, take, dtype=names, eager=True))
            length, left = length - take, left - take
        out.append(pl.concat(piece) if len(piece) > 1 else piece[0])
    return pl.concat(out, rechunk=False).alias("_file")


def rejects_of(ds: Dataset, failures: pl.DataFrame) -> list[Reject]:
    """Every failure (``_file``, ``_row``, ``column``, ``value``, ``reason``, maybe
    ``message``) as a reject, by file, row and column. Failures name columns (a row check
    names each it reads, joined by " / "); here, and only here, names become the headers
    people see in the extract."""
    if failures.is_empty():
        return []
    return [Reject(f["_file"], f["_row"], _headers(ds, f["column"]), f["value"] or "",
                   f["reason"], f.get("message") or meaning(ds, f["column"], f["reason"]))
            for f in failures.sort("_file", "_row", "column").iter_rows(named=True)]


def _checked(ds: Dataset, typed: pl.DataFrame, parts: list[_Part], as_of: dt.date
             ) -> tuple[pl.Series, pl.DataFrame]:
    """Over all files together: which rows are used (a mask), and every failure, each
    with its file and row. A duplicate key or a failed check is found as the positions
    of its rows (few), so no index of every row is made."""
    failures = [p.failures.with_columns(_file=pl.lit(p.file.path)) for p in parts]
    found = (_duplicates(typed, ds) if ds.key else []) + (
        _row_checks(typed, ds, as_of) if ds.checks else [])
    keep = ~pl.col("_drop")
    if found:
        index = pl.int_range(pl.len(), dtype=pl.get_index_type())
        keep = keep & ~index.is_in(pl.concat([at for at, _ in found]).implode())
    # A mask made by a query over the rows is cut in pieces as they are: one that is not
    # would make every column be cut again when the rows become an Arrow table.
    return typed.select(keep).to_series(), pl.concat(
        [*failures, *(told for _, told in found)], how="diagonal_relaxed")


def _empty(ds: Dataset, names: pl.Enum) -> pl.DataFrame:
    return pl.DataFrame(schema={**{n: dtype_of(c) for n, c in ds.columns.items()},
                                "_row": pl.Int64, "_drop": pl.Boolean, "_hash": pl.UInt64,
                                "_file": names})


def _duplicates(typed: pl.DataFrame, ds: Dataset) -> list[tuple[pl.Series, pl.DataFrame]]:
    """The positions of the rows a repeated key rejects, and their failures
    (:func:`duplicates_told`). Hashes first: sorted, equal neighbours are the candidates
    (far cheaper on millions of rows than a hash table); then the exact test on those few
    rows. Rows already rejected or blank take no part."""
    hashes = np.sort(typed["_hash"].filter(~typed["_drop"]).to_numpy())
    repeated = pl.Series(np.unique(hashes[1:][hashes[1:] == hashes[:-1]]), dtype=pl.UInt64)
    if not len(repeated):
        return []
    at = typed.select(pl.arg_where(pl.col("_hash").is_in(repeated.implode())
                                   & ~pl.col("_drop"))).to_series()
    candidates = typed[at].with_columns(_at=at)
    shared = candidates.filter(_key(ds).is_duplicated())
    rejected, told = duplicates_told(ds, shared)
    return [(shared["_at"].filter(rejected), told)]


def _key(ds: Dataset) -> pl.Expr:
    return pl.col(ds.key[0]) if len(ds.key) == 1 else pl.struct(ds.key)


SHOWN_ROWS = 5  # the other rows a duplicate key's reject names, at most


def duplicates_told(ds: Dataset, rows: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """Of ``rows``, each sharing its key with another (the declared columns, ``_file``,
    ``_row``): which are rejected (aligned with ``rows``), and their failures. Copies the
    same in every declared cell are one row exported twice: the first (in file order) is
    used, each later one rejected as ``duplicate_row``, naming it. Copies that differ are
    every one rejected as ``duplicate_key``, naming the others: nothing says which is
    right. By both readers (this one, and engine.read.spark_parquet, whose marks follow
    :func:`same_cells`)."""
    key = ds.key
    of = pl.col("_file").cast(pl.String)
    place = pl.when(of.n_unique().over(key) > 1).then(pl.format("row {} of {}", "_row", of)) \
        .otherwise(pl.format("row {}", "_row"))
    ranked = rows.with_columns(_in=pl.int_range(pl.len())).sort("_file", "_row").with_columns(
        _same=same_cells(ds), _nth=pl.int_range(pl.len()).over(key), _place=place)
    ranked = ranked.with_columns(_places=pl.col("_place").over(key, mapping_strategy="join"))
    nth, places = pl.col("_nth"), pl.col("_places")
    others = pl.concat_list(places.list.head(nth), places.list.slice(nth + 1))
    told = ranked.filter(~pl.col("_same") | (nth > 0)).select(
        "_in", "_file", "_row", **duplicate_failure(ds),
        reason=pl.when("_same").then(pl.lit("duplicate_row")).otherwise(pl.lit("duplicate_key")),
        message=pl.when("_same").then(pl.format(
            "repeats {} exactly (every declared cell the same): the same record exported "
            "again, so this copy is left out and that row stands for it",
            places.list.first())).otherwise(pl.format(
                "the same key is also on {}, with other values: every copy is rejected, as "
                "nothing says which is right", _listed(others))))
    flags = pl.Series([False] * rows.height).scatter(told["_in"], True)
    return flags, told.drop("_in")


def same_cells(ds: Dataset) -> pl.Expr:
    """Whether the rows of a key hold the same value in every declared cell: each cell's
    least and greatest are equal, and it is blank on all of them or none. Exact, and
    written alike on Spark (engine.read.spark_parquet, ``_same_cells``)."""
    return pl.all_horizontal(
        (pl.col(n).min().over(ds.key) == pl.col(n).max().over(ds.key)).fill_null(True)
        & (pl.col(n).null_count().over(ds.key) % pl.len().over(ds.key) == 0)
        for n in ds.columns)


def _listed(places: pl.Expr) -> pl.Expr:
    """A list of places as words: 'row 3, row 4 and row 5 (and 2 more)'."""
    shown = places.list.head(SHOWN_ROWS)
    count = shown.list.len()
    more = places.list.len().cast(pl.Int64) - SHOWN_ROWS  # list lengths are unsigned
    text = pl.when(count > 1).then(pl.concat_str(
        shown.list.head(count - 1).list.join(", "), pl.lit(" and "), shown.list.last())
    ).otherwise(shown.list.first())
    return text + pl.when(more > 0).then(pl.format(" (and {} more)", more)).otherwise(pl.lit(""))


def duplicate_failure(ds: Dataset) -> dict[str, pl.Expr]:
    """How a row whose key another row has too is told in rejects: the key's columns and
    values (its reason and words are :func:`duplicates_told`'s)."""
    return {"column": pl.lit(" / ".join(ds.key)),
            "value": pl.concat_str([pl.col(k).cast(pl.String) for k in ds.key],
                                   separator=" / ")}


def check_failure(check: RowCheck, columns: list[str]) -> dict[str, pl.Expr]:
    """How a row a dataset's check rejects is told: the ``columns`` the check reads and
    their values, its reason and its own words (two checks may share a reason code:
    counts_inconsistent). By both readers, as :func:`duplicate_failure`."""
    value = pl.concat_str([pl.col(c).cast(pl.String).fill_null("") for c in columns],
                          separator=" / ") if columns else pl.lit("")
    return {"column": pl.lit(" / ".join(columns)), "value": value,
            "reason": pl.lit(check.reason),
            "message": pl.lit(check.message or f"fails the check {check.rule}")}


def _row_checks(typed: pl.DataFrame, ds: Dataset, as_of: dt.date
                ) -> list[tuple[pl.Series, pl.DataFrame]]:
    """The positions of the rows for which a check is false, and their failures, check by
    check (a check that cannot be decided, for a blank cell, passes: SQL's rule, so
    ``decided_date <= as_of`` does not reject an open case)."""
    types = ds.column_types()
    found = []
    for check in ds.checks:
        rule = expr.parse(check.rule, types)
        at = typed.select(pl.arg_where((~rule.to_polars(as_of)).fill_null(False)
                                       & ~pl.col("_drop"))).to_series()
        found.append((at, typed[at].select("_file", "_row",
                                           **check_failure(check, sorted(rule.columns)))))
    return found


def _enforce_threshold(extract: Extract) -> None:
    limit = extract.dataset.max_rejected
    if limit is None or not extract.rows_read:
        return
    share = Fraction(extract.rows_rejected, extract.rows_read)
    if share <= Fraction(limit) / 100:
        return
    worst = sorted(extract.rejected_by().items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    ds = extract.dataset
    examples = []
    for reason, count in worst:
        first = next(r for r in extract.rejects if r.reason == reason)
        # The column, not its value: a message reaches logs, and the value may be a case
        # id to pseudonymise or a personal cell; rejects.csv shows it as may be published.
        cell = f" ({first.column})" if first.column else ""
        rows = f"{count:,} row{'s' if count > 1 else ''}"
        examples.append(f"{reason} — {first.message}: {rows}, first at {first.file} row "
                        f"{first.row}{cell}")
    raise TooManyRejects([Problem(
        None,
        f"dataset '{ds.name}': {extract.rows_rejected:,} of {extract.rows_read:,} rows read "
        f"were rejected ({float(share):.2%}), more than max_rejected {limit}%; results from "
        f"this extract would mislead. Most common: {'; '.join(examples)}",
        hint="fix the extract (every rejected row is listed in rejects.csv), or raise "
        f"max_rejected in the '{ds.name}' dataset if this many bad rows is expected",
    )], extract)


def _headers(ds: Dataset, columns: str) -> str:
    return " / ".join(ds.header_of(c) if c in ds.columns else WHOLE_ROW
                      for c in columns.split(" / "))


def _shown(path: Path, base: Path | None) -> Path:
    try:
        return path.resolve().relative_to((base or Path.cwd()).resolve())
    except ValueError:
        return path
