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

Each run's lifecycle change is one transaction that takes the write lock first
(``BEGIN IMMEDIATE`` in SQLite, a transaction-level advisory lock in PostgreSQL, which
also serialises creating the tables of a new store), so concurrent runs against one store
are applied one after the other: none is lost, none is duplicated.
Acknowledgements (who, when, a note) belong to the alert and survive re-runs.

Both backends behave alike: times are kept in UTC without a zone, text has no length
limit, segments and evidence are JSON text, and listings are sorted here rather than by
the database's collation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from engine.model.results import Alert, AlertState, RunRecord
from engine.problems import InputError, Problem

STORE_FOLDER = ".compliance"
STORE_FILE = "store.sqlite"

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
    sa.Column("first_run", sa.Text, nullable=False),
    sa.Column("last_run", sa.Text, nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("resolved_at", sa.DateTime),
    sa.Column("acknowledged_by", sa.Text),
    sa.Column("acknowledged_at", sa.DateTime),
    sa.Column("acknowledgement", sa.Text),
)


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
            with self.engine.begin() as conn:
                _lock(conn)  # two runs creating a new store at once: one creates the tables
                _meta.create_all(conn)
        except (sa.exc.SQLAlchemyError, ImportError, OSError) as err:
            raise InputError([Problem(None, f"cannot open the store {_safe(url)}: {err}",
                                      hint="check --store (an SQLAlchemy URL, or leave it "
                                      "out for the SQLite file beside the standards)")],
                             exit_code=2) from None

    def record(self, record: RunRecord) -> list[Alert]:
        """Record a run and apply the lifecycle; return every alert with its state: the
        raised ones (new or ongoing) and those this run resolved."""
        now = _naive(record.run.started_at)
        measured = sorted({s.id for s in record.standards})
        with self.engine.begin() as conn:
            _lock(conn)
            conn.execute(runs.insert().values(
                id=record.run.id, started_at=now, as_of=record.run.as_of,
                engine_version=record.run.engine_version,
                standards_digest=record.run.standards_digest, standards=json.dumps(measured),
                results=len(record.results), alerts_raised=len(record.alerts)))
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
            for key in sorted(open_rows):  # rows come in no particular order
                if key in raised:
                    continue
                conn.execute(alerts.update().where(alerts.c.key == key).values(
                    state=AlertState.resolved.value, last_run=record.run.id, updated_at=now,
                    resolved_at=now))
                out.append(_resolved(open_rows[key]))
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
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [_stored(r) for r in sorted(rows, key=lambda r: (r.standard, r.key))]

    def acknowledge(self, key: str, by: str, note: str | None,
                    when: dt.datetime | None = None) -> StoredAlert:
        when = _naive(when or dt.datetime.now(dt.UTC))
        with self.engine.begin() as conn:
            _lock(conn)
            done = conn.execute(alerts.update().where(alerts.c.key == key).values(
                acknowledged_by=by, acknowledged_at=when, acknowledgement=note))
            if done.rowcount == 0:
                raise InputError([Problem(None, f"no alert with the key '{key}'",
                                          hint="list them with: compliance alerts")],
                                 exit_code=2)
            row = conn.execute(sa.select(alerts).where(alerts.c.key == key)).one()
        return _stored(row)

    def runs(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(runs)).scalar_one())


def _engine(url: str) -> sa.Engine:
    # No pool: a run opens the store, records and is done; pooled connections would only
    # linger on the server.
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, poolclass=NullPool)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": 60})

    # pysqlite begins transactions lazily, at the first write; take the write lock at the
    # start instead, so that a run reads the alert states it then updates (SQLAlchemy's
    # documented recipe for serializable SQLite transactions).
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


# Any fixed 64-bit number will do; every store process must use the same one.
_ADVISORY_LOCK = int.from_bytes(b"alerts\x00\x01", "big")


def _lock(conn: sa.Connection) -> None:
    """Serialise writers. SQLite's BEGIN IMMEDIATE already has; PostgreSQL takes an
    advisory lock held to the end of the transaction: unlike LOCK TABLE, it can be taken
    before the tables exist."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_LOCK)))


def _values(alert: Alert, state: AlertState, run_id: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "standard": alert.standard, "kind": alert.kind, "state": state.value,
        "severity": alert.severity, "period": alert.period,
        "segment": json.dumps(alert.segment, sort_keys=True), "message": alert.message,
        "evidence": json.dumps(alert.evidence, sort_keys=True, default=str),
        "last_run": run_id, "updated_at": now,
    }


def _resolved(row: Any) -> Alert:
    return Alert(key=row.key, standard=row.standard, kind=row.kind,
                 state=AlertState.resolved, severity=row.severity, period=row.period,
                 segment=json.loads(row.segment),
                 message=f"Resolved: {row.standard} no longer raises this {row.kind} alert "
                 f"(last raised for {row.period}). It was: {row.message}",
                 evidence=json.loads(row.evidence))


def _stored(row: Any) -> StoredAlert:
    return StoredAlert(
        key=row.key, standard=row.standard, kind=row.kind, state=AlertState(row.state),
        severity=row.severity, period=row.period, segment=json.loads(row.segment),
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
