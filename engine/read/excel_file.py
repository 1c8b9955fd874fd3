"""Workbooks (.xlsx, .xlsm, .xls) → one sheet's rows as text, numbered as Excel numbers them.

fastexcel (calamine, in Rust, straight to Arrow) reads the sheet: it was the fastest of
openpyxl's read-only mode, python-calamine and fastexcel on a million-row sheet (see
``bench/``). Every cell is read as text so a date typed as text, a stray word in a
number column or an Excel serial reaches the coercion step intact; real Excel dates
arrive as ``2025-01-31 00:00:00``. Formulas give the value Excel saved with the file.

Error cells (``#N/A``, ``#DIV/0!``…) and formulas saved without a value (a workbook
written by a program and never opened in Excel) are no value at all, yet fastexcel reads
both as empty cells: a required date would be reported "blank", an optional one would
quietly leave its row out of a measure. The guard below finds them in the sheet's XML as
it passes, and each reaches the coercion step marked (``ERROR_MARK`` before the error or
the formula), to be rejected for what it is (``excel_error``, ``not_calculated``). An .xls
file has no XML to look in: its error cells still read as empty.

Merged cells: a value merged over several rows or columns is what a person reads in each
cell it covers, so it is copied into each of them. The merge list sits at the end of the
sheet's XML, which the guard below reads anyway.

Hostile workbooks. An .xlsx is a zip of XML parts, and fastexcel trusts the zip: it
inflates a part however large it turns out to be, whatever size the zip declares (a 1 MB
part declared as 600 bytes that inflated to 1 GB cost 1.1 GB of memory). So before
fastexcel sees the file, every part is inflated here, in pieces that are counted and
dropped, and the workbook is refused, with what to do, when:

* it has more than ``MAX_PARTS`` (10,000) parts: workbooks have tens;
* a part larger than ``GRACE`` (1 MiB) inflates more than ``MAX_RATIO`` (100) times its
  compressed size, Apache POI's limit: real sheets inflate 7 to 16 times (the
  1,000,000-row claims workbook of ``bench/generate.py`` is 32 MB zipped, its sheet
  397 MB inflated: 12.3 times);
* its parts inflate to more than ``MAX_INFLATED`` (4 GiB) in all: ten times the
  million-row workbook, so only a very wide sheet comes near it (export that as CSV);
* a part inflates to more, or less, than the zip declares (crafted, or damaged), is
  encrypted or compressed other than by deflate, or shares its name with another;
* an XML part declares a DOCTYPE (entity tricks: billion laughs, an external entity
  naming a local file) before its root element, however many comments come first, or
  has more than ``MAX_PROLOG`` (1 MiB) of them. Excel writes neither. fastexcel would
  not expand an entity anyway (quick-xml knows no DTD: ``&xxe;`` fails as an unknown
  entity), and the parts parsed here go through defusedxml, as openpyxl's do when it is
  installed;
* a sheet holds more than ``MAX_MERGES`` (50,000) merged ranges, or ranges covering more
  than ``MAX_MERGED_CELLS`` (5,000,000) cells: each covered cell is filled with the
  merged value, so one range over a million rows would cost seconds, thousands hours;
* it links to other workbooks (``xl/externalLinks/``): what it shows from them are
  copies saved with it, perhaps stale, so it is refused with how to break the links.
  Nothing is ever fetched: a formula's value is the one Excel saved.

The pass costs about 0.2 s on the million-row workbook (ISA-L, through ``isal``, inflates
its 397 MB sheet in 0.1 s; zlib, where isal is missing, in 0.35 s); the merge list is
found in it, so the sheet is no longer read twice.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import BinaryIO

import defusedxml.ElementTree as SafeXML  # type: ignore[import-untyped]
import polars as pl

from engine.model.dataset import Dataset
from engine.problems import Problem, unknown_name_hint
from engine.read.header import SEARCH_ROWS, Header, blank, locate
from engine.read.sources import ZIP, Unreadable

MAX_PARTS = 10_000
MAX_RATIO = 100
GRACE = 1 << 20
MAX_INFLATED = 4 << 30
PIECE = 4 << 20  # bytes inflated at a time: memory stays flat
try:  # ISA-L inflates three to four times as fast as zlib: most of what the guard costs
    from isal import isal_zlib
    _inflating: ModuleType = isal_zlib
except ImportError:  # pragma: no cover - a platform without its wheels: zlib, slower
    _inflating = zlib
MAX_PROLOG = 1 << 20  # comments and declarations before a part's root element
MAX_MERGES = 50_000  # merged ranges in one sheet: a report merges its titles, tens
MAX_MERGED_CELLS = 5_000_000  # cells they cover, each filled with the merged value
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
# What follows the tag of a cell holding an error (t="e"): a formula, maybe; the error.
_ERROR_BODY = re.compile(rb'(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>([^<]*)</v>')
# A formula followed by no value, or by an empty one. Both are found from their own
# marks, and the cell's tag backwards from there: trying every cell would be slow.
_NO_VALUE = re.compile(rb'<f\b[^>]*?(?:/>|>([^<]*)</f>)(<v\s*/>|<v></v>)?</c>')
_CELL_TAG = re.compile(rb'<c\s([^>]*)>')
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_STRING_RESULT = re.compile(rb'\bt="str"')
MAX_UNVALUED = 100_000  # more is no longer a few failed formulas: a sheet never calculated
TAIL = 1 << 15  # a cell or a merge cut between two inflated pieces is whole in tail + piece
ERROR_MARK = "\0"  # XML cannot hold a NUL: a cell text starting with it is the engine's mark
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
_AGAIN = "export the extract again from its system, or as CSV"


@dataclass(frozen=True)
class Merge:
    first_row: int  # 1-based, as Excel shows
    last_row: int
    first_col: int  # 0-based absolute column (A = 0)
    last_col: int


Cell = tuple[int, int]  # (1-based row, 0-based absolute column)


@dataclass
class Inspected:
    """What the guard learnt on its pass, by worksheet part: merges, and the cells that
    hold an error or a formula without a value (as the engine marks them)."""

    merges: dict[str, list[Merge]] = field(default_factory=dict)
    unvalued: dict[str, dict[Cell, str]] = field(default_factory=dict)


def scan(path: Path, shown: Path, ds: Dataset) -> tuple[pl.LazyFrame, Header, str]:
    """The sheet's declared columns as text, with ``_row``; also the header and sheet name."""
    import fastexcel

    with path.open("rb") as f:
        zipped = f.read(4) == ZIP
    inspected = inspect(path, shown) if zipped else Inspected()  # .xls: no zip, no XML
    try:
        book = fastexcel.read_excel(path)
    except BaseException as exc:  # fastexcel raises its own error types for every damage
        _reraise_unless_reader_error(exc)
        raise Unreadable(Problem(shown, f"the workbook is damaged and cannot be read "
                                 f"({_short(exc)})",
                                 hint="open it in Excel and save it again")) from None
    names = list(book.sheet_names)
    sheet = ds.excel.sheet or (names[0] if names else "")
    if sheet not in names:
        raise Unreadable(Problem(shown, f"the workbook has no sheet '{sheet}'",
                                 hint=unknown_name_hint(sheet, names, "sheets")))
    try:
        # header_row=None with skip_rows=0: every row from row 1, empty ones included,
        # so the frame's index + 1 is the row number Excel shows.
        loaded = book.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string")
        frame = loaded.to_polars()
        absolute = [c.absolute_index for c in loaded.selected_columns]
    except BaseException as exc:
        _reraise_unless_reader_error(exc)
        raise Unreadable(Problem(shown, f"sheet '{sheet}' cannot be read ({_short(exc)})",
                                 hint="open the workbook in Excel and save it again")) from None
    frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
    member = sheet_member(path, sheet) if zipped and (inspected.merges or inspected.unvalued) \
        else None
    merges = inspected.merges.get(member or "", [])
    if merges:
        frame = _fill_merges(frame, merges, absolute)
    head = [(i + 1, cells) for i, cells in
            enumerate(frame.head(max(SEARCH_ROWS, ds.excel.header_row or 0)).rows())]
    if blank(head):  # locate would call it 'no data', not naming the sheets
        raise Unreadable(_empty_sheet(shown, ds, sheet, names, frame.height > len(head)))
    header = locate(shown, ds, head, ds.excel.header_row)
    unvalued = inspected.unvalued.get(member or "", {})
    if unvalued:
        frame = _mark(frame, unvalued, absolute, header)
    body = frame.lazy().with_row_index("_i").slice(header.row)
    return body.select(
        *(pl.col(f"c{pos}").alias(name) for name, pos in header.positions.items()),
        (pl.col("_i").cast(pl.Int64) + 1).alias("_row"),
        # Cells right of a table are notes, not a misaligned row.
        pl.lit(None, pl.String).alias("_extra"),
    ), header, sheet


def _empty_sheet(shown: Path, ds: Dataset, sheet: str, names: list[str], more: bool
                 ) -> Problem:
    """The sheet read holds nothing where its header should be: most often the extract was
    saved on another sheet, so the others are named."""
    others = [n for n in names if n != sheet]
    listed = f" (the workbook's sheets: {', '.join(names)})" if others else ""
    if not others:
        hint = (f"if the header is further down, give its row: excel: {{header_row: N}} in "
                f"the dataset '{ds.name}'; else export the extract again" if more
                else "export the extract again")
    elif ds.excel.sheet is None:
        hint = (f"the first sheet is read unless the dataset names one: add excel: "
                f"{{sheet: \"{others[0]}\"}} (or the sheet that holds the extract) to the "
                f"dataset '{ds.name}'{listed}")
    else:
        hint = f"check which sheet holds the extract{listed}, and the dataset's excel: sheet"
    what = (f"has nothing in its first {SEARCH_ROWS} rows, where the header is looked for"
            if more else "is empty")
    return Problem(shown, f"sheet '{sheet}' {what}", hint=hint)


def inspect(path: Path, shown: Path) -> Inspected:
    """Inflate every part of the workbook's zip, counted; raise :class:`Unreadable` for a
    zip bomb, a DOCTYPE, external links or damage (see the module's docstring)."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable(Problem(shown, f"the workbook is damaged and cannot be read "
                                 f"(not a valid zip: {exc})",
                                 hint="open it in Excel and save it again")) from None
    if len(parts) > MAX_PARTS:
        raise Unreadable(Problem(shown, f"the workbook holds {len(parts):,} parts; a "
                                 f"workbook has tens, and more than {MAX_PARTS:,} is refused "
                                 "(a zip bomb?)", hint=_AGAIN))
    _check_declared(shown, parts)
    links = sorted(p.filename for p in parts if p.filename.startswith("xl/externalLinks/")
                   and p.filename.endswith(".xml"))
    found = Inspected()
    with path.open("rb") as raw:
        for part in parts:
            merges: set[tuple[bytes, ...]] = set()
            unvalued: dict[Cell, str] = {}
            try:
                _inflate(raw, part, shown, merges, unvalued)
            except (OSError, ValueError, struct.error) as exc:  # an offset off the file
                raise Unreadable(_damaged(shown, part, str(exc))) from None
            if unvalued:
                found.unvalued[part.filename] = unvalued
            if merges:
                found.merges[part.filename] = ranges = [
                    Merge(int(r1), int(r2), _col(c1), _col(c2)) for c1, r1, c2, r2 in merges]
                covered = sum((m.last_row - m.first_row + 1) * (m.last_col - m.first_col + 1)
                              for m in ranges)
                if covered > MAX_MERGED_CELLS:
                    raise Unreadable(_too_merged(shown, part, f"merged ranges covering "
                                                              f"{covered:,} cells"))
    if links:
        raise Unreadable(_external_links(path, shown, links))
    return found


def _too_merged(shown: Path, part: zipfile.ZipInfo, what: str) -> Problem:
    return Problem(shown, f"part {part.filename} of the workbook holds {what}; a merged "
                   "cell's value is copied into every cell it covers, and more than "
                   f"{MAX_MERGES:,} ranges or {MAX_MERGED_CELLS:,} cells is refused",
                   hint="unmerge the cells (Home ▸ Merge & Center ▸ Unmerge Cells) and save "
                   "again, or export the extract as CSV")


def _check_declared(shown: Path, parts: list[zipfile.ZipInfo]) -> None:
    names: set[str] = set()
    total = 0
    for part in parts:
        if part.filename in names:
            raise Unreadable(Problem(shown, f"the workbook holds two parts named "
                                     f"{part.filename} (damaged or crafted)", hint=_AGAIN))
        names.add(part.filename)
        if part.flag_bits & 0x1:
            raise Unreadable(Problem(shown, f"part {part.filename} of the workbook is "
                                     "encrypted", hint="open it in Excel, remove the "
                                     "password and save it as .xlsx"))
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Unreadable(Problem(shown, f"part {part.filename} of the workbook is "
                                     f"compressed with method {part.compress_type}, which "
                                     "Excel does not use", hint=_AGAIN))
        total += part.file_size
        ratio = part.file_size / max(1, part.compress_size)
        if part.file_size > GRACE and ratio > MAX_RATIO:
            raise Unreadable(Problem(
                shown, f"part {part.filename} of the workbook would inflate {ratio:,.0f} "
                f"times, from {_size(part.compress_size)} to {_size(part.file_size)}; "
                f"workbooks inflate about 10 times and more than {MAX_RATIO} is refused as "
                "a zip bomb", hint=_AGAIN))
        if total > MAX_INFLATED:
            raise Unreadable(Problem(
                shown, f"the workbook would inflate to more than {_size(MAX_INFLATED)} "
                f"(a million-row sheet is about 400 MB); refused as a zip bomb or a sheet "
                "too large to read", hint=_AGAIN))


def _inflate(raw: BinaryIO, part: zipfile.ZipInfo, shown: Path,
             merges: set[tuple[bytes, ...]], unvalued: dict[Cell, str]) -> None:
    """Inflate ``part`` piece by piece: its real size must be the one declared. Merged
    ranges, and cells with an error or a formula without a value, are collected from
    whichever part holds them (a sheet, wherever it lives)."""
    raw.seek(part.header_offset)
    local = raw.read(30)
    if len(local) < 30 or local[:4] != ZIP:
        raise Unreadable(_damaged(shown, part, "its header is missing"))
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    raw.seek(part.header_offset + 30 + name_length + extra_length)
    out, tail = 0, b""
    prolog: bytes | None = b""
    for piece in _pieces(raw, part, shown):
        out += len(piece)
        if out > part.file_size:
            raise Unreadable(Problem(
                shown, f"part {part.filename} of the workbook inflates to more than the "
                f"{_size(part.file_size)} its zip directory declares (crafted, or damaged)",
                hint=_AGAIN))
        if prolog is not None:  # still before the root element, where a DOCTYPE goes
            prolog = _prolog(prolog + piece, part, shown)
        # Merges and cells are looked for in the piece with the end of the one before: a
        # range or a cell cut in two is whole here (found twice, it is kept once).
        window = tail + piece
        tail = window[-TAIL:]
        if b"<mergeCell" in window:
            merges.update(m.groups() for m in _MERGE.finditer(window))
            if len(merges) > MAX_MERGES:
                raise Unreadable(_too_merged(shown, part, f"more than {MAX_MERGES:,} "
                                                          "merged ranges"))
        _unvalued(window, unvalued)
        if len(unvalued) > MAX_UNVALUED:
            raise Unreadable(Problem(
                shown, f"more than {MAX_UNVALUED:,} cells of part {part.filename} hold an "
                "Excel error or a formula whose value was never calculated: the workbook "
                "was written by a program and not saved from Excel, or its formulas fail",
                hint="open it in Excel, check the formulas and save it; or export the "
                "extract as CSV from its system"))
    if out != part.file_size:
        raise Unreadable(_damaged(shown, part, f"it inflates to {_size(out)}, not the "
                                  f"{_size(part.file_size)} declared"))


def _unvalued(window: bytes, found: dict[Cell, str]) -> None:
    """Add the cells of ``window`` (XML) that hold an error, or a formula saved without a
    value (but for a formula whose text result is empty, ``t="str"``), each with its
    mark: the error as saved, or ``=`` and the formula."""
    at = window.find(b't="e"')
    while at >= 0:
        tag = _tag_around(window, at)
        error = _ERROR_BODY.match(window, tag.end()) if tag else None
        if tag and error:
            _add(found, window, tag.start(), _text(error.group(1)))
        at = window.find(b't="e"', at + 1)
    if b"<f" in window:
        for m in _NO_VALUE.finditer(window):
            tag = _tag_around(window, m.start() - 1)
            if tag is None or tag.end() != m.start():  # not a cell's first child
                continue
            if m.group(2) and _STRING_RESULT.search(tag.group(1)):
                continue  # a formula whose result is empty text: an empty cell, rightly
            _add(found, window, tag.start(), "=" + _text(m.group(1) or b""))


def _tag_around(window: bytes, at: int) -> re.Match[bytes] | None:
    """The cell tag (``<c …>``) that holds position ``at``, if one does."""
    start = window.rfind(b"<c", 0, at + 1)
    tag = _CELL_TAG.match(window, start) if start >= 0 else None
    return tag if tag and tag.end() > at else None


def _add(found: dict[Cell, str], window: bytes, start: int, text: str) -> None:
    ref = _REF.search(window, start, window.find(b">", start))
    if ref:
        found.setdefault((int(ref.group(2)), _col(ref.group(1))), ERROR_MARK + text)


def _text(xml: bytes) -> str:
    return html.unescape(xml.decode("utf-8", errors="replace"))


def _mark(frame: pl.DataFrame, unvalued: dict[Cell, str], absolute: list[int],
          header: Header) -> pl.DataFrame:
    """The declared cells below the header that hold an error or a formula without a
    value, given their mark (fastexcel read them as empty)."""
    where = {a: i for i, a in enumerate(absolute)}
    declared = set(header.positions.values())
    by_column: dict[int, list[tuple[int, str]]] = {}
    for (row, col), text in unvalued.items():
        at = where.get(col)
        if at in declared and header.row < row <= frame.height:
            by_column.setdefault(at, []).append((row - 1, text))
    marked = []
    for at, cells in by_column.items():
        series = frame[f"c{at}"].clone()
        series.scatter([r for r, _ in cells], [t for _, t in cells])
        marked.append(series)
    return frame.with_columns(marked) if marked else frame


def _prolog(text: bytes, part: zipfile.ZipInfo, shown: Path) -> bytes | None:
    """Walk what comes before the root element (declaration, comments, processing
    instructions): refuse a DOCTYPE there, however long the comments before it; None once
    the root element starts, or the bytes to walk again with the next piece."""
    at = 0
    while True:
        while at < len(text) and text[at] in b" \t\r\n\xef\xbb\xbf":  # spaces, a BOM
            at += 1
        rest = text[at:at + 9]  # enough to tell '<!DOCTYPE' from '<!--', '<?' or a tag
        if len(rest) < 9:
            break  # too little to tell: wait for the next piece
        if rest.startswith((b"<?", b"<!--")):
            close = b"?>" if rest.startswith(b"<?") else b"-->"
            end = text.find(close, at + 2)
            if end < 0:
                break
            at = end + len(close)
        elif rest[:2] == b"<!" and _DOCTYPE.match(text, at):
            raise Unreadable(Problem(
                shown, f"part {part.filename} of the workbook declares a DOCTYPE, which "
                "Excel never writes: refused, as such a file can be crafted to exhaust "
                "memory or to read files on this computer", hint=_AGAIN))
        else:
            return None  # the root element (or not XML at all: the reader will say so)
    if len(text) > MAX_PROLOG:
        raise Unreadable(Problem(
            shown, f"part {part.filename} of the workbook has more than "
            f"{_size(MAX_PROLOG)} of comments before its content, which Excel never "
            "writes (crafted?)", hint=_AGAIN))
    return text


def _pieces(raw: BinaryIO, part: zipfile.ZipInfo, shown: Path) -> Iterator[bytes]:
    left = part.compress_size
    if part.compress_type == zipfile.ZIP_STORED:
        while left > 0 and (chunk := raw.read(min(left, PIECE))):
            left -= len(chunk)
            yield chunk
        return
    inflater = _inflating.decompressobj(-zlib.MAX_WBITS)
    try:
        while left > 0 and not inflater.eof and (chunk := raw.read(min(left, 1 << 20))):
            left -= len(chunk)
            # Output held back by the PIECE cap comes out even once the input is used up.
            while not inflater.eof:
                piece = inflater.decompress(chunk, PIECE)
                chunk = inflater.unconsumed_tail
                if not piece and not chunk:
                    break
                yield piece
    except _inflating.error as exc:
        raise Unreadable(_damaged(shown, part, f"its data is corrupt: {exc}")) from None


def _external_links(path: Path, shown: Path, links: list[str]) -> Problem:
    targets: list[str] = []
    with zipfile.ZipFile(path) as book:
        for link in links:
            rels = PurePosixPath(link).parent / "_rels" / (PurePosixPath(link).name + ".rels")
            try:
                tree = SafeXML.fromstring(book.read(str(rels)))
            except Exception:  # a link we cannot name is still a link
                continue
            targets += [str(r.get("Target")) for r in tree.iterfind("p:Relationship", _NS)
                        if r.get("Target")]
    named = ", ".join(targets[:3]) + (f" and {len(targets) - 3} more" if len(targets) > 3
                                      else "")
    return Problem(shown, f"the workbook links to {len(links)} other workbook(s)"
                   f"{f' ({named})' if named else ''}: the values it shows from them are "
                   "copies saved with it, which may be out of date",
                   hint="in Excel: Data ▸ Edit Links ▸ Break Links, then save the workbook "
                   "and run again")


def _damaged(shown: Path, part: zipfile.ZipInfo, why: str) -> Problem:
    return Problem(shown, f"the workbook is damaged: part {part.filename} cannot be read "
                   f"({why})", hint="open it in Excel and save it again")


def sheet_member(path: Path, sheet: str) -> str | None:
    """The zip part that holds ``sheet`` (None if it cannot be told: the sheet was read,
    and stands without its merges and marks)."""
    try:
        with zipfile.ZipFile(path) as book:
            return _sheet_member(book, sheet)
    except Exception:
        return None


def _sheet_member(book: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = SafeXML.fromstring(book.read("xl/workbook.xml"))
    rels = SafeXML.fromstring(book.read("xl/_rels/workbook.xml.rels"))
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


def _reraise_unless_reader_error(exc: BaseException) -> None:
    """fastexcel's errors are Exceptions; a panic in its Rust code is a BaseException
    (pyo3's PanicException) and still means a file it cannot read. Anything else
    (KeyboardInterrupt, SystemExit) goes on."""
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]
