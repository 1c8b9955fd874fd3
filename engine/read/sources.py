"""What a file is, judged by its first bytes as well as its name; and its digest.

A file is only read by the reader its content fits: a workbook renamed ``.csv`` or a
CSV saved as ``.xlsx`` is reported before any parser sees it, with what to do.
"""

from __future__ import annotations

import hashlib
import threading
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from engine.problems import Problem

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and every password-protected workbook
PARQUET = b"PAR1"
CHUNK = 1 << 20
# What is said of a file of no bytes, and of a .parquet file that is not Parquet (here,
# and by engine.read.spark_parquet of a file only Spark can see): message, hint.
EMPTY = ("the file is empty (0 bytes)", "export the extract again")
NOT_PARQUET = ("this file is not a Parquet file",
               "export the extract again, or rename it to what it is")


class Unreadable(Exception):
    """A file that cannot be read at all; carries the problem to show."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class Kind(StrEnum):
    csv = "csv"
    excel = "excel"
    parquet = "parquet"


SUFFIXES = {
    ".csv": Kind.csv, ".txt": Kind.csv, ".tsv": Kind.csv,
    ".xlsx": Kind.excel, ".xlsm": Kind.excel, ".xls": Kind.excel,
    ".parquet": Kind.parquet, ".pq": Kind.parquet,
}


def identify(path: Path, shown: Path) -> Kind:
    """The reader for ``path``; raises :class:`Unreadable` with a hint when none fits."""
    suffix = path.suffix.lower()
    kind = SUFFIXES.get(suffix)
    if kind is None:
        raise Unreadable(Problem(shown, f"cannot read '{suffix or 'extensionless'}' files",
                                 hint="export the extract as .csv, .xlsx or .parquet"))
    try:
        with path.open("rb") as f:
            head = f.read(8)
            f.seek(0, 2)
            size = f.tell()
    except OSError as exc:
        raise Unreadable(Problem(shown, f"cannot open the file: {exc.strerror}",
                                 hint="check the path and that the file is not locked")) from None
    if size == 0:
        raise Unreadable(Problem(shown, EMPTY[0], hint=EMPTY[1]))
    if kind is Kind.csv:
        if head.startswith(ZIP) or head.startswith(OLE2):
            raise Unreadable(Problem(shown, "this file is an Excel workbook, not CSV text",
                                     hint="rename it to .xlsx, or export it again as CSV"))
        if head.startswith(PARQUET):
            raise Unreadable(Problem(shown, "this file is a Parquet file, not CSV text",
                                     hint="rename it to .parquet"))
        return kind
    if kind is Kind.excel:
        if head.startswith(OLE2) and suffix != ".xls":
            raise Unreadable(Problem(
                shown, "this workbook is password-protected (encrypted), or an old .xls "
                "saved as .xlsx", hint="open it in Excel, remove the password and save it "
                "as .xlsx"))
        if not head.startswith(ZIP) and not head.startswith(OLE2):
            raise Unreadable(Problem(
                shown, "this file is not an Excel workbook (it looks like "
                f"{'CSV or text' if _texty(head) else 'some other format'})",
                hint="rename it to .csv if it is CSV, or export the extract again as .xlsx"))
        return kind
    if not head.startswith(PARQUET):
        raise Unreadable(Problem(shown, NOT_PARQUET[0], hint=NOT_PARQUET[1]))
    return kind


def _texty(head: bytes) -> bool:
    return all(b in b"\t\r\n" or 32 <= b < 127 or b >= 0x80 for b in head)


def sha256(f: BinaryIO, stop: threading.Event | None = None) -> str:
    """The SHA-256 of a file open for reading, from its start, read in chunks so a large
    extract is never held in memory; given up ("") once ``stop`` is set (the file was
    refused: no digest is wanted)."""
    digest = hashlib.sha256()
    f.seek(0)
    while chunk := f.read(CHUNK):
        if stop is not None and stop.is_set():
            return ""
        digest.update(chunk)
    return digest.hexdigest()
