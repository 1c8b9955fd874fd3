"""``python -m bench check``: ``compliance check`` beside hand-written Polars and DuckDB queries.

Generates (once, cached) the claims extract, then times three fresh processes per round,
round-robin: the engine's ``compliance check`` on the five standards of
``bench/catalogue/``, and the same numbers computed by a hand-written Polars query and a
hand-written DuckDB query (``bench/references.py``). After the runs it compares every
cell (standard × period × segment, the whole population included: numerator and
denominator) of the engine's ``results.json`` with each reference's, prints AGREE or the
first differences, a table and the goal: the engine within 1.5× the faster reference at
10,000,000 rows. See ``bench/README.md``.

``python -m bench check --catalogue shipped …`` runs the shipped ``standards/`` folder on
generated claims, survey and telephony extracts instead (``bench/shipped.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Collection
from pathlib import Path

from bench import CACHE
from bench.generate import ensure
from bench.harness import Measured, measure
from bench.record import engine_source, machine, versions
from bench.references import OUT, TOOLS

GOAL_RATIO = 1.5  # the engine within 1.5× the faster of the two references …
GOAL_ROWS = 10_000_000  # … at ten million rows
SHOWN_DIFFERENCES = 5
Key = tuple[str, str, tuple[tuple[str, str], ...]]  # standard, period start, segment


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench check", description=__doc__)
    p.add_argument("--rows", type=int, default=1_000_000, help="data rows (default 1,000,000)")
    p.add_argument("--repeat", type=int, default=3,
                   help="runs per tool (default 3); the best and the median are shown")
    p.add_argument("--tools", default="", help="only these, e.g. engine,polars")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per child (1800)")
    p.add_argument("--regenerate", action="store_true", help="rewrite the cached extract")
    args = p.parse_args(argv)
    args.tools = {t for t in args.tools.split(",") if t}
    if args.rows < 1_000 or args.repeat < 1 or not args.tools <= {t.name for t in TOOLS}:
        p.error("--rows at least 1000; --repeat at least 1; --tools from engine, polars, duckdb")
    return args


def main(argv: list[str] | None = None) -> None:
    if argv is not None and any(a == "--catalogue" or a.startswith("--catalogue=")
                                for a in argv):
        from bench import shipped  # the shipped standards/ on generated extracts

        shipped.main(argv)
        return
    args = parse(argv)
    started = time.perf_counter()
    path, generated = ensure(args.rows, "csv", force=args.regenerate)
    size = path.stat().st_size / 2**20
    print(f"{path.name}: {'cached' if generated is None else f'generated in {generated:.1f} s'}"
          f", {size:,.1f} MiB")
    tools = [t for t in TOOLS if not args.tools or t.name in args.tools]
    for tool in tools:  # no stale output can pass for this run's
        for name in ("results.json", "cells.json"):
            (OUT / tool.name / name).unlink(missing_ok=True)
    print(f"timing {len(tools)} tools on `check`, {args.repeat} run(s) each, one fresh "
          "process per run")
    results = measure(tools, path, args.rows, args.repeat, args.timeout)

    agreement, said = compare(results)
    print()
    print("\n".join(table(f"check — {args.rows:,} rows, 5 standards, median of "
                          f"{args.repeat} run(s), one fresh process per run", results)))
    print()
    print("\n".join(said))
    goal, line = judge(results, args.rows)
    print(f"\nGoal (the benchmark informs; it does not gate):\n  {line}")
    total = time.perf_counter() - started
    print(f"\nwhole run: {total:,.1f} s; figures in {CACHE / 'check-last.json'} and "
          f"check-{args.rows}.json")
    figures = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "suite": "check", "rows": args.rows, "repeat": args.repeat, "file": str(path),
        "file_mib": round(size, 1), "generated_seconds": generated,
        "machine": machine(), "versions": versions(), "engine_source": engine_source(),
        "tools": [m.to_json() for m in results],
        "agreement": agreement, "goal": goal | {"line": line},
        "total_seconds": round(total, 1),
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2, default=str) + "\n"
    for name in ("check-last.json", f"check-{args.rows}.json"):  # the last run of each size
        (CACHE / name).write_text(text)


# --- agreement -----------------------------------------------------------------------

Used = dict[str, int]  # dataset → rows used


def engine_cells(folder: Path, standards: Collection[str] | None = None,
                 datasets: Collection[str] | None = None
                 ) -> tuple[dict[Key, tuple[int, int]], Used] | None:
    """The engine's cells (of ``standards``, default all) and rows used (of ``datasets``)."""
    path = folder / "results.json"
    if not path.exists():
        return None
    record = json.loads(path.read_text())
    cells = {_key(r): (r["numerator"], r["denominator"]) for r in record["results"]
             if standards is None or r["standard"] in standards}
    return cells, {d["name"]: d["rows_used"] for d in record["datasets"]
                   if datasets is None or d["name"] in datasets}


def reference_cells(folder: Path) -> tuple[dict[Key, tuple[int, int]], Used] | None:
    path = folder / "cells.json"
    if not path.exists():
        return None
    found = json.loads(path.read_text())
    used = found["rows_used"]  # a count of claims rows, or rows per dataset
    return {_key(c): (c["numerator"], c["denominator"]) for c in found["cells"]}, \
        used if isinstance(used, dict) else {"claims": used}


def _key(cell: dict[str, object]) -> Key:
    segment = cell["segment"]
    assert isinstance(segment, dict)
    return (str(cell["standard"]), str(cell["period_start"]),
            tuple(sorted((str(k), str(v)) for k, v in segment.items())))


def differences(ours: dict[Key, tuple[int, int]], theirs: dict[Key, tuple[int, int]],
                we: str = "engine", they: str = "reference") -> list[str]:
    """Every cell that differs, in order: missing on one side, or other numbers. The
    engine reports a quiet period (no case between the first period and the last) as a
    cell of 0 / 0, which a query grouping rows cannot produce: 0 / 0 and no cell agree."""
    found = []
    for key in sorted(ours.keys() | theirs.keys()):
        a, b = ours.get(key), theirs.get(key)
        if a != b and {a, b} - {None, (0, 0)}:
            found.append(f"{_show(key)}: {we} {_pair(a)}, {they} {_pair(b)}")
    return found


def _show(key: Key) -> str:
    standard, start, segment = key
    return f"{standard} {start} {', '.join(f'{k}={v}' for k, v in segment) or 'all'}"


def _pair(numbers: tuple[int, int] | None) -> str:
    return "no cell" if numbers is None else f"{numbers[0]:,}/{numbers[1]:,}"


def compare(results: list[Measured], out: Path = OUT, what: str = "every standard",
            standards: Collection[str] | None = None, datasets: Collection[str] | None = None
            ) -> tuple[dict[str, object], list[str]]:
    """The engine's cells against each reference's, after the runs (outside the timers),
    or the references against each other when the engine did not run: the findings, and
    the lines to print."""
    lines: list[str] = []
    verdicts: dict[str, object] = {}
    refs = [m for m in results if not m.reader.engine and m.runs]
    engine = engine_cells(out / "engine", standards, datasets) if any(
        m.reader.engine and m.runs for m in results) else None
    base = "engine"
    if engine is None and len(refs) > 1:  # the references can still be held to each other
        base, refs = refs[0].reader.name, refs[1:]
        engine = reference_cells(out / base)
        lines.append(f"(the engine did not run: {', '.join(m.reader.name for m in refs)} "
                     f"compared with {base})")
    if engine is None or not refs:
        lines.append("agreement: not checked (the engine or every reference failed)")
        return {"checked": False}, lines
    cells, used = engine
    lines.append(f"agreement ({len(cells):,} {base} cells of {what}: numerator and "
                 "denominator of every period × segment, and the rows used):")
    for m in refs:
        theirs = reference_cells(out / m.reader.name)
        if theirs is None:
            lines.append(f"  {m.reader.name}: no output")
            verdicts[m.reader.name] = {"agree": False, "differences": ["no output"]}
            continue
        found = differences(cells, theirs[0], base, m.reader.name)
        found[:0] = [f"{name} rows used: {base} {used.get(name)}, {m.reader.name} "
                     f"{theirs[1].get(name)}" for name in sorted(used.keys() | theirs[1].keys())
                     if used.get(name) != theirs[1].get(name)]
        if found:
            lines.append(f"  {m.reader.name}: DIFFER in {len(found):,} place(s); the first:")
            lines.extend(f"    {d}" for d in found[:SHOWN_DIFFERENCES])
        else:
            lines.append(f"  {m.reader.name}: AGREE ({len(theirs[0]):,} cells; rows used "
                         + ", ".join(f"{n} {k:,}" for n, k in sorted(theirs[1].items())) + ")")
        verdicts[m.reader.name] = {"agree": not found, "cells": len(theirs[0]),
                                   "differences": found[:50]}
    return {"checked": True, "against": base, "cells": len(cells), "rows_used": used,
            "references": verdicts}, lines


# --- the table and the goal ----------------------------------------------------------

def best(m: Measured) -> float | None:
    """The fastest run's whole-process seconds: other load on a shared machine only ever
    adds time, so the best of N runs is the steadiest estimate of what the work costs."""
    return min(r["process_seconds"] for r in m.runs) if m.runs else None


def _faster_reference(results: list[Measured]) -> Measured | None:
    refs = [m for m in results if not m.reader.engine and m.runs]
    return min(refs, key=lambda m: best(m) or 0.0) if refs else None


def table(title: str, results: list[Measured]) -> list[str]:
    faster = _faster_reference(results)
    head = f"{'tool':<8} {'best s':>7} {'median s':>8} {'rows/s':>11} {'query s':>8} " \
        f"{'cpu s':>7} {'peak MiB':>9} {'× faster ref':>12}"
    lines = [title, head, "-" * len(head)]
    for m in results:
        fastest = best(m)
        if fastest is None:
            lines.append(f"{m.reader.name:<8} {m.error}")
            continue
        ref = best(faster) if faster is not None else None
        times = f"{fastest / ref:.2f}×" if ref else "-"
        lines.append(f"{m.reader.name:<8} {fastest:>7.2f} {m.process_seconds or 0:>8.2f} "
                     f"{m.rows / fastest:>11,.0f} {m.seconds or 0:>8.2f} "
                     f"{m.cpu_seconds or 0:>7.2f} {m.peak_mib or 0:>9,.0f} {times:>12}")
    for m in results:
        if m.runs and m.error is not None:
            lines.append(f"! {m.reader.name}: run {len(m.runs) + 1} failed ({m.error}); "
                         f"the figures above are from {len(m.runs)} run(s)")
    lines.append("best s / median s: the whole fresh process (start-up, imports, reading, "
                 "computing, writing), fastest and median run; rows/s and × faster ref use "
                 "the best; query s (median): the same after the tool's imports (for the "
                 "engine, after importing engine.cli, so its lazy imports of Polars, Ibis and "
                 "DuckDB are inside); cpu s (median): user + system CPU seconds of the "
                 "process, all threads; peak MiB: the largest over the runs")
    engine = next((m for m in results if m.reader.engine and m.runs), None)
    if engine is not None:
        c = engine.counts
        lines.append(f"engine: {c.get('rows', 0):,} rows read = {c.get('used', 0):,} used + "
                     f"{c.get('filtered', 0):,} filtered + {c.get('rejected', 0):,} rejected")
    return lines


def judge(results: list[Measured], rows: int) -> tuple[dict[str, object], str]:
    engine = next((m for m in results if m.reader.engine), None)
    faster = _faster_reference(results)
    target = f"engine ≤ {GOAL_RATIO}× the faster of Polars and DuckDB at {GOAL_ROWS:,} rows " \
        "(best run of each)"
    mine, theirs = (best(engine) if engine else None), (best(faster) if faster else None)
    if engine is None or faster is None or mine is None or not theirs:
        why = engine.error if engine is not None and engine.error else "not measured"
        return {"status": "not measured", "ratio": None}, f"not measured: {target} ({why})"
    ratio = mine / theirs
    medians = [m.process_seconds for m in results if not m.reader.engine and m.runs]
    median_ratio = (engine.process_seconds or 0) / min(s for s in medians if s)
    rounds = per_round(results)
    spread = f"; per round {min(rounds):.2f}–{max(rounds):.2f}×" if len(rounds) > 1 else ""
    value = f"{ratio:.2f}× ({faster.reader.name}) at {rows:,} rows; medians " \
        f"{median_ratio:.2f}×{spread}"
    if rows < GOAL_ROWS:
        status = "not measured"
        line = f"{status}: {target} — {value}; run with --rows {GOAL_ROWS} to judge it"
    else:
        status = "PASS" if ratio <= GOAL_RATIO else "MISS"
        line = f"{status} {target} — {value}"
    return {"status": status, "ratio": ratio, "median_ratio": median_ratio,
            "faster_reference": faster.reader.name, "per_round": rounds}, line


def per_round(results: list[Measured]) -> list[float]:
    """Each round's engine seconds over that round's faster reference: the tools of one
    round ran back to back, so the spread shows how much other load moved the ratio."""
    engine = next((m for m in results if m.reader.engine), None)
    refs = [m for m in results if not m.reader.engine and m.runs]
    if engine is None or not refs:
        return []
    rounds = min(len(engine.runs), *(len(m.runs) for m in refs))
    return [engine.runs[i]["process_seconds"] / min(m.runs[i]["process_seconds"] for m in refs)
            for i in range(rounds)]
