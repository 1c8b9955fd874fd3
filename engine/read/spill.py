"""Rows kept on disk, for an extract too large to hold in memory.

A dataset's rows are parsed in batches (engine.read.extract). They are held in memory
until the rows parsed so far, over the dataset's files, pass its spill threshold. From
then on every batch of the file being read, those already held included, is written to
an Arrow IPC stream in the spill folder (a stream, not the IPC file format, as a
category column's dictionary may differ from batch to batch), and the stream is mapped
back into memory once the file is read; later files go the same way. The rows the run
goes on with are the stream's pages: the measures read them as they would rows in
memory, and the operating system keeps them in memory while there is room and reads them
back from disk when there is not. So an extract larger than memory is read, not refused.

The threshold is a quarter of the memory the run may use: the machine's, or the memory
limit of the process's control group (a container, a systemd unit) where it is lower.
The spill file is unlinked as soon as it is created and used through its open handle, so
it leaves nothing behind however the run ends, killed included (where the system cannot
unlink an open file, Windows, it is removed when the run ends). It is created readable by
its owner only.

What a spilled extract still holds in the process's own memory: files read before the
threshold was passed, the categories' codes (one to four bytes a row), each row's file
(four bytes), the rows the full path rescued, the mask of rows used, and for a moment
the key hashes of the duplicate test (some 16 bytes a row).
"""

from __future__ import annotations

import atexit
import contextlib
import mmap
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc

from engine.problems import InputError, Problem
from engine.read.sources import Unreadable

_SIZE = re.compile(r"^\s*(\d{1,15}(?:\.\d{1,6})?)\s*(?:([kmgt])i?)?b?\s*$", re.IGNORECASE)
_UNITS = {None: 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
# A control group "limit" this large means none (v1 writes 2^63 rounded to a page).
_NO_LIMIT = 2**60


def parse_size(text: str) -> int | None:
    """``500MB``, ``2GB``, ``1.5g``, ``4 GiB``, ``0`` → bytes (units of 1,024); None if
    ``text`` is not a size."""
    found = _SIZE.match(text)
    if found is None:
        return None
    unit = found.group(2).lower() if found.group(2) else None
    return int(float(found.group(1)) * _UNITS[unit])


def memory(proc: Path = Path("/proc/self/cgroup"), cgroups: Path = Path("/sys/fs/cgroup")
           ) -> int | None:
    """The memory this process may use: the machine's, or the lowest memory limit of its
    control group and the groups above it (v2 ``memory.max``, v1
    ``memory.limit_in_bytes``) where lower; None where none of these can be told."""
    sizes = []
    with contextlib.suppress(ValueError, OSError, AttributeError):
        sizes.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    return min(sizes + _cgroup_limits(proc, cgroups), default=None)


def _cgroup_limits(proc: Path, cgroups: Path) -> list[int]:
    """The memory limits set on this process's control group and every group above it."""
    try:
        lines = proc.read_text().splitlines()
    except OSError:
        return []
    folders = []
    for line in lines:
        _, controllers, group = [*line.split(":", 2), "", ""][:3]
        if controllers == "":  # v2: one hierarchy
            folders.append((cgroups, group, "memory.max"))
        elif "memory" in controllers.split(","):  # v1: the memory controller's own
            folders.append((cgroups / "memory", group, "memory.limit_in_bytes"))
    limits = []
    for root, group, name in folders:
        parts = [p for p in group.strip("/").split("/") if p]
        for depth in range(len(parts), -1, -1):  # the group, then each group above it
            with contextlib.suppress(ValueError, OSError):
                value = int(root.joinpath(*parts[:depth], name).read_text().strip())
                if value < _NO_LIMIT:
                    limits.append(value)
    return limits


@dataclass(frozen=True)
class Spill:
    """Where and past how many bytes of parsed rows a dataset's rows go to disk. ``over``
    None: never (the rows stay in memory, whatever their size)."""

    over: int | None
    folder: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))

    @classmethod
    def default(cls, over: int | None = None, folder: Path | None = None) -> Spill:
        """``over`` bytes, else a quarter of :func:`memory`; ``folder``, else the system's
        temporary folder (``TMPDIR``). A folder given that this run cannot write in is
        refused at once (exit 2), not when an extract first needs it."""
        if over is None:
            total = memory()
            over = total // 4 if total is not None else None
        if folder is not None and not (folder.is_dir() and os.access(folder, os.W_OK)):
            raise InputError([Problem(folder, "--spill-dir must be a folder this run can "
                                      "write in", hint="create it, or give another folder")])
        return cls(over, folder or Path(tempfile.gettempdir()))


@dataclass
class Tally:
    """One dataset's parsed rows held in memory so far, in bytes, over its files: what is
    weighed against its :class:`Spill` threshold (one tally a dataset read)."""

    spill: Spill
    dataset: str
    held: int = 0


class Rows:
    """One file's parsed batches: held, or written to a spill file once the dataset's
    rows pass the threshold (:class:`Tally`)."""

    def __init__(self, tally: Tally | None) -> None:
        self.tally = tally
        self.held: list[pl.DataFrame] = []
        self.file: IO[bytes] | None = None
        self.writer: ipc.RecordBatchStreamWriter | None = None
        self.lingering: Path | None = None  # a spill file the system would not unlink

    @property
    def spilled(self) -> bool:
        return self.file is not None

    def add(self, batch: pl.DataFrame) -> None:
        tally = self.tally
        if tally is not None and tally.spill.over is not None and self.writer is None:
            tally.held += int(batch.estimated_size())
            if tally.held > tally.spill.over:
                self._start(batch)
        if self.writer is None:
            self.held.append(batch)
            return
        self._write([batch])

    def frame(self) -> pl.DataFrame | None:
        """Every batch, as one frame (None if there were none): on the spill file's pages
        when the rows were written there."""
        if self.file is None or self.writer is None:
            return pl.concat(self.held, rechunk=False) if self.held else None
        try:
            self.writer.close()
            self.file.flush()
            pages = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as error:
            raise self._cannot(error) from None
        finally:
            self.discard()
        # The table's buffers hold the mapping; it is unmapped when they are let go.
        table = ipc.open_stream(pa.py_buffer(pages)).read_all()
        return pl.from_arrow(table)  # type: ignore[return-value]  # a table: a frame

    def discard(self) -> None:
        """Let the spill file go (once mapped, its pages stay until they are let go)."""
        if self.file is not None and not self.file.closed:
            with contextlib.suppress(OSError):
                self.file.close()
        if self.lingering is not None:
            _remove(self.lingering)

    def _start(self, batch: pl.DataFrame) -> None:
        assert self.tally is not None
        try:
            fd, name = tempfile.mkstemp(prefix=f"compliance-{self.tally.dataset}-",
                                        suffix=".arrow", dir=self.tally.spill.folder)  # 0600
        except OSError as error:
            raise self._cannot(error) from None
        self.file = os.fdopen(fd, "w+b")
        try:
            os.unlink(name)  # gone however the run ends: the open handle keeps it
        except OSError:  # a system that cannot unlink an open file: at the end of the run
            self.lingering = Path(name)
            atexit.register(_remove, self.lingering)
        try:
            self.writer = ipc.new_stream(self.file, _arrow(batch).schema)
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
        assert self.tally is not None
        spill = self.tally.spill
        return Unreadable(Problem(
            spill.folder, f"dataset '{self.tally.dataset}' is larger than the "
            f"{_size(spill.over)} a run holds in memory, and its rows could not be "
            f"kept on disk here ({error.strerror or error})",
            hint="free space in this folder or give another with --spill-dir (it needs "
            "room for the parsed rows: about one and a half times a CSV extract's size), "
            "or raise --spill-over"))


def _arrow(batch: pl.DataFrame) -> pa.Table:
    return batch.to_arrow(compat_level=pl.CompatLevel.newest())


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _size(size: int | None) -> str:
    size = size or 0
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size:,} bytes"
