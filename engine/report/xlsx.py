"""Writing tables into an Excel workbook safely and fast: openpyxl's write-only mode
(cells streamed, not held: about 80 MB rather than 450 MB for 120,000 rows, measured),
one shared style per look, every string neutralised against formula injection and
cleared of the control characters XML cannot hold, frozen bold headers, filters, and
columns sized from their first rows (write-only sheets take widths and panes before
the first row).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from copy import copy
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import (  # type: ignore[import-untyped]
    ILLEGAL_CHARACTERS_RE,
    Cell,
    WriteOnlyCell,
)
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from engine.report.files import neutralise

COUNT, DATE = "#,##0", "yyyy-mm-dd"
SAMPLE = 1_000  # rows read to size a sheet's columns
NARROWEST, WIDEST = 6, 60
EXCEL_TEXT = 32_767  # the most characters a cell holds


def sheet_title(text: str, taken: set[str]) -> str:
    """A sheet title Excel accepts: none of []:*?/\\, at most 31 characters, unique
    without regard to case (as Excel compares them); ``taken`` is updated."""
    base = re.sub(r"[\[\]:*?/\\]", "_", text).strip("'")[:31] or "Standard"
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        title = f"{base[:31 - len(f' ({n})')]} ({n})"
    taken.add(title.lower())
    return title


class Book:
    """A write-only workbook, and styled cells that share one style per look."""

    def __init__(self) -> None:
        self.wb = Workbook(write_only=True)
        self._looks: dict[tuple[str | None, str | None, bool], Any] = {}

    def sheet(self, title: str) -> Any:
        return self.wb.create_sheet(title)

    def cell(self, ws: Any, value: object, fmt: str | None = None, fill: str | None = None,
             bold: bool = False) -> Any:
        if fmt is None and isinstance(value, dt.date):
            fmt = DATE
        look = (fmt, fill, bold)
        if look not in self._looks:
            proto = WriteOnlyCell(ws)
            if fmt:
                proto.number_format = fmt
            if fill:
                proto.fill = PatternFill("solid", fgColor=fill)
            if bold:
                proto.font = Font(bold=True)
            self._looks[look] = proto
        cell = WriteOnlyCell(ws, _clean(value))
        # Copying the style array is 2.5 times faster than setting each attribute.
        cell._style = copy(self._looks[look]._style)
        return cell

    def count(self, ws: Any, value: object) -> Any:
        """A count with thousands separators (two decimals when not whole)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return self.cell(ws, value, COUNT if isinstance(value, int) else "#,##0.00")


def _clean(value: object) -> object:
    """Neutralised, without the control characters XML cannot hold, within Excel's limit."""
    if not isinstance(value, str):
        return value
    value = neutralise(value)
    text: str = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return text if len(text) <= EXCEL_TEXT else text[:EXCEL_TEXT - 1] + "…"


def table(book: Book, ws: Any, header: Sequence[str | None],
           rows: Iterable[Sequence[object]], *, above: Sequence[Sequence[object]] = (),
           after: Sequence[Sequence[object]] = (), filter_width: int | None = None,
           empty: str | None = None) -> int:
    """Lines ``above``, then the bold header (frozen) and the rows (under a filter), then
    the lines ``after`` a blank row. Columns are sized from the first rows, the labels
    above and the lines after. Returns the header's row number."""
    rows = iter(rows)
    first = list(islice(rows, SAMPLE))
    labels = [line[:1] for line in above if len(line) > 1]
    for i, width in enumerate(_widths([header, *first, *labels, *after]), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    top = len(above) + 1
    ws.freeze_panes = f"A{top + 1}"
    for line in above:
        ws.append([_plain(v) for v in line])
    ws.append([book.cell(ws, h, bold=True) if h is not None else None for h in header])
    last = top
    for row in chain(first, rows):
        ws.append([_plain(v) for v in row])
        last += 1
    if last == top and empty:
        ws.append([_clean(empty)])
        last += 1
    ws.auto_filter.ref = f"A{top}:{get_column_letter(filter_width or len(header))}{last}"
    if after:
        ws.append([])
        for line in after:
            ws.append([_plain(v) for v in line])
    return top


def _plain(value: object) -> object:
    return value if isinstance(value, Cell) else _clean(value)


def _widths(rows: Iterable[Sequence[object]]) -> list[int]:
    widths: list[int] = []
    for row in rows:
        for i, value in enumerate(row):
            if i == len(widths):
                widths.append(NARROWEST)
            widths[i] = max(widths[i], min(WIDEST, _length(value) + 3))
    return widths


def _length(value: object) -> int:
    if isinstance(value, Cell):
        value = value.value
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.splitlines() or [""])
    if isinstance(value, int):
        return len(f"{value:,}")
    return 19 if isinstance(value, dt.datetime) else 10  # dates, formatted numbers


def bold(book: Book, ws: Any, text: str) -> Any:
    return book.cell(ws, text, bold=True)


def number_format(decimals: int, unit: str) -> str:
    """A number format in a unit: (1, '%') → '0.0%', (2, 'days') → '#,##0.00" days"'."""
    digits = "0." + "0" * decimals if decimals else "0"
    if unit == "%":
        return f"{digits}%"
    suffix = '" {}"'.format(unit.replace('"', "")) if unit else ""
    return f"#,##{digits}{suffix}"
