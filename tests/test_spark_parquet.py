"""--engine spark reads a dataset of Parquet files itself, where they lie
(engine.read.spark_parquet): the record is the default engine's, rejects and their row
numbers are the local reader's, a URI given with --data works, and a file Spark cannot
use is refused with a message (exit 3), not a traceback.

Shares test_engine_spark's session fixture and its skip (no PySpark or no Java): one
SparkSession for the module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import polars as pl
import pytest
from test_engine_spark import ROOT, _record, spark  # noqa: F401 (spark: the fixture)

from engine import backend
from engine.load import load_catalogue
from engine.model.dataset import Dataset
from engine.problems import InputError
from engine.read import extract, spark_parquet
from engine.read.extract import Extract, TooManyRejects
from engine.report import reject_rows
from engine.run import check

pytestmark = pytest.mark.usefixtures("spark")

STANDARDS = ROOT / "standards"
AS_OF = dt.date(2025, 6, 30)
SHIPPED = {  # the shipped CSV extracts, read as they are written: text, cell for cell
    "claims": lambda f: pl.read_csv(f, skip_rows=3, infer_schema=False),
    "complaints": lambda f: pl.read_csv(f, separator=";", infer_schema=False),
    "client_survey": lambda f: pl.read_csv(f, infer_schema=False),
}
DATES = ["Lodged Date", "Decided Date", "Entitlement Date", "First Payment Date"]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped CSV datasets as raw Parquet files (every column text), so the rows the
    CSV reader rejects are rejected here too; and claims again, typed (dates as dates)
    and split in two files, in row groups of 500."""
    folder = tmp_path_factory.mktemp("parquet")
    files = {}
    for name, read in SHIPPED.items():
        files[name] = folder / f"{name}.parquet"
        read(STANDARDS / "extracts" / f"{name}.csv").write_parquet(files[name])
    typed = pl.read_parquet(files["claims"]).with_columns(
        pl.col(DATES).str.strptime(pl.Date, "%d/%m/%Y", strict=False))
    assert typed.schema["Lodged Date"] == pl.Date
    typed[:3000].write_parquet(folder / "typed-1.parquet", row_group_size=500)
    typed[3000:].write_parquet(folder / "typed-2.parquet", row_group_size=500)
    return files


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each dataset Spark read itself, and whether its rows stayed on Spark (Ibis)."""
    read: list[tuple[str, bool]] = []
    real = spark_parquet.read_files  # where local files and a URI's alike are read

    def spy(ds: Dataset, *args: Any) -> Extract:
        got = real(ds, *args)
        read.append((ds.name, isinstance(got.rows, ibis.Table)))
        return got

    monkeypatch.setattr(spark_parquet, "read_files", spy)
    return read


def _views() -> list[str]:
    """The reader's temporary views still on Spark (none once a run is over)."""
    session = backend.spark_session()
    return [t.name for t in session.catalog.listTables() if t.name.startswith("engine_rows")]


def test_spark_reads_the_shipped_parquet_and_gives_the_default_engines_record(
        shipped: dict[str, Path], spied: list[tuple[str, bool]]) -> None:
    data = {name: str(path) for name, path in shipped.items()}
    duck = check(STANDARDS, data=data)
    on_spark = check(STANDARDS, data=data, engine="spark")
    assert sorted(spied) == [("claims", True), ("client_survey", True), ("complaints", True)]
    claims = next(d for d in _record(on_spark)["datasets"] if d["name"] == "claims")
    assert (claims["rows_read"], claims["rows_used"], claims["rows_filtered"],
            claims["rows_rejected"]) == (6004, 5995, 3, 6)
    assert _record(on_spark) == _record(duck)
    assert reject_rows(on_spark.extracts) == reject_rows(duck.extracts)
    assert _views() == []


@pytest.fixture
def rescued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many flagged rows each run brought to this machine for the full path."""
    counted: list[int] = []
    real = spark_parquet._rescue

    def spy(ds: Dataset, parts: list[Any]) -> Any:
        counted.append(sum(p.flagged.count() for p in parts))
        return real(ds, parts)

    monkeypatch.setattr(spark_parquet, "_rescue", spy)
    return counted


def test_typed_columns_in_several_files_give_the_same_record(
        shipped: dict[str, Path], spied: list[tuple[str, bool]], rescued: list[int]) -> None:
    data = {"claims": str(shipped["claims"].parent / "typed-*.parquet")}
    duck = check(STANDARDS, data=data, only=["BEN-01", "PEN-01"])
    on_spark = check(STANDARDS, data=data, only=["BEN-01", "PEN-01"], engine="spark")
    assert spied == [("claims", True)]
    # Typed columns pass Spark's quick tests: only the few doubtful rows come here.
    assert 0 < sum(rescued) < 50
    assert [f["path"] for f in _record(on_spark)["datasets"][0]["files"]] == [
        str(shipped["claims"].parent / "typed-1.parquet"),
        str(shipped["claims"].parent / "typed-2.parquet")]
    assert _record(on_spark) == _record(duck)
    assert reject_rows(on_spark.extracts) == reject_rows(duck.extracts)


def _claims(*, limited: bool = False) -> Dataset:
    """The shipped claims dataset; without its max_rejected of 1% unless ``limited``."""
    ds = load_catalogue(STANDARDS).datasets["claims"]
    return ds if limited else ds.model_copy(update={"max_rejected": None})


def _faulty(folder: Path) -> Path:
    """Claims with one of each fault: lodged dates stored as dates, decided dates as text."""
    d, ok = dt.date, "Granted"
    rows = [  # claim, benefit, region, channel, lodged, decided, outcome
        ("C-1", "Disability benefit", "East", "Online", d(2025, 1, 2), "05/01/2025", ok),
        ("C-2", "Disability benefit", "East", "Office", d(2025, 1, 2), "06/01/2025", ok),
        ("C-2", "Death grant", "West", "Post", d(2025, 1, 3), "07/01/2025", ok),  # key again
        ("C-4", "Death grant", None, "Post", d(2025, 1, 3), None, ok),  # region is required
        ("C-5", "Housing", "North", "Post", d(2025, 1, 3), None, ok),  # not a benefit type
        ("C-6", "Death grant", "North", "Post", d(2025, 1, 3), "31/02/2025", ok),  # no day
        ("C-7", "Death grant", "North", "Post", d(2025, 1, 9), "08/01/2025", ok),  # early
        (None, None, None, None, None, None, None),  # blank
        ("", " ", "", "\t", None, "", None),  # blank once spaces are taken off
        ("C-10", " Death grant", " North ", "", d(2025, 1, 3), " 04/01/2025 ", ok),  # fine
        ("C-11", "Death grant", "South", "Online", d(2025, 1, 3), "01/01/2030", ok),  # future
        ("C-12", "Death grant", "South", "Online", d(2025, 1, 5), "02/01/2025", ok),  # both
        ("C-12", "Death grant", "South", "Online", d(2025, 1, 5), "06/01/2025", ok),
        (" C-13\t", "Death grant", "East", "Post", d(2025, 1, 5), None, ok),  # fine
        ("C-14", "Death grant", "East", "Post", d(2025, 1, 5), None, None),  # open: passes
        ("C-15", "Death grant", "East", "Post", d(2025, 1, 6), "08/01/2025", ok),
        ("C-15 ", "Death grant", "East", "Post", d(2025, 1, 6), " 08/01/2025", ok),  # again
        ("C-16", "Death grant", "East", "Online", d(2025, 1, 6), None, ok),
        ("C-16", "Death grant", "East", None, d(2025, 1, 6), None, ok),  # a blank: differs
    ] + [(f"C-{n}", "Family allowance", "West", "Online", d(2025, 2, 1), "03/02/2025", ok)
         for n in range(100, 130)]
    frame = pl.DataFrame(rows, orient="row", schema={
        "Claim ID": pl.String, "Benefit Type": pl.String, "REGION": pl.String,
        "Channel": pl.String, "Lodged Date": pl.Date, "Decided Date": pl.String,
        "Outcome": pl.String}).with_columns(
        **{"Entitlement Date": pl.lit(None, pl.Date), "First Payment Date": pl.lit(None, pl.Date),
           "Notes": pl.lit("not declared")})
    frame.write_parquet(folder / "faulty.parquet", row_group_size=4)
    return folder / "faulty.parquet"


def _both(ds: Dataset, path: Path) -> tuple[Extract, Extract]:
    """The extract as Spark's reader and the local reader make it."""
    con = backend.connect("spark")
    return (spark_parquet.read_dataset(ds, [path], AS_OF, con),
            extract.read_dataset(ds, [path], AS_OF))


def _used(ex: Extract) -> list[dict[str, Any]]:
    return sorted(ex.table.to_pylist(), key=lambda r: (r["_file"], r["_row"]))


def test_rejects_and_their_rows_are_the_local_readers(tmp_path: Path) -> None:
    path = _faulty(tmp_path)
    session = backend.spark_session()
    session.conf.set("spark.sql.files.maxPartitionBytes", "1024")  # a file in several tasks
    try:
        on_spark, local = _both(_claims(), path)
    finally:
        session.conf.unset("spark.sql.files.maxPartitionBytes")
    assert isinstance(on_spark.rows, ibis.Table)
    assert on_spark.rejected_by() == {
        "bad_date": 1, "decided_before_lodged": 1, "decided_in_future": 1,
        "duplicate_key": 6, "duplicate_row": 1, "missing_value": 1, "not_allowed_value": 1}
    assert [(r.row, r.column, r.value, r.reason) for r in on_spark.rejects[:3]] == [
        (2, "Claim ID", "C-2", "duplicate_key"), (3, "Claim ID", "C-2", "duplicate_key"),
        (4, "Region", "", "missing_value")]
    assert on_spark.rejects == local.rejects
    assert on_spark.files == local.files
    assert on_spark.files[0].unexpected_columns == ["Notes"]
    assert (on_spark.rows_read, on_spark.rows_used, on_spark.filtered_by) == (
        local.rows_read, local.rows_used, local.filtered_by) == (
        49, 35, {extract.BLANK_ROW: 2})
    assert _used(on_spark) == _used(local)
    assert next(r for r in _used(on_spark) if r["claim_id"] == "C-10")["region"] == "North"
    assert {"C-13", "C-14"} <= {r["claim_id"] for r in _used(on_spark)}
    assert [r["_row"] for r in _used(on_spark) if r["claim_id"] == "C-15"] == [16]
    assert [(r.row, r.reason, r.message) for r in on_spark.rejects if r.row > 15] == [
        (17, "duplicate_row", "repeats row 16 exactly (every declared cell the same): the "
                              "same record exported again, so this copy is left out and that "
                              "row stands for it"),
        (18, "duplicate_key", "the same key is also on row 19, with other values: every copy "
                              "is rejected, as nothing says which is right"),
        (19, "duplicate_key", "the same key is also on row 18, with other values: every copy "
                              "is rejected, as nothing says which is right")]
    released = on_spark.released()
    assert _views() == [] and released.rows.num_rows == 0


def test_too_many_rejects_stop_the_run_in_the_same_words(tmp_path: Path) -> None:
    path = _faulty(tmp_path)
    with pytest.raises(TooManyRejects) as on_spark:
        _both(_claims(limited=True), path)
    with pytest.raises(TooManyRejects) as local:
        extract.read_dataset(_claims(limited=True), [path], AS_OF)
    on_spark.value.extract.released()
    assert on_spark.value.problems == local.value.problems
    assert "12 of 49 rows read were rejected" in str(on_spark.value.problems[0])
    assert _views() == []


def test_a_uri_given_with_data_is_read_where_it_lies(shipped: dict[str, Path],
                                                      spied: list[tuple[str, bool]]) -> None:
    path = shipped["claims"]
    duck = check(STANDARDS, data={"claims": str(path)}, only=["BEN-01"])
    for uri in (f"file://{path}", f"file:{path.parent}/clai*.parquet"):
        on_spark = check(STANDARDS, data={"claims": uri}, only=["BEN-01"], engine="spark")
        assert _record(on_spark) == _record(duck)
    assert spied == [("claims", True), ("claims", True)]


def _refused(data: dict[str, str]) -> str:
    """The message a run on Spark stops with (exit 3)."""
    with pytest.raises(InputError) as err:
        check(STANDARDS, data=data, only=["BEN-01"], engine="spark")
    assert err.value.exit_code == 3
    assert _views() == []
    return "\n".join(str(p) for p in err.value.problems)


def _write(folder: Path, name: str, make: Callable[[Path], object]) -> Path:
    make(folder / name)
    return folder / name


def test_a_missing_uri_is_named(tmp_path: Path) -> None:
    message = _refused({"claims": f"file://{tmp_path}/nowhere.parquet"})
    assert message.startswith(f"file://{tmp_path}/nowhere.parquet: no such file")
    assert "check the path given with --data claims=" in message
    assert f"file://{tmp_path}/claims.csv: no such file" in _refused(
        {"claims": f"file://{tmp_path}/claims.csv"})  # read by engine.read.spark_files


def test_a_damaged_or_wrong_file_is_refused_in_words(shipped: dict[str, Path],
                                                     tmp_path: Path) -> None:
    whole = shipped["claims"].read_bytes()
    cut = _write(tmp_path, "cut.parquet", lambda p: p.write_bytes(whole[:len(whole) // 2]))
    assert f"{cut}: the Parquet file is damaged (" in _refused({"claims": str(cut)})
    text = _write(tmp_path, "text.parquet", lambda p: p.write_text("Claim ID\nC-1\n"))
    assert f"{text}: this file is not a Parquet file" in _refused({"claims": str(text)})
    empty = _write(tmp_path, "empty.parquet", lambda p: p.write_bytes(b""))
    assert f"{empty}: the file is empty (0 bytes)" in _refused({"claims": str(empty)})
    nested = _write(tmp_path, "nested.parquet", lambda p: pl.read_parquet(
        shipped["claims"]).with_columns(pl.col("Region").str.split(" ")).write_parquet(p))
    assert "column 'Region' holds array<string> values (lists or records)" in _refused(
        {"claims": str(nested)})
    headless = _write(tmp_path, "headless.parquet", lambda p: pl.read_parquet(
        shipped["claims"]).drop("Region").write_parquet(p))
    assert f"{headless}: row 0: missing column(s) 'Region'" in _refused(
        {"claims": str(headless)})
    every = _refused({"claims": f"file:{tmp_path}/*.parquet"})  # each is said, empty too
    assert all(f"{path}: " in every for path in (cut, text, empty, nested, headless))


def test_a_file_too_large_to_hash_on_spark_is_refused(shipped: dict[str, Path]) -> None:
    session = backend.spark_session()
    session.conf.set("spark.sql.sources.binaryFile.maxLength", "1000")  # 2 GB, in earnest
    try:
        message = _refused({"claims": f"file://{shipped['claims']}"})
    finally:
        session.conf.unset("spark.sql.sources.binaryFile.maxLength")
    size = shipped["claims"].stat().st_size
    assert f"the file is {size:,} bytes, more than Spark holds in one piece" in message
    assert "write the extract as several Parquet files of less than 2 GB each" in message


def test_too_many_rows_to_bring_here_are_refused_naming_the_columns_stored_as_text(
        shipped: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spark_parquet, "MAX_RESCUED", 100)  # raw claims: every row flagged
    message = _refused({"claims": str(shipped["claims"])})
    assert "dataset 'claims': 6,001 rows need a closer look" in message
    assert "decided_date, entitlement_date, first_payment_date, lodged_date are not stored " \
        "in the declared type" in message
    assert "store each column in its declared type" in message


def test_a_file_spark_would_leave_out_is_refused(shipped: dict[str, Path],
                                                 tmp_path: Path) -> None:
    hidden = _write(tmp_path, "_claims.parquet",
                    lambda p: p.write_bytes(shipped["claims"].read_bytes()))
    assert f"{hidden}: Spark leaves out a file whose name starts with '_' or '.'" in \
        _refused({"claims": str(hidden)})


def test_spark_on_other_machines_gets_local_files_read_here(
        shipped: dict[str, Path], spied: list[tuple[str, bool]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from engine import run

    monkeypatch.setattr(run, "_spark_is_here", lambda ctx: False)  # a cluster's master
    data = {"claims": str(shipped["claims"])}
    on_spark = check(STANDARDS, data=data, only=["BEN-01"], engine="spark")
    assert spied == []  # read here, handed over as Arrow
    assert _record(on_spark) == _record(check(STANDARDS, data=data, only=["BEN-01"]))
    check(STANDARDS, data={"claims": f"file://{shipped['claims']}"}, only=["BEN-01"],
          engine="spark")
    assert spied == [("claims", True)]  # a URI is Spark's to read, wherever it runs


def test_what_spark_cannot_read_is_named_with_what_to_do(shipped: dict[str, Path],
                                                          tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    claims = pl.read_parquet(shipped["claims"]).to_arrow()
    nanos = tmp_path / "nanos.parquet"  # pandas' and pyarrow's own default
    pq.write_table(claims.append_column("Exported", pa.array(
        [0] * claims.num_rows, pa.timestamp("ns"))), nanos, version="2.6")
    message = _refused({"claims": str(nanos)})
    assert "a column holds times in nanoseconds, which Spark cannot read" in message
    assert "coerce_timestamps='us'" in message
    twins = tmp_path / "twins.parquet"
    pq.write_table(claims.append_column("region", claims["Region"]), twins)
    assert "two columns have the same name but for case" in _refused({"claims": str(twins)})


def test_a_damaged_page_is_refused_even_where_spark_is_told_to_skip_damaged_files(
        shipped: dict[str, Path], tmp_path: Path) -> None:
    """A cluster may set ``ignoreCorruptFiles``: Spark then reads a file up to a damaged
    page and leaves the rest out without a word (here half of the 6,004 claims)."""
    import pyarrow.parquet as pq

    whole = tmp_path / "whole.parquet"
    pl.read_parquet(shipped["claims"]).write_parquet(whole, compression="snappy",
                                                     row_group_size=500)
    page = pq.ParquetFile(whole).metadata.row_group(6).column(0).data_page_offset
    damaged = bytearray(whole.read_bytes())
    damaged[page + 30:page + 60] = bytes(b ^ 0xFF for b in damaged[page + 30:page + 60])
    (tmp_path / "damaged.parquet").write_bytes(damaged)
    whole.unlink()
    session = backend.spark_session()
    session.conf.set("spark.sql.files.ignoreCorruptFiles", "true")
    try:
        lax = session.read.parquet(str(tmp_path / "damaged.parquet"))
        assert len(lax.select("Claim ID").collect()) < 6004  # what a lax read would use
        message = _refused({"claims": str(tmp_path / "damaged.parquet")})
    finally:
        session.conf.unset("spark.sql.files.ignoreCorruptFiles")
    assert "dataset 'claims': its Parquet files cannot be read (" in message
    assert "export the extract again" in message


def test_a_run_that_fails_after_reading_leaves_no_rows_on_spark(
        shipped: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Any failure once the rows are on Spark (here a measure that breaks) drops their
    cached view with the run, as a refused extract does."""
    from engine import measure

    def broken(*args: Any) -> None:
        assert _views(), "the rows are on Spark while the standards are measured"
        raise RuntimeError("a measure broke")

    monkeypatch.setattr(measure, "measure_standard", broken)
    with pytest.raises(RuntimeError, match="a measure broke"):
        check(STANDARDS, data={"claims": str(shipped["claims"])}, only=["BEN-01"],
              engine="spark")
    assert _views() == []


def test_nan_infinity_and_spaces_are_decided_as_the_local_reader_decides_them(
        tmp_path: Path) -> None:
    """A float column's NaN and infinities are no numbers, on Spark as here; text with a
    non-breaking space or a line break around it is flagged by Spark's quick test and
    stripped as the local reader strips it."""
    ds = Dataset.model_validate({
        "name": "payments", "title": "Payments", "files": ["x"], "key": ["ref"],
        "columns": {"ref": {"header": "Ref"}, "note": {"header": "Note"},
                    "amount": {"header": "Amount", "type": "decimal"}}})
    path = tmp_path / "payments.parquet"
    pl.DataFrame({"Ref": ["P-1", "P-2", "P-3", "P-4\u00a0", "P-5", "\u3000"],
                  "Note": ["a", "b", "c", "d", "e\n", "\u00a0f"],
                  "Amount": [1.5, float("nan"), float("inf"), 2.0, None, 3.0]}
                 ).write_parquet(path)
    on_spark, local = _both(ds, path)
    assert [(r.row, r.reason) for r in local.rejects] == [
        (2, "not_a_number"), (3, "not_a_number"), (6, "missing_value")]
    assert on_spark.rejects == local.rejects
    assert _used(on_spark) == _used(local)
    assert [(r["ref"], r["note"]) for r in _used(local)] == [
        ("P-1", "a"), ("P-4", "d"), ("P-5", "e")]
    on_spark.released()
