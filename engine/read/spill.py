"""Rows kept on disk, for an extract too large to hold in memory.

A dataset's rows are parsed in batches (engine.read.extract). They are held in memory
until the rows parsed so far pass the dataset's spill threshold. From then on every batch,
those already held included, is written to an Arrow IPC stream in the spill folder (a
stream, not the IPC file format, as a category column's dictionary may differ from batch
to batch), and mapped back into memory once the extract file is read. The rows the run
goes on with are the file's pages: the measures read them as they would rows in memory,
and the operating system keeps them in memory while there is room and reads them back
from disk when there is not. So an extract larger than memory is read, not refused.

The threshold is a quarter of the memory the run may use: the machine's, or the
container's memory limit where it is lower. The file is unlinked as soon as it is mapped,
so it leaves nothing behind however the run ends (where the system allows: elsewhere it
goes when the run ends). What the run still holds in its own memory: the categories'
codes (a byte a row), the key hashes for the duplicate test (8 bytes a row, for a moment)
and the mask of rows used (a bit a row).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from engine.problems import Problem
from engine.read.sources import Unreadable

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
# A cgroup "limit" this large means none (cgroup v1 writes 2^63 rounded to a page).
_NO_LIMIT = 2**60


def parse_size(text: str) -> int | None:
    """``500MB``, ``2GB``, ``1.5g``, ``0`` (bytes; binary units) → bytes; None if not a size."""
    found = _SIZE.match(text)
    if found is None:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2).lower()])


def memory() -> int | None:
    """The memory this process may use: the machine's, or its container's limit if lower;
    None where neither can be told."""
    sizes = []
    with contextlib.suppress(ValueError, OSError, AttributeError):
        sizes.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    for limit in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        with contextlib.suppress(ValueError, OSError):
            value = int(Path(limit).read_text().strip())
            if value < _NO_LIMIT:
                sizes.append(value)
    return min(sizes) if sizes else None


@dataclass
class Spill:
    """Where and past how many bytes of parsed rows a dataset's rows go to disk. ``over``
    None: never (the rows stay in memory, whatever their size)."""

    over: int | None
    folder: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    held: int = 0  # bytes of parsed rows held in memory so far, over the dataset's files

    @classmethod
    def default(cls, over: int | None = None, folder: Path | None = None) -> Spill:
        """``over`` bytes, else a quarter of :func:`memory`; ``folder``, else the system's
        temporary folder (``TMPDIR``)."""
        if over is None:
            total = memory()
            over = total // 4 if total is not None else None
        return cls(over, folder or Path(tempfile.gettempdir()))


class Rows:
    """One file's parsed batches: held, or written to the spill file once the dataset's
    rows pass the threshold (:class:`Spill`)."""

    def __init__(self, spill: Spill | None, dataset: str) -> None:
        self.spill, self.dataset = spill, dataset
        self.held: list[pl.DataFrame] = []
        self.path: Path | None = None
        self.writer: ipc.RecordBatchStreamWriter | None = None

    @property
    def spilled(self) -> bool:
        return self.path is not None

    def add(self, batch: pl.DataFrame) -> None:
        spill = self.spill
        if spill is not None and spill.over is not None and self.writer is None:
            spill.held += int(batch.estimated_size())
            if spill.held > spill.over:
                self._start(batch)
        if self.writer is None:
            self.held.append(batch)
            return
        self._write([batch])

    def frame(self) -> pl.DataFrame | None:
        """Every batch, as one frame (None if there were none): on the spill file's pages
        when the rows were written there."""
        if self.writer is None:
            return pl.concat(self.held, rechunk=False) if self.held else None
        assert self.path is not None
        try:
            self.writer.close()
            table = ipc.open_stream(pa.memory_map(str(self.path))).read_all()
        except OSError as error:
            raise self._cannot(error) from None
        finally:
            _remove(self.path)
        return pl.from_arrow(table)  # type: ignore[return-value]  # a table: a frame

    def discard(self) -> None:
        """The file read no further (refused): its spill file goes."""
        if self.writer is not None:
            with contextlib.suppress(OSError):
                self.writer.close()
        if self.path is not None:
            _remove(self.path)

    def _start(self, batch: pl.DataFrame) -> None:
        assert self.spill is not None
        schema = _arrow(batch).schema
        try:
            fd, name = tempfile.mkstemp(prefix=f"compliance-{self.dataset}-", suffix=".arrow",
                                        dir=self.spill.folder)
            os.close(fd)
            self.path = Path(name)
            atexit.register(_remove, self.path)  # where an open file cannot be unlinked
            self.writer = ipc.new_stream(name, schema)
        except OSError as error:
            raise self._cannot(error) from None
        held, self.held = self.held, []
        self._write(held)

    def _write(self, batches: list[pl.DataFrame]) -> None:
        assert self.writer is not None
        try:
            for batch in batches:
                self.writer.write_table(_arrow(batch))
        except OSError as error:
            raise self._cannot(error) from None

    def _cannot(self, error: OSError) -> Unreadable:
        assert self.spill is not None
        return Unreadable(Problem(
            self.spill.folder, f"dataset '{self.dataset}' is larger than the "
            f"{_mib(self.spill.over)} a run holds in memory, and its rows could not be "
            f"kept on disk here ({error.strerror or error})",
            hint="free space in this folder or give another with --spill-dir (it needs "
            "about the size of the extract), or raise --spill-over"))


def _arrow(batch: pl.DataFrame) -> pa.Table:
    return batch.to_arrow(compat_level=pl.CompatLevel.newest())


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _mib(size: int | None) -> str:
    return f"{(size or 0) / 2**20:,.0f} MiB"
