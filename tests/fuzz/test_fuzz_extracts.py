"""Fuzz the extract readers (engine/read/): CSV, workbooks and Parquet, through
``read_dataset`` as a run calls it.

Whatever an extract holds, reading it must give an extract whose rows reconcile
(``rows_read = rows_used + rows_filtered + rows_rejected``) or refuse it in words
(exit 3). Inputs: random bytes; and the shipped extracts (``standards/extracts`` and the
examples'), cut to their first rows and mutated the ways files get damaged: bytes flipped,
inserted, deleted or cut off, lines repeated, quotes, delimiters, line endings, byte-order
marks and bytes of other encodings put in, dates and numbers rewritten; for workbooks
also parts dropped, cells rewritten, shared strings spoilt and DOCTYPEs added.

Each dataset is read as declared, and also with no ``max_rejected`` (half the inputs),
so that the rows of a badly damaged file still reach reconciliation instead of the stop.
"""

from __future__ import annotations

import atexit
import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from engine.load import load_catalogue
from engine.model.dataset import Dataset
from engine.read.extract import Extract, TooManyRejects, read_dataset, resolve_files

from .harness import ends_cleanly, fuzz_settings

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [ROOT / "standards", ROOT / "examples" / "improvement-plan"]
AS_OF = dt.date(2025, 6, 30)
SEED_LINES = 60  # the first lines of each CSV: mutations land in the header as often as not
SECONDS = 5.0
WORK = Path(tempfile.mkdtemp(prefix="fuzz-extracts-"))  # one file, rewritten per input
atexit.register(shutil.rmtree, WORK, ignore_errors=True)

Seed = tuple[str, Dataset, bytes]  # a name to show, the dataset, the file's bytes


class Case:
    """One mutated extract; shown by its seed and mutations (the bytes run to 100 kB).
    Not a dataclass: Hypothesis would print every field of one when an input fails."""

    def __init__(self, name: str, dataset: Dataset, data: bytes, done: tuple[str, ...]
                 ) -> None:
        self.name, self.dataset, self.data, self.done = name, dataset, data, done

    def __repr__(self) -> str:
        return f"Case({self.name} after {list(self.done)}, {len(self.data):,} bytes)"


@cache
def seeds(suffix: str) -> list[Seed]:
    found: list[Seed] = []
    for root in CATALOGUES:
        catalogue = load_catalogue(root)
        for ds in catalogue.datasets.values():
            for path in resolve_files(ds, root):
                if path.suffix != suffix:
                    continue
                data = path.read_bytes()
                if suffix == ".csv":
                    data = b"".join(data.splitlines(keepends=True)[:SEED_LINES])
                found.append((f"{root.name}/{path.name}", ds, data))
    if suffix == ".parquet":  # none is shipped: the claims CSV's first rows, as Parquet
        name, ds, data = next(s for s in seeds(".csv") if s[0].endswith("claims.csv"))
        frame = pl.read_csv(data, skip_rows=3, infer_schema=False)
        out = io.BytesIO()
        frame.write_parquet(out)
        found.append((name.replace(".csv", ".parquet"), ds, out.getvalue()))
    assert found, f"no shipped {suffix} extract to mutate"
    return found


def read_as(ds: Dataset, data: bytes, suffix: str, strict: bool) -> Callable[[], Extract]:
    """A call reading ``data`` as the file of ``ds``; it checks reconciliation itself."""
    if not strict:
        ds = ds.model_copy(update={"max_rejected": None})

    def call() -> Extract:
        path = WORK / f"extract{suffix}"
        path.write_bytes(data)
        try:
            extract = read_dataset(ds, [path], AS_OF, shown_base=WORK)
        except TooManyRejects as stop:
            reconciles(stop.extract)
            raise
        reconciles(extract)
        return extract
    return call


def reconciles(ex: Extract) -> None:
    assert ex.rows_read == ex.rows_used + ex.rows_filtered + ex.rows_rejected, (
        f"rows read {ex.rows_read} != used {ex.rows_used} + filtered {ex.rows_filtered} + "
        f"rejected {ex.rows_rejected}")


# --- mutations of bytes ----------------------------------------------------------------

TOKENS = [b'"', b'""', b",", b";", b"\t", b"\r", b"\n", b"\r\n", b"\xef\xbb\xbf",
          b"\xff\xfe", b"\x00", b"\xff", b"\xe9", b"\xc3", b"\xe2\x82", b" ", b"=", b"'",
          b"31/02/2025", b"2025-13-01", b"1,234.5", b"1.234,5", b"1e400", b"NaN", b"-0",
          b"99999999999999999999", b"n/a", b"\\", b"\x1a", "é".encode(), b"<", b"&"]


def _flip(draw: Any, data: bytearray) -> bytearray:
    if data:
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return data


def _insert(draw: Any, data: bytearray) -> bytearray:
    at = draw(st.integers(0, len(data)))
    token = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=8)))
    data[at:at] = token * draw(st.sampled_from([1, 1, 1, 2, 50]))
    return data


def _delete(draw: Any, data: bytearray) -> bytearray:
    if data:
        at = draw(st.integers(0, len(data) - 1))
        del data[at:at + draw(st.integers(1, 64))]
    return data


def _truncate(draw: Any, data: bytearray) -> bytearray:
    return data[:draw(st.integers(0, len(data)))]


MUTATE_BYTES = [_flip, _insert, _delete, _truncate]


def _lines(draw: Any, data: bytearray) -> bytearray:
    lines = bytes(data).splitlines(keepends=True)
    if not lines:
        return data
    i = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["repeat", "drop", "swap", "blank", "wide"]))
    if how == "repeat":
        lines[i:i] = [lines[i]] * draw(st.integers(1, 3))
    elif how == "drop":
        del lines[i]
    elif how == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif how == "blank":
        lines[i] = b"\n"
    else:
        lines[i] = lines[i].rstrip(b"\r\n") + b",x" * draw(st.integers(1, 20)) + b"\n"
    return bytearray(b"".join(lines))


def _text(draw: Any, data: bytearray) -> bytearray:
    text = bytes(data)
    how = draw(st.sampled_from(["crlf", "cr", "lf", "bom", "utf16", "cp1252", "dates",
                                "numbers", "quote", "semicolons", "long-cell"]))
    if how == "crlf":
        text = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    elif how == "cr":
        text = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    elif how == "lf":
        text = text.replace(b"\r\n", b"\n")
    elif how == "bom":
        text = b"\xef\xbb\xbf" + text
    elif how == "utf16":
        text = text.decode("utf-8", "replace").encode("utf-16")
    elif how == "cp1252":
        text = text.decode("utf-8", "replace").encode("cp1252", "replace")
    elif how == "dates":
        fmt = draw(st.sampled_from([rb"\3-\2-\1", rb"\2/\1/\3", rb"\1.\2.\3", rb"\1/\2/\3 10:00",
                                    rb"\1/\2", rb"\3\2\1", b"45678"]))
        text = re.sub(rb"(\d{2})/(\d{2})/(\d{4})", fmt, text,
                      count=draw(st.integers(0, 20)))
    elif how == "numbers":
        text = re.sub(rb"(?<=[,;])(\d+)(?=[,;\r\n])",
                      draw(st.sampled_from([rb"\1.5", rb"1,\1", rb"\1e3", b"-1", b"1 000",
                                            rb"\1%", b"inf"])), text,
                      count=draw(st.integers(0, 20)))
    elif how == "quote":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + b'"' + text[at:]
    elif how == "semicolons":
        text = text.replace(b",", b";") if b"," in text else text.replace(b";", b",")
    else:
        at = text.find(b"\n", draw(st.integers(0, len(text)))) + 1
        text = text[:at] + b"A" * 140_000 + b"," + text[at:]
    return bytearray(text)


@st.composite
def mutated(draw: Any, suffix: str, ops: list[Callable[[Any, bytearray], bytearray]],
            most: int = 4) -> Case:
    name, ds, data = draw(st.sampled_from(seeds(suffix)))
    buffer, done = bytearray(data), []
    for _ in range(draw(st.integers(1, most))):
        op = draw(st.sampled_from(ops))
        buffer = op(draw, buffer)
        done.append(op.__name__.strip("_"))
    return Case(name, ds, bytes(buffer), tuple(done))


# --- CSV -------------------------------------------------------------------------------


@fuzz_settings()
@given(st.binary(max_size=4000), st.booleans(), st.integers(0, 20))
def test_fuzz_random_bytes_as_each_kind_of_extract(data: bytes, strict: bool, pick: int
                                                   ) -> None:
    suffix = [".csv", ".xlsx", ".parquet"][pick % 3]
    name, ds, _ = seeds(".csv")[pick % len(seeds(".csv"))]
    if suffix == ".xlsx":  # bytes that reach the workbook reader, not the "not a zip" test
        data = b"PK\x03\x04" + data
    elif suffix == ".parquet":
        data = b"PAR1" + data + b"PAR1"
    ends_cleanly(f"{suffix[1:]}-extract", read_as(ds, data, suffix, strict), seconds=SECONDS,
                 shown=f"{name} as {suffix}: {data[:120]!r}")


@fuzz_settings()
@given(mutated(".csv", [*MUTATE_BYTES, _lines, _text]), st.booleans())
def test_fuzz_mutated_csv_extracts(case: Case, strict: bool) -> None:
    ends_cleanly("csv-extract", read_as(case.dataset, case.data, ".csv", strict),
                 seconds=SECONDS, shown=repr(case))


# --- XLSX ------------------------------------------------------------------------------


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None],
           extra: dict[str, bytes] | None = None) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as old:
            parts = [(n, old.read(n)) for n in old.namelist()]
    except Exception:  # already no zip: leave the bytes as they are
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name, part in parts:
            changed = change(name, part)
            if changed is not None:
                new.writestr(name, changed)
        for name, part in (extra or {}).items():
            new.writestr(name, part)
    return out.getvalue()


def _names(data: bytearray) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as book:
            return book.namelist()
    except Exception:  # an earlier mutation broke the zip: nothing to pick from
        return []


def _drop_part(draw: Any, data: bytearray) -> bytearray:
    names = _names(data)
    if not names:
        return data
    gone = draw(st.sampled_from(names))
    return bytearray(_rezip(bytes(data), lambda n, b: None if n == gone else b))


def _spoil_part(draw: Any, data: bytearray) -> bytearray:
    """Bytes flipped, inserted or cut inside one part's XML (then zipped again, validly)."""
    names = _names(data)
    if not names:
        return data
    target = draw(st.sampled_from([n for n in names if "sheet" in n or "shared" in n]
                                  or names))
    op = draw(st.sampled_from(MUTATE_BYTES))
    return bytearray(_rezip(bytes(data), lambda n, b: bytes(op(draw, bytearray(b)))
                            if n == target else b))


def _rewrite_cell(draw: Any, data: bytearray) -> bytearray:
    value = draw(st.one_of(st.sampled_from([b"", b"-1", b"1e400", b"NaN", b"45678",
                                            b"2025-02-31", b"x" * 40_000, b"&amp;",
                                            b"&#0;", b"&bogus;", b"]]>", b"\xff"]),
                           st.binary(max_size=12)))
    count = draw(st.integers(1, 5))

    def change(name: str, xml: bytes) -> bytes:
        if not name.startswith("xl/worksheets/") and "sharedStrings" not in name:
            return xml
        return re.sub(rb"<(v|t)>[^<]*</(v|t)>", b"<\\1>" + value + b"</\\2>", xml, count=count)
    return bytearray(_rezip(bytes(data), change))


def _cell_type(draw: Any, data: bytearray) -> bytearray:
    kind = draw(st.sampled_from([b"s", b"b", b"e", b"n", b"str", b"d", b"inlineStr", b"z"]))
    return bytearray(_rezip(bytes(data), lambda n, b: re.sub(
        rb' t="[a-zA-Z]+"', b' t="' + kind + b'"', b, count=3) if "worksheets" in n else b))


def _doctype(draw: Any, data: bytearray) -> bytearray:
    names = _names(data)
    if not names:
        return data
    target = draw(st.sampled_from(names))
    dtd = draw(st.sampled_from([b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                                b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>',
                                b"<!DOCTYPE x>"]))
    return bytearray(_rezip(bytes(data), lambda n, b: re.sub(
        rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + dtd, b, count=1)
        if n == target else b))


def _external_link(draw: Any, data: bytearray) -> bytearray:
    if "xl/externalLinks/externalLink1.xml" in _names(data):
        return data
    return bytearray(_rezip(bytes(data), lambda n, b: b, {
        "xl/externalLinks/externalLink1.xml": b"<externalLink/>"}))


def _rename_sheet(draw: Any, data: bytearray) -> bytearray:
    name = draw(st.sampled_from([b"Sheet1", b"", b"Daily queue stats ", b"&lt;x&gt;", b"\xc3"]))
    return bytearray(_rezip(bytes(data), lambda n, b: re.sub(
        rb'(<sheet [^>]*name=")[^"]*"', b"\\1" + name + b'"', b, count=1)
        if n == "xl/workbook.xml" else b))


@fuzz_settings()
@given(mutated(".xlsx", [*MUTATE_BYTES, _drop_part, *[_spoil_part, _rewrite_cell,
                                                     _cell_type] * 3,
                         _doctype, _external_link, _rename_sheet], most=2),
       st.booleans())
def test_fuzz_mutated_workbooks(case: Case, strict: bool) -> None:
    ends_cleanly("xlsx-extract", read_as(case.dataset, case.data, ".xlsx", strict),
                 seconds=SECONDS, shown=repr(case))


# --- Parquet ---------------------------------------------------------------------------


@fuzz_settings()
@given(mutated(".parquet", MUTATE_BYTES), st.booleans())
def test_fuzz_mutated_parquet(case: Case, strict: bool) -> None:
    ends_cleanly("parquet-extract", read_as(case.dataset, case.data, ".parquet", strict),
                 seconds=SECONDS, shown=repr(case))
