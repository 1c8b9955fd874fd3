"""Files → raw text grids: the header located, cells as text, spreadsheet row numbers kept.

The coercion to declared types happens afterwards (``coerce.py``), for every format
alike, so a date is parsed the same way whether it came from CSV or Excel.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from engine.model.dataset import ColumnType, Dataset
from engine.problems import Problem, unknown_name_hint

HEADER_SEARCH_ROWS = 30
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}


class Unreadable(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Grid:
    """One file's data rows as text, keyed by declared column name."""

    columns: dict[str, list[str | None]]
    rows: list[int]  # spreadsheet row number of each data row
    header_row: int
    unexpected: list[str]


def normalise(header: object) -> str:
    return " ".join(str(header).split()).casefold() if header is not None else ""


def read_grid(path: Path, shown: Path, ds: Dataset, data: bytes) -> Grid:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _excel(path, shown, ds, data)
    if suffix in CSV_SUFFIXES or suffix == "":
        return _csv(shown, ds, data)
    raise Unreadable(Problem(shown, f"cannot read '{suffix}' files",
                             hint="export the extract as .csv or .xlsx"))


def _csv(shown: Path, ds: Dataset, data: bytes) -> Grid:
    if data.startswith(b"PK\x03\x04"):
        raise Unreadable(Problem(shown, "this file is a zip or Excel workbook, not CSV text",
                                 hint="rename it to .xlsx, or export it again as CSV"))
    encoding = "utf-8-sig" if ds.csv.encoding.replace("_", "-").lower() in ("utf-8", "utf8") \
        else ds.csv.encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable(Problem(shown, f"the file is not {ds.csv.encoding} text (line {line})",
                                 hint="set csv: {encoding: cp1252} in the dataset, or save "
                                 "the file as UTF-8")) from None
    if "\x00" in text:
        raise Unreadable(Problem(shown, "the file holds binary data, not CSV text",
                                 hint="check that this is the right file"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=ds.csv.delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        # Spreadsheet rows count records, not lines: a quoted newline stays in one row.
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
    except csv.Error as exc:
        raise Unreadable(Problem(shown, f"malformed CSV near line {reader.line_num}: {exc}",
                                 hint="check the quoting on that line")) from None
    return _grid(shown, ds, records, ds.csv.header_row)


def _excel(path: Path, shown: Path, ds: Dataset, data: bytes) -> Grid:
    from python_calamine import CalamineError, CalamineWorkbook

    if not data.startswith(b"PK\x03\x04"):
        what = "an encrypted or legacy workbook" if data.startswith(b"\xd0\xcf\x11\xe0") \
            else "not an Excel workbook"
        raise Unreadable(Problem(shown, f"this file is {what}",
                                 hint="open it in Excel and save it as .xlsx, without a password"))
    try:
        zipfile.ZipFile(io.BytesIO(data)).testzip()
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (zipfile.BadZipFile, CalamineError, ValueError, OSError) as exc:
        raise Unreadable(Problem(shown, f"the workbook is damaged and cannot be read ({exc})",
                                 hint="open it in Excel and save it again")) from None
    names = list(book.sheet_names)
    sheet_name = ds.excel.sheet or (names[0] if names else None)
    if sheet_name not in names:
        raise Unreadable(Problem(shown, f"the workbook has no sheet '{sheet_name}'",
                                 hint=unknown_name_hint(str(sheet_name), names, "sheets")))
    rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    types = ds.column_types()
    records = [(i, [_cell_text(v) for v in row]) for i, row in enumerate(rows, start=1)]
    grid = _grid(shown, ds, records, ds.excel.header_row)
    # Real Excel dates arrive as dates; numbers in a date column are Excel serials.
    for name, values in grid.columns.items():
        if types[name].is_temporal:
            grid.columns[name] = [_serial(v) for v in values]
    return grid


def _cell_text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def _serial(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    if not 1 <= number < 2_958_466:  # Excel's own range of dates
        return value
    moment = _EXCEL_EPOCH + dt.timedelta(days=number)
    return moment.date().isoformat() if number.is_integer() else moment.isoformat(sep=" ")


def _grid(shown: Path, ds: Dataset, records: list[tuple[int, list[str]]],
          header_row: int | None) -> Grid:
    if not records or all(not "".join(r).strip() for _, r in records):
        raise Unreadable(Problem(shown, "the file is empty", hint="export the extract again"))
    wanted = {name: normalise(ds.header_of(name)) for name in ds.columns}
    index = _find_header(records, wanted, header_row)
    if index is None:
        raise Unreadable(_no_header(shown, ds, records, wanted, header_row))
    number, header = records[index]
    positions = {normalise(h): i for i, h in reversed(list(enumerate(header)))}
    missing = [name for name, h in wanted.items() if h not in positions]
    if missing:
        found = [h for h in header if h.strip()]
        details = "; ".join(
            f"'{ds.header_of(n)}' ({unknown_name_hint(ds.header_of(n), found, 'headers')})"
            for n in missing
        )
        raise Unreadable(Problem(shown, f"row {number}: missing column(s) {details}",
                                 hint="rename the header in the dataset declaration, or "
                                 "export the column"))
    known = set(wanted.values())
    unexpected = [h for h in header if h.strip() and normalise(h) not in known]
    data = records[index + 1:]
    columns: dict[str, list[str | None]] = {}
    for name, h in wanted.items():
        pos = positions[h]
        columns[name] = [r[pos] if pos < len(r) else None for _, r in data]
    return Grid(columns, [n for n, _ in data], number, unexpected)


def _find_header(records: list[tuple[int, list[str]]], wanted: dict[str, str],
                 header_row: int | None) -> int | None:
    if header_row is not None:
        for i, (number, _) in enumerate(records):
            if number == header_row:
                return i
        return None
    targets = set(wanted.values())
    best, best_hits = None, 0
    for i, (_, record) in enumerate(records[:HEADER_SEARCH_ROWS]):
        hits = len(targets & {normalise(c) for c in record})
        if hits == len(targets):
            return i
        if hits > best_hits:
            best, best_hits = i, hits
    # A partial match still names the header row, so missing columns can be reported.
    return best if best_hits >= max(1, len(targets) // 2) else None


def _no_header(shown: Path, ds: Dataset, records: list[tuple[int, list[str]]],
               wanted: dict[str, str], header_row: int | None) -> Problem:
    if header_row is not None:
        return Problem(shown, f"there is no row {header_row}; the header row is set too far",
                       hint="fix header_row in the dataset declaration")
    sample = next((r for _, r in records if "".join(r).strip()), [])
    expected = ", ".join(ds.header_of(n) for n in wanted)
    return Problem(shown, f"no header row with the declared columns in the first "
                   f"{HEADER_SEARCH_ROWS} rows (expected: {expected}; first row: "
                   f"{', '.join(c for c in sample if c)[:200]})",
                   hint="check that this is the right file, or fix the headers in the dataset")


__all__ = ["ColumnType", "Grid", "Unreadable", "normalise", "read_grid"]
