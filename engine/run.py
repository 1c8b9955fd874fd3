"""The pipeline, in order: load → read → measure → decide → track → report.

:func:`check` is the Python API behind ``compliance check``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from engine import __version__, backend
from engine.decide import decide_results, trajectory_alerts
from engine.load import load_catalogue
from engine.measure import Context, describe_measure, measure_standard, open_cases
from engine.measure.volume import demand_for, volumes
from engine.model.catalogue import Catalogue
from engine.model.results import (
    DatasetRecord,
    FileRecord,
    FilterRecord,
    NotificationRecord,
    RunInfo,
    RunRecord,
    StandardRecord,
)
from engine.model.standard import Standard
from engine.model.tracking import Demand
from engine.notify import send
from engine.privacy import columns_of, protect, protect_rejects
from engine.problems import InputError, Problem, unknown_name_hint
from engine.progress import SILENT, Progress, stage
from engine.read.extract import Extract, TooManyRejects, read_dataset, resolve_files
from engine.report import reject_rows, write_outputs, write_rejects, write_reports
from engine.store import Store
from engine.track import forecast_demand, track_standards

DEFAULT_STANDARDS = Path("standards")


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
          spark_master: str | None = None, pseudonym_key: bytes | None = None) -> Outcome:
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
    stage (:mod:`engine.progress`).
    Raises :class:`InputError` — exit code 2 for invalid standards or usage, 3 for
    unreadable data.
    """
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    catalogue = load_catalogue(standards)
    as_of = as_of or catalogue.settings.as_of or dt.date.today()
    chosen = _choose(catalogue, only)
    extracts = _read(catalogue, {s.dataset for s in chosen}, data or {}, as_of,
                     Path(out) if out is not None else None, progress, pseudonym_key)

    ctx = Context(as_of, catalogue.settings.calendar, catalogue.settings.fiscal_year_start,
                  backend.connect(engine, master=spark_master))
    measured = [
        measure_standard(s, catalogue.datasets[s.dataset], extracts[s.dataset].table, ctx)
        for s in stage(progress, "Measuring", chosen, _named)
    ]
    late = {s.id: open_cases(s, catalogue.datasets[s.dataset], extracts[s.dataset].table, ctx,
                             catalogue.policy_for(s))
            for s in stage(progress, "Open cases", chosen, _named)}
    progress.start("Deciding and tracking", 1)
    progress.step("alerts, improvement goals, demand")
    results, alerts = decide_results(measured, catalogue, as_of, late)
    kept = Store(store) if store is not None else None
    earlier = kept if history is None else Store(history)
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
        demand=_demand(catalogue, chosen, extracts, ctx),
        publication=catalogue.settings.publication,
    )
    progress.finish()
    rejected = reject_rows(extracts)
    # Personal values withheld, case ids pseudonymised with a key: before anything keeps them.
    record, rejected = protect(record, rejected, catalogue, pseudonym_key)
    if kept is not None:
        record = record.model_copy(update={"alerts": kept.record(record)})
        receivers = catalogue.policy.notify
        if notify and receivers is not None:
            sent = [NotificationRecord(**dataclasses.asdict(d))
                    for d in send(record.alerts, receivers, run=record.run)]
            record = record.model_copy(update={"notifications": sent})
        kept.keep(record, rejected)
    outcome = Outcome(record, catalogue, extracts)
    if out is not None:
        progress.start("Writing", 1)
        progress.step(str(out))
        outcome.written = write_outputs(Path(out), record, rejected)
        if reports:
            outcome.written += write_reports(Path(out), record, rejected, reports)
        progress.finish()
    return outcome


def _named(std: Standard) -> str:
    return f"{std.id} {std.title}"


def _demand(catalogue: Catalogue, chosen: list[Standard], extracts: dict[str, Extract],
            ctx: Context) -> list[Demand]:
    """Each dataset's cases per period, and the forecast ahead."""
    out = []
    for name, extract in sorted(extracts.items()):
        ds = catalogue.datasets[name]
        demand = demand_for(ds, [s.period for s in chosen if s.dataset == name])
        if demand is not None:
            counted, left_out = volumes(ds, demand, extract.table, ctx)
            out.append(forecast_demand(name, demand, counted, left_out, ctx.as_of))
    return out


def _choose(catalogue: Catalogue, only: list[str] | None) -> list[Standard]:
    if not only:
        return list(catalogue.standards.values())
    unknown = [s for s in only if s not in catalogue.standards]
    if unknown:
        raise InputError([Problem(None, f"unknown standard '{s}'",
                                  hint=unknown_name_hint(s, catalogue.standards, "standards"))
                          for s in unknown])
    return [catalogue.standards[s] for s in only]


def _read(catalogue: Catalogue, names: set[str], data: dict[str, str], as_of: dt.date,
          out: Path | None, progress: Progress = SILENT, pseudonym_key: bytes | None = None
          ) -> dict[str, Extract]:
    problems: list[Problem] = []
    for name in data:
        if name not in catalogue.datasets:
            problems.append(Problem(None, f"--data names an unknown dataset '{name}'",
                                    hint=unknown_name_hint(name, catalogue.datasets, "datasets")))
    if problems:
        raise InputError(problems, exit_code=2)
    extracts: dict[str, Extract] = {}
    for name in stage(progress, "Reading", sorted(names)):
        ds = catalogue.datasets[name]
        if name in data:
            paths = sorted(Path(p) for p in glob.glob(data[name]) if Path(p).is_file())
            if not paths:
                problems.append(Problem(Path(data[name]), "no such file",
                                        hint=f"check the path given with --data {name}=…"))
                continue
        else:
            paths = resolve_files(ds, catalogue.root)
        try:
            extracts[name] = read_dataset(ds, paths, as_of)
        except TooManyRejects as err:  # keep its rejects: they show what to fix
            problems.extend(err.problems)
            extracts[name] = err.extract
        except InputError as err:  # gather every unreadable file before stopping
            problems.extend(err.problems)
    if problems:
        if out is not None and extracts:
            write_rejects(out, protect_rejects(reject_rows(extracts), columns_of(catalogue),
                                               pseudonym_key))
        raise InputError(problems, exit_code=3)
    return extracts


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
