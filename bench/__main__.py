"""``python -m bench``: generate (or reuse) the extracts, time every reader, print the goals.

``python -m bench check …`` runs the second suite instead: ``compliance check`` beside
hand-written Polars and DuckDB queries (``bench/check.py``); ``python -m bench decide
…`` the third: the decision layer's share of a whole run (``bench/decide.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from bench import CACHE
from bench.generate import ensure
from bench.harness import Measured, measure
from bench.readers import READERS, find
from bench.record import engine_source, machine, versions
from bench.report import MEMORY_ROWS, goals, table


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--rows", type=int, default=1_000_000, help="data rows (default 1,000,000)")
    p.add_argument("--formats", default="csv,xlsx", help="csv, xlsx or both (default)")
    p.add_argument("--repeat", type=int, default=3, help="runs per reader; the median counts")
    p.add_argument("--readers", default="", help="only these readers, e.g. polars,engine")
    p.add_argument("--memory", action="store_true",
                   help=f"also read a {MEMORY_ROWS:,}-row CSV with the engine, once, for the "
                   "memory goal")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per child (1800)")
    p.add_argument("--regenerate", action="store_true", help="rewrite the cached extracts")
    args = p.parse_args(argv)
    args.formats = [f for f in args.formats.split(",") if f]
    args.readers = {r for r in args.readers.split(",") if r}
    if not set(args.formats) <= {"csv", "xlsx"} or args.rows < 1_000 or args.repeat < 1:
        p.error("--formats takes csv and/or xlsx; --rows at least 1000; --repeat at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["check"]:
        from bench import check

        check.main(argv[1:])
        return
    if argv[:1] == ["decide"]:
        from bench import decide

        decide.main(argv[1:])
        return
    args = parse(argv)
    started = time.perf_counter()
    generation: dict[str, object] = {}
    by_format: dict[str, list[Measured]] = {}
    for fmt in args.formats:
        path = _generate(args.rows, fmt, args.regenerate, generation)
        if path is None:
            continue
        readers = [r for r in READERS if r.fmt == fmt and (not args.readers or
                                                           r.name in args.readers)]
        print(f"timing {len(readers)} {fmt.upper()} readers, {args.repeat} run(s) each")
        by_format[fmt] = measure(readers, path, args.rows, args.repeat, args.timeout)

    big_csv = by_format.get("csv", []) if args.rows >= MEMORY_ROWS else []
    memory: Measured | None = next((m for m in big_csv if m.reader.engine), None)
    memory_run: list[Measured] = []
    if memory is None and args.memory:
        path = _generate(MEMORY_ROWS, "csv", args.regenerate, generation)
        if path is not None:
            print(f"memory check: the engine on {MEMORY_ROWS:,} CSV rows, once")
            memory_run = measure([find("polars", "csv"), find("engine", "csv")], path,
                                 MEMORY_ROWS, 1, args.timeout)
            memory = memory_run[-1]

    print()
    for fmt, results in by_format.items():
        title = f"{fmt.upper()} — {args.rows:,} rows, median of {args.repeat} run(s), " \
            f"one fresh process per run"
        print("\n".join(table(title, results)), end="\n\n")
    if memory_run:
        print("\n".join(table(f"CSV — {MEMORY_ROWS:,} rows, memory check (1 run)",
                              memory_run)), end="\n\n")
    found = goals(by_format, memory)
    print("Goals (the benchmark informs; it does not gate):")
    print("\n".join("  " + g.line() for g in found))
    total = time.perf_counter() - started
    print(f"\nwhole run: {total:,.1f} s; figures in {CACHE / 'last.json'}")
    figures = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "rows": args.rows, "repeat": args.repeat,
        "machine": machine(),
        "versions": versions(),
        "engine_source": engine_source(),
        "generation": generation,
        "formats": {fmt: [m.to_json() for m in results] for fmt, results in by_format.items()},
        "memory_check": [m.to_json() for m in memory_run],
        "goals": [{"name": g.name, "target": g.target, "value": g.value, "status": g.status}
                  for g in found],
        "total_seconds": round(total, 1),
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "last.json").write_text(json.dumps(figures, indent=2) + "\n")


def _generate(rows: int, fmt: str, force: bool,
              log: dict[str, object]) -> Path | None:
    name = f"claims-{rows}.{fmt}"
    try:
        path, seconds = ensure(rows, fmt, force=force)
    except ValueError as err:  # e.g. too many rows for an Excel sheet
        print(f"{name}: skipped: {err}")
        log[name] = {"skipped": str(err)}
        return None
    size = path.stat().st_size / 2**20
    done = "cached" if seconds is None else f"generated in {seconds:.1f} s"
    print(f"{name}: {done}, {size:,.1f} MiB")
    log[name] = {"file": str(path), "mib": round(size, 1), "generated_seconds": seconds}
    return path


if __name__ == "__main__":
    main()
