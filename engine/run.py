"""The pipeline, in order: load → read → measure → decide → track → report.

:func:`check` is the Python API behind ``compliance check``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import glob
import importlib
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine import __version__, backend
from engine.load import load_catalogue
from engine.model.catalogue import Catalogue
from engine.model.dataset import Dataset
from engine.model.dataset import Demand as DemandSpec
from engine.model.results import (
    DatasetRecord,
    FileRecord,
    FilterRecord,
    NotificationRecord,
    RunInfo,
    RunRecord,
    StandardRecord,
)
from engine.model.standard import Standard, demand_for
from engine.model.tracking import Demand
from engine.notify import send
from engine.privacy import columns_of, protect, protect_alerts, protect_rejects
from engine.problems import InputError, Problem, unknown_name_hint
from engine.progress import SILENT, Progress
from engine.read.extract import Extract, TooManyRejects, read_dataset, resolve_files
from engine.read.sources import SUFFIXES, Kind
from engine.read.spill import Spill
from engine.report import reject_rows, write_outputs, write_rejects

if TYPE_CHECKING:
    from engine.measure import Case, Context, Measured

# What a run needs only once an extract is read: Ibis and its DuckDB backend, the
# measure kinds, the decision layer and tracking, pandas (which pyarrow and Ibis import
# for the first in-memory table) and SciPy (the forecasts' t quantile). Some 0.8 s of
# imports, made in a thread while the first extract is read (Polars parses without
# holding the GIL): see _Engine.
_AFTER_READING = ("ibis.backends.duckdb", "pandas", "engine.measure", "engine.decide",
                  "engine.track", "scipy.special")

DEFAULT_STANDARDS = Path("standards")
_URI = r"^[A-Za-z][A-Za-z0-9+.-]+:"  # hdfs://…, file:/… (two letters or more: not C:)


@dataclass
class Outcome:
    record: RunRecord
    catalogue: Catalogue
    extracts: dict[str, Extract]
    written: list[Path] = field(default_factory=list)


def check(standards: Path | str = DEFAULT_STANDARDS, *, data: dict[str, str] | None = None,
          as_of: dt.date | None = None, out: Path | str | None = None,
          only: list[str] | None = None, store: str | None = None, notify: bool = True,
          history: str | None = None, reports: list[str] | None = None,
          progress: Progress = SILENT, engine: str = "duckdb",
          spark_master: str | None = None, pseudonym_key: bytes | None = None,
          spill_over: int | None = None, spill_dir: Path | None = None) -> Outcome:
    """Run every standard (or ``only`` those ids) against its dataset's extracts.

    ``data`` maps a dataset name to a file or glob that replaces its declared files.
    ``store`` is an SQLAlchemy URL of the store that keeps alerts across runs (see
    :mod:`engine.store`); without one, every alert is ``new``. With a store and
    ``notify``, new and resolved alerts go to the alert policy's receivers, if it names
    any (:mod:`engine.notify`); without a store nothing is sent, since every alert would
    look new on every run. Improvement tracking reads earlier runs' results from
    ``history`` (default: the ``store``) without recording this run in it. ``reports``
    ('xlsx', 'html') are written into ``out`` beside the files; the store keeps the whole
    record so ``compliance report`` can rebuild them later. ``progress`` hears of each
    stage (:mod:`engine.progress`). With a ``pseudonym_key``, case ids are pseudonymised
    in everything the run keeps and writes (:mod:`engine.privacy`). Datasets are checked
    one at a time, each let go before the next is read; a dataset whose parsed rows pass
    ``spill_over`` bytes (default: a quarter of the memory the run may use) is kept on
    disk in ``spill_dir`` (default: the system's temporary folder), see
    :mod:`engine.read.spill`.
    Raises :class:`InputError` — exit code 2 for invalid standards or usage, 3 for
    unreadable data or a measure that cannot be computed on its rows.
    """
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    catalogue = load_catalogue(standards)
    as_of = as_of or catalogue.settings.as_of or dt.date.today()
    chosen = _choose(catalogue, only)
    spill = Spill.default(spill_over, Path(spill_dir) if spill_dir is not None else None)
    with _Engine(engine, spark_master, catalogue, as_of) as query_engine:
        checked = _check_datasets(catalogue, chosen, data or {}, query_engine,
                                  Path(out) if out is not None else None, progress,
                                  pseudonym_key, spill)
    from engine.decide import decide_results, trajectory_alerts
    from engine.measure import describe_measure
    from engine.track import track_standards

    extracts, late = checked.extracts, checked.late
    measured = [checked.measured[s.id] for s in chosen]
    progress.start("Deciding and tracking", 1)
    progress.step("alerts, improvement goals, demand")
    results, alerts = decide_results(measured, catalogue, as_of, late)
    if store is not None or history is not None:
        from engine.store import Store  # SQLAlchemy is imported only for a store

        kept = Store(store) if store is not None else None
        earlier = kept if history is None else Store(history)
    else:
        kept = earlier = None
    tracking, impacts = track_standards(
        catalogue, results, earlier.history(s.id for s in chosen) if earlier else [], as_of)
    alerts += trajectory_alerts(tracking, catalogue)
    policy = catalogue.sources.get("policy")
    record = RunRecord(
        run=RunInfo(id=uuid.uuid4().hex, as_of=as_of, started_at=started,
                    engine_version=__version__, standards_digest=catalogue.digest,
                    standards_path=str(catalogue.root),
                    alert_policy_sha256=policy.sha256 if policy else None,
                    institution=catalogue.settings.institution),
        datasets=[_dataset_record(e) for _, e in sorted(extracts.items())],
        standards=[
            StandardRecord(
                id=m.standard.id, title=m.standard.title, statement=m.standard.statement,
                attribute=m.standard.attribute.value, owner=m.standard.owner,
                measure=describe_measure(m.standard), version=m.standard.version,
                sha256=catalogue.source_of(m.standard).sha256,
                path=str(catalogue.source_of(m.standard).path), dataset=m.standard.dataset,
                population=m.standard.population, rows_in_population=m.rows_in_population,
                rows_outside_population=m.rows_outside_population, excluded=m.excluded,
            )
            for m in measured
        ],
        results=results,
        alerts=alerts,
        tracking=tracking,
        initiatives=impacts,
        demand=checked.demand,
        publication=catalogue.settings.publication,
    )
    progress.finish()
    rejected = reject_rows(extracts)
    # Personal values withheld, case ids pseudonymised with a key: before anything keeps them.
    record, rejected = protect(record, rejected, catalogue, pseudonym_key)
    if kept is not None:
        # One transaction: the run, its results, the alert states and its record.
        record = record.model_copy(update={"alerts": kept.record(
            record, rejected, lambda alerts: protect_alerts(alerts, catalogue, pseudonym_key))})
        receivers = catalogue.policy.notify
        if notify and receivers is not None:
            sent = [NotificationRecord(**dataclasses.asdict(d))
                    for d in send(record.alerts, receivers, run=record.run)]
            record = record.model_copy(update={"notifications": sent})
            kept.keep(record)  # the kept record gains the notifications sent
    outcome = Outcome(record, catalogue, extracts)
    if out is not None:
        progress.start("Writing", 1)
        progress.step(str(out))
        # One set, results.json last (engine.report.files.write_set).
        outcome.written = write_outputs(Path(out), record, rejected, reports or ())
        progress.finish()
    return outcome


def _named(std: Standard) -> str:
    return f"{std.id} {std.title}"


def _choose(catalogue: Catalogue, only: list[str] | None) -> list[Standard]:
    if not only:
        return list(catalogue.standards.values())
    unknown = [s for s in only if s not in catalogue.standards]
    if unknown:
        raise InputError([Problem(None, f"unknown standard '{s}'",
                                  hint=unknown_name_hint(s, catalogue.standards, "standards"))
                          for s in unknown])
    return [catalogue.standards[s] for s in only]


class _Engine:
    """The query engine the measures run on. On DuckDB, the modules the measures need
    (:data:`_AFTER_READING`) are imported in a thread from the start of the reading, and
    the connection is made when a dataset is first measured, its extract read (a run
    stopped by its data never connects). Spark connects at once, as its session may do
    the reading. Leaving the ``with`` waits for the imports, however the run ends."""

    def __init__(self, name: str, master: str | None, catalogue: Catalogue,
                 as_of: dt.date) -> None:
        self.name, self.master, self.catalogue, self.as_of = name, master, catalogue, as_of
        self._context: Context | None = None
        self._importing = threading.Thread(target=_import_later, name="imports", daemon=True)

    def __enter__(self) -> _Engine:
        if self.name == "duckdb":
            self._importing.start()
        else:  # an unknown engine is refused here, before any file is read
            self.context()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._importing.is_alive():  # a run stopped early does not leave imports behind
            self._importing.join()

    @property
    def spark(self) -> Any:
        """The Spark backend, which reads files named by a URI; None on DuckDB."""
        return self.context().backend if self.name == "spark" else None

    def context(self) -> Context:
        if self._context is None:
            if self._importing.is_alive():
                self._importing.join()
            from engine.measure import Context

            settings = self.catalogue.settings
            self._context = Context(self.as_of, settings.calendar, settings.fiscal_year_start,
                                    backend.connect(self.name, master=self.master))
        return self._context


def _import_later() -> None:
    for name in _AFTER_READING:
        # A module that fails to import is imported again where it is used: told there.
        with contextlib.suppress(Exception):
            importlib.import_module(name)


@dataclass
class _Checked:
    """Each dataset's extract (its rows released), and its standards' measures, open
    cases and demand."""

    extracts: dict[str, Extract] = field(default_factory=dict)
    measured: dict[str, Measured] = field(default_factory=dict)
    late: dict[str, list[Case]] = field(default_factory=dict)
    demand: list[Demand] = field(default_factory=list)


def _check_datasets(catalogue: Catalogue, chosen: list[Standard], data: dict[str, str],
                    query_engine: _Engine, out: Path | None, progress: Progress,
                    pseudonym_key: bytes | None, spill: Spill | None = None) -> _Checked:
    """One dataset at a time: read it, measure all its standards and select their open
    cases, then let its rows go, so that only one extract is ever held in memory. Every
    unreadable file is gathered before the run stops (exit 3)."""
    problems = [Problem(None, f"--data names an unknown dataset '{name}'",
                        hint=unknown_name_hint(name, catalogue.datasets, "datasets"))
                for name in data if name not in catalogue.datasets]
    if problems:
        raise InputError(problems, exit_code=2)
    checked, codes = _Checked(), set()
    for name in sorted({s.dataset for s in chosen}):
        ds = catalogue.datasets[name]
        mine = [s for s in chosen if s.dataset == name]
        demand = demand_for(ds.demand, [s.period for s in mine])
        progress.start(f"Checking {name}", 1 + 2 * len(mine) + (demand is not None))
        progress.step("reading")
        extract = None
        try:
            spark = query_engine.spark
            extract = _read(ds, _paths(ds, name, data, catalogue.root, spark),
                            query_engine.as_of, spark, spill)
            if not problems:  # once the run must stop, measuring would be wasted
                _measure(extract, mine, demand, query_engine.context(), catalogue, checked,
                         progress)
        except InputError as err:  # gather every unreadable file before stopping
            problems.extend(err.problems)
            codes.add(err.exit_code)
            if isinstance(err, TooManyRejects):  # keep its rejects: they show what to fix
                extract = err.extract
        except BaseException:
            if extract is not None:  # rows left on Spark go with the run (a cached view)
                extract.released()
            raise
        finally:
            progress.finish()
        if extract is not None:
            checked.extracts[name] = extract.released()
            del extract  # before the next dataset is read
    if problems:
        if out is not None and checked.extracts:
            write_rejects(out, protect_rejects(reject_rows(checked.extracts),
                                               columns_of(catalogue), pseudonym_key))
        # A mistake in the standards or the command (2) is the first to put right.
        raise InputError(problems, exit_code=min(codes))
    return checked


def _measure(extract: Extract, standards: list[Standard], demand: DemandSpec | None,
             ctx: Context, catalogue: Catalogue, checked: _Checked, progress: Progress
             ) -> None:
    from engine.measure import measure_standard, open_cases
    from engine.measure.volume import volumes
    from engine.track import forecast_demand

    ds, table = extract.dataset, extract.rows
    try:
        for s in standards:
            progress.step(f"measuring {_named(s)}")
            with _on_the_data(s.id, ctx):
                checked.measured[s.id] = measure_standard(s, ds, table, ctx)
        for s in standards:
            progress.step(f"open cases {_named(s)}")
            with _on_the_data(s.id, ctx):
                checked.late[s.id] = open_cases(s, ds, table, ctx, catalogue.policy_for(s))
        if demand is not None:
            progress.step("demand")
            with _on_the_data(f"the demand of dataset '{ds.name}'", ctx):
                counted, left_out = volumes(ds, demand, table, ctx)
            checked.demand.append(forecast_demand(ds.name, demand, counted, left_out,
                                                  ctx.as_of))
    finally:
        ctx.tables.clear()
        backend.release(ctx.backend)


@contextlib.contextmanager
def _on_the_data(what: str, ctx: Context) -> Iterator[None]:
    """A query that fails on the rows themselves (a calculation that overflows, a value
    out of range) stops the run with exit 3 and says what failed, not a traceback."""
    try:
        yield
    except backend.data_errors(ctx.backend) as error:
        raise InputError([Problem(None, f"{what}: cannot be computed on this extract "
                                  f"({str(error).splitlines()[0][:300]})", hint=(
                                      "a calculation overflowed or a value is out of range "
                                      "on these rows: check the standard's expressions "
                                      "against the values in the extract"))],
                         exit_code=3) from None


def _read(ds: Dataset, sources: list[Path] | str, as_of: dt.date, spark: Any,
          spill: Spill | None = None) -> Extract:
    """On Spark, files named by a URI are read where they lie: Parquet files by Spark
    itself, in pieces (engine.read.spark_parquet), others whole, each by the local reader
    on an executor (engine.read.spark_files, which lists them and tells them apart).
    This machine's Parquet files are Spark's to read too when Spark runs on it (local
    mode); any other local file is read here and handed over, as a cluster's machines may
    not see it (engine.read)."""
    if isinstance(sources, str):
        from engine.read import spark_files  # imports PySpark

        return spark_files.read_dataset(ds, sources, as_of, spark)
    if spark is not None and _spark_is_here(spark) and sources and all(
            SUFFIXES.get(p.suffix.lower()) is Kind.parquet for p in sources):
        from engine.read import spark_parquet

        return spark_parquet.read_dataset(ds, sources, as_of, spark)
    return read_dataset(ds, sources, as_of, spill=spill)


def _spark_is_here(spark: Any) -> bool:
    """Whether Spark runs on this machine (``local[…]``), where it sees the same files."""
    return str(spark._session.sparkContext.master).startswith("local")


def _paths(ds: Dataset, name: str, data: dict[str, str], root: Path, spark: Any
           ) -> list[Path] | str:
    """The dataset's files: its declared ones, or those ``--data`` gives (a glob). On
    Spark, ``--data`` may give a URI (``hdfs://…``, ``s3a://…``, ``file:/…``, maybe a
    glob): it is left for Spark to list, where the files lie."""
    if name not in data:
        return resolve_files(ds, root)
    if spark is not None and re.match(_URI, data[name]):
        return data[name]
    paths = sorted(Path(p) for p in glob.glob(data[name]) if Path(p).is_file())
    if not paths:
        raise InputError([Problem(Path(data[name]), "no such file",
                                  hint=f"check the path given with --data {name}=…")],
                         exit_code=3)  # data not found, as a declared file or a URI
    return paths


def _dataset_record(e: Extract) -> DatasetRecord:
    return DatasetRecord(
        name=e.dataset.name,
        files=[FileRecord(path=f.path, sha256=f.sha256, rows_read=f.rows_read,
                          header_row=f.header_row, sheet=f.sheet,
                          unexpected_columns=f.unexpected_columns) for f in e.files],
        rows_read=e.rows_read, rows_used=e.rows_used, rows_filtered=e.rows_filtered,
        rows_rejected=e.rows_rejected,
        filtered_by=[FilterRecord(rule=k, rows=v) for k, v in e.filtered_by.items()],
        rejected_by=e.rejected_by(),
    )
