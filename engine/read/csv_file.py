"""CSV files → the declared columns as text, each row numbered as a spreadsheet shows it.

Polars' CSV reader (multi-threaded, in Rust) parses the file: of the readers measured in
``bench/`` (Polars, DuckDB, pyarrow, Python's csv module) it was the fastest, and it
counts a quoted line break as part of its cell, as Excel does, so its row index plus the
header's row number is the row a person sees. Python's csv module reads only the first
rows, to find the header under a title block, and only from the first ``HEAD_BYTES``
(8 MB) of the file: a file of one endless line costs no more than a normal one. A row
there of more than 16,384 cells (Excel's limit), a cell of more than 131,072 characters
(the csv module's limit) or a NUL byte (binary data) is refused, naming the row; further
down, Polars reads any length (a 100 MB cell is a value or a reject like any other).

Polars reads a cell absent from a short row as it reads an empty one, so the cells of
every record are also counted, in one more pass over the file's lines (``_short_rows``):
a row that ends before the last declared column is rejected, not used with blank cells.

Encodings other than UTF-8 are converted to a UTF-8 copy in the temporary folder first
(in chunks, so memory stays flat); the copy is removed when the read ends. UTF-16 needs no
declaring: it is known by its byte-order mark, or, without one, by its NUL bytes
(``_utf16_without_mark``), which would otherwise make it look like binary data.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl

from engine.model.dataset import Dataset, ShortRows
from engine.problems import Problem
from engine.read.header import SEARCH_ROWS, Header, locate
from engine.read.sources import CHUNK, Unreadable

UTF8 = {"utf-8", "utf8", "utf-8-sig", "utf_8"}
HEAD_BYTES = 8 << 20  # the first rows are looked for in this much of the file
MAX_COLUMNS = 16_384  # Excel's limit: a wider row is a wrong delimiter or a damaged file


def scan(path: Path, shown: Path, ds: Dataset, stack: ExitStack) -> tuple[pl.LazyFrame, Header]:
    """A lazy frame of the declared columns (text), ``_row``, ``_extra`` and ``_short``; and
    the header."""
    encoding = ds.csv.encoding.lower().replace("_", "-")
    with path.open("rb") as f:
        start = f.read(1 << 16)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):  # a UTF-16 byte-order mark is unambiguous
        encoding = "utf-16"
    elif encoding in UTF8 and b"\0" in start:
        encoding = _utf16_without_mark(start) or encoding  # else told as binary, below
    # Old Mac exports end lines with CR alone, which the parser does not see as an end.
    cr_only = b"\r" in start and b"\n" not in start
    if encoding not in UTF8 or cr_only:
        path = _to_utf8(path, shown, "utf-8-sig" if encoding in UTF8 else encoding, stack,
                        cr_only)
    head = _first_records(path, shown, ds)
    try:
        header = locate(shown, ds, head, ds.csv.header_row)
    except Unreadable as err:
        raise _other_delimiter(err, ds, head) from None
    short = (pl.DataFrame(schema={"_i": pl.UInt32, "_short": pl.String})
             if ds.csv.short_rows is ShortRows.pad else _short_rows(path, ds, header, head))
    # One more column than the header: a cell there means the row has more cells than
    # the header (usually a delimiter inside an unquoted value) and is rejected.
    width = header.width + 1
    frame = pl.scan_csv(
        path, has_header=False, separator=ds.csv.delimiter, quote_char='"',
        skip_rows=header.row, schema={f"c{i}": pl.String for i in range(width)},
        truncate_ragged_lines=True, missing_columns="insert", encoding="utf8",
        raise_if_empty=False, glob=False,  # a name is a name: "x[1].csv" is no pattern
    ).with_row_index("_i")
    return frame.select(
        *(pl.col(f"c{pos}").alias(name) for name, pos in header.positions.items()),
        (pl.col("_i").cast(pl.Int64) + header.row + 1).alias("_row"),
        pl.when(pl.col(f"c{width - 1}").str.strip_chars() != "").then(pl.col(f"c{width - 1}"))
        .alias("_extra"),
        (pl.col("_i").replace_strict(short["_i"], short["_short"], default=None,
                                     return_dtype=pl.String) if short.height
         else pl.lit(None, pl.String)).alias("_short"),
    ), header


def _utf16_without_mark(start: bytes) -> str | None:
    """UTF-16 written without a byte-order mark (some Windows tools do), as ``utf-16-le``
    or ``utf-16-be``, when ``start`` shows it beyond doubt: text of Latin letters has every
    other byte NUL, on the same side, and next to none on the other. Binary data does not
    look like that."""
    sample = start[: len(start) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    low, high = sample[0::2].count(0), sample[1::2].count(0)
    if high >= 0.9 * pairs and low <= 0.01 * pairs:
        return "utf-16-le"
    if low >= 0.9 * pairs and high <= 0.01 * pairs:
        return "utf-16-be"
    return None


def _short_rows(path: Path, ds: Dataset, header: Header, head: list[tuple[int, list[str]]]
                ) -> pl.DataFrame:
    """Rows (``_i``: position below the header) that end before the last declared column,
    with what they hold (``_short``: "5 cells; the header has 9"). Polars reads an absent
    cell as it reads an empty one, so a row cut in two by a line break in an unquoted
    value, or the last row of a file cut short, would be used with its missing cells
    blank. The cells are counted here instead, in one more pass over the file's lines (in
    parallel, in Rust): the separators outside quotes, a quote opening or closing wherever
    it stands, as the parser does. A record over several lines (a quoted line break) is
    put together from them. A blank row is short too, and is filtered as blank."""
    needed = max(header.positions.values()) + 1
    sep = ds.csv.delimiter
    # The lines up to the header: a quoted line break in the title block spans two.
    skip = sum(1 + sum(c.count("\n") for c in cells) for n, cells in head if n <= header.row)
    line = pl.col("line")
    quotes = line.str.count_matches('"', literal=True)
    lines = pl.scan_csv(
        path, has_header=False, separator="\0", quote_char=None, skip_rows=skip,
        schema={"line": pl.String}, truncate_ragged_lines=True, missing_columns="insert",
        encoding="utf8", raise_if_empty=False, glob=False).with_row_index("_i")
    # Only a line with quotes has its quoted parts taken out: most lines have none.
    seps = line.str.count_matches(sep, literal=True)
    found = lines.select("_i", "line", quotes=quotes, cells=seps + 1).filter(
        (pl.col("quotes") > 0) | (pl.col("cells") < needed)).select(
        "_i", odd=pl.col("quotes") % 2 == 1, cells=pl.when(pl.col("quotes") > 0).then(
            _cells(line, sep)).otherwise("cells")).filter(
        pl.col("odd") | (pl.col("cells") < needed)).collect(engine="streaming")
    # A record over lines first..last. (A quote never closed fails the parse, which says
    # where: what is counted below it is never used.)
    odd = found.filter("odd")["_i"].to_numpy().astype(np.int64)
    first, last = odd[0:len(odd) - 1:2], odd[1::2]
    joined = np.concatenate([[0], np.cumsum(last - first)])  # lines that continue a record
    plain = found.filter(~pl.col("odd"))
    at = plain["_i"].to_numpy().astype(np.int64)
    begun = np.searchsorted(first, at)  # records over several lines begun above the line
    inside = at <= np.append(last, -1)[begun - 1]  # the line continues one of them
    plain = plain.with_columns(_i=pl.Series(at - joined[begun])).filter(~pl.Series(inside))
    spanned = plain.clear().select("_i", "cells")
    if len(first):
        lengths = last - first + 1
        within = np.arange(lengths.sum()) + np.repeat(first - (np.cumsum(lengths) - lengths),
                                                      lengths)
        spanned = lines.filter(pl.col("_i").is_in(pl.Series(within).implode())).collect(
            engine="streaming").group_by(
            pl.Series(np.repeat(first - joined[:-1], lengths)).alias("record"),
            maintain_order=True).agg(pl.col("line").fill_null("").str.join("\n")).select(
            pl.col("record").alias("_i"), cells=_cells(line, sep)).filter(
            pl.col("cells") < needed)
    rows = pl.concat([plain.select("_i", "cells"), spanned], how="vertical_relaxed")
    return rows.select(pl.col("_i").cast(pl.UInt32), _short=pl.format(
        "{} cell{}; the header has {}", "cells",
        pl.when(pl.col("cells") == 1).then(pl.lit("")).otherwise(pl.lit("s")),
        pl.lit(header.width)))


def _cells(line: pl.Expr, sep: str) -> pl.Expr:
    """A line's (or record's) cells: its separators outside quotes, plus one."""
    return line.str.replace_all('"[^"]*"', "").str.count_matches(sep, literal=True) + 1


OTHER_DELIMITERS = {";": ";", "\t": "\\t", ",": ",", "|": "|"}  # and how YAML writes each


def _other_delimiter(err: Unreadable, ds: Dataset, head: list[tuple[int, list[str]]]
                     ) -> Unreadable:
    """``err``, or, where the header is found once the rows are split at another common
    delimiter (a semicolon, as exports use where the decimal mark is a comma), the same
    problem saying which delimiter to declare."""
    sep = ds.csv.delimiter
    for other, written in OTHER_DELIMITERS.items():
        if other == sep:
            continue
        records = [(n, sep.join(cells).split(other)) for n, cells in head]
        try:
            locate(err.problem.path or Path(), ds, records, ds.csv.header_row)
        except Unreadable:
            continue
        return Unreadable(replace(err.problem, hint=f"the rows are split by '{written}', "
                                  f"not '{sep}': add csv: {{delimiter: \"{written}\"}} to "
                                  f"the dataset '{ds.name}'"))
    return err


def explain(exc: Exception, path: Path, shown: Path, ds: Dataset) -> Unreadable:
    """Turn a CSV parser failure into a problem that names the row and what to do."""
    text = str(exc)
    if "utf-8" in text.lower() or "utf8" in text.lower():
        return _not_utf8(path, shown)
    if "escaped" in text or "quote" in text.lower():
        row = _unclosed_quote_row(path, ds)
        return Unreadable(Problem(shown, f"row {row}: a quoted cell is never closed, so the "
                                  "rest of the file would be read into it",
                                  hint="fix the quotes on that row (a quote inside a cell is "
                                  "written twice: \"\")"))
    return Unreadable(Problem(shown, f"the file cannot be read as CSV ({text.splitlines()[0]})",
                              hint="check the delimiter and the quoting"))


def _first_records(path: Path, shown: Path, ds: Dataset) -> list[tuple[int, list[str]]]:
    """The first rows, parsed from at most ``HEAD_BYTES`` of the file: a file of one
    endless line, or a cell of 100 MB, costs no more than a normal header."""
    wanted = max(SEARCH_ROWS, ds.csv.header_row or 0)
    with path.open("rb") as raw:
        head = raw.read(HEAD_BYTES + 1)
    cut = len(head) > HEAD_BYTES
    head = head[:HEAD_BYTES]
    if b"\0" in head:  # UTF-16 (which has NULs) was converted before this
        line = head[: head.index(b"\0")].count(b"\n") + 1
        raise Unreadable(Problem(shown, f"line {line} holds a NUL byte: this is binary data, "
                                 "not CSV text (a damaged export, or another kind of file "
                                 "renamed .csv?)", hint="export the extract again as CSV"))
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")(errors="strict").decode(
            head, final=not cut)
    except UnicodeDecodeError:
        raise _not_utf8(path, shown) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=ds.csv.delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(itertools.islice(reader, wanted + 1), start=1):
            if len(cells) > MAX_COLUMNS:
                raise Unreadable(Problem(
                    shown, f"row {number} has {len(cells):,} cells; a spreadsheet holds at "
                    f"most {MAX_COLUMNS:,} columns", hint="check the delimiter, or export "
                    "only the columns the dataset needs"))
            records.append((number, cells))
    except csv.Error as exc:
        row = len(records) + 1
        if "field limit" in str(exc):
            if records:  # the header is likely above it; Polars reads any length
                return records
            raise _too_long(shown, row) from None
        raise Unreadable(Problem(shown, f"row {row} cannot be read as CSV ({exc})",
                                 hint="check the delimiter and the quoting")) from None
    if cut:  # the last row read may be cut short at the end of the head
        if len(records) <= wanted:
            records = records[:-1]
        if not records:
            raise _too_long(shown, 1)
    return records[:wanted]


def _too_long(shown: Path, row: int) -> Unreadable:
    return Unreadable(Problem(
        shown, f"row {row} is too long to be a header or a title: a cell of more than "
        f"{csv.field_size_limit():,} characters, or a line of more than {HEAD_BYTES >> 20} MB "
        "(a quote left open, or no line breaks?)",
        hint="check the quoting and the line endings, or export the extract again"))


def _to_utf8(path: Path, shown: Path, encoding: str, stack: ExitStack, cr_only: bool
             ) -> Path:
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError:
        raise Unreadable(Problem(shown, f"'{encoding}' is not an encoding Python knows",
                                 hint="use utf-8, cp1252, latin-1, utf-16…")) from None
    # The stack closes (and so deletes) the copy when the read ends.
    out = stack.enter_context(tempfile.NamedTemporaryFile(suffix=".csv", prefix="extract-"))  # noqa: SIM115
    line = 1
    with path.open("rb") as raw:
        while chunk := raw.read(CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise Unreadable(Problem(shown, f"line {line} is not {encoding} text",
                                         hint="check csv: encoding in the dataset")) from None
            line += chunk.count(b"\n")
            out.write((text.replace("\r", "\n") if cr_only else text).encode("utf-8"))
        try:  # a file cut short ends inside a character: seen only now
            rest = decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise Unreadable(Problem(shown, f"line {line} ends in the middle of a character: "
                                     f"the file is not complete {encoding} text",
                                     hint="export the extract again (was it cut short?)")
                             ) from None
        out.write(rest.encode("utf-8"))
    out.flush()
    return Path(out.name)


def _not_utf8(path: Path, shown: Path) -> Unreadable:
    return Unreadable(Problem(shown, f"line {_bad_utf8_line(path)} is not UTF-8 text",
                              hint="set csv: {encoding: cp1252} (or the file's encoding) in "
                              "the dataset, or save the file as UTF-8"))


def _bad_utf8_line(path: Path) -> int:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    line = 1
    with path.open("rb") as raw:
        while chunk := raw.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return line + chunk[: exc.start].count(b"\n")
            line += chunk.count(b"\n")
    return line


def _unclosed_quote_row(path: Path, ds: Dataset) -> int:
    """The row where a quote opens and never closes (Python's csv module, slowly: errors only)."""
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as text:
        reader = csv.reader(text, delimiter=ds.csv.delimiter, strict=True)
        done = 0
        try:
            for _ in reader:
                done += 1
        except csv.Error:
            return done + 1
    return done
