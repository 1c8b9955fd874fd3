"""The alert lifecycle across runs: raised once, ongoing while it lasts, resolved on recovery.

Runs go through the public API with a store, as ``compliance check`` does. Each store
test runs twice: on an SQLite file in a temporary folder (the default store beside the
standards) and on a fresh PostgreSQL database (``tests/postgres.py``; skipped, with the
reason, where no server can be had).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import socket
import sqlite3
import threading
from pathlib import Path
from typing import Any

import postgres
import pytest
import sqlalchemy as sa
from measure_cases import run
from typer.testing import CliRunner

from engine import store as store_module
from engine.cli import app
from engine.model.results import AlertState
from engine.problems import InputError
from engine.store import Store

COLUMNS = {"id": "string", "lodged": "date", "decided": "date", "region": "category"}
STANDARD: dict[str, Any] = dict(
    measure={"share_within": {"from": "lodged", "to": "decided", "limit": "28 days"}},
    period={"kind": "month", "by": "decided"}, segments=["region"], target={"at_least": "80%"},
    # The lifecycle is followed on breaches; June's extract ends on the 10th (stale by the
    # 30th) and South trails everyone, alerts tested in test_alert_policy.py.
    alerts={"stale_data": "off", "equity_gap": "off"})


def rows(north_late: int, south_late: int) -> list[list[Any]]:
    """Five June claims per region, some decided late (after 40 days)."""
    out = []
    for region, late in (("North", north_late), ("South", south_late)):
        for i in range(5):
            lodged = "2025-05-01" if i < late else "2025-06-01"
            out.append([f"{region[0]}{i}", lodged, "2025-06-10", region])
    return out


def states(alerts: list[Any]) -> dict[str, str]:
    return {a.key: a.state.value for a in alerts}


def test_same_extract_twice_is_ongoing_and_a_recovered_segment_resolves(
        tmp_path: Path, store_url: str) -> None:
    folder = tmp_path / "catalogue"
    first = run(folder, COLUMNS, STANDARD, rows(2, 3), store=store_url).record.alerts
    assert states(first) == {"T-01:breach:all": "new", "T-01:breach:region=North": "new",
                             "T-01:breach:region=South": "new"}
    second = run(folder, COLUMNS, STANDARD, rows(2, 3), store=store_url).record.alerts
    assert states(second) == {key: "ongoing" for key in states(first)}
    assert [a.message for a in second] == [a.message for a in first]
    # North recovers (all five on time); South and the whole population still breach.
    third = run(folder, COLUMNS, STANDARD, rows(0, 3), store=store_url).record.alerts
    assert states(third) == {"T-01:breach:all": "ongoing",
                             "T-01:breach:region=South": "ongoing",
                             "T-01:breach:region=North": "resolved"}
    resolved = next(a for a in third if a.state is AlertState.resolved)
    assert resolved.message.startswith("Resolved: T-01 no longer raises this breach alert")
    # Still its owner's, and asking for nothing more: the step it asked for is not repeated.
    was = next(a for a in first if a.key == "T-01:breach:region=North")
    assert (resolved.owner, resolved.next_step) == ("Tests", store_module.RESOLVED_STEP)
    assert resolved.message == (
        "Resolved: T-01 no longer raises this breach alert (last raised for 2025-06). It was: "
        + was.message.removesuffix(f" Owner: Tests. Next step: {was.next_step}.")
        + " Owner: Tests. Next step: none for this alert; close any follow-up opened for it.")
    store = Store(store_url)
    assert store.runs() == 3
    assert {a.key for a in store.alerts(states=[AlertState.resolved])} == {
        "T-01:breach:region=North"}
    # It breaches again: a new alert, not the old one re-used.
    fourth = run(folder, COLUMNS, STANDARD, rows(2, 3), store=store_url).record.alerts
    assert states(fourth)["T-01:breach:region=North"] == "new"


def test_a_store_an_older_engine_made_keeps_working_with_owners_and_next_steps(
        tmp_path: Path, store_url: str) -> None:
    # The store as an engine before owners and next steps made it, holding an open alert.
    older = sa.MetaData()
    for table in store_module._meta.sorted_tables:
        sa.Table(table.name, older, *(c._copy() for c in table.columns
                                      if c.name not in ("owner", "next_step")))
    engine = sa.create_engine(store_url)
    when = dt.datetime(2025, 6, 1)
    with engine.begin() as conn:
        older.create_all(conn)
        conn.execute(older.tables["alerts"].insert().values(
            key="T-01:breach:region=North", standard="T-01", kind="breach", state="new",
            severity="high", period="2025-05", segment='{"region": "North"}',
            message="T-01 Test standard: breach in 2025-05, region North.", evidence="{}",
            first_run="old", last_run="old", opened_at=when, updated_at=when))
    engine.dispose()
    # North recovers: the old alert resolves; South breaches: a new one, kept with its owner.
    alerts = run(tmp_path / "catalogue", COLUMNS, STANDARD, rows(0, 3),
                 store=store_url).record.alerts
    resolved = next(a for a in alerts if a.state is AlertState.resolved)
    assert resolved.message == (
        "Resolved: T-01 no longer raises this breach alert (last raised for 2025-05). It was: "
        "T-01 Test standard: breach in 2025-05, region North. Next step: none for this alert; "
        "close any follow-up opened for it.")
    kept = {a.key: a for a in Store(store_url).alerts(states=[])}
    south = next(a for a in alerts if a.key == "T-01:breach:region=South")
    assert (kept[south.key].owner, kept[south.key].next_step) == ("Tests", south.next_step)
    assert (kept["T-01:breach:region=North"].owner, kept["T-01:breach:region=North"].state) \
        == ("", AlertState.resolved)


def test_acknowledge_and_list_from_the_command_line(tmp_path: Path, store_url: str) -> None:
    run(tmp_path / "catalogue", COLUMNS, STANDARD, rows(2, 3), store=store_url)
    cli = CliRunner()
    done = cli.invoke(app, ["alerts", "ack", "T-01:breach:region=South", "--by", "A. Officer",
                            "--note", "Backlog team assigned", "--store", store_url])
    assert done.exit_code == 0, done.output
    listed = cli.invoke(app, ["alerts", "--store", store_url, "--standard", "T-01"])
    assert listed.exit_code == 0, listed.output
    assert "T-01:breach:region=South  [new, high, 2025-06; acknowledged by A. Officer on " \
        in listed.output
    assert ": Backlog team assigned]" in listed.output
    assert "3 alert(s)." in listed.output
    # The acknowledgement survives a re-run that keeps the alert open.
    run(tmp_path / "catalogue", COLUMNS, STANDARD, rows(2, 3), store=store_url)
    (south,) = Store(store_url).alerts(standard="T-01", kind="breach",
                                       states=[AlertState.ongoing])[2:]
    assert (south.key, south.acknowledged_by) == ("T-01:breach:region=South", "A. Officer")
    missing = cli.invoke(app, ["alerts", "ack", "T-01:nope", "--by", "x", "--store", store_url])
    assert missing.exit_code == 2 and "no alert with the key 'T-01:nope'" in missing.output


def _one_run(args: tuple[Path, str, int]) -> list[str]:
    folder, url, south_late = args
    try:
        alerts = run(folder, COLUMNS, STANDARD, rows(2, south_late), store=url).record.alerts
    except InputError as err:  # does not survive pickling: raised here, it hangs the pool
        return [f"error: {err}"]
    return sorted(f"{a.key}={a.state.value}" for a in alerts)


def test_concurrent_runs_against_one_store_lose_and_duplicate_nothing(
        tmp_path: Path, store_url: str) -> None:
    jobs = [(tmp_path / f"c{i}", store_url, 3) for i in range(4)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        outcomes = pool.map_async(_one_run, jobs).get(timeout=300)
    assert [entry for outcome in outcomes for entry in outcome if entry.startswith("error")] \
        == []
    store = Store(store_url)
    assert store.runs() == 4
    keys = [a.key for a in store.alerts(states=[])]
    assert sorted(keys) == ["T-01:breach:all", "T-01:breach:region=North",
                            "T-01:breach:region=South"]
    # Applied one after the other: exactly one run saw each alert as new.
    news = sum(entry.endswith("=new") for outcome in outcomes for entry in outcome)
    assert news == 3


def test_a_new_store_opened_by_several_at_once_is_created_once(store_url: str) -> None:
    """Each opener creates the tables if they are missing: without a lock, two of them
    find them missing and the second fails."""
    opened: list[str] = []
    together = threading.Barrier(8, timeout=60)

    def open_store() -> None:
        together.wait()
        try:
            Store(store_url)
        except InputError as err:
            opened.append(str(err))
        else:
            opened.append("opened")

    openers = [threading.Thread(target=open_store) for _ in range(8)]
    for opener in openers:
        opener.start()
    for opener in openers:
        opener.join()
    assert opened == ["opened"] * 8
    assert Store(store_url).runs() == 0


class Locked:
    """A DB-API connection whose first ``busy`` statements find the file locked."""

    def __init__(self, busy: int, error: str = "database is locked") -> None:
        self.busy, self.error, self.tried = busy, error, 0

    def execute(self, sql: str) -> None:
        self.tried += 1
        if self.tried <= self.busy:
            raise sqlite3.OperationalError(self.error)


def test_sqlite_refusing_wal_at_once_is_tried_again_not_told_as_a_broken_store() -> None:
    """Found by CI (one run in sixty, 8 runs opening a new store together): switching a
    new SQLite file to WAL, or opening it while the last connection to it closes,
    answers "database is locked" without waiting for the connection's timeout."""
    busy = Locked(busy=3)
    store_module._write_ahead(busy)
    assert busy.tried == 4
    other = Locked(busy=1, error="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
        store_module._write_ahead(other)
    assert other.tried == 1


def test_many_new_sqlite_stores_opened_by_several_at_once_all_open(tmp_path: Path) -> None:
    """The race above, forty times on new files (it failed about once in sixty rounds)."""
    failed = []
    for round_ in range(40):
        url = f"sqlite:///{tmp_path / f'store-{round_}.sqlite'}"
        together = threading.Barrier(8, timeout=60)

        def open_store(url: str = url, together: threading.Barrier = together) -> None:
            together.wait()
            try:
                Store(url)
            except InputError as err:
                failed.append(str(err))

        openers = [threading.Thread(target=open_store) for _ in range(8)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join()
    assert failed == []


def test_long_and_mixed_case_segments_are_kept_and_listed_alike(
        tmp_path: Path, store_url: str) -> None:
    """No length limit on what the store keeps, and alerts listed in code-point order
    whatever the database's collation (a linguistic one puts 'north' before 'South')."""
    office = "Regional office " + "x" * 450
    data = [[f"{region[0]}{i}", "2025-05-01" if i < 3 else "2025-06-01", "2025-06-10", region]
            for region in ("north", "South", office) for i in range(5)]
    raised = run(tmp_path / "catalogue", COLUMNS, STANDARD, data, store=store_url).record.alerts
    listed = [a.key for a in Store(store_url).alerts()]
    assert listed == sorted(a.key for a in raised) == [
        "T-01:breach:all", f"T-01:breach:region={office}", "T-01:breach:region=South",
        "T-01:breach:region=north"]


def test_check_keeps_its_store_beside_the_standards_by_default(tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    run(folder, COLUMNS, STANDARD, rows(2, 3))  # writes the catalogue; no store
    cli = CliRunner()
    for expected in ("new", "ongoing"):
        done = cli.invoke(app, ["check", "--standards", str(folder), "--out", str(tmp_path / "o"),
                                "--format", "json"])
        assert done.exit_code == 1, done.output
        assert f'"state": "{expected}"' in done.output
    assert (folder / ".compliance" / "store.sqlite").is_file()
    listed = cli.invoke(app, ["alerts", "--standards", str(folder), "--state", "all"])
    assert "3 alert(s)." in listed.output


def monthly(late_by_month: dict[str, int]) -> list[list[Any]]:
    """Five North claims decided on the 10th of each month, some of them late."""
    out = []
    for month, late in late_by_month.items():
        for i in range(5):
            lodged = f"{month}-01" if i >= late else "2025-01-01"
            out.append([f"{month}-{i}", lodged, f"{month}-10", "North"])
    return out


def test_three_breached_months_raise_one_escalation_that_stays_one(
        tmp_path: Path, store_url: str) -> None:
    standard = {**STANDARD, "segments": []}
    two = run(tmp_path / "a", COLUMNS, standard, monthly({"2025-04": 2, "2025-05": 2}),
              store=store_url, as_of="2025-05-31").record.alerts
    assert [a.kind for a in two] == ["breach"]  # two months: not yet
    three = monthly({"2025-04": 2, "2025-05": 2, "2025-06": 2})
    alerts = run(tmp_path / "a", COLUMNS, standard, three, store=store_url).record.alerts
    assert sorted((a.kind, a.state.value) for a in alerts) == [
        ("breach", "ongoing"), ("escalation", "new")]
    escalation = next(a for a in alerts if a.kind == "escalation")
    assert escalation.key == "T-01:escalation:all" and escalation.severity == "critical"
    assert escalation.message.startswith(
        "Escalation: breached for 3 consecutive periods (2025-04 to 2025-06). T-01 Test "
        "standard: breach in 2025-06. 60.0% (3 of 5) against a target of at least 80%")
    assert escalation.evidence["consecutive_breaches"] == 3
    # A fourth breached month: still one escalation, ongoing.
    four = monthly({"2025-04": 2, "2025-05": 2, "2025-06": 2, "2025-07": 2})
    alerts = run(tmp_path / "a", COLUMNS, standard, four, store=store_url,
                 as_of="2025-07-31").record.alerts
    assert sorted((a.kind, a.state.value) for a in alerts) == [
        ("breach", "ongoing"), ("escalation", "ongoing")]
    # A month met in between breaks the run: no escalation for three breaches not in a row.
    broken = monthly({"2025-04": 2, "2025-05": 0, "2025-06": 2, "2025-07": 2})
    alerts = run(tmp_path / "b", COLUMNS, standard, broken, as_of="2025-07-31").record.alerts
    assert [a.kind for a in alerts] == ["breach"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_postgresql_store_says_so_without_the_password() -> None:
    pytest.importorskip("psycopg")
    port = _closed_port()
    url = f"postgresql+psycopg://analyst:s3cret@127.0.0.1:{port}/compliance"
    done = CliRunner().invoke(app, ["alerts", "--store", url])
    assert done.exit_code == 2, done.output
    assert (f"cannot open the store postgresql+psycopg://analyst:***@127.0.0.1:{port}/"
            "compliance: the server is not reachable; the driver said: ") in done.output
    assert "(check the host and port in --store, and that the server is running" \
        in done.output
    assert "s3cret" not in done.output and "Traceback" not in done.output


def test_an_unknown_store_driver_suggests_the_supported_ones() -> None:
    url = "postgres://analyst:s3cret@db.example/compliance"
    done = CliRunner().invoke(app, ["alerts", "--store", url])
    assert done.exit_code == 2, done.output
    assert ("cannot open the store postgres://analyst:***@db.example/compliance: unknown "
            "database driver 'postgres' (did you mean 'postgresql+psycopg'? supported: "
            "postgresql+psycopg, sqlite)") in done.output
    assert "s3cret" not in done.output


def test_a_file_that_is_not_a_store_is_named(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a database, " * 100, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'notes.txt'}"
    done = CliRunner().invoke(app, ["alerts", "--store", url])
    assert done.exit_code == 2, done.output
    assert f"cannot open the store {url}: the file is not an SQLite database" in done.output


def test_a_missing_postgresql_database_is_named(postgres_server: postgres.Server) -> None:
    url = postgres_server.url.set(database="no_such_store")
    done = CliRunner().invoke(app, ["alerts", "--store",
                                    url.render_as_string(hide_password=False)])
    assert done.exit_code == 2, done.output
    assert (f"cannot open the store {url.render_as_string(hide_password=True)}: the "
            "database does not exist") in done.output
    assert "(create it (createdb NAME) or name an existing database in --store)" \
        in done.output


def test_a_postgresql_login_refused_is_an_authentication_failure(
        postgres_server: postgres.Server) -> None:
    url = postgres_server.url.set(username="no_such_analyst", password="s3cret")
    done = CliRunner().invoke(app, ["alerts", "--store",
                                    url.render_as_string(hide_password=False)])
    assert done.exit_code == 2, done.output
    assert (f"cannot open the store {url.render_as_string(hide_password=True)}: "
            "authentication failed") in done.output
    assert "(check the user name and password in --store, or in ~/.pgpass or PGPASSWORD)" \
        in done.output
    assert "s3cret" not in done.output
