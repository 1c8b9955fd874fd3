"""An extract too large for memory is kept on disk (engine.read.spill), and the run's
results do not change: the same rows read, used, rejected and measured, the same files
written. The spilled rows are the pages of a file mapped into memory, which the operating
system can drop and read again, and the file leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

from engine.model.dataset import Dataset
from engine.problems import InputError
from engine.read import extract, spill
from engine.read.extract import Extract, read_dataset
from engine.read.spill import Rows, Spill, memory, parse_size
from engine.run import check

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 6, 30)

CASES = Dataset.model_validate({
    "name": "cases", "title": "Cases", "files": "x", "key": ["ref"],
    "columns": {
        "ref": {"header": "Ref", "required": True},
        "opened": {"header": "Opened", "type": "date", "format": "%d/%m/%Y"},
        "team": {"header": "Team", "type": "category"},
        "amount": {"header": "Amount", "type": "decimal"},
    },
    "checks": [{"rule": "opened <= as_of", "reason": "in_future"}],
})


def files(folder: Path, rows: int = 40) -> list[Path]:
    """Two files with what the reader must handle: a date in another spelling (rescued by
    the full path, so appended and put back in order), a bad date, a blank row, a future
    date, a key in both files, and a category spelled differently from batch to batch."""
    first = ["Ref,Opened,Team,Amount"] + [
        f"A{i},{1 + i % 28:02d}/0{1 + i % 6}/2025,{'North' if i % 3 else 'South'},{i}.5"
        for i in range(rows)]
    first[5] = "A4,2025-02-03,North,4"  # another spelling: the full path takes it
    first[9] = "A8,31/02/2025,North,8"  # no such date: rejected
    first[12] = ",,,"  # blank
    first[15] = "A14,01/12/2099,East,1"  # after the as-of date: fails the check
    second = ["Ref,Opened,Team,Amount"] + [
        f"B{i},0{1 + i % 9}/03/2025,{'West' if i % 2 else 'South'},{i}"
        for i in range(max(30, rows // 2))]
    second[7] = "A20,01/03/2025,West,7"  # A20 is in the first file too
    paths = []
    for name, lines in (("a.csv", first), ("b.csv", second)):
        (folder / name).write_text("\n".join(lines) + "\n")
        paths.append(folder / name)
    return paths


def read(paths: list[Path], spill: Spill | None) -> Extract:
    return read_dataset(CASES, paths, AS_OF, shown_base=paths[0].parent, spill=spill)


def rows(ex: Extract) -> list[dict[str, object]]:
    table = ex.rows
    assert isinstance(table, pa.Table)
    return sorted(table.to_pylist(), key=lambda r: (r["_file"], r["_row"], r["_used"]))


def record(ex: Extract) -> tuple[object, ...]:
    return (ex.rows_read, ex.rows_used, ex.filtered_by, ex.rejects, ex.files)


def mapped(column: pa.ChunkedArray, folder: Path) -> float:
    """The share of ``column``'s rows whose pieces lie in a file of ``folder`` mapped into
    this process (listed in /proc/self/maps, '(deleted)' once unlinked): rows rescued by
    the full path are made in memory, after the file was written."""
    regions = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        if str(folder) in line:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            regions.append((lo, hi))

    def inside(chunk: pa.Array) -> bool:
        data = [b for b in chunk.buffers()[1:] if b is not None]
        return bool(data) and all(any(lo <= b.address < hi for lo, hi in regions)
                                  for b in data)

    return sum(len(c) for c in column.chunks if inside(c)) / len(column)


@pytest.fixture
def spills(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Each spill file started: (rows held until then, the file's mode)."""
    started: list[tuple[int, int]] = []

    def start(self: Rows, batch: object, begin: object = Rows._start) -> None:
        held = sum(b.height for b in self.held)
        begin(self, batch)  # type: ignore[operator]
        assert self.file is not None
        started.append((held, os.fstat(self.file.fileno()).st_mode & 0o777))

    monkeypatch.setattr(Rows, "_start", start)
    return started


def test_rows_kept_on_disk_read_as_rows_in_memory_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spills: list[tuple[int, int]]) -> None:
    paths = files(tmp_path)
    monkeypatch.setattr(extract, "BATCH_ROWS", 8)  # several batches a file
    held = read(paths, None)
    assert spills == []
    spill_to = tmp_path / "spill"
    spill_to.mkdir()
    # Past 600 bytes, in the first file: its first batches are held, then written out
    # with the rest; the second file is written from its first batch.
    spilled = read(paths, Spill(600, spill_to))
    assert [held for held, _ in spills] == [16, 0]
    assert record(spilled) == record(held)
    assert rows(spilled) == rows(held)
    assert held.rows_rejected == 4 and held.filtered_by  # the cases above, all there
    # Each row names its file and line: the line there starts with the row's key.
    lines = {path.name: path.read_text().splitlines() for path in paths}
    for row in rows(spilled):
        if row["ref"] is not None:
            assert lines[str(row["_file"])][int(row["_row"]) - 1].startswith(f"{row['ref']},")
    assert list(spill_to.iterdir()) == []  # the file is unlinked once mapped


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc (Linux)")
def test_spilled_rows_are_the_pages_of_a_mapped_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Large enough that Polars keeps the batches as they are (tiny pieces it joins into
    # one, a copy in memory).
    paths = files(tmp_path, rows=30_000)  # and 15,000 in the second file
    monkeypatch.setattr(extract, "BATCH_ROWS", 10_000)
    spill_to = tmp_path / "spill"
    spill_to.mkdir()
    spilled = read(paths, Spill(0, spill_to))
    assert isinstance(spilled.rows, pa.Table)
    for name in ("ref", "opened", "amount", "_row"):
        assert mapped(spilled.rows[name], spill_to) > 0.99, name
    held = read(paths, Spill(10**12, spill_to))  # under the threshold: in memory
    assert isinstance(held.rows, pa.Table)
    assert mapped(held.rows["_row"], spill_to) == 0


def test_a_run_with_every_dataset_on_disk_writes_the_same_files(tmp_path: Path) -> None:
    spill_to = tmp_path / "spill"
    spill_to.mkdir()
    held = check(ROOT / "standards", out=tmp_path / "held")
    spilled = check(ROOT / "standards", out=tmp_path / "spilled", spill_over=0,
                    spill_dir=spill_to)
    ignore = {"run": {"id", "started_at"}}
    documents = [json.loads((tmp_path / run / "results.json").read_text())
                 for run in ("held", "spilled")]
    for document in documents:
        for key in ignore["run"]:
            document["run"].pop(key)
    assert documents[0] == documents[1]
    assert held.record.datasets == spilled.record.datasets
    for name in ("alerts.csv", "cases.csv", "rejects.csv", "tracking.csv"):
        assert (tmp_path / "held" / name).read_bytes() == \
            (tmp_path / "spilled" / name).read_bytes(), name
    assert list(spill_to.iterdir()) == []


def test_a_file_refused_half_way_leaves_no_spill_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spills: list[tuple[int, int]]) -> None:
    monkeypatch.setattr(extract, "BATCH_ROWS", 1_000)
    broken = tmp_path / "c.csv"
    good = "".join(f"C{i},01/01/2025,North,{i}\n" for i in range(50_000))
    broken.write_text(f'Ref,Opened,Team,Amount\n{good}"C-1,01/01/2025\n')
    spill_to = tmp_path / "spill"
    spill_to.mkdir()
    with pytest.raises(InputError) as refused:
        read([broken], Spill(0, spill_to))
    assert refused.value.exit_code == 3
    # The rows went to disk before the file was refused, in a file only its owner reads.
    assert [mode for _, mode in spills] == [0o600]
    assert list(spill_to.iterdir()) == []


def test_a_spill_folder_that_cannot_be_written_is_refused_before_reading(
        tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from engine.cli import main; main()", "check", "--no-store",
         "--out", str(tmp_path / "out"), "--spill-over", "0", "--spill-dir",
         str(tmp_path / "no-such-folder")],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, said
    assert "Traceback" not in said
    assert str(tmp_path / "no-such-folder") in said
    assert "--spill-dir must be a folder this run can write in" in said


@pytest.mark.parametrize(("text", "size"), [
    ("0", 0), ("1024", 1024), ("500MB", 500 * 2**20), ("2GB", 2 * 2**30), ("1.5g", 3 * 2**29),
    ("4 GiB", 4 * 2**30), ("1kib", 1024), ("lots", None), ("-1GB", None), ("", None),
    ("1i", None), ("1e9", None), ("9" * 400, None)])
def test_sizes(text: str, size: int | None) -> None:
    assert parse_size(text) == size


def test_the_default_threshold_is_a_quarter_of_the_memory_the_run_may_use() -> None:
    total = memory()
    if total is None:
        pytest.skip("this system tells neither its memory nor a container's limit")
    assert Spill.default().over == total // 4
    assert Spill.default(123).over == 123


def test_spill_over_is_refused_when_it_is_not_a_size(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from engine.cli import main; main()", "check", "--no-store",
         "--out", str(tmp_path / "out"), "--spill-over", "lots"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 2
    assert re.search(r"'lots' is not a size", " ".join(done.stderr.split()))


def test_the_spill_threshold_counts_a_datasets_files_together(
        tmp_path: Path, spills: list[tuple[int, int]]) -> None:
    """Many files each under the threshold, more than it together: the later ones spill."""
    paths = []
    for n in range(6):
        path = tmp_path / f"part{n}.csv"
        path.write_text("Ref,Opened,Team,Amount\n" + "".join(
            f"P{n}-{i},01/03/2025,North,{i}\n" for i in range(2_000)))
        paths.append(path)
    each = read(paths[:1], None).rows.nbytes
    spill_to = tmp_path / "spill"
    spill_to.mkdir()
    spilled = read(paths, Spill(3 * each, spill_to))
    assert 1 <= len(spills) < len(paths)
    assert spilled.rows_used == 12_000


def test_a_run_killed_while_it_spills_leaves_no_spill_file(tmp_path: Path) -> None:
    """The spill file is unlinked as soon as it is created: a run killed while it writes
    (here it kills itself after the first batch written) leaves nothing behind."""
    path = tmp_path / "big.csv"
    path.write_text("Ref,Opened,Team,Amount\n" + "".join(
        f"K{i},01/03/2025,North,{i}\n" for i in range(20_000)))
    spill_to = tmp_path / "spill"
    spill_to.mkdir()
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from engine.read import extract, spill\n"
        "extract.BATCH_ROWS = 1_000\n"
        "def write(self, batches):\n"
        "    assert list(Path(sys.argv[2]).iterdir()) == [], 'the spill file is still named'\n"
        "    os._exit(9)\n"
        "spill.Rows._write = write\n"
        "sys.path.insert(0, 'tests')\n"
        "from test_spill import CASES, AS_OF\n"
        "extract.read_dataset(CASES, [Path(sys.argv[1])], AS_OF,\n"
        "                     spill=spill.Spill(0, Path(sys.argv[2])))\n")
    done = subprocess.run([sys.executable, "-c", code, str(path), str(spill_to)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 9, done.stderr
    assert list(spill_to.iterdir()) == []


@pytest.mark.parametrize(("groups", "files", "limit"), [
    # cgroup v2: the process's group, limited above it
    ("0::/machine/job\n", {"machine/memory.max": "1073741824", "machine/job/memory.max": "max",
                           "memory.max": "max"}, 2**30),
    # cgroup v1: the memory controller's own folder, limited on the group itself
    ("4:memory:/docker/abc\n0::/\n", {"memory/docker/abc/memory.limit_in_bytes": "536870912",
                                       "memory/memory.limit_in_bytes": "9223372036854771712"},
     2**29),
    ("0::/\n", {"memory.max": "max"}, None),  # no limit: the machine's memory
])
def test_memory_takes_the_lowest_limit_of_the_process_control_groups(
        tmp_path: Path, groups: str, files: dict[str, str], limit: int | None) -> None:
    proc = tmp_path / "cgroup"
    proc.write_text(groups)
    for name, value in files.items():
        (tmp_path / "fs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "fs" / name).write_text(value + "\n")
    machine = memory(proc, tmp_path / "nowhere")
    found = memory(proc, tmp_path / "fs")
    assert found == (min(limit, machine) if limit and machine else limit or machine)


def test_rows_set_aside_for_the_full_path_do_not_hold_their_batch_in_memory() -> None:
    """A few flagged rows filtered out of each batch would keep every batch's text alive
    (Polars' text cells are views into the batch's buffers): a third of a large extract,
    on disk or not. The reader gives them buffers of their own."""
    batch = pl.DataFrame({"ref": [f"a long reference, number {i:010d}" for i in range(100_000)],
                          "n": range(100_000)})
    flagged = batch.filter(pl.col("n") % 1_000 == 0)

    def text_bytes(frame: pl.DataFrame) -> int:
        cells = frame.to_arrow(compat_level=pl.CompatLevel.newest())["ref"]
        return sum(b.size for c in cells.chunks for b in c.buffers()[2:] if b is not None)

    own = extract._own_text(flagged)
    assert own.equals(flagged)
    assert text_bytes(flagged) > 1_000_000  # the batch's text, shared
    assert text_bytes(own) < 10_000  # its own 100 cells


def test_a_full_spill_folder_is_told_once_for_a_dataset_of_several_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Full:  # a stream writer on a disk with no room left
        def write_table(self, table: object) -> None:
            raise OSError(28, "No space left on device")

        def close(self) -> None:
            pass

    monkeypatch.setattr(spill.ipc, "new_stream", lambda sink, schema: Full())
    with pytest.raises(InputError) as stopped:
        read(files(tmp_path), Spill(0, tmp_path))
    assert stopped.value.exit_code == 3
    assert len(stopped.value.problems) == 1
    told = stopped.value.problems[0]
    assert told.path == tmp_path and "No space left on device" in told.message
    assert "--spill-dir" in (told.hint or "")
