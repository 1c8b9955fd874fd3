"""The reader's two paths agree (engine/read/coerce.py): the fast path, run on every row
while a file is parsed, accepts no cell the full path would refuse and gives the value
the full path gives, so a row's fate never depends on which path it took.

Each example is a CSV of plain valid rows, one column of each declared type, in each of
which a cell or two is drawn from spellings near the edge of its type (spaces around a
value, another date order, a thousands separator, a year of two digits, an overflow, a
listed value in another case) and from random text; and one file holds every such
spelling alone in a plain row. It is read as a run reads it (``read_dataset``: the fast
path, then the full path for the rows it flags), and, as the reference, every row is put
through the full path alone (``coerce``). Rows used, their values, and every reject with its
column and reason must be the same.
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
from engine.read.coerce import coerce
from engine.read.extract import read_dataset
from engine.read.sources import Kind

AS_OF = dt.date(2025, 6, 30)
HEADERS = {"text": "Text", "region": "Region", "count": "Count", "amount": "Amount",
           "flag": "Flag", "day": "Day", "moment": "Moment"}
EDGES = {
    "text": ["x", "a b", " x", "x ", "\tx", "x\t", " ", "", "é", "0"],
    "region": ["North", "South", "north", " North", "North ", "NORTH", "Central", "", " "],
    "count": ["12", "-3", "+4", "007", "1,234", "1 234", "12.0", "12.00", "12.5", "1e3",
              "9223372036854775807", "9223372036854775808", " 7", "7 ", "", "abc", "-0"],
    "amount": ["1.5", "-0.0", ".5", "5.", "1,234.5", "1.234,5", "1e400", "-1e-3", "NaN",
               "inf", "1.2.3", " 2.5", "2.5 ", "", "1 234.5", "0x10"],
    "flag": ["Y", "y", "yes", "Yes", "TRUE", "tRuE", "t", "0", "1", "no", "N", "maybe",
             " Y", "Y ", ""],
    "day": ["31/01/2025", "1/2/2025", "01/02/25", "2025-01-31", "31/02/2025", " 31/01/2025",
            "31/01/2025 ", "01/01/0999", "31/01/2025 10:00", "45678", "", "2025-1-31",
            "29/02/2024", "29/02/2025"],
    "moment": ["31/01/2025 10:30", "2025-01-31T10:30:00", "2025-01-31 10:30:00+01:00",
               "2025-01-31T10:30:00Z", "31/01/2025 25:00", "31/01/2025", "2025-01-31",
               " 31/01/2025 10:30", "31/01/2025 10:30 ", "2025-01-31 10:30", "",
               "31/1/2025 9:05", "2025-01-31T10:30:00.250"],
}
DATASET = Dataset.model_validate({
    "name": "cells", "title": "Cells of every type", "files": ["cells.csv"],
    "columns": {
        "text": {"header": "Text"},
        "region": {"header": "Region", "type": "category", "required": True,
                   "values": ["North", "South"]},
        "count": {"header": "Count", "type": "integer"},
        "amount": {"header": "Amount", "type": "decimal"},
        "flag": {"header": "Flag", "type": "boolean"},
        "day": {"header": "Day", "type": "date", "format": "%d/%m/%Y"},
        "moment": {"header": "Moment", "type": "datetime", "format": "%d/%m/%Y %H:%M"},
    },
})


PLAIN = {"text": "x", "region": "North", "count": "1", "amount": "1.5", "flag": "Y",
         "day": "31/01/2025", "moment": "31/01/2025 10:30"}


def _cell(column: str) -> st.SearchStrategy[str]:
    near = st.sampled_from(EDGES[column])
    noise = st.text(alphabet="0123456789/-:.,+ eTZNY", max_size=12)
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


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_random_rows_are_read_as_the_full_path_alone_reads_them(rows: list[dict[str, str]],
                                                                tmp_path: Path) -> None:
    _agree(rows, tmp_path)


def _agree(rows: list[dict[str, str]], folder: Path, ds: Dataset = DATASET) -> None:
    path = folder / "cells.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, delimiter=ds.csv.delimiter)
        out.writerow(HEADERS.values())
        out.writerows([[row[c] for c in HEADERS] for row in rows])
    read = read_dataset(ds, [path], AS_OF, shown_base=folder)
    expected_used, expected_rejects = _full_path_alone(path, ds)
    used = pl.from_arrow(read.rows)
    assert isinstance(used, pl.DataFrame)
    got = used.filter("_used").select("_row", *HEADERS).sort("_row")
    assert _rows(got) == _rows(expected_used)
    assert {(r.row, r.column, r.reason) for r in read.rejects} == expected_rejects


def _full_path_alone(path: Path, ds: Dataset
                     ) -> tuple[pl.DataFrame, set[tuple[int, str, str]]]:
    """Every row through ``coerce`` (as the reader's own full path takes it: the cells as
    read, text), numbered as a spreadsheet shows them."""
    raw = pl.read_csv(path, infer_schema=False, separator=ds.csv.delimiter).rename(
        {h: c for c, h in HEADERS.items()})
    raw = raw.with_columns(_extra=pl.lit(None, pl.String))
    done = coerce(raw, ds, Kind.csv)
    failed = set(done.failures["_i"].to_list())
    keep = [i for i in range(raw.height) if i not in failed and not done.blank[i]]
    used = done.frame.with_row_index("_i").filter(pl.col("_i").is_in(keep)).select(
        (pl.col("_i").cast(pl.Int64) + 2).alias("_row"), *HEADERS)
    rejects = {(i + 2, HEADERS[c], reason) for i, c, reason in
               done.failures.select("_i", "column", "reason").iter_rows()}
    return used, rejects


def _rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    """Rows as plain values; a category as its text, so both sides compare alike."""
    return list(frame.with_columns(pl.col("region").cast(pl.String)).iter_rows())
