"""``--engine spark``: a dataset whose files are all Parquet, read by Spark where they lie.

At cluster scale the extracts are Parquet files on shared storage, and the machine that
runs the command must not hold them; so Spark reads them itself (a local path, or any
path Spark reads — ``hdfs://``, ``s3a://``, ``file:/`` — given with ``--data``), checks
them on the cluster and leaves the rows there, cached, for the measures: the extract's
``rows`` is an Ibis table on Spark, not an Arrow table. CSV files and workbooks named by
a URI are read where they lie too, but whole, by the local reader on an executor
(``spark_files``, which shares this module's listing and :func:`finish`); on this
machine's disk, the engine reads them itself (``extract``) and hands Spark the rows as
Arrow.

The rules are the local reader's, so that a run gives the same record:

* columns are matched to the declared headers by name (``header.locate``), as
  ``parquet_file.scan`` does; a nested column is refused in the same words (its type
  named as Spark names it);
* a column stored in the declared type is used as it is. A row is *flagged* where a cell
  is doubtful — text with spaces or tabs around it, empty, longer than
  ``MAX_CELL_BYTES``, a category outside its ``values``, a required or key cell blank —
  or holds a value in a column stored in a type that does not fit (a date column stored
  as text);
* flagged rows, expected to be few, come to this machine in their stored types (so
  that Polars, not Spark, writes a stored number or time as text: the text the local
  reader sees), are made what ``parquet_file.scan`` makes of them and take the full path
  (``extract._full_path``), which rescues the rows it can and names the reason for the
  others exactly as locally; the rescued rows go back to Spark. A column stored as the
  wrong type flags every row: correct, but slow — store typed columns; more than
  ``MAX_RESCUED`` flagged rows are refused, naming such columns;
* rows are numbered ``_metadata.row_index + 1`` in each file, as the local reader
  counts records; a row whose every declared cell is blank is filtered, and counted;
* duplicate keys and the dataset's row checks are decided on Spark, with the same
  expressions the measures use (``expr``), and only the rejected rows come back, to be
  told as locally; then ``max_rejected`` (``extract._enforce_threshold``);
* each file's SHA-256 is computed on the cluster (``binaryFile``). Spark holds a file in
  one piece to hash it, so a file over its limit (2 GB) is refused, saying so;
* every read fails on a damaged or vanished file whatever a cluster's defaults say
  (``ignoreCorruptFiles``), and a file Spark would skip (a name starting with ``_`` or
  ``.``) is refused: no row is left out without a word.

A known difference left (bench/README's "Left to do"): legacy INT96 time stamps are
naive to Polars but instants to Spark.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple, TypeVar
from urllib.parse import unquote, urlsplit

import ibis
import polars as pl
from ibis.backends.pyspark.datatypes import PySparkType
from py4j.protocol import Py4JJavaError  # type: ignore[import-untyped]
from pyspark.errors import PySparkException, PythonException
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from engine import backend, expr
from engine.model.dataset import Column as Declared
from engine.model.dataset import ColumnType, Dataset
from engine.problems import InputError, Problem
from engine.read.coerce import MAX_CELL_BYTES, TYPES, dtype_of, raw_name
from engine.read.extract import (
    BLANK_ROW,
    Extract,
    FileRead,
    _enforce_threshold,
    _full_path,
    _shown,
    check_failure,
    duplicates_told,
    rejects_of,
)
from engine.read.header import locate
from engine.read.sources import EMPTY, NOT_PARQUET, PARQUET, SUFFIXES, Kind, Unreadable

# The declared types as the measures' rows hold them; Spark's types come from Ibis, as
# for rows handed over as Arrow (backend.spark_frame), so both reach the measures alike.
_IBIS = {ColumnType.string: "string", ColumnType.category: "string",
         ColumnType.integer: "int64", ColumnType.decimal: "float64",
         ColumnType.boolean: "boolean", ColumnType.date: "date",
         ColumnType.datetime: "timestamp"}
# Stored types used as they are: parquet_file's _FITS, in Spark's words (a date-time
# with a time zone is not a naive one: it is read as text, as Polars reads it).
_FITS = {
    ColumnType.integer: lambda t: isinstance(t, T.IntegralType),
    ColumnType.decimal: lambda t: isinstance(t, T.NumericType),
    ColumnType.boolean: lambda t: isinstance(t, T.BooleanType),
    ColumnType.date: lambda t: isinstance(t, T.DateType),
    ColumnType.datetime: lambda t: isinstance(t, T.TimestampNTZType),
}
# Stored types Spark turns into the very text Polars does, for a text column (an id
# stored as a number); a text column stored as any other flags its rows.
_TEXT = (T.StringType, T.IntegralType)
_NESTED = (T.ArrayType, T.MapType, T.StructType, T.VariantType)
MAX_RESCUED = 1_000_000  # flagged rows brought to this machine for the full path, at most
_T = TypeVar("_T")


@dataclass(frozen=True)
class SparkFile:
    path: str  # for Spark: literal, its glob characters escaped
    shown: str  # as the local reader would show it
    remote: bool  # named by a URI that is not this machine's file: no Path shows it
    uri: str = ""  # as Spark's binaryFile reader names it (a Hadoop path, not encoded)
    order: str = ""  # the decoded path the local reader would sort the files by

    def problem(self, message: str, hint: str | None) -> Problem:
        if self.remote:  # a Path would fold hdfs://host into hdfs:/host
            return Problem(None, f"{self.shown}: {message}", hint=hint)
        return Problem(Path(self.shown), message, hint=hint)


class _Counts(NamedTuple):
    read: int = 0
    blank: int = 0  # every declared cell null
    flagged: int = 0  # for the full path


@dataclass
class _Part:
    """One file: its record (rows counted later, on Spark), its rows as Spark reads them
    (the declared columns in their declared types, null where the stored type does not
    fit; ``_row``, ``_file``, ``_blank``, ``_flag``), its flagged rows in their stored
    types, and which columns are stored in the declared type."""

    file: SparkFile
    record: FileRead
    rows: DataFrame
    flagged: DataFrame
    fits: dict[str, bool]


def read_dataset(ds: Dataset, sources: list[Path] | str, as_of: dt.date, con: Any
                 ) -> Extract:
    """Read every file of ``ds`` — local files, or those a URI (maybe a glob) names — on
    the Spark of ``con`` (an Ibis backend); raise :class:`InputError` (exit 3) if one
    cannot be read, as ``extract.read_dataset`` does."""
    return read_files(ds, listed(con._session, ds, sources), as_of, con)


def read_files(ds: Dataset, files: list[SparkFile], as_of: dt.date, con: Any) -> Extract:
    """:func:`read_dataset` of files already listed (engine.read.spark_files lists a
    URI's files before it knows they are all Parquet)."""
    session: SparkSession = con._session
    parts = _parts(session, ds, files)
    every = functools.reduce(DataFrame.unionByName, [p.rows for p in parts])
    counts = spark_job(ds, con, _UNREADABLE, lambda: _counts(every))
    _few_to_rescue(ds, parts, sum(c.flagged for c in counts.values()))
    rescued, failures, found_blank = spark_job(ds, con, _UNREADABLE, lambda: _rescue(
        ds, [p for p in parts if counts.get(p.file.shown, _Counts()).flagged]))
    kept = every.where(~F.col("_flag") & ~F.col("_blank")).select(*ds.columns, "_file", "_row")
    if rescued.height:
        kept = kept.unionByName(backend.spark_frame(
            session, rescued.select(rows_schema(ds).names).to_arrow(), rows_schema(ds)))
    records = [replace(p.record, rows_read=counts.get(p.file.shown, _Counts()).read)
               for p in parts]
    return finish(con, ds, as_of, Kept(
        kept, records, failures, sum(c.blank for c in counts.values()) + found_blank,
        sum(c.read - c.blank - c.flagged for c in counts.values()) + rescued.height))


@dataclass
class Kept:
    """What a reader leaves on Spark once every cell is read: the rows whose cells all
    passed (declared columns, ``_file``, ``_row``), each file's record, the failures of
    the rows rejected (``_file``, ``_row``, ``column``, ``value``, ``reason``), the blank
    rows, and how many rows were kept."""

    rows: DataFrame
    files: list[FileRead]
    failures: pl.DataFrame
    blank: int
    count: int


def finish(con: Any, ds: Dataset, as_of: dt.date, kept: Kept,
           after: Callable[[], None] | None = None) -> Extract:
    """The rows kept, checked on Spark for duplicate keys and the dataset's row checks
    on a cached view, and the extract, as ``extract`` makes it; then ``max_rejected``.
    ``after`` runs once the view's cache is filled, when what it was made from may go.
    Shared with engine.read.spark_files."""
    rows = _checked(con, kept.rows, ds, as_of)
    try:
        later, rejected = spark_job(ds, con, _UNCHECKABLE, lambda: _later(con, rows, ds, as_of))
        if after is not None:
            spark_job(ds, con, FILES_UNREADABLE, lambda: rows.count().execute())  # fills the cache
            after()
        extract = Extract(ds, rows, kept.files, sum(f.rows_read for f in kept.files),
                          kept.count - rejected, {BLANK_ROW: kept.blank} if kept.blank else {},
                          rejects_of(ds, pl.concat([kept.failures, later],
                                                   how="diagonal_relaxed")))
    except BaseException:
        backend.drop(rows)
        raise
    _enforce_threshold(extract)  # TooManyRejects carries the extract: the run lets it go
    return extract


def _parts(session: SparkSession, ds: Dataset, files: list[SparkFile]) -> list[_Part]:
    """Every file, opened; every one that cannot be is said before the run stops."""
    problems, parts = [], []
    for file in files:
        try:
            parts.append(_part(session, ds, file))
        except Unreadable as err:
            problems.append(err.problem)
    if problems:
        raise InputError(problems, exit_code=3)
    return parts


def listed(session: SparkSession, ds: Dataset, sources: list[Path] | str) -> list[SparkFile]:
    """The files: local ones as given (shown as the local reader shows them), or those a
    URI names, listed by Spark where they lie."""
    if not isinstance(sources, str):
        hidden = [p for p in sources if p.name.startswith(("_", "."))]
        if hidden:  # Spark reads such a file as nothing at all
            raise InputError([Problem(p, "Spark leaves out a file whose name starts with "
                                      "'_' or '.', so its rows would be lost",
                                      hint="rename the file") for p in hidden], exit_code=3)
        return [SparkFile(f"file:{_literal(str(p.absolute()))}", str(_shown(p, None)), False)
                for p in sources]
    try:  # listed where they lie, without reading them (empty files too)
        uris = strict_reader(session).format("binaryFile").load(sources).inputFiles()
    except (Py4JJavaError, PySparkException) as exc:
        uris, words = [], f" ({_words(exc)})"
    else:
        words = ""
    _refuse_hidden(session, sources)  # first: a hidden file alone is listed as nothing
    if not uris:
        raise InputError([Problem(None, f"{sources}: no such file{words}",
                                  hint=f"check the path given with --data {ds.name}=…")],
                         exit_code=3)
    jvm, found = _jvm(session), []
    for uri in uris:
        named = jvm.org.apache.hadoop.fs.Path(jvm.java.net.URI(uri))  # as binaryFile says
        path = unquote(uri)  # Spark lists URIs: %20 for a space
        if urlsplit(uri).scheme == "file":  # this machine's file: shown as a path is
            local = str(named.toUri().getPath())
            found.append(SparkFile(f"file:{_literal(local)}", str(_shown(Path(local), None)),
                                   remote=False, uri=str(named.toString()), order=local))
        else:
            found.append(SparkFile(_literal(path), path, remote=True,
                                   uri=str(named.toString()), order=path))
    return sorted(found, key=lambda f: f.order)  # as the local reader sorts its files


def _jvm(session: SparkSession) -> Any:
    """The JVM of the session (a classic one: Spark Connect has none), for Hadoop's paths."""
    return session._jvm


def _refuse_hidden(session: SparkSession, sources: str) -> None:
    """Refuse the data files a URI names that Spark would leave out without a word: a name
    starting with '_' or '.' (Hadoop's own markers, _SUCCESS or .crc files, are no data
    and stay out, as for Spark)."""
    jvm, hidden = _jvm(session), []
    try:
        pattern = jvm.org.apache.hadoop.fs.Path(sources)
        system = pattern.getFileSystem(session._jsc.hadoopConfiguration())
        for status in system.globStatus(pattern) or []:
            inside = system.listStatus(status.getPath()) if status.isDirectory() else [status]
            for file in inside:
                name = str(file.getPath().getName())
                if name.startswith(("_", ".")) and file.isFile() and \
                        PurePosixPath(name).suffix.lower() in SUFFIXES:
                    hidden.append(unquote(str(file.getPath().toUri())))
    except (Py4JJavaError, PySparkException):
        return  # the storage cannot be listed: Spark's own listing says so, in its words
    if hidden:
        raise InputError([Problem(None, f"{path}: Spark leaves out a file whose name starts "
                                  "with '_' or '.', so its rows would be lost",
                                  hint="rename the file") for path in sorted(hidden)],
                         exit_code=3)


def strict_reader(session: SparkSession) -> Any:
    """Spark's reader, told to fail on a damaged or vanished file rather than skip it
    without a word, whatever a cluster's defaults say (``ignoreCorruptFiles``): a row
    left out of the count would be a row lost."""
    return session.read.option("ignoreCorruptFiles", "false").option(
        "ignoreMissingFiles", "false")


def one_piece(session: SparkSession) -> int:
    """The most bytes Spark's binaryFile reader holds of a file, in one piece."""
    return int(session.conf.get("spark.sql.sources.binaryFile.maxLength") or 2**31 - 1)


def _unopened(file: SparkFile, words: str) -> Problem:
    """Why Spark could not open a Parquet file, in words that say what to do."""
    if "TIMESTAMP(NANOS" in words:  # pandas' and pyarrow's default, which Spark refuses
        return file.problem(f"a column holds times in nanoseconds, which Spark cannot read "
                            f"({words})", hint="write times in microseconds (pyarrow: "
                            "coerce_timestamps='us'; pandas: .astype('datetime64[us]'))")
    if "COLUMN_ALREADY_EXISTS" in words or "Found duplicate column" in words:
        return file.problem(f"two columns have the same name but for case, which Spark "
                            f"cannot tell apart ({words})", hint="rename one of them")
    return file.problem(f"the Parquet file is damaged ({words})",
                        hint="export the extract again")


def _literal(path: str) -> str:
    """``path`` for Spark, which reads every path as a glob: a bracket is a bracket."""
    return re.sub(r"([\[\]{}*?\\])", r"\\\1", path)


def _part(session: SparkSession, ds: Dataset, file: SparkFile) -> _Part:
    digest = _digest(session, file)
    try:
        source = strict_reader(session).parquet(file.path)
    except (Py4JJavaError, PySparkException) as exc:
        raise Unreadable(_unopened(file, _words(exc))) from None
    stored = source.schema.fields
    try:
        header = locate(Path(file.shown), ds, [(0, source.columns)], header_row=0)
    except Unreadable as err:  # said of the file as it is shown
        raise Unreadable(file.problem(err.problem.message, err.problem.hint)) from None
    # Columns by position: a header may hold dots or backticks, or two names alike but
    # for case, that Spark would not tell apart by name.
    cells = source.select(
        (source.metadataColumn("_metadata").getField("row_index") + 1).alias("_row"), "*",
    ).toDF("_row", *(f"_{i}" for i in range(len(stored))))
    values, flags, fits, raw = [], [], {}, []
    for name, col in ds.columns.items():
        at = header.positions[name]
        cell, kind = F.col(f"_{at}"), stored[at].dataType
        if isinstance(kind, _NESTED):
            raise Unreadable(file.problem(
                f"column '{stored[at].name}' holds {kind.simpleString()} values (lists or "
                "records), not one value per row", hint="export it as plain text, numbers "
                "or dates"))
        value, fits[name], doubtful = _as_read(cell, kind, col)
        values.append(value.alias(name))
        flags.append(doubtful)
        if col.required or name in ds.key:
            flags.append(cell.isNull())
        raw.append(cell.alias(name))
    blank = functools.reduce(operator.and_, [F.col(f"_{header.positions[n]}").isNull()
                                             for n in ds.columns])
    flag = functools.reduce(operator.or_, flags) & ~blank
    rows = cells.select(*values, "_row", F.lit(file.shown).alias("_file"),
                        blank.alias("_blank"), flag.alias("_flag"))
    record = FileRead(file.shown, digest, 0, header.row, None, header.unexpected)
    return _Part(file, record, rows, cells.where(flag).select("_row", *raw), fits)


def _few_to_rescue(ds: Dataset, parts: list[_Part], flagged: int) -> None:
    """Refuse, in words, an extract whose flagged rows are too many to bring here: most
    often a column stored as text, which flags every row."""
    if flagged <= MAX_RESCUED:
        return
    text = sorted({n for p in parts for n, fits in p.fits.items() if not fits
                   and ds.columns[n].type not in (ColumnType.string, ColumnType.category)})
    why = (f"; {', '.join(text)} {'is' if len(text) == 1 else 'are'} not stored in the "
           "declared type" if text else "")
    raise InputError([Problem(None, f"dataset '{ds.name}': {flagged:,} rows need a closer "
                              f"look than Spark's quick tests give (more than {MAX_RESCUED:,},"
                              f" too many to bring to this machine){why}", hint=(
                                  "store each column in its declared type (dates as dates, "
                                  "numbers as numbers), or read the extract without "
                                  "--engine spark"))], exit_code=3)


def _counts(every: DataFrame) -> dict[str, _Counts]:
    """Rows read, blank and flagged, by file (a file of no rows has no entry): one scan."""
    return {r["_file"]: _Counts(r["read"], r["blank"], r["flagged"]) for r in every.groupBy(
        "_file").agg(F.count(F.lit(1)).alias("read"), F.count_if("_blank").alias("blank"),
                     F.count_if("_flag").alias("flagged")).collect()}


def _as_read(cell: Column, kind: T.DataType, col: Declared) -> tuple[Column, bool, Column]:
    """(the cell as the fast path takes it, or null where the full path must; whether it
    is stored in the declared type; whether it is doubtful, flagging its row)."""
    declared = PySparkType.from_ibis(ibis.dtype(_IBIS[col.type]))
    if col.type in (ColumnType.string, ColumnType.category):
        if not isinstance(kind, _TEXT):
            return F.lit(None).cast(declared), False, cell.isNotNull()
        text = cell.cast(declared)
        if col.values is not None:  # a listed value has no spaces around it either
            return text, False, cell.isNotNull() & ~text.isin(col.values)
        # Whitespace as the full path strips it (Unicode's, a non-breaking space too).
        doubtful = (text == "") | text.rlike(r"(?U)^\s|\s$") \
            | (F.octet_length(text) > MAX_CELL_BYTES)
        return text, False, cell.isNotNull() & doubtful
    if _FITS[col.type](kind):
        if col.type is ColumnType.decimal and isinstance(kind, (T.FloatType, T.DoubleType)):
            odd = F.isnan(cell) | (F.abs(cell) == float("inf"))  # as the full path: no number
            return cell.cast(declared), True, cell.isNotNull() & odd
        return cell.cast(declared), True, F.lit(False)
    return F.lit(None).cast(declared), False, cell.isNotNull()


def _digest(session: SparkSession, file: SparkFile) -> str:
    """The file's SHA-256, computed where it lies; refuses an empty file, one that is not
    Parquet, and one too large for Spark to hold in one piece (binaryFile's limit)."""
    limit = one_piece(session)
    try:
        whole = strict_reader(session).format("binaryFile").load(file.path)
        # Spark tests the length before it reads a file: one over the limit is not read.
        found = whole.where(F.col("length") <= limit).select(
            F.sha2("content", 256), F.hex(F.substring("content", 1, 4))).collect()
        too_large = [] if found else whole.select("length").collect()
    except (Py4JJavaError, PySparkException) as exc:
        raise Unreadable(file.problem(f"cannot open the file ({_words(exc)})",
                                      hint="check the path and that the file is not "
                                      "locked")) from None
    if too_large:
        raise Unreadable(file.problem(
            f"the file is {too_large[0][0]:,} bytes, more than Spark holds in one piece to "
            f"compute its SHA-256 ({limit:,} bytes, the limit of its binaryFile reader)",
            hint="write the extract as several Parquet files of less than 2 GB each"))
    if not found:  # Spark gives no row for a file of no bytes
        raise Unreadable(file.problem(*EMPTY))
    ((digest, magic),) = found
    if magic != PARQUET.hex().upper():  # Spark's hex() of the first four bytes
        raise Unreadable(file.problem(*NOT_PARQUET))
    return str(digest)


def _rescue(ds: Dataset, parts: list[_Part]) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The flagged rows of ``parts``, brought here and made what ``parquet_file.scan``
    makes of them (a column stored in the declared type cast to it, any other cast to
    text), through the full path: (rows rescued, failures, rows found blank after all)."""
    rescued, failures, blanks = [], [], 0
    for part in parts:
        stored = pl.DataFrame(pl.from_arrow(part.flagged.toArrow()))
        doubtful = stored.select(
            *(pl.col(n).cast(TYPES[c.type] if part.fits[n] else pl.String).alias(raw_name(n))
              for n, c in ds.columns.items()),
            pl.col("_row").cast(pl.Int64), _extra=pl.lit(None, pl.String))
        saved, failed, blank = _full_path(ds, Kind.parquet, doubtful)
        rescued.append(saved.with_columns(_file=pl.lit(part.file.shown)))
        failures.append(failed.with_columns(_file=pl.lit(part.file.shown)))
        blanks += blank
    return (pl.concat(rescued) if rescued else pl.DataFrame(),
            pl.concat(failures) if failures else pl.DataFrame(), blanks)


def rows_schema(ds: Dataset) -> ibis.Schema:
    """The rows' columns, as the measures see them (rescued rows are handed over so)."""
    return ibis.schema({**{n: _IBIS[c.type] for n, c in ds.columns.items()},
                        "_row": "int64", "_file": "string"})


def _checked(con: Any, kept: DataFrame, ds: Dataset, as_of: dt.date) -> Any:
    """The rows kept, on a cached temporary view (released with the extract), each
    marked ``_used`` unless a duplicate key or a check rejects it, as an Ibis table."""
    session, name = con._session, f"engine_rows_{uuid.uuid4().hex}"
    kept.createOrReplaceTempView(f"{name}_kept")
    try:
        table = con.table(f"{name}_kept")
        marks = _marks(table, ds, as_of)
        used = ~functools.reduce(operator.or_, marks.values()) if marks else ibis.literal(True)
        # A view of the query's plan, not its text: it outlives the view it reads.
        session.sql(str(con.compile(table.select(*ds.columns, "_file", "_row", _used=used)))
                    ).createOrReplaceTempView(name)
    finally:
        session.catalog.dropTempView(f"{name}_kept")
    session.catalog.cacheTable(name)  # read from the files once, by the first query
    return con.table(name)


def _marks(table: Any, ds: Dataset, as_of: dt.date) -> dict[str, Any]:
    """Why a row is rejected once its cells are read: ``_dup``, its key is another row's
    too (every copy, when they differ: nothing says which is right; every copy but the
    first, when they are the same row exported again: ``extract.duplicates_told``), and
    ``_check<i>``, the dataset's i-th check is false (one that cannot be decided, for a
    blank cell, passes: SQL's rule, as ``extract._row_checks``)."""
    marks = {}
    if ds.key:
        later = ibis.row_number().over(ibis.window(group_by=ds.key, order_by=["_file", "_row"]))
        marks["_dup"] = _shared(table, ds) & (~_same_cells(table, ds) | (later > 0))
    return marks | _checks(table, ds, as_of)


def _checks(table: Any, ds: Dataset, as_of: dt.date) -> dict[str, Any]:
    types = ds.column_types()
    return {f"_check{i}": (~expr.parse(check.rule, types).to_ibis(table, as_of)).fill_null(False)
            for i, check in enumerate(ds.checks)}


def _shared(table: Any, ds: Dataset) -> Any:
    """Whether another row has the row's key too (a key's cells are never blank here)."""
    return table.count().over(ibis.window(group_by=ds.key)) > 1


def _same_cells(table: Any, ds: Dataset) -> Any:
    """``extract.same_cells`` on Spark: every declared cell's least and greatest are equal
    over the key's rows, and it is blank on all of them or none."""
    window = ibis.window(group_by=ds.key)
    rows = table.count().over(window)
    same = [((table[n].min().over(window) == table[n].max().over(window)).fill_null(True)
             & ((table[n].count().over(window) == 0) | (table[n].count().over(window) == rows)))
            for n in ds.columns]
    return functools.reduce(operator.and_, same)


def _later(con: Any, rows: Any, ds: Dataset, as_of: dt.date) -> tuple[pl.DataFrame, int]:
    """The failures of the rows a duplicate key or a check rejects (by ``_file`` and
    ``_row``), told as ``extract`` tells them, and how many rows that is. Only those rows
    come here, and the first copy of a row exported twice (used, but named by the
    others' rejects)."""
    if not ds.key and not ds.checks:
        return pl.DataFrame(), 0
    involved = rows.mutate(_shared=_shared(rows, ds) if ds.key else ibis.literal(False))
    involved = involved.filter(~involved._used | involved._shared)
    found = pl.DataFrame(pl.from_arrow(con.to_pyarrow(involved.select(
        "_file", "_row", "_used", "_shared", *ds.columns, **_checks(involved, ds, as_of))))
    ).with_columns(pl.col(n).cast(dtype_of(c)) for n, c in ds.columns.items())  # as extract
    told = []
    if ds.key:
        told.append(duplicates_told(ds, found.filter("_shared"))[1])
    types = ds.column_types()
    for i, check in enumerate(ds.checks):
        cols = sorted(expr.parse(check.rule, types).columns)
        told.append(found.filter(f"_check{i}").select(
            "_file", "_row", **check_failure(check, cols)))
    return pl.concat(told, how="diagonal_relaxed"), int((~found["_used"]).sum())


_UNREADABLE = ("its Parquet files cannot be read", "export the extract again")
FILES_UNREADABLE = ("its files cannot be read", "export the extract again")
# Failures of the machines, not of the files: a worker that died (killed for its memory,
# or crashed in native code), a JVM out of memory. Not told as data to export again.
_FAULTS = ("Python worker exited unexpectedly", "OutOfMemoryError", "Java heap space",
           "SparkOutOfMemoryError")
_UNCHECKABLE = ("its checks cannot be computed on these rows",
                "a check overflowed or met a value out of range: check the dataset's checks "
                "against the values in the extract")


def spark_job(ds: Dataset, con: Any, failure: tuple[str, str], job: Callable[[], _T]) -> _T:
    """``job`` on Spark; a file that cannot be read after all (a damaged page), or a check
    that cannot be computed (an overflow), stops the run with exit 3, in Spark's words."""
    try:
        return job()
    except PythonException:  # the engine's own code failed on an executor: a fault, not data
        raise
    except (Py4JJavaError, PySparkException) as exc:
        if any(words in str(exc) for words in _FAULTS):
            raise
        what, hint = failure
        raise InputError([Problem(None, f"dataset '{ds.name}': {what} ({_words(exc)})",
                                  hint=hint)], exit_code=3) from None


def _words(exc: Exception) -> str:
    """Spark's own words for a failure, short: the innermost cause's, if Java's."""
    text, cause = str(exc), getattr(exc, "java_exception", None)
    while cause is not None:
        text, cause = str(cause.getMessage() or text), cause.getCause()
    return (text.strip().splitlines() or [type(exc).__name__])[0][:160]
