"""The store: run history and the alert lifecycle, across runs.

An SQLite file by default (``.compliance/store.sqlite`` beside the standards), or any
SQLAlchemy URL (``postgresql+psycopg://…``): one schema and one set of statements,
SQLAlchemy Core, no ORM.

An alert is identified by its key — standard, kind and segment, not the period — so a
breach that persists is one alert that stays open, not a new one each month. When a
run is recorded:

* a raised alert whose key is open in the store is ``ongoing``;
* a raised alert whose key is not open (never seen, or resolved before) is ``new``;
* an open alert of a standard this run measured that was not raised again is
  ``resolved`` — the result recovered.

Each run is one transaction — the run, its results, the alert states, and (given the
rejected rows) its whole record — that takes the write lock first (``BEGIN IMMEDIATE`` in
SQLite, a transaction-level advisory lock in PostgreSQL, which also serialises creating
the tables of a new store), so concurrent runs against one store are applied one after
the other, none lost, none duplicated, and a run killed at any moment leaves all of
itself or nothing.
Acknowledgements (who, when, a note) belong to the alert and survive re-runs.

Both backends behave alike: times are kept in UTC without a zone, text has no length
limit, segments and evidence are JSON text, and listings are sorted here rather than by
the database's collation. A store that cannot be opened (unknown driver, server not
reachable, authentication failed, no such database) is an :class:`InputError` naming the
URL with its password masked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from engine.model.results import Alert, AlertState, Result, RunRecord
from engine.problems import InputError, Problem, unknown_name_hint
from engine.wording import owner_and_next_step, without_owner_and_next_step

STORE_FOLDER = ".compliance"
STORE_FILE = "store.sqlite"
# The URLs the store is documented and tested with; offered when a driver is unknown.
DRIVERS = ("sqlite", "postgresql+psycopg")

# Free text is TEXT: SQLite ignores a VARCHAR's length and PostgreSQL enforces it, so a
# bounded column would fail on one backend only.
_meta = sa.MetaData()
runs = sa.Table(
    "runs", _meta,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False),  # UTC, without a zone
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("engine_version", sa.Text, nullable=False),
    sa.Column("standards_digest", sa.Text, nullable=False),
    sa.Column("standards", sa.Text, nullable=False),  # JSON list of the ids measured
    sa.Column("results", sa.Integer, nullable=False),
    sa.Column("alerts_raised", sa.Integer, nullable=False),
)
alerts = sa.Table(
    "alerts", _meta,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("standard", sa.Text, nullable=False, index=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("state", sa.String(12), nullable=False, index=True),
    sa.Column("severity", sa.Text, nullable=False),
    sa.Column("period", sa.Text, nullable=False),
    sa.Column("segment", sa.Text, nullable=False),  # JSON object
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),  # JSON object
    # Added with results schema 1.7: null in a row an older engine wrote (_added).
    sa.Column("owner", sa.Text),
    sa.Column("next_step", sa.Text),
    sa.Column("first_run", sa.Text, nullable=False),
    sa.Column("last_run", sa.Text, nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("resolved_at", sa.DateTime),
    sa.Column("acknowledged_by", sa.Text),
    sa.Column("acknowledged_at", sa.DateTime),
    sa.Column("acknowledgement", sa.Text),
)

# Each run's results, as results.json gives them: the history that tracking reads.
results = sa.Table(
    "results", _meta,
    sa.Column("run_id", sa.Text, nullable=False, index=True),
    sa.Column("standard", sa.Text, nullable=False, index=True),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("segment", sa.Text, nullable=False),  # JSON object
    sa.Column("result", sa.Text, nullable=False),  # the Result, as JSON
)

# Each run's whole record (results.json) and its rejected rows, so that
# ``compliance report`` rebuilds the workbook and the statement without recomputing.
records = sa.Table(
    "records", _meta,
    sa.Column("run_id", sa.Text, primary_key=True),
    sa.Column("record", sa.Text, nullable=False),  # the RunRecord, as JSON
    sa.Column("rejects", sa.Text, nullable=False),  # JSON list of the rejected rows
)
# The rejected rows kept per run: enough for the workbook's sheet (rejects.csv has all).
KEPT_REJECTS = 100_000
# Columns added to a table after stores were made: added to an older store as it opens.
_ADDED = {"alerts": ("owner", "next_step")}
# A resolved alert's next step: it asks for nothing more.
RESOLVED_STEP = "none for this alert; close any follow-up opened for it"


class StoredAlert(Alert):
    """An alert as the store holds it: with its lifecycle and acknowledgement."""

    opened_at: dt.datetime
    updated_at: dt.datetime
    resolved_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None
    acknowledgement: str | None = None


def default_url(standards: Path) -> str:
    return f"sqlite:///{(Path(standards) / STORE_FOLDER / STORE_FILE).resolve()}"


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self.engine = _engine(url)
        except (sa.exc.ArgumentError, ImportError, OSError) as err:
            raise InputError([_url_problem(url, err)], exit_code=2) from None
        with self._talking(opening=True), self.engine.begin() as conn:
            _lock(conn)  # two runs creating a new store at once: one creates the tables
            _meta.create_all(conn)
            _added(conn)

    def record(self, record: RunRecord, rejects: list[dict[str, Any]] | None = None,
               shown: Callable[[list[Alert]], list[Alert]] | None = None) -> list[Alert]:
        """Record a run and apply the lifecycle; return every alert with its state: the
        raised ones (new or ongoing) and those this run resolved. The run's record, with
        those states, is kept in the same transaction, as :meth:`keep` would keep it, with
        ``rejects`` (none until :meth:`keep` adds them, if not given). ``shown`` rewrites
        the alerts this run resolves as they may be kept and published (withheld or
        pseudonymised case ids): they come back with the words of the run that raised
        them, where the raised ones are the caller's, already as it wants them."""
        now = _naive(record.run.started_at)
        measured = sorted({s.id for s in record.standards})
        with self._talking(), self.engine.begin() as conn:
            _lock(conn)
            conn.execute(runs.insert().values(
                id=record.run.id, started_at=now, as_of=record.run.as_of,
                engine_version=record.run.engine_version,
                standards_digest=record.run.standards_digest, standards=json.dumps(measured),
                results=len(record.results), alerts_raised=len(record.alerts)))
            if record.results:
                conn.execute(results.insert(), [
                    {"run_id": record.run.id, "standard": r.standard,
                     "period_start": r.period_start, "segment": json.dumps(r.segment),
                     "result": r.model_dump_json()} for r in record.results])
            open_rows = {r.key: r for r in conn.execute(
                sa.select(alerts).where(alerts.c.state != AlertState.resolved.value,
                                        alerts.c.standard.in_(measured)))}
            known = {r.key for r in conn.execute(
                sa.select(alerts.c.key).where(alerts.c.key.in_([a.key for a in record.alerts])))}
            out = []
            for alert in record.alerts:
                state = AlertState.ongoing if alert.key in open_rows else AlertState.new
                values = _values(alert, state, record.run.id, now)
                if alert.key in known:
                    if state is AlertState.new:  # re-opened after a recovery
                        values |= {"first_run": record.run.id, "opened_at": now,
                                   "resolved_at": None, "acknowledged_by": None,
                                   "acknowledged_at": None, "acknowledgement": None}
                    conn.execute(alerts.update().where(alerts.c.key == alert.key)
                                 .values(**values))
                else:
                    conn.execute(alerts.insert().values(
                        key=alert.key, first_run=record.run.id, opened_at=now, **values))
                out.append(alert.model_copy(update={"state": state}))
            raised = {a.key for a in record.alerts}
            resolved = []
            for key in sorted(open_rows):  # rows come in no particular order
                if key in raised:
                    continue
                conn.execute(alerts.update().where(alerts.c.key == key).values(
                    state=AlertState.resolved.value, last_run=record.run.id, updated_at=now,
                    resolved_at=now))
                resolved.append(_resolved(open_rows[key]))
            out += shown(resolved) if shown is not None else resolved
            _keep(conn, record.model_copy(update={"alerts": out}), rejects)
        return out

    def alerts(self, *, states: Iterable[AlertState] = (), standard: str | None = None,
               kind: str | None = None) -> list[StoredAlert]:
        """The alerts kept, by standard then key (in code-point order on every backend:
        a database's collation may sort 'north' before 'South')."""
        query = sa.select(alerts)
        if states:
            query = query.where(alerts.c.state.in_([s.value for s in states]))
        if standard:
            query = query.where(alerts.c.standard == standard)
        if kind:
            query = query.where(alerts.c.kind == kind)
        with self._talking(), self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_stored(r) for r in sorted(rows, key=lambda r: (r.standard, r.key))]

    def acknowledge(self, key: str, by: str, note: str | None,
                    when: dt.datetime | None = None) -> StoredAlert:
        when = _naive(when or dt.datetime.now(dt.UTC))
        with self._talking(), self.engine.begin() as conn:
            _lock(conn)
            done = conn.execute(alerts.update().where(alerts.c.key == key).values(
                acknowledged_by=by, acknowledged_at=when, acknowledgement=note))
            if done.rowcount == 0:
                raise InputError([Problem(None, f"no alert with the key '{key}'",
                                          hint="list them with: compliance alerts")],
                                 exit_code=2)
            row = conn.execute(sa.select(alerts).where(alerts.c.key == key)).one()
        return _stored(row)

    def history(self, standards: Iterable[str]) -> list[tuple[str, Result]]:
        """Earlier runs' results of these standards, newest run first, each with where it
        came from ('run 1a2b3c4d, as of 2025-05-31')."""
        wanted = sorted(set(standards))
        query = (sa.select(results.c.result, runs.c.id, runs.c.as_of, runs.c.started_at)
                 .join(runs, runs.c.id == results.c.run_id)
                 .where(results.c.standard.in_(wanted)))
        with self._talking(), self.engine.connect() as conn:
            rows = list(conn.execute(query).all())
        rows.sort(key=lambda r: (r.as_of, r.started_at, r.id), reverse=True)
        return [(f"run {r.id[:8]}, as of {r.as_of}", Result.model_validate_json(r.result))
                for r in rows]

    def keep(self, record: RunRecord, rejects: list[dict[str, Any]] | None = None) -> None:
        """Keep the run's final record (alert states and notifications included) and up to
        :data:`KEPT_REJECTS` of its rejected rows, for ``compliance report``; a record
        kept already (by :meth:`record`) is replaced, its rejected rows kept unless
        ``rejects`` are given."""
        with self._talking(), self.engine.begin() as conn:
            _lock(conn)
            _keep(conn, record, rejects)

    def stored(self, run_id: str | None = None) -> tuple[RunRecord, list[dict[str, Any]]]:
        """A kept run's record and rejected rows: the latest run (by as-of date, then
        start), or the one whose id starts with ``run_id``."""
        query = (sa.select(records.c.run_id, records.c.record, records.c.rejects,
                           runs.c.as_of, runs.c.started_at)
                 .join(runs, runs.c.id == records.c.run_id))
        if run_id:
            query = query.where(records.c.run_id.startswith(run_id, autoescape=True))
        with self._talking(), self.engine.connect() as conn:
            rows = list(conn.execute(query).all())
        if not rows or (run_id and len(rows) > 1):
            what = (f"no run whose id starts with '{run_id}'" if run_id and not rows else
                    f"{len(rows)} runs start with '{run_id}'" if run_id else
                    "no run is kept in this store")
            hint = ("give more of the id: compliance report --list shows them" if rows else
                    "run compliance check first (with a store), or give --results PATH")
            raise InputError([Problem(None, f"{what} ({_safe(self.url)})", hint=hint)],
                             exit_code=2)
        row = max(rows, key=lambda r: (r.as_of, r.started_at, r.run_id))
        return RunRecord.model_validate_json(row.record), json.loads(row.rejects)

    def kept_runs(self) -> list[Any]:
        """Every kept run (id, as_of, started_at, results, alerts_raised), newest first."""
        query = (sa.select(runs.c.id, runs.c.as_of, runs.c.started_at, runs.c.results,
                           runs.c.alerts_raised)
                 .join(records, records.c.run_id == runs.c.id))
        with self._talking(), self.engine.connect() as conn:
            rows = list(conn.execute(query).all())
        return sorted(rows, key=lambda r: (r.as_of, r.started_at, r.id), reverse=True)

    def runs(self) -> int:
        with self._talking(), self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(runs)).scalar_one())

    @contextmanager
    def _talking(self, *, opening: bool = False) -> Iterator[None]:
        """Failing to reach or use the store is the user's to fix: an InputError. Once
        open, an error the table does not know is left as it is, to be reported."""
        try:
            yield
        except sa.exc.DBAPIError as err:
            problem = _database_problem(self.url, err)
            if problem is None and opening:
                problem = Problem(None, f"cannot open the store {_safe(self.url)}: "
                                  f"{_first_line(err.orig, self.url)}", hint=_CHECK_STORE)
            if problem is None:
                raise
            raise InputError([problem], exit_code=2) from None


def _engine(url: str) -> sa.Engine:
    # No pool: a run opens the store, records and is done; pooled connections would only
    # linger on the server.
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args = {}
        if parsed.get_driver_name() in ("psycopg", "psycopg2") \
                and "connect_timeout" not in parsed.query:
            # A server that drops packets would otherwise hang a run for minutes.
            connect_args["connect_timeout"] = 10
        # READ COMMITTED whatever the server's default_transaction_isolation: each
        # statement after the advisory lock must see the run committed before it. Under
        # REPEATABLE READ the snapshot is taken at the lock's own statement, before the
        # lock was granted, and a run would miss the states the run it waited for wrote.
        isolation = {"isolation_level": "READ COMMITTED"} \
            if parsed.get_backend_name() == "postgresql" else {}
        return sa.create_engine(url, poolclass=NullPool, connect_args=connect_args,
                                **isolation)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": _BUSY_WAIT})

    # pysqlite begins transactions lazily, at the first write; take the write lock at the
    # start instead, so that a run reads the alert states it then updates (SQLAlchemy's
    # documented recipe for serializable SQLite transactions).
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        _write_ahead(dbapi_connection)

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


_BUSY_WAIT = 60  # seconds an SQLite store waits for another run's lock


def _write_ahead(dbapi_connection: Any) -> None:
    """Put the SQLite file in WAL mode. SQLite answers "database is locked" at once,
    without waiting for its timeout, when a new file is switched to WAL while another
    run opens it, or while the last connection to it cleans up as it closes
    (sqlite.org/wal.html): runs started together on a new store failed one time in
    sixty. Tried again, briefly, for as long as a lock is waited for."""
    deadline, pause = time.monotonic() + _BUSY_WAIT, 0.005
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.1)


def _keep(conn: sa.Connection, record: RunRecord, rejects: list[dict[str, Any]] | None
          ) -> None:
    values: dict[str, Any] = {"record": record.model_dump_json()}
    if rejects is not None:
        values["rejects"] = json.dumps(rejects[:KEPT_REJECTS], ensure_ascii=False)
    done = conn.execute(records.update().where(records.c.run_id == record.run.id)
                        .values(**values))
    if done.rowcount == 0:
        conn.execute(records.insert().values(run_id=record.run.id,
                                             **{"rejects": "[]", **values}))


# Any fixed 64-bit number will do; every store process must use the same one.
_ADVISORY_LOCK = int.from_bytes(b"alerts\x00\x01", "big")


def _lock(conn: sa.Connection) -> None:
    """Serialise writers. SQLite's BEGIN IMMEDIATE already has; PostgreSQL takes an
    advisory lock held to the end of the transaction: unlike LOCK TABLE, it can be taken
    before the tables exist."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_LOCK)))


# What went wrong, in plain words: by the server's SQLSTATE when it answered, else by the
# driver's words (libpq gives no SQLSTATE when it cannot reach the server at all).
_DATABASE_PROBLEMS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (("28P01", "28000"), r"authentication failed|no password supplied|pg_hba\.conf|"
     r"role .* does not exist", "authentication failed",
     "check the user name and password in --store, or in ~/.pgpass or PGPASSWORD"),
    (("3D000",), r"database .* does not exist", "the database does not exist",
     "create it (createdb NAME) or name an existing database in --store"),
    (("42501",), r"permission denied", "the user may not create or change the store's tables",
     "grant it CREATE on the schema, GRANT CREATE ON SCHEMA public TO …, or use a "
     "database it owns"),
    (("57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"),
     r"could not connect|connection (to server|refused|timed out)|timeout expired|"
     r"could not translate host name|server closed the connection|Is the server running",
     "the server is not reachable",
     "check the host and port in --store, and that the server is running and accepts "
     "connections from this machine"),
    ((), r"unable to open database file|readonly database|disk I/O error",
     "the SQLite file cannot be opened or written",
     "check the path in --store and that its folder is writable"),
    ((), r"file is not a database", "the file is not an SQLite database",
     "name the store's file in --store, or a new one"),
)
_CHECK_STORE = ("check --store (an SQLAlchemy URL, or leave it out for the SQLite file "
                "beside the standards)")


def _database_problem(url: str, err: sa.exc.DBAPIError) -> Problem | None:
    orig = err.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    detail = _first_line(orig, url)
    for codes, words, what, hint in _DATABASE_PROBLEMS:
        if (code and code in codes) or re.search(words, detail, re.IGNORECASE):
            return Problem(None, f"cannot open the store {_safe(url)}: {what}; the driver "
                           f"said: {detail}", hint=hint)
    return None


def _url_problem(url: str, err: Exception) -> Problem:
    """A store URL that cannot even make an engine: malformed, unknown driver, driver
    not installed, or a folder that cannot be made."""
    where = f"cannot open the store {_safe(url)}"
    if isinstance(err, sa.exc.NoSuchModuleError):
        driver = sa.make_url(url).drivername
        return Problem(None, f"{where}: unknown database driver '{driver}'",
                       hint=unknown_name_hint(driver, DRIVERS, "supported"))
    if isinstance(err, sa.exc.ArgumentError):
        return Problem(None, f"{where}: not a store URL",
                       hint="--store takes an SQLAlchemy URL, e.g. "
                       "sqlite:///path/to/store.sqlite or postgresql+psycopg://user@host/db")
    if isinstance(err, ImportError):
        return Problem(None, f"{where}: its driver is not installed ({err})",
                       hint="install it; for PostgreSQL, use postgresql+psycopg://… and "
                       "pip install 'service-standards-engine[postgresql]'")
    return Problem(None, f"{where}: {_first_line(err, url)}",
                   hint="check the path in --store and that its folder can be created")


def _first_line(err: BaseException | None, url: str) -> str:
    """The error's first line, without the password in case a driver repeats it."""
    text = (str(err).strip().splitlines() or [""])[0]
    password = _password(url)
    return text.replace(password, "***") if password else text


def _password(url: str) -> str | None:
    try:
        return sa.make_url(url).password
    except sa.exc.ArgumentError:
        return None


def _added(conn: sa.Connection) -> None:
    """Add to a store made by an older engine the columns added since (:data:`_ADDED`),
    each nullable: its rows keep what they had."""
    inspector = sa.inspect(conn)
    for table, names in _ADDED.items():
        have = {c["name"] for c in inspector.get_columns(table)}
        for name in names:
            if name not in have:
                conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {name} TEXT"))


def _values(alert: Alert, state: AlertState, run_id: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "standard": alert.standard, "kind": alert.kind, "state": state.value,
        "severity": alert.severity, "period": alert.period,
        "segment": json.dumps(alert.segment, sort_keys=True), "message": alert.message,
        "evidence": json.dumps(alert.evidence, sort_keys=True, default=str),
        "owner": alert.owner, "next_step": alert.next_step,
        "last_run": run_id, "updated_at": now,
    }


def _resolved(row: Any) -> Alert:
    """The alert a run resolves, in words to forward as they are: what it was (without
    the next step it asked for, now done with), its owner, and nothing more to do."""
    owner = row.owner or ""
    was = without_owner_and_next_step(row.message, owner, row.next_step or "")
    return Alert(key=row.key, standard=row.standard, kind=row.kind,
                 state=AlertState.resolved, severity=row.severity, period=row.period,
                 segment=json.loads(row.segment), owner=owner, next_step=RESOLVED_STEP,
                 message=f"Resolved: {row.standard} no longer raises this {row.kind} alert "
                 f"(last raised for {row.period}). It was: {was} "
                 f"{owner_and_next_step(owner, RESOLVED_STEP)}",
                 evidence=json.loads(row.evidence))


def _stored(row: Any) -> StoredAlert:
    return StoredAlert(
        key=row.key, standard=row.standard, kind=row.kind, state=AlertState(row.state),
        severity=row.severity, period=row.period, segment=json.loads(row.segment),
        owner=row.owner or "", next_step=row.next_step or "",
        message=row.message, evidence=json.loads(row.evidence), opened_at=row.opened_at,
        updated_at=row.updated_at, resolved_at=row.resolved_at,
        acknowledged_by=row.acknowledged_by, acknowledged_at=row.acknowledged_at,
        acknowledgement=row.acknowledgement)


def _naive(moment: dt.datetime) -> dt.datetime:
    """Stored in UTC without a zone: SQLite keeps no zone, and both stores then agree."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return repr(url)
