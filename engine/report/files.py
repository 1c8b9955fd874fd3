"""Writing outputs safely: atomically and without formula injection (a cell starting
with = + - @ tab or carriage return is prefixed with ').

A run's files are replaced as one set (:func:`write_set`), so that a run killed at any
moment never leaves files of two runs that a reader could take for one:

1. each new file is written whole to a hidden temporary file beside its final name
   (``.results.json.<random>.tmp``) and synced to disk, the set's ``results.json`` last;
2. a journal (``.outputs.pending``) naming every temporary file and its final name is
   written, atomically;
3. each temporary file is renamed over its final name (``os.replace``, atomic), and the
   journal removed.

Killed before step 2, the previous files are untouched and the temporary files are
litter; killed during step 3, the journal says which renames are left. Whoever writes
into the folder next (or :func:`recover` called by a reader) first finishes the renames a
journal names, then removes the litter: the folder then holds one run's files. Writers
into one folder take an exclusive lock (``.outputs.lock``, ``flock``) for all of it, so
two runs writing at once are applied one after the other, not interleaved; a killed
writer's lock goes with its process.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import polars as pl

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, the journal still holds
    fcntl = None  # type: ignore[assignment]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = "^[" + "".join(f"\\x{ord(c):02x}" for c in _FORMULA_START) + "]"
JOURNAL = ".outputs.pending"
LOCK = ".outputs.lock"
# Every file a run or a report writes: their litter is theirs to clean.
OUTPUT_NAMES = ("results.json", "alerts.csv", "cases.csv", "tracking.csv", "rejects.csv",
                "report.xlsx", "report.html")
# A temporary file of one of them, as :func:`_temporary` names it: nothing else is removed.
_NAMES = "|".join(re.escape(n) for n in (*OUTPUT_NAMES, JOURNAL))
_LITTER = re.compile(rf"\.(?:{_NAMES})\.[0-9a-f]{{12}}\.tmp")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_atomic(path: Path, data: bytes) -> None:
    """One file, whole or not at all: a temporary file beside it, synced, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _temporary(path: Path, data: bytes) -> Path:
    """A new hidden file beside ``path`` holding ``data``, synced to disk. Made with the
    mode a new file gets (umask applies), not mkstemp's owner-only 0600: a published
    report must stay readable by whoever could read the one it replaces."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue
        break
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_set(folder: Path, files: Iterable[tuple[str, bytes]], *, whole: bool = False
              ) -> list[Path]:
    """Replace these files (name, content) in ``folder`` as one set, in the order given
    (give ``results.json`` last: its run id then marks a whole set). ``files`` may be a
    generator: each file is made and written before the next is made, so only one is
    held in memory. A ``whole`` set is all a run leaves: any other of
    :data:`OUTPUT_NAMES` in the folder, an earlier run's, is removed with the same
    journal, so the folder never holds two runs' files."""
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        _recover(folder)
        written: list[tuple[Path, Path]] = []
        try:
            for name, data in files:
                final = folder / name
                written.append((_temporary(final, data), final))
            names = {final.name for _, final in written}
            stale = [n for n in OUTPUT_NAMES if whole and n not in names
                     and (folder / n).exists()]
            steps = [("", n) for n in stale] + [(tmp.name, final.name) for tmp, final in written]
            write_atomic(folder / JOURNAL, json.dumps(steps).encode())
        except BaseException:
            for tmp, _ in written:
                tmp.unlink(missing_ok=True)
            raise
        _finish(folder, steps)
    return [final for _, final in written]


def recover(folder: Path) -> None:
    """Finish a set a killed writer left half renamed, and remove temporary files it
    left behind. Called by every writer before it writes; a reader that wants one run's
    files may call it (it takes the writers' lock)."""
    if folder.is_dir():
        with _locked(folder):
            _recover(folder)


def _recover(folder: Path) -> None:
    try:
        pairs = json.loads((folder / JOURNAL).read_bytes())
    except (FileNotFoundError, ValueError):  # none, or not ours (ours is written whole)
        pairs = []
    # Only our own steps: a journal renames our temporary files onto the output names, or
    # removes one of those names; nothing else, and nothing out of the folder.
    _finish(folder, [(tmp, final) for tmp, final in pairs
                     if final in OUTPUT_NAMES and (tmp == "" or (_LITTER.fullmatch(tmp)
                                                   and tmp.startswith(f".{final}.")))])
    for entry in os.scandir(folder):
        if _LITTER.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)


def _finish(folder: Path, pairs: Sequence[tuple[str, str]]) -> None:
    """Step 3: an earlier run's files this set does not replace are removed (no temporary
    file: ``""``), then the renames (again, after a kill: a temporary file already renamed
    is gone), then the journal goes."""
    for tmp, final in pairs:
        with contextlib.suppress(FileNotFoundError):
            if tmp:
                os.replace(folder / tmp, folder / final)
            else:
                (folder / final).unlink()
    _sync_folder(folder)
    journal = folder / JOURNAL
    if journal.exists():
        journal.unlink()
        _sync_folder(folder)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """The writers' lock on ``folder``. Not re-entrant: flock locks belong to the open
    file, so a second open in the same process would wait for the first."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _sync_folder(folder: Path) -> None:
    """Make the renames themselves durable (a power cut, not only a kill)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a platform without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file's content, cells neutralised; utf-8-sig so that Excel opens accented
    names correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_frame(frame: pl.DataFrame) -> bytes:
    """The same bytes as :func:`csv_bytes` for a frame of text and whole-number columns,
    written by Polars rather than row by row: the files that can run to many thousands
    of rows (cases.csv, rejects.csv) take a tenth of the time. Each text cell is
    neutralised and its carriage returns made line breaks as :func:`_cell` does; an
    empty text is written as a blank, unquoted, as csv.writer writes it."""
    text = [name for name, kind in frame.schema.items() if kind == pl.String]
    cells = frame.with_columns(
        pl.when(pl.col(n).str.contains(_FORMULA_PATTERN)).then("'" + pl.col(n))
        .otherwise(pl.col(n)).str.replace_all("\r\n?", "\n").replace("", None).alias(n)
        for n in text)
    return "\ufeff".encode() + cells.write_csv(quote_style="necessary",
                                               line_terminator="\n").encode()


def _cell(value: object) -> object:
    """A value as a CSV cell: neutralised, and with no bare carriage return. csv.writer
    quotes a value holding its line terminator (\\n) but not a bare \\r, which
    spreadsheets also read as a line break: the row would split and what follows would
    start a cell of its own, un-neutralised. A carriage return becomes \\n."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    if "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value
