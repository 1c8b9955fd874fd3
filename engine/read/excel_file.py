"""Workbooks (.xlsx, .xlsm, .xls) → one sheet's rows as text, numbered as Excel numbers them.

fastexcel (calamine, in Rust, straight to Arrow) reads the sheet: it was the fastest of
openpyxl's read-only mode, python-calamine and fastexcel on a million-row sheet (see
``bench/``). Every cell is read as text so a date typed as text, a stray word in a
number column or an Excel serial reaches the coercion step intact; real Excel dates
arrive as ``2025-01-31 00:00:00``. Formulas give the value Excel saved with the file.

Merged cells: a value merged over several rows or columns is what a person reads in each
cell it covers, so it is copied into each of them. The merge list sits at the end of the
sheet's XML, which is scanned in a second thread while fastexcel parses.
"""

from __future__ import annotations

import re
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import polars as pl

from engine.model.dataset import Dataset
from engine.problems import Problem, unknown_name_hint
from engine.read.header import SEARCH_ROWS, Header, locate
from engine.read.sources import Unreadable

_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass(frozen=True)
class Merge:
    first_row: int  # 1-based, as Excel shows
    last_row: int
    first_col: int  # 0-based absolute column (A = 0)
    last_col: int


def scan(path: Path, shown: Path, ds: Dataset) -> tuple[pl.LazyFrame, Header, str]:
    """The sheet's declared columns as text, with ``_row``; also the header and sheet name."""
    import fastexcel

    try:
        book = fastexcel.read_excel(path)
    except Exception as exc:  # fastexcel raises its own error types for every kind of damage
        raise Unreadable(Problem(shown, f"the workbook is damaged and cannot be read "
                                 f"({_short(exc)})",
                                 hint="open it in Excel and save it again")) from None
    names = list(book.sheet_names)
    sheet = ds.excel.sheet or (names[0] if names else "")
    if sheet not in names:
        raise Unreadable(Problem(shown, f"the workbook has no sheet '{sheet}'",
                                 hint=unknown_name_hint(sheet, names, "sheets")))
    merges: list[Merge] = []
    finder = threading.Thread(target=lambda: merges.extend(merged_cells(path, sheet)),
                              daemon=True)
    finder.start()
    try:
        # header_row=None with skip_rows=0: every row from row 1, empty ones included,
        # so the frame's index + 1 is the row number Excel shows.
        loaded = book.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string")
        frame = loaded.to_polars()
        absolute = [c.absolute_index for c in loaded.selected_columns]
    except Exception as exc:
        raise Unreadable(Problem(shown, f"sheet '{sheet}' cannot be read ({_short(exc)})",
                                 hint="open the workbook in Excel and save it again")) from None
    finally:
        finder.join()
    frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
    if merges:
        frame = _fill_merges(frame, merges, absolute)
    head = frame.head(max(SEARCH_ROWS, ds.excel.header_row or 0)).rows()
    header = locate(shown, ds, [(i + 1, cells) for i, cells in enumerate(head)],
                    ds.excel.header_row)
    body = frame.lazy().with_row_index("_i").slice(header.row)
    return body.select(
        *(pl.col(f"c{pos}").alias(name) for name, pos in header.positions.items()),
        (pl.col("_i").cast(pl.Int64) + 1).alias("_row"),
        # Cells right of a table are notes, not a misaligned row.
        pl.lit(None, pl.String).alias("_extra"),
    ), header, sheet


def merged_cells(path: Path, sheet: str) -> list[Merge]:
    """The merged ranges of ``sheet``, from the workbook's XML; empty if it has none."""
    try:
        with zipfile.ZipFile(path) as book:
            member = _sheet_member(book, sheet)
            if member is None:
                return []
            found: set[tuple[bytes, ...]] = set()
            tail = b""
            with book.open(member) as xml:
                while chunk := xml.read(1 << 22):
                    window = tail + chunk
                    found.update(m.groups() for m in _MERGE.finditer(window))
                    tail = window[-64:]
    except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
        return []  # an .xls file, or damage that the sheet reader reports itself
    return [Merge(int(r1), int(r2), _col(c1), _col(c2)) for c1, r1, c2, r2 in found]


def _sheet_member(book: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    rid = next((s.get(f"{{{_NS['r']}}}id") for s in workbook.iterfind("m:sheets/m:sheet", _NS)
                if s.get("name") == sheet), None)
    target = next((r.get("Target") for r in rels.iterfind("p:Relationship", _NS)
                   if r.get("Id") == rid), None)
    if target is None:
        return None
    target = target.lstrip("/")
    return target if target.startswith("xl/") else str(PurePosixPath("xl") / target)


def _col(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number - 1


def _fill_merges(frame: pl.DataFrame, merges: list[Merge], absolute: list[int]
                 ) -> pl.DataFrame:
    where = {a: i for i, a in enumerate(absolute)}
    filled: dict[str, pl.Series] = {}
    for m in merges:
        top = where.get(m.first_col)
        if top is None or m.first_row > frame.height:
            continue
        value = frame[f"c{top}"][m.first_row - 1]
        rows = list(range(m.first_row - 1, min(m.last_row, frame.height)))
        for col in range(m.first_col, m.last_col + 1):
            if col in where:
                name = f"c{where[col]}"
                series = filled.get(name)
                if series is None:
                    series = filled[name] = frame[name].clone()
                series.scatter(rows, value)
    return frame.with_columns(list(filled.values()))


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
