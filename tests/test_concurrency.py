"""Two runs against one store at once both complete, and no alert is lost or duplicated
(issue 10).

Two ``compliance check`` processes on a copy of the shipped example start together
against one store — an SQLite file, and a fresh PostgreSQL database (``tests/postgres.py``;
skipped, with the reason, where no server can be had). The store serialises each run's
transaction (``BEGIN IMMEDIATE``; an advisory lock), so one run is applied after the
other: both exit as documented (1: the example has breaches), the store keeps two whole
runs, and every alert is ``new`` in exactly one run and ``ongoing`` in the other. Two runs
writing into one output folder are applied one after the other too: the folder ends with
one run's files, all of them.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import postgres
import sqlalchemy as sa
from run_files import whole
from sqlalchemy.pool import NullPool

from engine.model.results import AlertState
from engine.store import _ADVISORY_LOCK, Store

ROOT = Path(__file__).resolve().parent.parent
TOGETHER = 2


def _checks(tmp: Path, url: str, outs: list[Path]) -> list[subprocess.CompletedProcess[str]]:
    """``compliance check`` into each of ``outs``, all started at once, to the end.

    Left to themselves, runs that start together reach the store some milliseconds apart
    and may never overlap; so the store's write lock is held here until every run waits
    for it as it opens the store, then let go: they go on in step, and record together."""
    standards = tmp / "standards"
    if not standards.exists():
        shutil.copytree(ROOT / "standards", standards,
                        ignore=shutil.ignore_patterns(".compliance"))
    Store(url)  # the tables, so that the lock can be held before any run opens them
    with _holding(url) as waiting:
        procs = [subprocess.Popen(
            [sys.executable, "-c", "from engine.cli import main; main()", "check",
             "--standards", str(standards), "--store", url, "--out", str(out),
             "--no-notify", "--report", "xlsx,html", "--format", "json"],
            cwd=tmp, env={**os.environ, "TMPDIR": str(tmp)}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True) for out in outs]
        deadline = time.monotonic() + 120
        while waiting(procs) < len(procs) and time.monotonic() < deadline \
                and all(p.poll() is None for p in procs):
            time.sleep(0.05)
        assert waiting(procs) == len(procs), "the runs never reached the store"
    done = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr))
    return done


@contextmanager
def _holding(url: str) -> Iterator[Callable[[list[subprocess.Popen[str]]], int]]:
    """Hold the store's write lock (as :mod:`engine.store` takes it); yield how many of
    the processes wait for it."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db = Path(parsed.database or "")
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")

        def has_open(procs: list[subprocess.Popen[str]]) -> int:
            # Blocked in BEGIN IMMEDIATE, a run holds the file open; before, it has not
            # opened it (nor after: no pool).
            return sum(any(_points_to(fd, db.resolve())
                           for fd in glob.glob(f"/proc/{p.pid}/fd/*")) for p in procs)

        try:
            yield has_open
        finally:
            holder.rollback()
            holder.close()
        return
    engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.select(sa.func.pg_advisory_lock(_ADVISORY_LOCK)))

        def queued(_procs: list[subprocess.Popen[str]]) -> int:
            return int(conn.execute(sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )).scalar_one())

        try:
            yield queued
        finally:
            conn.execute(sa.select(sa.func.pg_advisory_unlock(_ADVISORY_LOCK)))
    engine.dispose()


def test_two_runs_at_once_both_complete_and_lose_or_duplicate_no_alert(
        tmp_path: Path, store_url: str) -> None:
    _two_at_once(tmp_path, store_url)


def test_a_server_defaulting_to_repeatable_read_still_applies_runs_one_after_the_other(
        tmp_path: Path, postgres_server: postgres.Server) -> None:
    """Under REPEATABLE READ the snapshot would be taken at the lock's own statement,
    before the other run committed: both runs would see every alert as new."""
    url = postgres_server.create_database()
    try:
        name = sa.make_url(url).database
        with postgres_server.admin.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_isolation '
                                 "TO 'repeatable read'")
        _two_at_once(tmp_path, url)
    finally:
        postgres_server.drop_database(url)


def _two_at_once(tmp_path: Path, store_url: str) -> None:
    outs = [tmp_path / f"out{i}" for i in range(TOGETHER)]
    done = _checks(tmp_path, store_url, outs)
    assert [d.returncode for d in done] == [1] * TOGETHER, [d.stderr for d in done]
    assert not any("locked" in d.stderr or "Traceback" in d.stderr for d in done), \
        [d.stderr for d in done]
    records = [json.loads((out / "results.json").read_text()) for out in outs]
    assert [json.loads(d.stdout)["run"]["id"] for d in done] == [r["run"]["id"] for r in records]
    raised = [{a["key"]: a["state"] for a in r["alerts"]} for r in records]
    keys = set(raised[0])
    assert keys and all(set(r) == keys for r in raised)
    # One run was applied first: every alert new in it and ongoing in the other.
    first = next(i for i, r in enumerate(raised) if "new" in r.values())
    assert set(raised[first].values()) == {"new"}
    assert all(set(r.values()) == {"ongoing"} for i, r in enumerate(raised) if i != first)

    store = Store(store_url)
    ids = {r["run"]["id"] for r in records}
    assert store.runs() == TOGETHER and {r.id for r in store.kept_runs()} == ids
    kept = store.alerts()
    assert sorted(a.key for a in kept) == sorted(keys)  # one row each: none twice, none lost
    assert {a.state for a in kept} == {AlertState.ongoing}
    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT key, first_run, last_run FROM alerts")).all()
        per_run: dict[str, int] = dict(conn.execute(sa.text(
            "SELECT run_id, count(*) FROM results GROUP BY run_id")).all())
    engine.dispose()
    assert {first_run for _, first_run, _ in rows} == {records[first]["run"]["id"]}
    assert {last_run for *_, last_run in rows} <= ids
    assert per_run == {r["run"]["id"]: len(r["results"]) for r in records}


def test_two_runs_writing_into_one_folder_leave_one_runs_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _checks(tmp_path, f"sqlite:///{tmp_path / 'store.sqlite'}", [out] * TOGETHER)
    assert [d.returncode for d in done] == [1] * TOGETHER, [d.stderr for d in done]
    run_id, found = whole(out)  # every file parses, and all name one run
    record = json.loads(found["results.json"])
    assert run_id in {json.loads(d.stdout)["run"]["id"] for d in done}
    alerts = list(csv.DictReader(io.StringIO(found["alerts.csv"].decode("utf-8-sig"))))
    assert [(a["key"], a["state"]) for a in alerts] == [
        (a["key"], a["state"]) for a in record["alerts"]]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".outputs.lock"]


def _points_to(fd: str, target: Path) -> bool:
    """Whether a process's descriptor is open on ``target``: it may close (and its entry in
    /proc go) between listing and reading it, which is "no"."""
    try:
        return os.readlink(fd) == str(target)
    except OSError:
        return False
