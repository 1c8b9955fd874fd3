"""``--engine spark``: CSV files and workbooks named by a URI, each read where it lies by
the local reader itself, on one of Spark's executors.

At cluster scale the extracts lie on shared storage (``hdfs://``, ``s3a://``…) and the
machine that runs the command must not hold them. Spark's own CSV reader cannot give the
local reader's record: it leaves empty lines out, so the rows after one would be
numbered differently from what a spreadsheet shows; it numbers no rows of a CSV file
(``_metadata.row_index`` is Parquet's alone); and it knows neither a title block above
the header nor the dataset's spellings of dates and numbers. So each file goes whole to
one task (Spark's ``binaryFile`` reader), which writes it to the executor's temporary
folder and reads it with ``extract.read_file``, as this machine would: the same header
search, parse, fast and full paths, row numbers, rejects and SHA-256. The typed rows
stay on Spark; each file's record and its rejects come here. Duplicate keys and the
dataset's row checks are then decided on Spark over all files together, as for Parquet
files (``spark_parquet.finish``).

Files are read in parallel, one task each (with Polars' threads inside it), copied to
the scratch folder Spark keeps on the machine (``SPARK_LOCAL_DIRS``). A task holds its file
whole, so a file over Spark's limit for one piece (2 GB) is refused, saying so: split the
export into several files, or write Parquet, which Spark reads in pieces
(``spark_parquet``). The executors need the engine installed, as they need PySpark, and
the same version as here: a task of another version refuses its file, as it would read
it by other rules. A folder, or a glob, whose files are all Parquet goes to
``spark_parquet``. A data file Spark's listing would leave out (a name starting with
``_`` or ``.``) is refused by the listing both readers share.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import ibis
import polars as pl
import pyarrow as pa
from ibis.backends.pyspark.datatypes import PySparkSchema
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

import engine
from engine import backend
from engine.model.dataset import Dataset
from engine.problems import InputError
from engine.read import spark_parquet
from engine.read.extract import Extract, FileRead, read_file
from engine.read.sources import EMPTY, SUFFIXES, Kind, Unreadable
from engine.read.spark_parquet import (
    FILES_UNREADABLE,
    Kept,
    SparkFile,
    finish,
    listed,
    rows_schema,
    spark_job,
    strict_reader,
)

BATCH_ROWS = 100_000  # rows per Arrow batch a task hands back to Spark
# Beside the rows: which part of a file's reading a row of the task's output is.
ROW, REJECT, FILE = "row", "reject", "file"
# A reject's fields, and a file's record (JSON), beside the rows; with an underscore, as a
# declared column may well be called 'value' or 'reason'.
_TOLD = ["_column", "_value", "_reason", "_record"]


def read_dataset(ds: Dataset, uri: str, as_of: dt.date, con: Any) -> Extract:
    """Read every file ``uri`` names (maybe a glob, or a folder) on the Spark of ``con``
    (an Ibis backend), each by the local reader on an executor; raise
    :class:`InputError` (exit 3) naming every file that cannot be read, as
    ``extract.read_dataset`` does. Files that are all Parquet are Spark's to read in
    pieces (engine.read.spark_parquet)."""
    session = con._session
    files = listed(session, ds, uri)
    if all(SUFFIXES.get(PurePosixPath(f.order).suffix.lower()) is Kind.parquet for f in files):
        return spark_parquet.read_files(ds, files, as_of, con)
    # One scan per file: each file is then a task of its own, and an Arrow batch of its own.
    whole = spark_job(ds, con, FILES_UNREADABLE, lambda: functools.reduce(
        DataFrame.unionByName,
        [strict_reader(session).format("binaryFile").load(f.path) for f in files]))
    _fit_in_one_piece(ds, con, whole, files)
    out = whole.select("path", "content").mapInArrow(
        _reader(ds, {f.uri: f for f in files}, engine.__version__),
        PySparkSchema.from_ibis(_output(ds)))
    out.persist()  # each file is read once: its rows and its record come from one run
    try:
        told = spark_job(ds, con, FILES_UNREADABLE, lambda: pl.DataFrame(pl.from_arrow(
            out.where(F.col("_part") != ROW).select("_part", "_file", "_row", *_TOLD)
            .toArrow())))
        records = {r["_file"]: json.loads(r["_record"]) for r in
                   told.filter(pl.col("_part") == FILE).iter_rows(named=True)}
        problems = []
        for file in files:
            record = records.get(file.shown)
            if record is None:  # Spark gives no row for a file of no bytes
                problems.append(file.problem(*EMPTY))
            elif "problem" in record:
                problems.append(file.problem(record["problem"], record["hint"]))
        if problems:
            raise InputError(problems, exit_code=3)
        read = [records[f.shown] for f in files]
        return finish(con, ds, as_of, Kept(
            out.where(F.col("_part") == ROW).select(*ds.columns, "_file", "_row"),
            [FileRead(f.shown, r["sha256"], r["rows_read"], r["header_row"], r["sheet"],
                      r["unexpected"]) for f, r in zip(files, read, strict=True)],
            told.filter(pl.col("_part") == REJECT).select(
                "_file", "_row", column="_column", value="_value", reason="_reason"),
            sum(r["blank"] for r in read), sum(r["kept"] for r in read)),
            after=out.unpersist)
    except BaseException:
        out.unpersist()
        raise


def _fit_in_one_piece(ds: Dataset, con: Any, whole: DataFrame, files: list[SparkFile]
                      ) -> None:
    """Refuse, before any is read, a file larger than Spark hands a task in one piece."""
    limit = spark_parquet.one_piece(con._session)
    sizes: dict[str, int] = dict(spark_job(ds, con, FILES_UNREADABLE,
                                            lambda: whole.select("path", "length").collect()))
    large = [(f, sizes[f.uri]) for f in files if sizes.get(f.uri, 0) > limit]
    if large:
        raise InputError([f.problem(
            f"the file is {size:,} bytes, more than Spark hands one task in one piece "
            f"({limit:,} bytes, the limit of its binaryFile reader)",
            hint="export the extract as several files of less than 2 GB each, or as "
            "Parquet, which Spark reads in pieces") for f, size in large], exit_code=3)


def _output(ds: Dataset) -> ibis.Schema:
    """What a task hands back: the rows' columns, and which part a row is (a row, a
    reject, a file's record) with the fields of the last two."""
    return ibis.schema({**rows_schema(ds), "_part": "string", **dict.fromkeys(_TOLD, "string")})


def _reader(ds: Dataset, files: dict[str, SparkFile], version: str
            ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The task's work, for ``mapInArrow``: each file it is given (``files``, by the
    path Spark's binaryFile reader names it with), read as here, by this ``version`` of
    the engine."""
    schema = _output(ds).to_pyarrow()

    def read(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import engine  # on the executor: the version installed there

        for batch in batches:
            for i in range(batch.num_rows):  # one file's bytes at a time, never copied
                file = files[batch["path"][i].as_py()]
                if engine.__version__ != version:  # another engine reads by other rules
                    yield _told(file, schema, "the engine on Spark's machines is version "
                                f"{engine.__version__}, not {version} as here",
                                "install the same version of the engine on them")
                    continue
                yield from _read_one(ds, file, batch["content"][i].as_buffer(), schema)

    return read


def _read_one(ds: Dataset, file: SparkFile, content: pa.Buffer, schema: pa.Schema
              ) -> Iterator[pa.RecordBatch]:
    """One file's rows kept, its rejects and its record, as batches of ``schema``. The
    copy goes where Spark keeps its own scratch files on the machine (SPARK_LOCAL_DIRS)."""
    suffix = PurePosixPath(file.order).suffix
    scratch = os.environ.get("SPARK_LOCAL_DIRS", "").split(",")[0] or None
    with tempfile.NamedTemporaryFile(suffix=suffix, prefix="extract-", dir=scratch) as copy:
        copy.write(content)
        copy.flush()
        try:
            part = read_file(ds, Path(copy.name), Path(file.shown))
        except Unreadable as err:
            yield _told(file, schema, err.problem.message, err.problem.hint)
            return
    kept = part.typed.filter(~pl.col("_drop")).select(*ds.columns, "_row")
    for start in range(0, kept.height, BATCH_ROWS):
        yield _batch(kept.slice(start, BATCH_ROWS), ROW, file, schema)
    failures = part.failures.select("_row", _column="column", _value="value", _reason="reason")
    for start in range(0, failures.height, BATCH_ROWS):
        yield _batch(failures.slice(start, BATCH_ROWS), REJECT, file, schema)
    record = {"sha256": part.file.sha256, "rows_read": part.file.rows_read,
              "header_row": part.file.header_row, "sheet": part.file.sheet,
              "unexpected": part.file.unexpected_columns, "blank": part.blanks,
              "kept": kept.height}
    yield _batch(pl.DataFrame({"_record": [json.dumps(record)]}), FILE, file, schema)


def _told(file: SparkFile, schema: pa.Schema, problem: str, hint: str | None
          ) -> pa.RecordBatch:
    """A file's record that says why it cannot be read, and what to do."""
    told = json.dumps({"problem": problem, "hint": hint})
    return _batch(pl.DataFrame({"_record": [told]}), FILE, file, schema)


def _batch(frame: pl.DataFrame, what: str, file: SparkFile, schema: pa.Schema) -> pa.RecordBatch:
    """``frame``'s columns in ``schema``'s types (a category as its text), every other
    column of ``schema`` null; marked ``what`` and the file's name."""
    frame = frame.with_columns(_part=pl.lit(what), _file=pl.lit(file.shown))
    frame = frame.with_columns(pl.lit(None).alias(f.name) for f in schema
                               if f.name not in frame.columns).select(schema.names)
    return backend.plain(frame.to_arrow(), schema).combine_chunks().to_batches()[0]
