"""The readers under test, and the child process that times one of them.

Each reader is a factory: calling it imports what the reader needs (outside the timer)
and returns a function that reads a whole file into memory and returns counts (``rows``
at least). ``python -m bench.readers NAME FORMAT PATH`` runs one read and prints one JSON
line: the read's seconds, the counts, and the process's peak resident memory before the
read (after the imports) and after it.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import AS_OF, HEADER, ROOT, SHEET

TITLE_ROWS = 3  # rows above the header: two title lines and a blank one

Read = Callable[[Path], dict[str, int]]


@dataclass(frozen=True)
class Reader:
    name: str
    fmt: str  # csv | xlsx
    engine: bool  # the engine's own reader, measured against the fastest raw one
    how: str  # how it is configured, recorded in last.json
    load: Callable[[], Read]
    typed: bool = False  # a raw reader asked for the declared types: the like-for-like job
    module: str = "bench.readers"  # the child: python -m MODULE NAME FORMAT PATH


def polars_csv() -> Read:
    import polars as pl

    def read(path: Path) -> dict[str, int]:
        frame = pl.read_csv(path, skip_rows=TITLE_ROWS, infer_schema=False)
        return {"rows": frame.height}
    return read


DATES = ["Lodged Date", "Decided Date", "Entitlement Date", "First Payment Date"]
CATEGORIES = {
    "Benefit Type": ["Retirement pension", "Disability benefit", "Unemployment benefit",
                     "Family allowance", "Death grant"],
    "Region": ["North", "South", "East", "West"],
    "Channel": ["Online", "Office", "Post"],
    "Outcome": ["Granted", "Refused", "Withdrawn"],
}


def polars_typed_csv() -> Read:
    import polars as pl

    def read(path: Path) -> dict[str, int]:
        frame = pl.scan_csv(path, skip_rows=TITLE_ROWS, infer_schema=False).with_columns(
            *(pl.col(c).str.strptime(pl.Date, "%d/%m/%Y", strict=False) for c in DATES),
            *(pl.col(c).cast(pl.Enum(v), strict=False) for c, v in CATEGORIES.items()),
        ).collect()
        return {"rows": frame.height}
    return read


def duckdb_typed_csv() -> Read:
    import duckdb

    con = duckdb.connect()
    types = {h: "DATE" if h in DATES else "VARCHAR" for h in HEADER}

    def read(path: Path) -> dict[str, int]:
        table = con.sql("SELECT * FROM read_csv(?, skip=3, header=true, dateformat='%d/%m/%Y', "
                        "types=?, ignore_errors=true)",
                        params=[str(path), types]).to_arrow_table()
        return {"rows": table.num_rows}
    return read


def duckdb_csv() -> Read:
    import duckdb

    con = duckdb.connect()

    def read(path: Path) -> dict[str, int]:
        table = con.sql("SELECT * FROM read_csv(?, skip=3, header=true, all_varchar=true)",
                        params=[str(path)]).to_arrow_table()
        return {"rows": table.num_rows}
    return read


def pyarrow_csv() -> Read:
    import pyarrow as pa
    from pyarrow import csv

    def read(path: Path) -> dict[str, int]:
        table = csv.read_csv(path, read_options=csv.ReadOptions(skip_rows=TITLE_ROWS),
                             convert_options=csv.ConvertOptions(
                                 column_types={h: pa.string() for h in HEADER}))
        return {"rows": table.num_rows}
    return read


def python_csv() -> Read:
    import csv

    def read(path: Path) -> dict[str, int]:
        with path.open(encoding="utf-8-sig", newline="") as f:
            records = list(csv.reader(f))
        return {"rows": len(records) - TITLE_ROWS - 1}
    return read


def openpyxl_xlsx() -> Read:
    from openpyxl import load_workbook

    def read(path: Path) -> dict[str, int]:
        book = load_workbook(path, read_only=True, data_only=True)
        records = list(book[SHEET].iter_rows(values_only=True))
        book.close()
        return {"rows": len(records) - TITLE_ROWS - 1}
    return read


def calamine_xlsx() -> Read:
    from python_calamine import CalamineWorkbook

    def read(path: Path) -> dict[str, int]:
        records = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEET).to_python()
        return {"rows": len(records) - TITLE_ROWS - 1}
    return read


def fastexcel_xlsx() -> Read:
    import fastexcel

    def read(path: Path) -> dict[str, int]:
        sheet = fastexcel.read_excel(path).load_sheet(SHEET, header_row=TITLE_ROWS)
        return {"rows": sheet.to_arrow().num_rows}
    return read


def engine_reader() -> Read:
    # Only what engine.read imports itself: anything it imports lazily is timed, and held
    # in memory, as part of the read (a pre-import would inflate the peak).
    from engine.load.catalogue import load_catalogue
    from engine.read import read_dataset

    dataset = load_catalogue(ROOT / "standards").datasets["claims"]

    def read(path: Path) -> dict[str, int]:
        extract = read_dataset(dataset, [path], AS_OF, shown_base=path.parent)
        return {"rows": extract.rows_read, "used": extract.rows_used,
                "filtered": extract.rows_filtered, "rejected": extract.rows_rejected}
    return read


READERS = [
    Reader("polars", "csv", False,
           "pl.read_csv(skip_rows=3, infer_schema=False): every column as text", polars_csv),
    Reader("duckdb", "csv", False,
           "read_csv(skip=3, header=true, all_varchar=true) → Arrow table", duckdb_csv),
    Reader("pyarrow", "csv", False,
           "pyarrow.csv.read_csv(skip_rows=3), every column typed string", pyarrow_csv),
    Reader("polars typed", "csv", False,
           "scan_csv(skip_rows=3) as text, then the 4 dates strptime('%d/%m/%Y') and the 4 "
           "categories cast to Enum: a hand-written typed read, no validation",
           polars_typed_csv, typed=True),
    Reader("duckdb typed", "csv", False,
           "read_csv(skip=3, dateformat='%d/%m/%Y', types: 4 DATE, rest VARCHAR, "
           "ignore_errors=true) → Arrow table", duckdb_typed_csv, typed=True),
    Reader("python csv", "csv", False,
           "list(csv.reader(f)): every record as a list of str (reference)", python_csv),
    Reader("engine", "csv", True,
           "engine.read.read_dataset on the claims dataset of standards/", engine_reader),
    Reader("openpyxl", "xlsx", False,
           "load_workbook(read_only=True, data_only=True), list(iter_rows(values_only=True))",
           openpyxl_xlsx),
    Reader("calamine", "xlsx", False,
           "CalamineWorkbook.from_path(p).get_sheet_by_name(s).to_python()", calamine_xlsx),
    Reader("fastexcel", "xlsx", False,
           "read_excel(p).load_sheet(s, header_row=3).to_arrow(), default inference",
           fastexcel_xlsx),
    Reader("engine", "xlsx", True,
           "engine.read.read_dataset on the claims dataset of standards/", engine_reader),
]


def find(name: str, fmt: str) -> Reader:
    return next(r for r in READERS if r.name == name and r.fmt == fmt)


def _peak_mib() -> float:
    """This process's peak resident memory so far, in MiB.

    Linux's ``ru_maxrss`` survives ``exec``: a child would report at least the RSS its
    parent had when it forked. ``VmHWM`` belongs to the process's own address space.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes or KiB


def main(argv: list[str]) -> None:
    name, fmt, path = argv
    read = find(name, fmt).load()
    base = _peak_mib()
    started = time.perf_counter()
    counts = read(Path(path))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "base_mib": base, "peak_mib": _peak_mib()} | counts))


if __name__ == "__main__":
    main(sys.argv[1:])
