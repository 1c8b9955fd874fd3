"""``compliance``: the command line. Parses arguments, calls the library, formats, exits.

Exit codes: 0 nothing failed under --fail-on, 1 breaches (or warnings) found or a
standard without rows in the period of the as-of date, 2 invalid standards or usage,
3 unreadable data.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from engine.problems import InputError
from engine.progress import SILENT, Progress

app = typer.Typer(
    add_completion=False, no_args_is_help=False, rich_markup_mode=None,
    help="Check service performance against published service standards.",
)
out_console = Console()
err_console = Console(stderr=True)

StandardsOpt = Annotated[Path, typer.Option("--standards", "-s",
                                            help="The standards folder.")]
StoreOpt = Annotated[str | None, typer.Option(
    "--store", help="SQLAlchemy URL of the alert store (default: an SQLite file in "
    ".compliance/ beside the standards; e.g. postgresql+psycopg://user@host/db).")]


PseudonymiseOpt = Annotated[bool, typer.Option(
    "--pseudonymise", help="Name every case by its pseudonym instead of its id, in every "
    "output: results.json, alerts.csv, cases.csv, rejects.csv, the workbook, the console, "
    "notifications and the store's copy of the run (the store keeps the run as published; "
    "cases.csv still gives each case's file and row). The pseudonym is P- and the first 16 "
    "hex digits of HMAC-SHA256 of the id under the key in $COMPLIANCE_PSEUDONYM_KEY or "
    "--pseudonym-key-file: at least 32 hex digits, never read from the standards folder "
    "nor written anywhere. The same key gives the same pseudonyms on every run.")]
KeyFileOpt = Annotated[Path | None, typer.Option(
    "--pseudonym-key-file", help="Read the pseudonym key (hex digits) from this file "
    "instead of $COMPLIANCE_PSEUDONYM_KEY (implies --pseudonymise); not inside the "
    "standards folder or --out.")]


def _pseudonym_key(wanted: bool, key_file: Path | None, *folders: Path) -> bytes | None:
    from engine.privacy import read_key

    if not wanted and key_file is None:
        return None
    return read_key(key_file, not_under=folders)


def _store_url(url: str | None, standards: Path) -> str:
    from engine.store import default_url

    return url or default_url(standards)


class FailOn(StrEnum):
    breach = "breach"
    warning = "warning"
    never = "never"


class Format(StrEnum):
    table = "table"
    json = "json"


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def _report_problems(err: InputError) -> None:
    for problem in err.problems:
        err_console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    count = len(err.problems)
    what = f"{count} problem{'' if count == 1 else 's'}"
    ending = ": the data could not be read." if err.exit_code == 3 \
        else " found; fix them and run again."
    err_console.print(what + ending, style="bold red", highlight=False)


@contextmanager
def _progress() -> Iterator[Progress]:
    """Progress bars on the terminal's standard error; silent when it is not a terminal."""
    from engine.report.progress_bars import progress_for

    bars = progress_for(err_console)
    if bars is None:
        yield SILENT
        return
    with bars:
        yield bars


def _parse_data(values: list[str]) -> dict[str, str]:
    data: dict[str, str] = {}
    for item in values:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise typer.BadParameter(f"'{item}' should be NAME=PATH, e.g. claims=june.csv",
                                     param_hint="--data")
        name = name.strip()
        if name in data:  # the last would silently replace the first: a month left out
            raise typer.BadParameter(
                f"{name} is given twice ({data[name]}, {path.strip()}); give it once, with a "
                f"pattern for several files, e.g. {name}='extracts/{name}-*.csv'",
                param_hint="--data")
        data[name] = path.strip()
    return data


def _parse_size(value: str | None) -> int | None:
    from engine.read.spill import parse_size

    if value is None:
        return None
    size = parse_size(value)
    if size is None:
        raise typer.BadParameter(f"'{value}' is not a size; write it as a number of bytes "
                                 "with MB or GB, e.g. 4GB or 500MB", param_hint="--spill-over")
    return size


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date; write it as YYYY-MM-DD, "
                                 "e.g. 2025-06-30", param_hint="--as-of") from None


@app.command()
def check(
    standards: StandardsOpt = Path("standards"),
    data: Annotated[list[str] | None, typer.Option(
        "--data", "-d", help="NAME=PATH: read this file for dataset NAME, once per dataset "
        "(several files: a glob, 'claims-*.csv'); with --engine spark, a URI too (hdfs://…, "
        "s3a://…), read where it lies.")] = None,
    as_of: Annotated[str | None, typer.Option(
        help="The extracts' as-of date (YYYY-MM-DD); default catalogue.yaml's, or today.")] = None,
    out: Annotated[Path, typer.Option(help="Where to write results.json, alerts.csv, "
                                      "rejects.csv.")] = Path("out"),
    output_format: Annotated[Format, typer.Option("--format", help="table or json.")
                             ] = Format.table,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 on any breach (default), any "
                                            "warning or breach, or never. A standard "
                                            "without rows in the period of the as-of date "
                                            "exits 1 too, unless never.")] = FailOn.breach,
    standard: Annotated[list[str] | None, typer.Option(
        "--standard", help="Only this standard (repeatable).")] = None,
    all_periods: Annotated[bool, typer.Option(
        "--all-periods", help="Show every period, not only each standard's latest.")] = False,
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Keep no alert history: every alert is new.")] = False,
    no_notify: Annotated[bool, typer.Option(
        "--no-notify", help="Send no notifications this run (a re-run, a backfill).")] = False,
    report: Annotated[str | None, typer.Option(
        "--report", help="Also write these reports into --out: xlsx (the internal "
        "workbook), html (the public performance statement), or xlsx,html.")] = None,
    engine: Annotated[Engine, typer.Option(
        "--engine", help="The query engine: duckdb (embedded) or spark (PySpark: "
        "pip install 'service-standards-engine[spark]').")] = Engine.duckdb,
    spark_master: Annotated[str | None, typer.Option(
        "--spark-master", help="Spark master URL (default: Spark's configuration, "
        "else local[2]).")] = None,
    pseudonymise: PseudonymiseOpt = False,
    key_file: KeyFileOpt = None,
    spill_over: Annotated[str | None, typer.Option(
        "--spill-over", help="Keep a dataset's rows on disk once they pass this size in "
        "memory, e.g. 4GB (default: a quarter of the machine's memory, or of the "
        "container's limit).")] = None,
    spill_dir: Annotated[Path | None, typer.Option(
        "--spill-dir", help="Where rows kept on disk go (default: the system's temporary "
        "folder, TMPDIR); it needs room for about the extract's size.")] = None,
) -> None:
    """Run the standards against the extracts and report verdicts and alerts."""
    from engine.report import parse_formats, render_results, results_json, summary_line
    from engine.run import check as run_check

    try:
        reports = parse_formats(report) if report is not None else None
        key = _pseudonym_key(pseudonymise, key_file, standards, out)
        with _progress() as progress:
            outcome = run_check(standards, data=_parse_data(data or []),
                                as_of=_parse_date(as_of), out=out, only=standard,
                                store=None if no_store else _store_url(store, standards),
                                notify=not no_notify, reports=reports, progress=progress,
                                engine=engine.value, spark_master=spark_master,
                                pseudonym_key=key, spill_over=_parse_size(spill_over),
                                spill_dir=spill_dir)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    record = outcome.record
    if output_format is Format.json:
        sys.stdout.write(results_json(record))
    else:
        render_results(record, out_console, all_periods=all_periods)
        tracked = summary_line(record)
        if tracked:
            out_console.print(tracked, highlight=False, soft_wrap=True)
        for ds in record.datasets:
            out_console.print(
                f"{ds.name}: {ds.rows_read:,} rows read = {ds.rows_used:,} used + "
                f"{ds.rows_filtered:,} filtered + {ds.rows_rejected:,} rejected",
                highlight=False)
            for f in ds.files:
                if f.unexpected_columns:
                    out_console.print(
                        f"  {f.path}: columns not declared in the dataset (ignored): "
                        f"{', '.join(f.unexpected_columns)}", highlight=False, soft_wrap=True)
        out_console.print(f"Written: {', '.join(str(p) for p in outcome.written)}",
                          highlight=False, soft_wrap=True)
    verdicts = {r.verdict.value for r in record.results}
    failing = {"breach": {"breach"}, "warning": {"breach", "warning"}, "never": set()}[fail_on]
    # A standard with no rows in the period of the as-of date has no figure to publish (an
    # extract of only its header, or last month's file): a scheduled run does not pass.
    unmeasured = fail_on is not FailOn.never and any(
        a.kind == "no_data" and a.state != "resolved" for a in record.alerts)
    raise typer.Exit(1 if verdicts & failing or unmeasured else 0)


@app.command()
def track(
    standards: StandardsOpt = Path("standards"),
    data: Annotated[list[str] | None, typer.Option(
        "--data", "-d", help="NAME=PATH: read this file (or glob) for dataset NAME.")] = None,
    as_of: Annotated[str | None, typer.Option(
        help="The extracts' as-of date (YYYY-MM-DD); default catalogue.yaml's, or today.")] = None,
    standard: Annotated[list[str] | None, typer.Option(
        "--standard", help="Only this standard (repeatable).")] = None,
    store: StoreOpt = None,
    no_store: Annotated[bool, typer.Option(
        "--no-store", help="Use only the periods in the extracts, not earlier runs.")] = False,
    output_format: Annotated[Format, typer.Option("--format", help="table or json.")
                             ] = Format.table,
    periods: Annotated[int, typer.Option(min=1, help="Periods shown in each chart.")] = 12,
    whole: Annotated[bool, typer.Option(
        "--whole-only", help="Only the whole population, not each segment.")] = False,
) -> None:
    """Improvement goals (path, status, forecast), initiatives' impact and demand ahead.

    History is this run's periods plus earlier runs' from the store; this command
    records nothing and sends nothing.
    """
    from engine.report import render_tracking
    from engine.run import check as run_check

    try:
        with _progress() as progress:
            outcome = run_check(standards, data=_parse_data(data or []),
                                as_of=_parse_date(as_of), only=standard, store=None,
                                notify=False, progress=progress,
                                history=None if no_store else _store_url(store, standards))
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    record = outcome.record
    if output_format is Format.json:
        sys.stdout.write(json.dumps({
            "run": record.run.model_dump(mode="json"),
            "tracking": [t.model_dump(mode="json") for t in record.tracking],
            "initiatives": [i.model_dump(mode="json") for i in record.initiatives],
            "demand": [d.model_dump(mode="json") for d in record.demand],
        }, indent=2, ensure_ascii=False) + "\n")
    else:
        render_tracking(record, out_console, periods=periods, segments=not whole)


@app.command()
def report(
    standards: StandardsOpt = Path("standards"),
    store: StoreOpt = None,
    run: Annotated[str | None, typer.Option(
        "--run", help="The run's id, or its first characters (default: the latest run "
        "kept in the store).")] = None,
    results: Annotated[Path | None, typer.Option(
        "--results", help="Build from this results.json instead of the store (rejects.csv "
        "beside it fills the Rejects sheet).")] = None,
    out: Annotated[Path, typer.Option(help="Where to write report.xlsx and report.html.")
                   ] = Path("out"),
    formats: Annotated[str, typer.Option(
        "--format", help="xlsx, html, or xlsx,html.")] = "xlsx,html",
    suppress_below: Annotated[int | None, typer.Option(
        min=0, help="In the public statement, suppress cells with fewer cases than this "
        "(default: catalogue.yaml's publication.suppress_below when the run was made; "
        "0 suppresses nothing).")] = None,
    list_runs: Annotated[bool, typer.Option(
        "--list", help="List the runs kept in the store, newest first.")] = False,
    pseudonymise: Annotated[bool, typer.Option(
        "--pseudonymise", help="Name cases by their pseudonyms in the workbook, for a run "
        "made without --pseudonymise (one made with it has them already); needs the "
        "--standards the run was made with, and the key as for compliance check.")] = False,
    key_file: KeyFileOpt = None,
) -> None:
    """Build the Excel workbook and the HTML performance statement from a stored run,
    without recomputing anything."""
    from engine.report import parse_formats, write_reports
    from engine.report.stored import read_results
    from engine.store import Store

    try:
        if list_runs:
            kept = Store(_store_url(store, standards)).kept_runs()
            for r in kept:
                out_console.print(f"{r.id}  as of {r.as_of}, run {r.started_at:%Y-%m-%d %H:%M} "
                                  f"UTC: {r.results} results, {r.alerts_raised} alerts",
                                  highlight=False)
            out_console.print(f"{len(kept)} run(s) kept.", highlight=False)
            return
        chosen = parse_formats(formats, "--format")
        if results is not None:
            record, rejects = read_results(results)
        else:
            record, rejects = Store(_store_url(store, standards)).stored(run)
        key = _pseudonym_key(pseudonymise, key_file, standards, out)
        if key is not None:  # a run made without --pseudonymise, published with it
            from engine.load import load_catalogue
            from engine.privacy import protect

            record, rejects = protect(record, rejects, load_catalogue(standards), key)
        written = write_reports(out, record, rejects, chosen, suppress_below=suppress_below)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    out_console.print(f"Run {record.run.id[:8]}, as of {record.run.as_of}. Written: "
                      f"{', '.join(str(p) for p in written)}", highlight=False, soft_wrap=True)


@app.command()
def pseudonym(
    ids: Annotated[list[str], typer.Argument(help="Case ids, as the extract writes them.")],
    key_file: Annotated[Path | None, typer.Option(
        "--pseudonym-key-file", help="Read the key (hex digits) from this file instead of "
        "$COMPLIANCE_PSEUDONYM_KEY.")] = None,
) -> None:
    """Print the pseudonym of each case id, as --pseudonymise names it with the same key."""
    from engine.privacy import pseudonym as derive
    from engine.privacy import read_key

    try:
        key = read_key(key_file)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    for case_id in ids:
        out_console.print(f"{case_id}\t{derive(key, case_id)}", markup=False,
                          highlight=False, soft_wrap=True)


@app.command()
def validate(standards: StandardsOpt = Path("standards")) -> None:
    """Check a standards folder: every problem, each with file:line:col."""
    from engine.load import load_catalogue

    try:
        catalogue = load_catalogue(standards)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    out_console.print(f"{standards}: {len(catalogue.standards)} standards and "
                      f"{len(catalogue.datasets)} datasets are valid.", highlight=False)


@app.command()
def docs(
    standards: StandardsOpt = Path("standards"),
    features: Annotated[Path, typer.Option(
        help="The folder of .feature files whose scenarios specify the standards.")
    ] = Path("features"),
    out: Annotated[Path, typer.Option(help="Where to write catalogue.md and catalogue.html.")
                   ] = Path("out"),
) -> None:
    """Build the standards catalogue (Markdown and HTML) from the standards and features."""
    from engine.docs import write_docs

    try:
        written = write_docs(standards, features, out)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    out_console.print(f"Written: {', '.join(str(p) for p in written)}", highlight=False,
                      soft_wrap=True)


@app.command()
def explain(
    standard: Annotated[str, typer.Argument(help="The standard's id, e.g. BEN-01.")],
    standards: StandardsOpt = Path("standards"),
    sql: Annotated[bool, typer.Option("--sql/--no-sql", help="Show the query it runs.")
                   ] = True,
) -> None:
    """Explain a standard: plain words, target history, and the query it runs."""
    from engine.explain import explain as explain_standard

    try:
        text = explain_standard(standards, standard, sql=sql)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    out_console.print(text, markup=False, highlight=False, soft_wrap=True, end="")


alerts_app = typer.Typer(add_completion=False, rich_markup_mode=None,
                         help="List and acknowledge the alerts kept in the store.")
app.add_typer(alerts_app, name="alerts")


class StateFilter(StrEnum):
    open = "open"
    new = "new"
    ongoing = "ongoing"
    resolved = "resolved"
    all = "all"


@alerts_app.callback(invoke_without_command=True)
def alerts_list(
    ctx: typer.Context,
    standards: StandardsOpt = Path("standards"),
    store: StoreOpt = None,
    state: Annotated[StateFilter, typer.Option(help="open (new or ongoing, the default), "
                                               "new, ongoing, resolved or all.")
                     ] = StateFilter.open,
    standard: Annotated[str | None, typer.Option(help="Only this standard's alerts.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only alerts of this kind, e.g. breach.")
                    ] = None,
) -> None:
    """List alerts: key, state, severity, period, acknowledgement and the message."""
    if ctx.invoked_subcommand is not None:
        return
    from engine.model.results import AlertState
    from engine.store import Store

    if state is StateFilter.open:
        states = [AlertState.new, AlertState.ongoing]
    else:
        states = [] if state is StateFilter.all else [AlertState(state.value)]
    try:
        found = Store(_store_url(store, standards)).alerts(states=states, standard=standard,
                                                           kind=kind)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    for a in found:
        ack = (f"; acknowledged by {a.acknowledged_by} on {a.acknowledged_at:%Y-%m-%d %H:%M}"
               + (f": {a.acknowledgement}" if a.acknowledgement else "")
               if a.acknowledged_by else "")
        out_console.print(f"{a.key}  [{a.state.value}, {a.severity}, {a.period}{ack}]",
                          markup=False, highlight=False, soft_wrap=True)
        out_console.print(f"  {a.message}", markup=False, highlight=False, soft_wrap=True)
    out_console.print(f"{len(found)} alert(s).", highlight=False)


@alerts_app.command("ack")
def alerts_ack(
    key: Annotated[str, typer.Argument(help="The alert's key, as listed.")],
    by: Annotated[str, typer.Option("--by", help="Who acknowledges it.")],
    note: Annotated[str | None, typer.Option(help="What is being done about it.")] = None,
    standards: StandardsOpt = Path("standards"),
    store: StoreOpt = None,
) -> None:
    """Acknowledge an alert: who, when (now) and a note. It stays until it resolves."""
    from engine.store import Store

    try:
        done = Store(_store_url(store, standards)).acknowledge(key, by, note)
    except InputError as err:
        _report_problems(err)
        raise typer.Exit(err.exit_code) from None
    out_console.print(f"Acknowledged {done.key} ({done.state.value}) by {done.acknowledged_by}.",
                      markup=False, highlight=False)


@app.command()
def schema(
    what: Annotated[str, typer.Argument(help="standard, dataset, catalogue, policy or "
                                        "results")] = "standard",
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of the "
                                             "screen.")] = None,
) -> None:
    """Print the JSON Schema of a standard, a dataset, catalogue.yaml, alert-policy.yaml or
    results.json."""
    from pydantic import BaseModel

    from engine.model import Dataset, Settings, Standard
    from engine.model.policy import AlertPolicy
    from engine.model.results import RunRecord

    models: dict[str, type[BaseModel]] = {
        "standard": Standard, "dataset": Dataset, "catalogue": Settings,
        "policy": AlertPolicy, "results": RunRecord,
    }
    if what not in models:
        err_console.print(f"unknown schema '{what}'; choose one of: {', '.join(models)}",
                          soft_wrap=True)
        raise typer.Exit(2)
    text = json.dumps(models[what].model_json_schema(by_alias=True), indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        from engine.report.files import write_atomic

        write_atomic(out, text.encode())
        out_console.print(f"Written: {out}", highlight=False, soft_wrap=True)


INTERNAL_ERROR = 4


def main() -> None:
    fewer_collections()
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        err_console.print("Interrupted.")
        sys.exit(130)
    except Exception as error:  # a fault in the engine, never in the user's files
        sys.exit(_internal_error(error))


def fewer_collections() -> None:
    """Run Python's cycle collector once allocations outnumber frees by 50,000, not 700.
    A run makes hundreds of thousands of small objects (modules imported, query
    expressions, a record for each open case) and frees nearly all of them as their last
    reference goes, so most collections find nothing; each holds the GIL meanwhile. On
    10M-row extracts the default ran it 1,178 times, 0.37 s; this runs it 15 times,
    0.15 s. Memory is not held longer: a full collection after each dataset is let go
    frees nothing of the large ones (bench/README.md). Set by the command, which owns its
    process (and by ``bench.stages`` and ``bench.decide``, which time it): the library,
    :func:`engine.run.check`, leaves its host's settings alone."""
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


def _internal_error(error: Exception) -> int:
    """Say so in one paragraph, keep the traceback in a file for whoever fixes it, and
    exit 4: not 1, which means breaches were found."""
    import tempfile
    import traceback

    with tempfile.NamedTemporaryFile("w", prefix="compliance-error-", suffix=".txt",
                                     delete=False) as log:
        traceback.print_exception(error, file=log)
    err_console.print(f"Internal error: {type(error).__name__}: {error}. This is a fault in "
                      f"the engine, not in your standards or data. The details are in "
                      f"{log.name}: please send them with the command you ran.",
                      markup=False, highlight=False, soft_wrap=True)
    return INTERNAL_ERROR
