"""Where ``compliance check`` spends its time: the engine's stages, timed in one process.

``python -m bench.stages [--rows N]`` runs, in the order ``engine.run.check`` does, the
imports, ``load_catalogue``, ``read_dataset``, the DuckDB connection, one measure per
standard of ``bench/catalogue/`` and the decision, and prints the seconds of each, on the
``check`` suite's cached extract. A profile, not a benchmark: ``python -m bench check``
gives the figures that count. (Writing the outputs, 0.01-0.03 s, is left out.)
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

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
    args = p.parse_args(argv)
    path = CACHE / f"claims-{args.rows}.csv"
    if not path.exists():  # in another process: the generator imports polars and numpy
        subprocess.run([sys.executable, "-c", f"from bench.generate import ensure; "
                        f"ensure({args.rows}, 'csv')"], cwd=ROOT, check=True)
    print(f"{path.name}: the engine's stages in one process")
    clock = Clock()
    import engine.cli  # what the command imports first

    clock.lap("import engine.cli (typer, rich)")
    import polars  # noqa: F401
    import pyarrow  # noqa: F401

    clock.lap("import polars, pyarrow")
    import engine.load  # noqa: F401 - the pydantic models

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


if __name__ == "__main__":
    main()
