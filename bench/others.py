"""``python -m bench.others``: BEN-01 and SAT-01 in Great Expectations and Soda Core.

The same workload as the shipped-catalogue benchmark's, cut down to two standards that
the other tools can express, on the same cached extracts (``bench/.cache/claims-N.csv``
and ``survey-N.csv``):

* **BEN-01** — "at least 85% of claims decided in 2025-05 in region North were decided
  within 28 days" (population: not death grants, not withdrawn), and the same for every
  month of decision × region (and the whole population);
* **SAT-01** — "at least 85% of the answered 2025-Q2 responses score 4 or more", and
  the same for every quarter × region (and the whole population).

Each tool runs in a fresh process, twice: ``cells`` (the two headline cells) and
``grid`` (every month × region of BEN-01 and quarter × region of SAT-01, in one
checkpoint or one scan per dataset). The engine runs once, as ``compliance check``
with a standards folder holding only BEN-01, SAT-01 and their two datasets (built in
``bench/.cache/others/standards/`` from the shipped files), and computes every cell.
Great Expectations and Soda Core are imported lazily in their child: a tool that is not
installed is reported as "not installed: …" and the others go on.

    python -m bench.others --rows 1000000                  # with the venv holding GE/Soda
    python -m bench.others --rows 20000 --tools gx,soda    # quick
    python -m bench.others --engine-python /tmp/venv/bin/python

The engine's child runs with ``--engine-python`` (default: ``/tmp/venv/bin/python`` when
it exists, else this interpreter), the GE and Soda children with this interpreter. The
figures go to ``bench/.cache/others-last.json`` and ``others-ROWS.json`` with the
machine and every tool's versions. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import AS_OF, CACHE, ROOT, compliance_check
from bench.record import engine_source, machine

OUT = CACHE / "others"
STANDARDS = ROOT / "standards"
ENGINE_PYTHON = Path("/tmp/venv/bin/python")
TOOLS = ["engine", "gx", "soda"]
WORKLOADS = ["cells", "grid"]
REGIONS = ["North", "South", "East", "West"]
MONTHS = ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
QUARTERS = {"2024-Q4": "2024-10-01", "2025-Q1": "2025-01-01", "2025-Q2": "2025-04-01"}
LIMIT_DAYS = 28
TARGET = 0.85
HEADLINE = [("BEN-01", "2025-05-01", "North"), ("SAT-01", "2025-04-01", "")]
TITLE_ROWS = 3  # the claims CSV's title block: two title rows and a blank one
TOOL_PACKAGES = {
    "engine": ["service-standards-engine", "polars", "duckdb", "pyarrow", "ibis-framework"],
    "gx": ["great_expectations", "pandas", "numpy"],
    "soda": ["soda-core", "soda-core-duckdb", "duckdb"],
}
SHIPPED_RESULTS = CACHE / "shipped" / "engine" / "results.json"


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.others", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000,
                   help="rows of the claims and of the survey extract (default 1,000,000)")
    p.add_argument("--tools", default=",".join(TOOLS), help="from engine, gx, soda (all)")
    p.add_argument("--repeat", type=int, default=3, help="runs per tool and workload (3)")
    p.add_argument("--engine-python", default="",
                   help="the interpreter with the engine installed (default /tmp/venv/bin/python "
                   "if it exists, else this one)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per child (1800)")
    p.add_argument("--child", nargs=2, metavar=("TOOL", "WORKLOAD"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.tools = [t for t in args.tools.split(",") if t]
    if args.rows < 1_000 or args.repeat < 1 or not set(args.tools) <= set(TOOLS):
        p.error("--rows at least 1000; --repeat at least 1; --tools from engine, gx, soda")
    return args


def paths(rows: int) -> dict[str, Path]:
    return {"claims": CACHE / f"claims-{rows}.csv", "client_survey": CACHE / f"survey-{rows}.csv"}


# --- the parent ----------------------------------------------------------------------

def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.child:
        child(args.child[0], args.child[1], args.rows)
        return
    started = time.perf_counter()
    engine_python = args.engine_python or (str(ENGINE_PYTHON) if ENGINE_PYTHON.exists()
                                           else sys.executable)
    files = paths(args.rows)
    if not all(f.exists() for f in files.values()):
        _generate(engine_python, args.rows)
    for name, f in files.items():
        print(f"{f.name}: {f.stat().st_size / 2**20:,.1f} MiB, {args.rows:,} rows ({name})")
    runs = [(t, w) for t in args.tools for w in (["all"] if t == "engine" else WORKLOADS)]
    found: dict[tuple[str, str], dict[str, Any]] = {
        r: {"tool": r[0], "workload": r[1], "runs": [], "error": None} for r in runs}
    print(f"timing {len(runs)} tool runs, {args.repeat} run(s) each, one fresh process per run")
    for i in range(args.repeat):
        for tool, work in runs:
            entry = found[(tool, work)]
            if entry["error"]:
                continue
            print(f"  {tool:<6} {work:<5} run {i + 1}/{args.repeat}", end=" … ", flush=True)
            python = engine_python if tool == "engine" else sys.executable
            run, error = _run_child(python, tool, work, args.rows, args.timeout)
            if run is None:
                entry["error"] = error
                print(error, flush=True)
                continue
            entry["runs"].append({k: v for k, v in run.items() if k != "cells"})
            entry["cells"], entry["versions"] = run["cells"], run.get("versions", {})
            entry["notes"] = run.get("notes", [])
            print(f"{run['process_seconds']:.2f} s, peak {run['peak_mib']:,.0f} MiB", flush=True)
    listed = found.get(("engine", "all"), {}).get("cells")
    engine = {_key(c): c for c in listed} if listed is not None else None
    if engine is None and SHIPPED_RESULTS.exists():
        engine = _shipped_cells(args.rows)
        if engine is not None:
            print(f"engine cells from {SHIPPED_RESULTS} (same rows)")
    shipped_same = _compare_shipped(engine, args.rows) if listed is not None else ""
    rows = 2 * args.rows
    print()
    print("\n".join(table(args.rows, list(found.values()), engine)))
    if shipped_same:
        print(shipped_same)
    total = time.perf_counter() - started
    name = f"others-{args.rows}.json"
    print(f"\nwhole run: {total:,.1f} s; figures in {CACHE / 'others-last.json'} and {name}")
    figures = {
        "when": dt.datetime.now().isoformat(timespec="seconds"), "suite": "others",
        "rows": args.rows, "data_rows": rows, "repeat": args.repeat,
        "files": {k: str(v) for k, v in files.items()}, "machine": machine(),
        "interpreters": {"engine": engine_python, "gx": sys.executable, "soda": sys.executable},
        "engine_source": engine_source(), "headline": HEADLINE,
        "tools": [_summary(e, rows, engine) for e in found.values()],
        "shipped_results": shipped_same, "total_seconds": round(total, 1),
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2, default=str) + "\n"
    for file in ("others-last.json", name):
        (CACHE / file).write_text(text)


def _generate(engine_python: str, rows: int) -> None:
    """The extracts, by the shipped benchmark's generators (which need Polars)."""
    print(f"generating the {rows:,}-row claims and survey extracts with {engine_python}")
    code = ("import sys; from bench.extracts import ensure_claims, ensure_survey; "
            "n = int(sys.argv[1]); ensure_claims(n, 'csv', False); ensure_survey(n, 'csv', False)")
    subprocess.run([engine_python, "-c", code, str(rows)], cwd=ROOT, check=True)


def _run_child(python: str, tool: str, work: str, rows: int,
               timeout: float) -> tuple[dict[str, Any] | None, str]:
    env = dict(os.environ, GX_ANALYTICS_ENABLED="false")
    if tool == "soda":  # Soda Core sends usage statistics unless its config file says no
        home = OUT / "soda-home"
        (home / ".soda").mkdir(parents=True, exist_ok=True)
        (home / ".soda" / "config.yml").write_text("send_anonymous_usage_stats: false\n")
        env["HOME"] = str(home)
    command = [python, "-m", "bench.others", "--child", tool, work, "--rows", str(rows)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout, check=False, env=env)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        return None, f"failed: {tail[0][:300]}"
    run: dict[str, Any] = json.loads(lines[-1])
    if run.get("error"):
        return None, run["error"]
    run["process_seconds"] = seconds
    return run, ""


# --- the report ----------------------------------------------------------------------

def _key(cell: dict[str, Any]) -> str:
    return f"{cell['standard']} {cell['period_start']} {cell['region'] or '(all)'}"


def _agreement(cells: list[dict[str, Any]], engine: dict[str, dict[str, Any]] | None
               ) -> dict[str, Any]:
    """Each cell's value against the engine's: the same share (to 1e-9 points; Soda's
    built-in percentages are rounded to 2 decimals, so to 0.005 there), and the same
    counts where the tool reports them."""
    if engine is None:
        return {"compared": 0, "same": 0, "differ": []}
    same, differ = 0, []
    for cell in cells:
        mine = engine.get(_key(cell))
        if mine is None:
            differ.append({"cell": _key(cell), "tool": cell["value"], "engine": None})
            continue
        tolerance = 0.005 if cell.get("rounded") else 1e-9
        ok = cell["value"] is not None and abs(cell["value"] - mine["value"]) <= tolerance
        if ok and cell.get("denominator") is not None:
            ok = (cell["numerator"], cell["denominator"]) == (mine["numerator"],
                                                              mine["denominator"])
        if ok:
            same += 1
        else:
            differ.append({"cell": _key(cell), "tool": cell["value"],
                           "tool_counts": [cell.get("numerator"), cell.get("denominator")],
                           "engine": mine["value"],
                           "engine_counts": [mine["numerator"], mine["denominator"]]})
    return {"compared": len(cells), "same": same, "differ": differ}


def _summary(entry: dict[str, Any], rows: int, engine: dict[str, dict[str, Any]] | None
             ) -> dict[str, Any]:
    runs = entry["runs"]
    best = min((r["process_seconds"] for r in runs), default=None)
    out = {k: entry.get(k) for k in ("tool", "workload", "error", "versions", "notes")}
    out |= {
        "best_seconds": best,
        "median_seconds": statistics.median(r["process_seconds"] for r in runs) if runs else None,
        "median_work_seconds": statistics.median(r["seconds"] for r in runs) if runs else None,
        "rows_per_second": rows / best if best else None,
        "peak_mib": max((r["peak_mib"] for r in runs), default=None), "runs": runs,
        "cells": entry.get("cells"),
    }
    if entry.get("cells") is not None and entry["tool"] != "engine":
        out["agreement"] = _agreement(entry["cells"], engine)
        if engine is not None:
            out["agreement"]["max_delta_points"] = _max_delta(entry["cells"], engine)
    return out


def _shown(cell: dict[str, Any] | None, engine: dict[str, dict[str, Any]] | None) -> str:
    if cell is None:
        return "—"
    value = "n/a" if cell["value"] is None else f"{cell['value']:.2f}%"
    verdict = "pass" if cell.get("passed") else "FAIL"
    if engine is None or _key(cell) not in engine:
        return f"{value} {verdict}"
    theirs = engine[_key(cell)]
    if not _agreement([cell], engine)["differ"]:
        return f"{value} {verdict} (= engine)"
    counts = f" {cell['numerator']}/{cell['denominator']}" if cell.get("denominator") else ""
    return f"{value}{counts} {verdict} (engine {theirs['value']:.2f}% " \
        f"{theirs['numerator']}/{theirs['denominator']})"


def _max_delta(cells: list[dict[str, Any]], engine: dict[str, dict[str, Any]]) -> float:
    """The largest difference, in percentage points, from the engine's value."""
    return max((abs(c["value"] - engine[_key(c)]["value"]) for c in cells
                if c["value"] is not None and _key(c) in engine), default=0.0)


def _difference(d: dict[str, Any]) -> str:
    def one(value: float | None, counts: list[int | None] | None) -> str:
        shown = "n/a" if value is None else f"{value:.2f}%"
        return shown + (f" {counts[0]}/{counts[1]}" if counts and counts[1] is not None
                        else "")
    return f"{d['cell']}: {one(d['tool'], d.get('tool_counts'))} vs engine " \
        f"{one(d['engine'], d.get('engine_counts'))}"


def table(rows: int, entries: list[dict[str, Any]],
          engine: dict[str, dict[str, Any]] | None) -> list[str]:
    data_rows = 2 * rows
    head = ["tool", "workload", "best s", "median s", "rows/s", "peak MiB",
            "BEN-01 2025-05 North", "SAT-01 2025-Q2", "cells = engine", "max Δ points"]
    lines = [f"BEN-01 and SAT-01 — {rows:,} claims + {rows:,} survey rows, fresh process "
             "per run (start-up, imports, reading the CSV, validating)", "",
             "| " + " | ".join(head) + " |",
             "| " + " | ".join("---" if i < 2 else "---:" for i in range(len(head))) + " |"]
    for e in entries:
        if e["error"] or not e["runs"]:
            lines.append(f"| {e['tool']} | {e['workload']} | {e['error'] or 'no run'} |"
                         + " |" * (len(head) - 3))
            continue
        secs = [r["process_seconds"] for r in e["runs"]]
        cells = {_key(c): c for c in e["cells"]}
        headline = [cells.get(f"{s} {p} {r or '(all)'}") for s, p, r in HEADLINE]
        if e["tool"] == "engine":
            agree, delta = f"{len(e['cells'])} cells", "—"
            shown = [_shown(c, None) for c in headline]
        else:
            a = _agreement(e["cells"], engine)
            agree = f"{a['same']} of {a['compared']}" if engine else "no engine run"
            delta = f"{_max_delta(e['cells'], engine):.2f}" if engine else "—"
            shown = [_shown(c, engine) for c in headline]
        lines.append("| " + " | ".join([
            e["tool"], e["workload"], f"{min(secs):.2f}", f"{statistics.median(secs):.2f}",
            f"{data_rows / min(secs):,.0f}", f"{max(r['peak_mib'] for r in e['runs']):,.0f}",
            *shown, agree, delta]) + " |")
    for e in entries:
        if e["tool"] == "engine" or not e.get("cells") or engine is None:
            continue
        differ = _agreement(e["cells"], engine)["differ"]
        if differ:
            shown = "; ".join(_difference(d) for d in differ[:6])
            more = f" (+{len(differ) - 6} more)" if len(differ) > 6 else ""
            lines.append(f"{e['tool']} {e['workload']}: {len(differ)} cell(s) differ from "
                         f"the engine: {shown}{more}")
    if any(e.get("cells") and e["tool"] != "engine" for e in entries):
        lines.append("(differences: the engine rejects duplicate ids, blank ids, decisions "
                     "before lodgement, unknown regions and scores out of range, which the "
                     "other tools count; and it counts claims still open past 28 days as "
                     "late in the as-of month, 2025-06, which they leave out)")
    versions = {e["tool"]: e.get("versions") for e in entries if e.get("versions")}
    for tool, v in versions.items():
        lines.append(f"{tool}: " + ", ".join(f"{k} {x}" for k, x in v.items()))
    return lines


# --- the engine's cells ----------------------------------------------------------------

def _cells_of(results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for r in results["results"]:
        seg = r["segment"]
        if r["standard"] not in ("BEN-01", "SAT-01") or set(seg) - {"region"}:
            continue
        out.append({"standard": r["standard"], "period_start": r["period_start"],
                    "region": seg.get("region", ""), "numerator": r["numerator"],
                    "denominator": r["denominator"], "value": r["value"],
                    "passed": r["verdict"] not in ("breach",), "verdict": r["verdict"]})
    return out


def _shipped_cells(rows: int) -> dict[str, dict[str, Any]] | None:
    results = json.loads(SHIPPED_RESULTS.read_text())
    read = {d["name"]: d["rows_read"] for d in results["datasets"]}
    if read.get("claims", 0) < rows or read.get("claims", 0) > rows + 3:
        return None
    return {_key(c): c for c in _cells_of(results)}


def _compare_shipped(engine: dict[str, dict[str, Any]] | None, rows: int) -> str:
    """Whether the two-standard engine run gives the cells of the shipped run's results."""
    if not engine or not SHIPPED_RESULTS.exists():
        return ""
    mine = engine
    shipped = _shipped_cells(rows)
    if shipped is None:
        return ""
    differ = [k for k, c in mine.items() if k not in shipped or
              (c["numerator"], c["denominator"]) != (shipped[k]["numerator"],
                                                   shipped[k]["denominator"])]
    return (f"the engine's {len(mine)} cells are those of the shipped benchmark's "
            f"results.json" if not differ else
            f"{len(differ)} engine cell(s) differ from the shipped benchmark's results.json: "
            f"{', '.join(differ[:5])}")


# --- the children --------------------------------------------------------------------

def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 1024)


def _versions(tool: str) -> dict[str, str | None]:
    from bench.record import version

    return {p: version(p) for p in TOOL_PACKAGES[tool]}


def child(tool: str, work: str, rows: int) -> None:
    """One timed run in this fresh process; prints one JSON line."""
    started = time.perf_counter()
    notes: list[str] = []
    try:
        run = {"engine": engine_run, "gx": gx_run, "soda": soda_run}[tool]
        cells = run(work, paths(rows), notes)
    except ImportError as err:
        print(json.dumps({"error": f"not installed: {err}"}))
        return
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "peak_mib": _peak_mib(),
                      "cpu_seconds": usage.ru_utime + usage.ru_stime, "cells": cells,
                      "versions": _versions(tool), "notes": notes}, default=str))


def engine_run(work: str, files: dict[str, Path], notes: list[str]) -> list[dict[str, Any]]:
    """``compliance check`` on a folder with BEN-01, SAT-01 and their datasets only."""
    folder = OUT / "standards"
    shutil.rmtree(folder, ignore_errors=True)
    for part in ["catalogue.yaml", "datasets/claims.yaml", "datasets/client_survey.yaml",
                 "benefits/BEN-01.yaml", "clients/SAT-01.yaml"]:
        (folder / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STANDARDS / part, folder / part)
    out = OUT / "engine"
    (out / "results.json").unlink(missing_ok=True)
    data = [a for name, path in files.items() for a in ("--data", f"{name}={path}")]
    results = compliance_check(["--standards", str(folder), *data, "--as-of",
                                AS_OF.isoformat(), "--no-store"], out)
    for d in results["datasets"]:
        notes.append(f"{d['name']}: {d['rows_read']:,} read, {d['rows_used']:,} used, "
                     f"{d['rows_rejected']:,} rejected")
    return _cells_of(results)


def _ben01_cells(work: str) -> list[tuple[str, str, str]]:
    """(standard, period start, region or '') of the cells a workload computes."""
    if work == "cells":
        return HEADLINE
    ben = [("BEN-01", f"{m}-01", r) for m in MONTHS for r in ["", *REGIONS]]
    sat = [("SAT-01", q, r) for q in QUARTERS.values() for r in ["", *REGIONS]]
    return ben + sat


QUARTER_OF = {v: k for k, v in QUARTERS.items()}


def gx_run(work: str, files: dict[str, Path], notes: list[str]) -> list[dict[str, Any]]:
    """Great Expectations: pandas frames, one row-condition expectation per cell with
    ``mostly=0.85``; one checkpoint per dataset (a checkpoint's batch parameters give one
    dataframe to all its validation definitions)."""
    import great_expectations as gx
    import pandas as pd
    from great_expectations.expectations.row_conditions import Column

    claims = pd.read_csv(files["claims"], skiprows=TITLE_ROWS, dtype=str,
                         keep_default_na=False, na_values=[""])
    claims = claims.rename(columns={"Benefit Type": "benefit_type", "Region": "region",
                                    "Outcome": "outcome"})
    lodged = pd.to_datetime(claims["Lodged Date"], format="%d/%m/%Y", errors="coerce")
    decided = pd.to_datetime(claims["Decided Date"], format="%d/%m/%Y", errors="coerce")
    claims["days"] = (decided - lodged).dt.days
    claims["decided_month"] = decided.dt.strftime("%Y-%m")
    survey = pd.read_csv(files["client_survey"], dtype=str, keep_default_na=False,
                         na_values=[""], encoding="utf-8-sig")
    survey["satisfaction"] = pd.to_numeric(survey["Overall Satisfaction (1-5)"],
                                           errors="coerce")
    when = pd.to_datetime(survey["Survey Date"], format="%d/%m/%Y", errors="coerce")
    survey["quarter"] = when.dt.year.astype("Int64").astype(str) + "-Q" + \
        when.dt.quarter.astype("Int64").astype(str)
    survey = survey.rename(columns={"Region": "region"})

    ctx = gx.get_context(mode="ephemeral")
    source = ctx.data_sources.add_pandas("bench")
    wanted = _ben01_cells(work)
    found: list[dict[str, Any]] = []
    for dataset, frame, standard in [("claims", claims, "BEN-01"),
                                     ("survey", survey, "SAT-01")]:
        suite = ctx.suites.add(gx.ExpectationSuite(name=standard))
        cells = [c for c in wanted if c[0] == standard]
        for _, start, region in cells:
            if standard == "BEN-01":
                cond = ((Column("decided_month") == start[:7])
                        & (Column("benefit_type") != "Death grant")
                        & (Column("outcome") != "Withdrawn"))
                expectation = gx.expectations.ExpectColumnValuesToBeBetween(
                    column="days", min_value=0, max_value=LIMIT_DAYS, mostly=TARGET,
                    row_condition=cond if not region else cond & (Column("region") == region))
            else:
                cond = Column("quarter") == QUARTER_OF[start]
                expectation = gx.expectations.ExpectColumnValuesToBeBetween(
                    column="satisfaction", min_value=4, mostly=TARGET,
                    row_condition=cond if not region else cond & (Column("region") == region))
            suite.add_expectation(expectation)
        batch = source.add_dataframe_asset(dataset).add_batch_definition_whole_dataframe("all")
        definition = ctx.validation_definitions.add(
            gx.ValidationDefinition(name=standard, data=batch, suite=suite))
        checkpoint = ctx.checkpoints.add(gx.Checkpoint(
            name=standard, validation_definitions=[definition], result_format="BASIC"))
        result = checkpoint.run(batch_parameters={"dataframe": frame})
        for validation in result.run_results.values():
            for one, (_, start, region) in zip(validation.results, cells, strict=True):
                r = one.result
                counted = r["element_count"] - r["missing_count"]
                met = counted - r["unexpected_count"]
                found.append({"standard": standard, "period_start": start, "region": region,
                              "numerator": met, "denominator": counted,
                              "value": 100 * met / counted if counted else None,
                              "passed": bool(one.success)})
    notes.append(f"claims frame {len(claims):,} rows, survey frame {len(survey):,} rows "
                 "(nothing rejected: GE validates, it does not clean)")
    return found


def soda_run(work: str, files: dict[str, Path], notes: list[str]) -> list[dict[str, Any]]:
    """Soda Core on an in-memory DuckDB: the CSVs loaded into two tables with computed
    ``days``/``decided_month`` and ``quarter`` columns, then one scan. ``cells``: built-in
    ``invalid_percent`` checks with ``valid min/max`` and a ``filter``; ``grid``: one
    ``group by`` check per standard, its SQL query written by hand."""
    import duckdb
    from soda.scan import Scan

    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE claims AS
        SELECT *, date_diff('day', lodged, decided) AS days,
               strftime(decided, '%Y-%m') AS decided_month
        FROM (SELECT "Claim ID" AS claim_id, "Benefit Type" AS benefit_type,
                     "Region" AS region, "Outcome" AS outcome,
                     try_strptime("Lodged Date", '%d/%m/%Y')::DATE AS lodged,
                     try_strptime("Decided Date", '%d/%m/%Y')::DATE AS decided
              FROM read_csv('{files['claims']}', skip={TITLE_ROWS}, header=true,
                            all_varchar=true))""")
    con.execute(f"""
        CREATE TABLE survey AS
        SELECT *, year(survey_date) || '-Q' || quarter(survey_date) AS quarter
        FROM (SELECT "Response ID" AS response_id, "Region" AS region,
                     try_strptime("Survey Date", '%d/%m/%Y')::DATE AS survey_date,
                     TRY_CAST("Overall Satisfaction (1-5)" AS INTEGER) AS satisfaction
              FROM read_csv('{files['client_survey']}', header=true, all_varchar=true))""")
    population = "benefit_type <> 'Death grant' AND coalesce(outcome, '') <> 'Withdrawn'"
    # the whole population's row of the grouping sets, told from a blank region
    region_label = ("CASE WHEN grouping(region) = 1 THEN '(all)' "
                    "ELSE coalesce(region, '(blank)') END")
    if work == "cells":
        sodacl = f"""
checks for claims:
  - invalid_percent(days) <= {100 - 100 * TARGET:g}:
      name: BEN-01 2025-05 North
      valid min: 0
      valid max: {LIMIT_DAYS}
      filter: decided_month = '2025-05' AND region = 'North' AND {population}
checks for survey:
  - invalid_percent(satisfaction) <= {100 - 100 * TARGET:g}:
      name: SAT-01 2025-Q2
      valid min: 4
      filter: quarter = '2025-Q2' AND satisfaction IS NOT NULL
"""
    else:
        sodacl = f"""
checks for claims:
  - group by:
      name: BEN-01 by month and region
      group_limit: 10000
      query: |
        SELECT decided_month, {region_label} AS region,
               100.0 * count(*) FILTER (WHERE days BETWEEN 0 AND {LIMIT_DAYS}) / count(*)
                 AS share
        FROM (SELECT decided_month, region, days FROM claims
              WHERE decided_month IS NOT NULL AND {population})
        GROUP BY GROUPING SETS ((decided_month, region), (decided_month))
      fields:
        - decided_month
        - region
      checks:
        - share:
            name: BEN-01 share within {LIMIT_DAYS} days
            fail: when < {100 * TARGET:g}
checks for survey:
  - group by:
      name: SAT-01 by quarter and region
      group_limit: 10000
      query: |
        SELECT quarter, {region_label} AS region,
               100.0 * count(*) FILTER (WHERE satisfaction >= 4) / count(*) AS share
        FROM (SELECT quarter, region, satisfaction FROM survey
              WHERE quarter IS NOT NULL AND satisfaction IS NOT NULL)
        GROUP BY GROUPING SETS ((quarter, region), (quarter))
      fields:
        - quarter
        - region
      checks:
        - share:
            name: SAT-01 share of 4 or more
            fail: when < {100 * TARGET:g}
"""
    scan = Scan()
    scan.set_scan_definition_name("bench")
    scan.add_duckdb_connection(con, data_source_name="duckdb")
    scan.set_data_source_name("duckdb")
    scan.add_sodacl_yaml_str(sodacl)
    scan.execute()
    if scan.has_error_logs():
        raise RuntimeError(scan.get_error_logs_text()[:500])
    checks = scan.get_scan_results()["checks"]
    wanted = _ben01_cells(work)
    found = []
    if work == "cells":
        by_name = {c["name"]: c for c in checks}
        for (standard, start, region), name in zip(
                wanted, ["BEN-01 2025-05 North", "SAT-01 2025-Q2"], strict=True):
            c = by_name[name]
            found.append({"standard": standard, "period_start": start, "region": region,
                          "value": 100 - c["diagnostics"]["value"], "rounded": True,
                          "passed": c["outcome"] == "pass"})
        notes.append("invalid_percent is rounded to 2 decimals and its denominator counts "
                     "blank values (hence 'satisfaction IS NOT NULL' in the filter)")
        return found
    labels = {}
    for c in checks:
        group = c.get("group")
        if group:
            period, region = group["distinctLabel"].split(",")
            labels[(c["name"].split(" ")[0], period, region)] = c
    for standard, start, region in wanted:
        period = start[:7] if standard == "BEN-01" else QUARTER_OF[start]
        c = labels.get((standard, period, region or "(all)"))
        if c is None:
            continue
        found.append({"standard": standard, "period_start": start, "region": region,
                      "value": c["diagnostics"]["value"], "passed": c["outcome"] == "pass"})
    extra = [k for k in labels if k[2] not in ["(all)", *REGIONS]]
    if extra:
        notes.append(f"groups the engine would have rejected: {sorted(extra)}")
    return found


if __name__ == "__main__":
    main(sys.argv[1:])
