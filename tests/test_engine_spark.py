"""--engine spark: the same catalogue on the same extracts gives the same record on Spark
(PySpark in local mode) as on DuckDB — every result, alert, case and forecast.

Needs PySpark (the ``spark`` extra, in ``test``) and a Java runtime; where either is
missing the test skips and says why, unless COMPLIANCE_REQUIRE_SPARK is set (as in CI),
where it fails instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine import backend
from engine.run import Outcome, check

ROOT = Path(__file__).resolve().parent.parent


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "PySpark is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        return "no Java runtime (java on PATH or JAVA_HOME)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("COMPLIANCE_REQUIRE_SPARK"):
            pytest.fail(reason)
        pytest.skip(reason)
    session = backend.spark_session("local[2]", {
        "spark.ui.enabled": "false", "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1", "spark.sql.shuffle.partitions": "2",
        "spark.driver.memory": "1g"})
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _record(outcome: Outcome) -> dict[str, Any]:
    """The whole record but the run's own details (its id and start time)."""
    return outcome.record.model_dump(mode="json", exclude={"run"})


def test_spark_gives_the_duckdb_record_on_the_shipped_example(
        spark: Any, shipped_run: Outcome, tmp_path: Path) -> None:
    on_spark = check(ROOT / "standards", engine="spark")
    duck, sparked = _record(shipped_run), _record(on_spark)
    assert len(sparked["results"]) == len(duck["results"]) > 100
    for a, b in zip(duck["results"], sparked["results"], strict=True):
        assert (b["standard"], b["period"], b["segment"], b["numerator"], b["denominator"],
                b["value_exact"], b["verdict"]) == (
            a["standard"], a["period"], a["segment"], a["numerator"], a["denominator"],
            a["value_exact"], a["verdict"])
    assert sparked == duck


def test_without_pyspark_the_engine_option_says_what_to_install(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from engine.cli import app

    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if it were not installed
    done = CliRunner().invoke(app, ["check", "--standards", str(ROOT / "standards"),
                                    "--engine", "spark", "--no-store", "--out", str(tmp_path)])
    assert done.exit_code == 2, done.output
    assert "--engine spark needs PySpark, which is not installed" in done.output
    assert "pip install 'service-standards-engine[spark]'" in done.output
    assert "Traceback" not in done.output


def test_expressions_keep_the_same_rows_on_spark_division_by_zero_included(
        spark: Any) -> None:
    """The expression language on Spark, whose ANSI mode stops a query on a division by
    zero: the rows kept are DuckDB's, a division by zero unknown on both."""
    import datetime as dt

    import ibis
    import pyarrow as pa

    from engine.expr import parse
    from engine.model.dataset import ColumnType

    rows = ibis.memtable(pa.table({"id": [1, 2, 3, 4], "x": [1, 3, 5, None],
                                   "amount": [-2.5, 0.0, 1.0, None]}))
    columns = {"id": ColumnType.integer, "x": ColumnType.integer,
               "amount": ColumnType.decimal}
    for text, kept in [("x / amount > 0", [3]), ("not (x / amount > 0)", [1]),
                       ("x / 0 is null", [1, 2, 3, 4]), ("x / 2 > 1", [2, 3])]:
        condition = parse(text, columns).to_ibis(rows, dt.date(2025, 6, 30))
        for engine in ("duckdb", "spark"):
            found = backend.connect(engine).to_pyarrow(rows.filter(condition).select("id"))
            assert sorted(found["id"].to_pylist()) == kept, (engine, text)
