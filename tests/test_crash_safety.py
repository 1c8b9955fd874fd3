"""A run killed at any moment leaves the previous outputs whole and the store consistent,
and the next run completes normally (issue 10).

``compliance check`` runs on a copy of the shipped example in a subprocess, once to the
end (the previous outputs), then again and again killed with SIGKILL: after seeded random
delays spread over a run's measured duration, and at moments found by polling — when the
store's write-ahead log is first written (the run's transaction committing), when the
first and the seventh temporary output file appear, and when the renames' journal
appears. After each kill every output file must be whole, all of them one run's, the
store intact and readable; at the end a normal run exits 1 (the example has breaches) with
every alert ``ongoing``. ``COMPLIANCE_CRASH_KILLS=N`` adds N more timed kills for a longer
run than the default (about 40 s on two cores).

The renames themselves take microseconds, too short to hit by a timed kill; the tests
below the subprocess one interrupt a set at every rename in turn instead.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from run_files import whole

from engine.model.results import AlertState, RunRecord
from engine.report import files, write_outputs, write_rejects
from engine.report.files import JOURNAL, OUTPUT_NAMES, recover
from engine.run import Outcome
from engine.store import Store

ROOT = Path(__file__).resolve().parent.parent
TIMED_KILLS = 5 + int(os.environ.get("COMPLIANCE_CRASH_KILLS", "0"))
SEED = 20250630


class Work:
    """A copy of the shipped example, its store and its output folder."""

    def __init__(self, tmp: Path) -> None:
        shutil.copytree(ROOT / "standards", tmp / "standards",
                        ignore=shutil.ignore_patterns(".compliance"))
        self.standards, self.out = tmp / "standards", tmp / "out"
        self.db = tmp / "store.sqlite"
        self.url = f"sqlite:///{self.db}"
        self.tmpdir = tmp / "tmp"  # the subprocess's TMPDIR: what a kill leaves there
        self.tmpdir.mkdir()
        self.command = [sys.executable, "-c", "from engine.cli import main; main()",
                        "check", "--standards", str(self.standards), "--store", self.url,
                        "--out", str(self.out), "--report", "xlsx,html", "--no-notify"]
        self.env = {**os.environ, "TMPDIR": str(self.tmpdir)}

    def run(self, kill_when: Callable[[], bool], after: float) -> int | None:
        """Start a check; SIGKILL it when ``kill_when()`` holds or after ``after`` seconds.
        Its exit code, or None when killed."""
        with subprocess.Popen(self.command, env=self.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, cwd=self.standards.parent) as proc:
            started = time.monotonic()
            while proc.poll() is None:
                if kill_when() or time.monotonic() - started >= after:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    return None
                time.sleep(0.0005)
            stderr = proc.stderr.read().decode() if proc.stderr else ""
            assert proc.returncode == 1, stderr  # 1: the example has breaches
            return proc.returncode

    def hidden(self, suffix: str) -> list[str]:
        try:
            return [n for n in os.listdir(self.out) if n.startswith(".") and
                    n.endswith(suffix)]
        except FileNotFoundError:
            return []

    @staticmethod
    def after(event: Callable[[], bool], seconds: float) -> Callable[[], bool]:
        """A moment ``seconds`` after ``event`` is first seen."""
        seen: list[float] = []

        def moment() -> bool:
            if not seen and event():
                seen.append(time.monotonic())
            return bool(seen) and time.monotonic() - seen[0] >= seconds

        return moment

    def wal_written(self) -> bool:
        try:
            return (self.db.parent / f"{self.db.name}-wal").stat().st_size > 0
        except FileNotFoundError:
            return False


def _storewhole(work: Work, keys: set[str]) -> set[str]:
    """The SQLite file intact, every run in it whole, the alerts neither lost nor
    duplicated; the ids of the runs kept."""
    with sqlite3.connect(work.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        runs = dict(db.execute("SELECT id, results FROM runs").fetchall())
        kept = {r for (r,) in db.execute("SELECT run_id FROM records")}
        counted = dict(db.execute("SELECT run_id, count(*) FROM results GROUP BY run_id"))
        rows = db.execute("SELECT key, state, first_run, last_run FROM alerts").fetchall()
    db.close()
    assert kept == set(runs), "a run without its record, or a record without its run"
    assert counted == {r: n for r, n in runs.items() if n}, "a run's results half written"
    assert {key for key, *_ in rows} == keys
    assert {state for _, state, *_ in rows} <= {"new", "ongoing"}
    assert all(first in runs and last in runs for *_, first, last in rows)
    store = Store(work.url)  # as the engine reads it
    assert {r.id for r in store.kept_runs()} == set(runs)
    assert store.history(["BEN-01"])
    return set(runs)


def test_a_run_killed_at_any_moment_leaves_whole_outputs_and_store(tmp_path: Path) -> None:
    work = Work(tmp_path)
    started = time.monotonic()
    work.run(lambda: False, after=600)
    duration = time.monotonic() - started
    previous, before = whole(work.out)
    keys = {a["key"] for a in json.loads(before["results.json"])["alerts"]}
    assert _storewhole(work, keys) == {previous}

    rng = random.Random(SEED)
    kills: list[tuple[str, Callable[[], bool], float]] = [
        (f"after {delay:.2f} s", lambda: False, delay)
        for delay in sorted(rng.uniform(0.1, 0.95) * duration for _ in range(TIMED_KILLS))]
    kills += [
        ("the store's transaction committing", work.wal_written, 3 * duration),
        ("10 ms after it", work.after(work.wal_written, 0.01), 3 * duration),
        ("the first temporary file", lambda: len(work.hidden(".tmp")) >= 1, 3 * duration),
        ("the seventh temporary file", lambda: len(work.hidden(".tmp")) >= 7, 3 * duration),
        ("the journal", lambda: bool(work.hidden(JOURNAL)), 3 * duration)]
    seen: dict[str, list[str]] = {}
    for what, kill_when, after in kills:
        stored = _storewhole(work, keys)
        exited = work.run(kill_when, after)
        litter = work.hidden(".tmp")
        journal = (work.out / JOURNAL).exists()
        # A reader finishes renames a kill interrupted; and the litter goes, so that the
        # next kill's poll sees only the temporary files of its own run.
        recover(work.out)
        run_id, now = whole(work.out)
        runs = _storewhole(work, keys)
        if run_id == previous:
            assert now == before, f"killed at {what}: new files beside the previous run's"
        else:  # the killed run had written all its files (the renames are the last step)
            assert run_id in runs - stored, f"killed at {what}: files of no kept run"
            assert {row[3] for row in csv.reader(io.StringIO(
                now["alerts.csv"].decode("utf-8-sig")))} == {"state", "ongoing"}
            previous, before = run_id, now
        phase = ("finished" if exited is not None else
                 "in the renames" if journal else
                 "writing the files" if litter else
                 "after the files" if run_id not in stored else
                 "after the store, before the files" if runs != stored else
                 "before the store")
        seen.setdefault(phase, []).append(what)
    print(f"{len(kills)} kills over a run of {duration:.1f} s:",
          "; ".join(f"{k}: {', '.join(v)}" for k, v in seen.items()),
          f"({len(list(work.tmpdir.iterdir()))} of openpyxl's temporary files left in TMPDIR)")
    assert "writing the files" in seen or "in the renames" in seen, seen

    work.run(lambda: False, after=600)  # a normal run, after all that
    run_id, after_all = whole(work.out)
    record = json.loads(after_all["results.json"])
    assert run_id in _storewhole(work, keys)
    assert {a["state"] for a in record["alerts"]} == {"ongoing"}
    assert work.hidden(".tmp") == [] and not (work.out / JOURNAL).exists()
    assert sorted(p.name for p in work.out.iterdir() if not p.name.startswith(".")) \
        == sorted(OUTPUT_NAMES)


# -- the renames, interrupted one by one ---------------------------------------------------

class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause of the engine's
    catches it (they re-raise)."""


def _record(run: Outcome, run_id: str, state: AlertState) -> RunRecord:
    alerts = [a.model_copy(update={"state": state}) for a in run.record.alerts]
    return run.record.model_copy(update={
        "run": run.record.run.model_copy(update={"id": run_id}), "alerts": alerts})


def _folder(out: Path, but: str = "") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir()
            if not p.name.startswith(".") and p.name != but}


@pytest.mark.parametrize("renames", range(len(OUTPUT_NAMES)))
def test_a_set_interrupted_between_renames_is_finished_before_anything_reads_or_writes(
        tmp_path: Path, shipped_run: Outcome, renames: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_outputs(first, _record(shipped_run, "1" * 32, AlertState.new), [], ["xlsx", "html"])
    write_outputs(second, _record(shipped_run, "2" * 32, AlertState.ongoing), [],
                  ["xlsx", "html"])
    out = tmp_path / "out"
    shutil.copytree(first, out)
    done = 0
    replace = os.replace

    def killed_after(src: str | Path, dst: str | Path) -> None:
        nonlocal done
        if Path(src).name.endswith(".tmp") and Path(dst).name in OUTPUT_NAMES:
            if done == renames:
                raise Killed
            done += 1
        replace(src, dst)

    monkeypatch.setattr(files.os, "replace", killed_after)
    with pytest.raises(Killed):
        write_outputs(out, _record(shipped_run, "2" * 32, AlertState.ongoing), [],
                      ["xlsx", "html"])
    monkeypatch.undo()
    # Results.json is renamed last: until then it names the previous run, and the journal
    # says the set is being replaced.
    assert json.loads((out / "results.json").read_bytes())["run"]["id"] == "1" * 32
    assert (out / JOURNAL).exists()
    recover(out)
    # A workbook's zip entries carry the time it was made: compared by the run it names.
    assert whole(out)[0] == "2" * 32
    assert _folder(out, but="report.xlsx") == _folder(second, but="report.xlsx")
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [files.LOCK]


def test_a_set_that_fails_before_its_renames_leaves_the_previous_one(
        tmp_path: Path, shipped_run: Outcome) -> None:
    write_outputs(tmp_path, shipped_run.record, [], ["html"])
    before = _folder(tmp_path)

    def failing() -> Iterator[tuple[str, bytes]]:
        yield "alerts.csv", b"new"
        raise RuntimeError("the workbook could not be made")

    with pytest.raises(RuntimeError):
        files.write_set(tmp_path, failing())
    assert _folder(tmp_path) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [files.LOCK]


def test_litter_of_a_killed_writer_is_removed_and_nothing_else(
        tmp_path: Path, shipped_run: Outcome) -> None:
    tmp_path.joinpath(".report.xlsx.0123456789ab.tmp").write_bytes(b"half a workbook")
    tmp_path.joinpath("..outputs.pending.ba9876543210.tmp").write_bytes(b"[")
    mine = [".results.json.bak", ".alerts.csv.0123456789ab", "notes.tmp"]
    for name in mine:
        tmp_path.joinpath(name).write_bytes(b"the user's own")
    write_outputs(tmp_path, shipped_run.record, [])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) \
        == sorted([files.LOCK, *mine[:2]])


def test_outputs_get_the_mode_any_new_file_gets(tmp_path: Path, shipped_run: Outcome) -> None:
    """Not mkstemp's 0600: a shared folder's readers can still read the files."""
    old = os.umask(0o022)
    try:
        written = write_outputs(tmp_path, shipped_run.record, [], ["html"])
    finally:
        os.umask(old)
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(0o644)}


def test_a_run_leaves_no_file_of_an_earlier_run_beside_its_own(
        tmp_path: Path, shipped_run: Outcome) -> None:
    """Found in review: a run without --report left the last run's reports standing, and
    a run stopped by its data left its rejects beside the last run's results."""
    write_outputs(tmp_path, shipped_run.record, [], ["xlsx", "html"])
    write_outputs(tmp_path, shipped_run.record, [])
    assert not (tmp_path / "report.xlsx").exists() and not (tmp_path / "report.html").exists()
    write_rejects(tmp_path, [])
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) \
        == ["rejects.csv"]


def test_a_kill_between_the_removals_and_the_renames_is_finished_by_the_next_writer(
        tmp_path: Path, shipped_run: Outcome, monkeypatch: pytest.MonkeyPatch) -> None:
    write_outputs(tmp_path, shipped_run.record, [], ["html"])
    replace = os.replace

    def killed(src: str, dst: str) -> None:
        if Path(dst).name in files.OUTPUT_NAMES:  # the set's renames, not the journal's
            raise Killed
        replace(src, dst)

    monkeypatch.setattr(files.os, "replace", killed)
    with pytest.raises(Killed):  # report.html removed, then killed at the first rename
        write_outputs(tmp_path, _record(shipped_run, "3" * 32, AlertState.ongoing), [])
    monkeypatch.setattr(files.os, "replace", replace)
    assert (tmp_path / JOURNAL).exists() and not (tmp_path / "report.html").exists()
    recover(tmp_path)
    assert json.loads((tmp_path / "results.json").read_bytes())["run"]["id"] == "3" * 32
    assert not (tmp_path / "report.html").exists() and not (tmp_path / JOURNAL).exists()
