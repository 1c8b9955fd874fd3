"""The query engine the measures run on: DuckDB (embedded, the default) or Spark.

Measures are Ibis expressions; this module only chooses the Ibis backend they run on.

* ``duckdb`` — an in-process DuckDB database.
* ``spark`` — PySpark through Ibis's ``pyspark`` backend: a local session
  (``local[2]``) unless ``master`` names a cluster (``spark://…``, ``yarn``…) or the
  usual Spark configuration (``spark-defaults.conf``, ``SPARK_*`` environment) does.
  The session's time zone is UTC, as naive date-times are taken everywhere else.

Extracts reach the engine as Arrow tables and become Ibis memtables (on Spark, files
read where they lie are the exception: this machine's Parquet files in local mode, and
any files a URI names; the reader hands over an Ibis table on a cached view, see
engine.read.spark_parquet and spark_files). Ibis's PySpark backend hands a memtable to
Spark as a pandas frame, where an integer column with blanks is already float; when
Spark's Arrow conversion of that frame fails (PySpark < 4.1 with pandas 3) or is off,
Spark falls back to reading it row by row and makes every such float null without a
word (and a blank string the text 'nan'). So the Spark backend here gives Spark the
Arrow table itself and takes results back as Arrow (PySpark ≥ 4.0), with the fallback
switched off: a failure is loud, never wrong numbers.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from typing import Any

from engine.problems import InputError, Problem

ENGINES = ("duckdb", "spark")
NO_PYSPARK = ("--engine spark needs PySpark, which is not installed",
              "pip install 'service-standards-engine[spark]' (and a Java 17 or 21 runtime)")


def connect(engine: str = "duckdb", *, master: str | None = None,
            conf: dict[str, str] | None = None) -> Any:
    """An Ibis backend for ``engine``; raises :class:`InputError` (exit 2) when Spark is
    asked for and cannot be had."""
    import ibis

    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine != "spark":
        raise InputError([Problem(None, f"unknown engine '{engine}'",
                                  hint=f"one of {', '.join(ENGINES)}")])
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise InputError([Problem(None, NO_PYSPARK[0], hint=NO_PYSPARK[1])]) from None
    try:
        session = spark_session(master, conf)
    except Exception as error:  # PySparkRuntimeError: the JVM did not start, or the master
        raise InputError([Problem(None, f"Spark could not start: {_first_line(error)}", hint=(
            "check that Java 17 or 21 is installed (java on PATH, or JAVA_HOME), and the "
            "--spark-master URL if one was given"))]) from None
    return _arrow_spark()().connect(session)


def release(con: Any) -> None:
    """Forget the in-memory tables the measures registered on ``con``: Ibis keeps each one
    registered for as long as the backend lives, and with it the extract's rows. The run
    calls this once a dataset's standards are measured, so that only one extract is ever
    held in memory."""
    if con.name == "duckdb":
        for (name,) in con.con.sql("SELECT view_name FROM duckdb_views() "
                                   "WHERE view_name LIKE 'ibis_%memtable%'").fetchall():
            con.con.unregister(name)
    else:
        catalog = con._session.catalog
        for table in catalog.listTables():
            if table.isTemporary and "memtable" in table.name:
                catalog.dropTempView(table.name)


def data_errors(con: Any) -> tuple[type[Exception], ...]:
    """The errors the query engine raises for something in the rows rather than in the
    engine: a sum or product that overflows, a value out of range, a failed conversion."""
    if con.name == "duckdb":
        import duckdb

        return (duckdb.DataError,)
    from pyspark.errors import ArithmeticException, DateTimeException, NumberFormatException

    return (ArithmeticException, DateTimeException, NumberFormatException)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """The active SparkSession, or a new one (local[2] unless configured otherwise)."""
    # PySpark 4 warns on import that it does not fully support pandas 3; the engine hands
    # Spark Arrow tables, never pandas frames (below), so the warning does not apply.
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas",
                            FutureWarning)
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("compliance")
    if master is not None:
        builder = builder.master(master)
    elif "spark.master" not in _spark_defaults() and "MASTER" not in os.environ:
        builder = builder.master("local[2]")
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        **(conf or {}),
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")  # warnings are Spark's, not the run's
    for key in ("spark.sql.session.timeZone", "spark.sql.execution.arrow.pyspark.enabled",
                "spark.sql.execution.arrow.pyspark.fallback.enabled"):
        session.conf.set(key, settings[key])  # also on a session that already existed
    return session


def _spark_defaults() -> set[str]:
    home = os.environ.get("SPARK_CONF_DIR") or (
        os.path.join(os.environ["SPARK_HOME"], "conf") if "SPARK_HOME" in os.environ else None)
    if home is None or not os.path.exists(os.path.join(home, "spark-defaults.conf")):
        return set()
    with open(os.path.join(home, "spark-defaults.conf")) as f:
        return {line.split()[0] for line in f if line.strip() and not line.startswith("#")}


@functools.cache
def _arrow_spark() -> Any:
    """Ibis's PySpark backend, with memtables handed to Spark as Arrow and results taken
    back as Arrow, never through pandas (the class is made once, on first use, so
    DuckDB users never import PySpark)."""
    import ibis
    from ibis.backends.pyspark import Backend
    from ibis.formats.pyarrow import PyArrowData

    ibis.pyspark  # noqa: B018 — loading it by name registers the backend's options

    class ArrowSpark(Backend):
        def _register_in_memory_table(self, op: Any) -> None:
            spark_frame(self._session, op.data.to_pyarrow(op.schema), op.schema
                        ).createOrReplaceTempView(op.name)

        def to_pyarrow(self, expr: Any, /, *, params: Any = None, limit: Any = None,
                       **kwargs: Any) -> Any:
            # Results come back as Arrow too (DataFrame.toArrow), not through pandas,
            # where an integer column with a blank would pass through floats.
            self._run_pre_execute_hooks(expr)
            table_expr = expr.as_table()
            sql = self.compile(table_expr, params=params, limit=limit, **kwargs)
            with self._safe_raw_sql(sql) as query:
                arrow = query.toArrow()
            table = PyArrowData.convert_table(arrow, table_expr.schema())
            return expr.__pyarrow_result__(table)

    return ArrowSpark


def spark_frame(session: Any, table: Any, schema: Any) -> Any:
    """An Arrow table as a Spark DataFrame of the Ibis ``schema``, in the Spark types Ibis
    gives it (a naive date-time is a TIMESTAMP, read in the session's UTC): how rows held
    here reach Spark, an extract read here or the few rows Spark's own reader rescued
    (engine.read.spark_parquet). Plain Arrow types first: Polars hands over categories as
    dictionaries of string_view, which Spark's Arrow reader cannot take."""
    from ibis.backends.pyspark.datatypes import PySparkSchema

    return session.createDataFrame(plain(table, schema.to_pyarrow()),
                                   schema=PySparkSchema.from_ibis(schema))


def drop(rows: Any) -> None:
    """Let go of rows a reader left on Spark (an Ibis table over a cached temporary view,
    engine.read.spark_parquet.finish): the view and its cache go, on the executors too."""
    rows.get_backend()._session.catalog.dropTempView(rows.get_name())


def plain(table: Any, schema: Any) -> Any:
    """``table`` cast to ``schema``, its dictionaries decoded (Arrow cannot yet take from a
    dictionary of string_view, so the dictionary's values are cast first): Arrow that
    Spark takes, here (:func:`spark_frame`) or from an executor's task
    (engine.read.spark_files)."""
    import pyarrow as pa

    columns = []
    for column, field in zip(table.columns, schema, strict=True):
        if pa.types.is_dictionary(column.type):
            column = pa.chunked_array(
                [pa.DictionaryArray.from_arrays(c.indices, c.dictionary.cast(field.type))
                 for c in column.chunks], pa.dictionary(column.type.index_type, field.type))
        columns.append(column.cast(field.type))
    return pa.Table.from_arrays(columns, schema=schema)
