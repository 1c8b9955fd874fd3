"""The reader's two paths agree (engine/read/coerce.py): the fast path, run on every row
while a file is parsed, accepts no cell the full path would refuse and gives the value
the full path gives, so a row's fate never depends on which path it took.

Each example is a CSV of plain valid rows, one column of each declared type, in each of
which a cell or two is drawn from spellings near the edge of its type (spaces around a
value, another date order, a thousands separator, a year of two digits, an overflow, a
listed value in another case) and from random text; and one file holds every such
spelling alone in a plain row. Each is written as CSV (quoted where needed, and with
every cell quoted), as a Parquet file of text, and as a workbook (text cells, and a plain
row's cells as Excel holds them: real dates, numbers, booleans). It is read as a run
reads it (``read_dataset``: the fast path, then the full path for the rows it flags),
and, as the reference, every row is put through the full path alone (``coerce``). Rows
used, their values, and every reject with its column and reason must be the same.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.model.dataset import CsvOptions, Dataset
from engine.read import excel_file
from engine.read.coerce import coerce
from engine.read.extract import read_dataset
from engine.read.sources import Kind

AS_OF = dt.date(2025, 6, 30)
HEADERS = {"key": "Key", "text": "Text", "kind": "Kind", "region": "Region",
           "count": "Count", "amount": "Amount", "flag": "Flag", "day": "Day",
           "moment": "Moment"}
WIDE = "x" * 131_073  # longer than any spreadsheet cell: rejected unparsed
SPACES = ["\u00a0x", "x\u00a0", "x\n", "\r", "\u3000", "\u00a0", "x\u202f"]
EDGES = {
    "key": ["{i}", " {i}", "{i} ", "{i}\u00a0", "\u3000{i}", "", " ", "\u00a0"],
    "text": ["x", "a b", " x", "x ", "\tx", "x\t", " ", "", "é", "0", WIDE, *SPACES],
    "kind": ["Visit", " Visit", "Visit\u00a0", "", " ", "a\nb", WIDE],
    "region": ["North", "South", "north", " North", "North ", "NORTH", "Central", "", " ",
               "North\u00a0"],
    "count": ["12", "-3", "+4", "007", "1,234", "1 234", "12.0", "12.00", "12.5", "1e3",
              "9223372036854775807", "9223372036854775808", " 7", "7 ", "", "abc", "-0",
              "7\u00a0", "0" * 131_073 + "1"],
    "amount": ["1.5", "-0.0", ".5", "5.", "1,234.5", "1.234,5", "1e400", "-1e-3", "NaN",
               "inf", "1.2.3", " 2.5", "2.5 ", "", "1 234.5", "0x10", "1\u00a0234.5",
               "1." + "0" * 131_073],
    "flag": ["Y", "y", "yes", "Yes", "TRUE", "tRuE", "t", "0", "1", "no", "N", "maybe",
             " Y", "Y ", "", "Y\u00a0"],
    "day": ["31/01/2025", "1/2/2025", "01/02/25", "2025-01-31", "31/02/2025", " 31/01/2025",
            "31/01/2025 ", "01/01/0999", "31/01/2025 10:00", "45678", "", "2025-1-31",
            "29/02/2024", "29/02/2025", "31.01.2025", "01.02.2025", "31/01/2025\u00a0",
            # as a workbook's reader writes a date cell: one with more after it, and the
            # day Excel gives a time-only cell
            "2025-01-31 00:00:00", "2025-01-31 00:00:00x", "1899-12-31 10:30:00"],
    "moment": ["31/01/2025 10:30", "2025-01-31T10:30:00", "2025-01-31 10:30:00+01:00",
               "2025-01-31T10:30:00Z", "31/01/2025 25:00", "31/01/2025", "2025-01-31",
               " 31/01/2025 10:30", "31/01/2025 10:30 ", "2025-01-31 10:30", "",
               "31/1/2025 9:05", "2025-01-31T10:30:00.250", "31.01.2025 10:30",
               "01.02.2025 10:30", "2025-01-31 10:30:00", "2025-01-31 10:30:00x",
               "1899-12-31 10:30:00"],
}
# The key is told apart row by row ({i}: the row's number), so that no two rows share it
# unless the test means them to: duplicates are the checks' business, not a path's.
DATASET = Dataset.model_validate({
    "name": "cells", "title": "Cells of every type", "files": ["cells.csv"], "key": ["key"],
    "columns": {
        "key": {"header": "Key"},
        "text": {"header": "Text"},
        "kind": {"header": "Kind", "type": "category"},
        "region": {"header": "Region", "type": "category", "required": True,
                   "values": ["North", "South"]},
        "count": {"header": "Count", "type": "integer"},
        "amount": {"header": "Amount", "type": "decimal"},
        "flag": {"header": "Flag", "type": "boolean"},
        "day": {"header": "Day", "type": "date", "format": ["%d/%m/%Y", "%d.%m.%Y"]},
        "moment": {"header": "Moment", "type": "datetime",
                   "format": ["%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M"]},
    },
})


PLAIN = {"key": "{i}", "text": "x", "kind": "Visit", "region": "North", "count": "1",
         "amount": "1.5", "flag": "Y", "day": "31/01/2025", "moment": "31/01/2025 10:30"}


def _cell(column: str) -> st.SearchStrategy[str]:
    near = st.sampled_from(EDGES[column])
    if column == "key":  # random text could repeat a key: see DATASET
        return near
    noise = st.text(alphabet="0123456789/-:.,+ eTZNY\t\n\u00a0", max_size=12)
    return st.one_of(near, near, near, noise)


@st.composite
def _row(draw: st.DrawFn) -> dict[str, str]:
    """A plain valid row with one or two cells drawn near the edge: a doubtful cell
    decides its row, and each decision is seen rather than hidden by another cell's."""
    row = dict(PLAIN)
    for column in draw(st.lists(st.sampled_from(list(HEADERS)), min_size=1, max_size=2)):
        row[column] = draw(_cell(column))
    return row


ROWS = st.lists(_row(), min_size=1, max_size=40)


def test_every_edge_spelling_in_a_plain_row_is_read_as_the_full_path_reads_it(
        tmp_path: Path) -> None:
    rows = [{**PLAIN, column: cell} for column, cells in EDGES.items() for cell in cells]
    _agree(rows, tmp_path)


def test_with_a_decimal_comma_too(tmp_path: Path) -> None:
    """Semicolons between cells and a decimal comma (1,5): the decimal's fast path is
    another expression there."""
    commas = DATASET.model_copy(update={"csv": CsvOptions(delimiter=";", decimal=",")})
    amounts = [*EDGES["amount"], "1,5", "-0,25", "1.234,5", "1 234,5", ",5", "5,", "1,2,3"]
    rows = [{**PLAIN, "amount": "1,5", column: cell} for column, cells in
            {**EDGES, "amount": amounts}.items() for cell in cells]
    _agree(rows, tmp_path, commas)


def test_two_formats_that_read_one_date_otherwise_keep_the_declared_order(tmp_path: Path
                                                                        ) -> None:
    """01/02/2025 is 1 February day first and 2 January month first: the first declared
    format decides, on both paths."""
    columns = {**DATASET.columns}
    columns["day"] = columns["day"].model_copy(update={"format": ["%d/%m/%Y", "%m/%d/%Y"]})
    columns["moment"] = columns["moment"].model_copy(
        update={"format": ["%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"]})
    either = DATASET.model_copy(update={"columns": columns})
    days = ["01/02/2025", "13/02/2025", "02/13/2025", "12/12/2025"]
    moments = ["01/02/2025 10:30", "13/02/2025 10:30", "02/13/2025 10:30"]
    _agree([{**PLAIN, "day": d, "moment": m} for d in days for m in moments], tmp_path, either)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_random_rows_are_read_as_the_full_path_alone_reads_them(rows: list[dict[str, str]],
                                                                tmp_path: Path) -> None:
    _agree(rows, tmp_path)


def _agree(rows: list[dict[str, str]], folder: Path, ds: Dataset = DATASET) -> None:
    """Read as a run reads them, the rows agree with the full path alone: written as CSV
    (quoted where needed, and every cell quoted, so that an empty cell is text) and as a
    Parquet file of text columns."""
    cells = [[row[c].replace("{i}", f"K{i}") for c in HEADERS] for i, row in enumerate(rows)]
    forms = [("cells.csv", csv.QUOTE_MINIMAL), ("quoted.csv", csv.QUOTE_ALL),
             ("cells.parquet", None)]
    if ds.csv.decimal == ".":  # a workbook's numbers are never written with a comma
        forms += [("cells.xlsx", None), ("typed.xlsx", None)]
    for name, quoting in forms:
        path = folder / name
        if name.endswith(".xlsx"):
            _workbook(path, cells, typed=name == "typed.xlsx")
        elif quoting is None:
            pl.DataFrame(cells, schema=list(HEADERS.values()), orient="row").write_parquet(path)
        else:
            with path.open("w", newline="", encoding="utf-8") as f:
                out = csv.writer(f, delimiter=ds.csv.delimiter, quoting=quoting)
                out.writerow(HEADERS.values())
                out.writerows(cells)
        read = read_dataset(ds, [path], AS_OF, shown_base=folder)
        expected_used, expected_rejects = _full_path_alone(path, ds)
        used = pl.from_arrow(read.rows)
        assert isinstance(used, pl.DataFrame)
        got = used.filter("_used").select("_row", *HEADERS).sort("_row")
        assert _rows(got) == _rows(expected_used), name
        assert {(r.row, r.column, r.reason) for r in read.rejects} == expected_rejects, name


def _full_path_alone(path: Path, ds: Dataset
                     ) -> tuple[pl.DataFrame, set[tuple[int, str, str]]]:
    """Every row through ``coerce`` (as the reader's own full path takes it: the cells as
    read, text), numbered as a spreadsheet shows them (below the header in a CSV file)."""
    if path.suffix == ".xlsx":  # the sheet's cells as the workbook reader gives them
        sheet = excel_file.scan(path, path, ds)[0].collect()
        raw, kind, first = sheet.drop("_row", "_extra"), Kind.excel, int(sheet["_row"][0])
        raw = raw.rename({c: h for c, h in HEADERS.items()})
    elif path.suffix == ".parquet":
        raw, kind, first = pl.read_parquet(path), Kind.parquet, 1
    else:
        raw, kind, first = pl.read_csv(path, infer_schema=False,
                                       separator=ds.csv.delimiter), Kind.csv, 2
    raw = raw.rename({h: c for c, h in HEADERS.items()}).with_columns(
        _extra=pl.lit(None, pl.String))
    done = coerce(raw, ds, kind)
    failed = set(done.failures["_i"].to_list())
    keep = [i for i in range(raw.height) if i not in failed and not done.blank[i]]
    used = done.frame.with_row_index("_i").filter(pl.col("_i").is_in(keep)).select(
        (pl.col("_i").cast(pl.Int64) + first).alias("_row"), *HEADERS)
    rejects = {(i + first, HEADERS[c], reason) for i, c, reason in
               done.failures.select("_i", "column", "reason").iter_rows()}
    return used, rejects


def _workbook(path: Path, cells: list[list[str]], *, typed: bool) -> None:
    """The cells in a sheet, as text; or, ``typed``, a plain row's cells as Excel holds
    them (a real date, a number, a boolean) and only the edge spellings as text."""
    import openpyxl

    plain = [PLAIN[c] for c in HEADERS]
    real = {"count": 1, "amount": 1.5, "flag": True, "day": dt.datetime(2025, 1, 31),
            "moment": dt.datetime(2025, 1, 31, 10, 30)}
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADERS.values()))
    for row in cells:
        sheet.append([real[c] if typed and c in real and cell == plain[j] else cell
                      for j, (c, cell) in enumerate(zip(HEADERS, row, strict=True))])
    book.save(path)


def _rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    """Rows as plain values; a category as its text, so both sides compare alike."""
    return list(frame.with_columns(pl.col("region", "kind").cast(pl.String)).iter_rows())
