"""``python -m bench check --catalogue shipped``: the whole shipped catalogue on generated data.

Generates (once, cached) the claims and client survey extracts at ``--rows`` rows each
and ten years of telephony statistics (``bench/extracts.py``), in CSV, Parquet or XLSX
(the workbooks where the rows fit in a sheet), then
times three fresh processes per round, round-robin: ``compliance check`` with the
shipped ``standards/`` folder (every standard; complaints and payment QA read their
small shipped extracts), and hand-written Polars and DuckDB queries computing the
numbers of the six standards on the generated extracts
(``bench/shipped_references.py``). After the runs it compares those standards' cells
with the engine's ``results.json`` and prints a table per format. See
``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import polars as pl

from bench import CACHE, check
from bench.check import per_round, table
from bench.extracts import ensure_claims, ensure_survey, ensure_telephony, telephony
from bench.harness import Measured, measure
from bench.record import engine_source, machine, versions
from bench.shipped_references import GENERATED, OUT, REFERENCED, tools

FORMATS = ["csv", "parquet", "xlsx"]
EXCEL_ROWS = 1_048_576 - 4  # a sheet's rows, less the claims' title block and header
SHOWN_DIFFERENCES = 5


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench check --catalogue shipped",
                                description=__doc__)
    p.add_argument("--catalogue", choices=["shipped"], default="shipped")
    p.add_argument("--rows", type=int, default=1_000_000,
                   help="rows of the claims and of the survey extract (default 1,000,000)")
    p.add_argument("--formats", default="", help="from csv, parquet, xlsx (default: all "
                   "three, xlsx only where the claims fit in one sheet)")
    p.add_argument("--repeat", type=int, default=3, help="runs per tool (default 3)")
    p.add_argument("--tools", default="", help="only these, e.g. engine,polars")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per child (1800)")
    p.add_argument("--regenerate", action="store_true", help="rewrite the cached extracts")
    args = p.parse_args(argv)
    args.formats = [f for f in args.formats.split(",") if f] or [
        f for f in FORMATS if f != "xlsx" or args.rows <= EXCEL_ROWS]
    args.tools = {t for t in args.tools.split(",") if t}
    if "xlsx" in args.formats and args.rows > EXCEL_ROWS:
        p.error(f"an Excel sheet holds at most {EXCEL_ROWS:,} rows of claims: leave xlsx out "
                "of --formats at this size")
    if (args.rows < 1_000 or args.repeat < 1 or not set(args.formats) <= set(FORMATS)
            or not args.tools <= {"engine", "polars", "duckdb"}):
        p.error("--rows at least 1000; --repeat at least 1; --formats from csv, parquet, xlsx; "
                "--tools from engine, polars, duckdb")
    return args


def extracts(rows: int, fmt: str, force: bool, log: dict[str, object]) -> tuple[Path, int]:
    """The manifest (dataset → file) of one format, and the data rows of its files."""
    found = {"claims": ensure_claims(rows, fmt, force),
             "client_survey": ensure_survey(rows, fmt, force),
             "telephony": ensure_telephony(fmt, force)}
    total = 0
    for name, (path, seconds) in found.items():
        data_rows = _data_rows(path, name, rows)
        total += data_rows
        size = path.stat().st_size / 2**20
        done = "cached" if seconds is None else f"generated in {seconds:.1f} s"
        print(f"{path.name}: {done}, {size:,.1f} MiB, {data_rows:,} rows ({name})")
        log[path.name] = {"dataset": name, "file": str(path), "mib": round(size, 1),
                          "rows": data_rows, "generated_seconds": seconds}
    manifest = CACHE / f"shipped-{rows}-{fmt}.json"
    manifest.write_text(json.dumps({n: str(p) for n, (p, _) in found.items()}, indent=2))
    return manifest, total


def _data_rows(path: Path, name: str, rows: int) -> int:
    if name != "telephony":
        return rows  # the generator's rows (the claims CSV's 3 trailing blank rows aside)
    if path.suffix == ".parquet":
        return int(pl.scan_parquet(path).select(pl.len()).collect().item())
    if path.suffix == ".xlsx":
        return telephony()[0].height
    return sum(1 for _ in path.open("rb")) - 4  # title block and header


def main(argv: list[str]) -> None:
    args = parse(argv)
    started = time.perf_counter()
    generation: dict[str, object] = {}
    by_format: dict[str, dict[str, object]] = {}
    for fmt in args.formats:
        manifest, total = extracts(args.rows, fmt, args.regenerate, generation)
        chosen = [t for t in tools(fmt) if not args.tools or t.name in args.tools]
        for tool in chosen:  # no stale output can pass for this run's
            for name in ("results.json", "cells.json"):
                (OUT / tool.name / name).unlink(missing_ok=True)
        print(f"timing {len(chosen)} tools on the shipped catalogue ({fmt.upper()}, "
              f"{total:,} rows in the generated extracts), {args.repeat} run(s) each")
        results = measure(chosen, manifest, total, args.repeat, args.timeout)
        agreement, said = compare(results)
        title = f"check, shipped catalogue — {fmt.upper()}, {args.rows:,} claims + " \
            f"{args.rows:,} survey + telephony = {total:,} rows, {args.repeat} run(s) each"
        print()
        print("\n".join(table(title, results)))
        print("\n".join(said))
        rounds = per_round(results)
        if rounds:
            print(f"engine ÷ faster reference, round by round: "
                  f"{', '.join(f'{r:.2f}×' for r in rounds)}")
        print()
        by_format[fmt] = {"rows": total, "manifest": json.loads(manifest.read_text()),
                          "tools": [m.to_json() for m in results], "agreement": agreement,
                          "per_round": rounds}
    total_s = time.perf_counter() - started
    name = f"shipped-{args.rows}.json"
    print(f"whole run: {total_s:,.1f} s; figures in {CACHE / 'shipped-last.json'} and {name}")
    figures = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "suite": "check --catalogue shipped", "rows": args.rows, "repeat": args.repeat,
        "generation": generation, "machine": machine(), "versions": versions(),
        "engine_source": engine_source(), "formats": by_format,
        "total_seconds": round(total_s, 1),
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2, default=str) + "\n"
    for file in ("shipped-last.json", name):
        (CACHE / file).write_text(text)


# --- agreement -----------------------------------------------------------------------

def compare(results: list[Measured]) -> tuple[dict[str, object], list[str]]:
    """The engine's cells of the referenced standards against each reference's."""
    return check.compare(results, OUT, ", ".join(REFERENCED), REFERENCED, GENERATED)
