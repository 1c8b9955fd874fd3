"""--engine spark reads CSV files and workbooks named by a URI where they lie, each by the
local reader on an executor (engine.read.spark_files): the record is the default
engine's, row numbers and rejects included, whatever a file holds (a title block, empty
lines, quoted line breaks, a workbook), and a file that cannot be read is named with what
to do (exit 3), not a traceback.

Shares test_engine_spark's session fixture and its skip (no PySpark or no Java).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_engine_spark import ROOT, _record, spark  # noqa: F401 (spark: the fixture)
from test_spark_parquet import _refused, _views

from engine import backend
from engine.problems import InputError
from engine.read import spark_files
from engine.run import check

pytestmark = pytest.mark.usefixtures("spark")

STANDARDS = ROOT / "standards"
EXTRACTS = STANDARDS / "extracts"
FILES = {"claims": "claims.csv", "client_survey": "client_survey.csv",
         "complaints": "complaints.csv", "payment_qa": "payment_qa.xlsx",
         "telephony": "telephony.xlsx"}


def _uri(path: Path) -> str:
    return f"file://{path}"


def test_every_shipped_extract_named_by_a_uri_gives_the_default_engines_record(
        shipped_run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []
    real = spark_files.read_dataset
    monkeypatch.setattr(spark_files, "read_dataset",
                        lambda ds, *args: read.append(ds.name) or real(ds, *args))
    data = {name: _uri(EXTRACTS / file) for name, file in FILES.items()}
    on_spark = check(STANDARDS, data=data, engine="spark")
    assert sorted(read) == sorted(FILES)  # each read on the executors, none here
    assert _record(on_spark) == _record(shipped_run)
    assert _views() == []


def test_several_files_with_empty_lines_are_numbered_as_a_spreadsheet_shows_them(
        tmp_path: Path) -> None:
    """Spark's own CSV reader leaves empty lines out, which would shift every row number
    after one; read whole by the local reader, the rows keep the numbers people see."""
    lines = (EXTRACTS / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    head, rows = lines[:4], lines[4:]
    (tmp_path / "claims-1.csv").write_text("".join(head + rows[:2000] + ["\n", ",,,\n"]
                                                   + rows[2000:3000]), encoding="utf-8")
    (tmp_path / "claims-2.csv").write_text("".join([*head, "\n", *rows[3000:]]),
                                           encoding="utf-8")
    here = check(STANDARDS, data={"claims": str(tmp_path / "claims-*.csv")}, only=["BEN-01"])
    there = check(STANDARDS, data={"claims": _uri(tmp_path / "claims-*.csv")},
                  only=["BEN-01"], engine="spark")
    assert _record(there) == _record(here)
    assert [f.rows_read for f in there.record.datasets[0].files] == [3002, 3005]
    # The shipped file's 3 blank rows, and the 3 added: two empty lines and a ',,,'.
    assert there.record.datasets[0].rows_filtered == 6


def test_files_that_cannot_be_read_are_each_named_with_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "a-open-quote.csv").write_text(
        (EXTRACTS / "claims.csv").read_text(encoding="utf-8").replace(
            "C-100007,", 'C-100007,"', 1), encoding="utf-8")
    (tmp_path / "b-empty.csv").write_bytes(b"")
    (tmp_path / "c-workbook.csv").write_bytes((EXTRACTS / "telephony.xlsx").read_bytes())
    message = _refused({"claims": _uri(tmp_path / "*.csv")})
    assert f"{tmp_path}/a-open-quote.csv: row 11: a quoted cell is never closed" in message
    assert f"{tmp_path}/b-empty.csv: the file is empty (0 bytes)" in message
    assert f"{tmp_path}/c-workbook.csv: this file is an Excel workbook, not CSV text" in message
    assert "no such file" in _refused({"claims": _uri(tmp_path / "nowhere.csv")})


def test_a_file_larger_than_a_task_takes_whole_is_refused_before_it_is_read() -> None:
    session = backend.spark_session()
    session.conf.set("spark.sql.sources.binaryFile.maxLength", "1000")
    try:
        message = _refused({"claims": _uri(EXTRACTS / "claims.csv")})
    finally:
        session.conf.unset("spark.sql.sources.binaryFile.maxLength")
    size = (EXTRACTS / "claims.csv").stat().st_size
    assert f"the file is {size:,} bytes, more than Spark hands one task in one piece" in message
    assert "or as Parquet, which Spark reads in pieces" in message


def test_a_fault_in_the_reader_on_an_executor_is_no_data_problem(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 3 says "fix the extract": a fault of the engine's own code must not say so."""
    from pyspark.errors import PythonException

    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("a fault")

    monkeypatch.setattr(spark_files, "_read_one", broken)
    with pytest.raises(PythonException, match="ZeroDivisionError"):
        check(STANDARDS, data={"claims": _uri(EXTRACTS / "claims.csv")}, only=["BEN-01"],
              engine="spark")
    assert _views() == []


def test_names_spark_spells_otherwise_are_read_in_the_local_readers_order(
        tmp_path: Path) -> None:
    """Spark lists a file as a URI (%20, %23, %3F, %5B) and its binaryFile reader names
    it as a plain path: each file is still found, read, and the files are in the order
    the local reader sorts them (a space before '!')."""
    lines = (EXTRACTS / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    names = ["c b.csv", "c!b.csv", "c#1.csv", "c%20d.csv", "c?.csv", "c[1].csv"]
    for i, name in enumerate(names):
        (tmp_path / name).write_text("".join(lines[:4] + lines[4 + 900 * i:4 + 900 * (i + 1)]),
                                     encoding="utf-8")
    here = check(STANDARDS, data={"claims": str(tmp_path / "c*.csv")}, only=["BEN-01"])
    there = check(STANDARDS, data={"claims": _uri(tmp_path / "c*.csv")}, only=["BEN-01"],
                  engine="spark")
    assert [f.path for f in there.record.datasets[0].files] == [
        f.path for f in here.record.datasets[0].files]
    assert len(there.record.datasets[0].files) == len(names)
    assert _record(there) == _record(here)


def test_a_data_file_spark_would_leave_out_of_a_glob_is_refused(tmp_path: Path) -> None:
    """Spark's listing leaves out a name starting with '_' or '.' (Hadoop's markers):
    the local reader reads it, so here its rows would be lost. Markers that are no data
    (_SUCCESS) stay out, as for Spark."""
    for name in ("a.csv", "_b.csv", ".c.csv", "_SUCCESS"):
        (tmp_path / name).write_bytes((EXTRACTS / "claims.csv").read_bytes())
    message = _refused({"claims": _uri(tmp_path) + "/*"})
    assert f"{tmp_path}/_b.csv: Spark leaves out a file whose name starts with '_' or '.'" \
        in message
    assert f"{tmp_path}/.c.csv: Spark leaves out" in message
    assert "_SUCCESS" not in message and "rename the file" in message
    assert f"{tmp_path}/_b.csv: Spark leaves out" in _refused(
        {"claims": _uri(tmp_path / "_b.csv")})  # named alone: not "no such file"
    (tmp_path / "_b.csv").unlink()
    (tmp_path / ".c.csv").unlink()
    done = check(STANDARDS, data={"claims": _uri(tmp_path)}, only=["BEN-01"], engine="spark")
    assert [f.path for f in done.record.datasets[0].files] == [f"{tmp_path}/a.csv"]


def test_a_file_gone_between_listing_and_reading_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "claims.csv").write_bytes((EXTRACTS / "claims.csv").read_bytes())
    real = spark_files.listed

    def then_gone(*args: Any) -> Any:
        found = real(*args)
        (tmp_path / "claims.csv").unlink()
        return found

    monkeypatch.setattr(spark_files, "listed", then_gone)
    message = _refused({"claims": _uri(tmp_path / "claims.csv")})
    assert "dataset 'claims': its files cannot be read (" in message


def test_another_version_of_the_engine_on_sparks_machines_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import engine

    monkeypatch.setattr(engine, "__version__", "0.0.0-here")  # this side only
    message = _refused({"claims": _uri(EXTRACTS / "claims.csv")})
    assert "the engine on Spark's machines is version " in message
    assert "not 0.0.0-here as here (install the same version of the engine on them)" in message


def test_a_worker_that_dies_is_no_data_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python worker killed (for its memory, say) is a fault of the machine: not told
    as a file to export again (exit 3)."""
    import os

    monkeypatch.setattr(spark_files, "_read_one", lambda *args: os._exit(137))
    with pytest.raises(Exception, match="Python worker exited unexpectedly") as err:
        check(STANDARDS, data={"claims": _uri(EXTRACTS / "claims.csv")}, only=["BEN-01"],
              engine="spark")
    assert not isinstance(err.value, InputError)
    assert _views() == []
