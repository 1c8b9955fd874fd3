"""Where ``compliance check`` spends its time: the engine's stages, timed in one process.

``python -m bench.stages [--rows N]`` runs, in the order ``engine.run.check`` does, the
imports, ``load_catalogue``, ``read_dataset``, the DuckDB connection, one measure per
standard of ``bench/catalogue/`` and the decision, and prints the seconds of each, on the
``check`` suite's cached extract. A profile, not a benchmark: ``python -m bench check``
gives the figures that count. (Writing the outputs, 0.01-0.03 s, is left out.)

``python -m bench.stages --shipped [--rows N] [--format csv|parquet|xlsx]`` times, instead,
one whole ``engine.run.check`` of the shipped catalogue on the shipped-catalogue suite's
generated extracts (``python -m bench check --catalogue shipped``), step by step as the
run reports its progress (reading a dataset, measuring a standard, its open cases, its
demand, deciding, writing), with the process's CPU seconds and peak memory.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from bench import AS_OF, CACHE, ROOT  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self, label: str) -> None:
        now = time.perf_counter()
        print(f"  {label:<44} {now - self.last:7.3f} s", flush=True)
        self.last = now


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.stages", description=__doc__)
    p.add_argument("--rows", type=int, default=1_000_000, help="data rows (default 1,000,000)")
    p.add_argument("--shipped", action="store_true",
                   help="time a whole run of the shipped catalogue, step by step")
    p.add_argument("--format", default="csv", choices=["csv", "parquet", "xlsx"],
                   help="the extracts' format with --shipped (default csv)")
    args = p.parse_args(argv)
    if args.shipped:
        shipped(args.rows, args.format)
        return
    path = CACHE / f"claims-{args.rows}.csv"
    if not path.exists():  # in another process: the generator imports polars and numpy
        subprocess.run([sys.executable, "-c", f"from bench.generate import ensure; "
                        f"ensure({args.rows}, 'csv')"], cwd=ROOT, check=True)
    print(f"{path.name}: the engine's stages in one process")
    clock = Clock()
    import engine.cli  # what the command imports first

    engine.cli.fewer_collections()  # as the command sets it for its own process
    clock.lap("import engine.cli (typer, rich)")
    import polars  # noqa: F401
    import pyarrow  # noqa: F401

    clock.lap("import polars, pyarrow")
    import engine.load  # the pydantic models

    clock.lap("import engine.load (pydantic models)")
    import ibis

    clock.lap("import ibis")
    from engine.decide import decide_results
    from engine.load import load_catalogue
    from engine.measure import Context, measure_standard, open_cases
    from engine.read.extract import read_dataset

    clock.lap("import the rest of engine.run")
    catalogue = load_catalogue(ROOT / "bench" / "catalogue")
    clock.lap("load_catalogue")
    dataset = catalogue.datasets["claims"]
    extract = read_dataset(dataset, [path], AS_OF)
    clock.lap("read_dataset")
    ctx = Context(AS_OF, catalogue.settings.calendar, catalogue.settings.fiscal_year_start,
                  ibis.duckdb.connect())
    clock.lap("DuckDB connection (Ibis backend)")
    from bench.references import CHECKED

    chosen = [catalogue.standards[sid] for sid in CHECKED]
    measured = []
    for standard in chosen:
        measured.append(measure_standard(standard, dataset, extract.table, ctx))
        clock.lap(f"measure {standard.id} ({standard.measure.kind})")
    late = {s.id: open_cases(s, dataset, extract.table, ctx, catalogue.policy_for(s))
            for s in chosen}
    clock.lap(f"select open cases late or at risk ({sum(map(len, late.values())):,})")
    decide_results(measured, catalogue, AS_OF, late)
    clock.lap("decide")
    print(f"  {'total, in process (start-up not counted)':<44} "
          f"{time.perf_counter() - STARTED:7.3f} s")
    print(f"  {extract.rows_read:,} rows read, {extract.rows_used:,} used")


def shipped(rows: int, fmt: str) -> None:
    """One ``engine.run.check`` of ``standards/`` on the generated extracts, each progress
    step timed (the extracts are made, or found cached, in another process first)."""
    import json
    import resource
    import tempfile

    made = subprocess.run(
        [sys.executable, "-c", "from bench.shipped import extracts; "
         f"print(extracts({rows}, {fmt!r}, False, {{}})[0])"],
        cwd=ROOT, check=True, capture_output=True, text=True)
    data = json.loads(Path(made.stdout.splitlines()[-1]).read_text())
    print(f"the shipped catalogue on {rows:,}-row {fmt.upper()} extracts, in one process")
    clock = Clock()
    from engine import run
    from engine.cli import fewer_collections
    from engine.progress import Progress

    fewer_collections()  # as the command sets it for its own process

    class Steps(Progress):
        """Each step's seconds, printed as the next begins or its stage ends."""

        label, started = "", False

        def start(self, stage: str, total: int) -> None:
            clock.lap("(between stages)" if self.started else
                      "(importing engine.run, loading the catalogue)")
            self.started = True
            print(f"  {stage}")

        def step(self, label: str) -> None:
            self.end_step()
            self.label = label

        def finish(self) -> None:
            self.end_step()
            use = resource.getrusage(resource.RUSAGE_SELF)
            print(f"    {'CPU s so far; peak MiB':<42} {use.ru_utime + use.ru_stime:7.1f}   "
                  f"{use.ru_maxrss / 1024:,.0f}")

        def end_step(self) -> None:
            if self.label:
                clock.lap(f"  {self.label[:42]}")
                self.label = ""

    with tempfile.TemporaryDirectory() as out:
        run.check(ROOT / "standards", data=data, as_of=AS_OF, out=out, progress=Steps())
    clock.lap("(after the last stage)")
    print(f"  {'total, in process (start-up not counted)':<44} "
          f"{time.perf_counter() - STARTED:7.3f} s")


if __name__ == "__main__":
    main()
