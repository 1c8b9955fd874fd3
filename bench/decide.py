"""``python -m bench decide``: how much of a whole run the decision layer takes.

Runs ``engine.run.check`` — the function behind ``compliance check`` — on the cached
claims extract with the ten standards of ``bench/catalogue/`` (many segments and weekly
periods, so thousands of results; every open case late or due within the policy's days
selected), with a fresh SQLite store, writing every output, in a fresh process per
round. The stages are timed by wrapping the functions ``engine.run`` calls (where they
live: ``engine.measure``, ``engine.decide``), so the run itself is the one users get:

* **decision layer** — ``decide_results``: every result's exact verdict, the events built
  and posted one by one to durable-rules, and the alerts worded;
* of which **durable-rules** — the posting alone (``engine.decide.alerts.matches``);
  open cases alike in what the rules test are posted once, with their number; for
  comparison, the time to post every case on its own is measured after the run;
* **case selection** — the open cases late or at risk (measure layer, reported apart);
* **whole run** — process start to the last output written.

The goal (issue 5): the decision layer under 10% of the whole run at 10M rows.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from bench import AS_OF, CACHE, ROOT  # noqa: E402

CATALOGUE = ROOT / "bench" / "catalogue"
GOAL = 0.10


def child(path: Path, out: Path) -> dict[str, float | int]:
    """One timed run in this process; the figures as a dict."""
    from engine.cli import fewer_collections

    fewer_collections()  # as the command sets it for its own process
    import engine.decide as deciding
    import engine.decide.alerts as rules
    import engine.measure as measuring
    import engine.run as run

    spent: dict[str, float] = {"decide": 0.0, "post": 0.0, "cases": 0.0, "measure": 0.0,
                               "read": 0.0}
    counts = {"events": 0, "case_events": 0}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - began
        return wrapper

    matches = rules.matches

    def counted(policy, events):  # type: ignore[no-untyped-def]
        counts["events"] += len(events)
        counts["case_events"] += sum(1 for e in events if e["event"] == "case")
        return matches(policy, events)

    selected: list[tuple[object, list[object]]] = []
    open_cases = measuring.open_cases

    def keep(std, ds, data, ctx, policy):  # type: ignore[no-untyped-def]
        found = open_cases(std, ds, data, ctx, policy)
        selected.append((policy, found))
        return found

    rules.matches = timed("post", counted)
    # engine.run imports these where it calls them (not at its top): wrapped where they live.
    deciding.decide_results = timed("decide", deciding.decide_results)
    measuring.open_cases = timed("cases", keep)
    measuring.measure_standard = timed("measure", measuring.measure_standard)
    run._read = timed("read", run._read)
    store = f"sqlite:///{out / 'store.sqlite'}"
    outcome = run.check(CATALOGUE, data={"claims": str(path)}, as_of=AS_OF, out=out,
                        store=store, notify=False)
    whole = time.perf_counter() - STARTED
    # What posting every open case on its own would cost (not part of the run).
    began = time.perf_counter()
    for policy, found in selected:
        matches(policy, [{"event": "case", "standard_key": "x", "index": i,
                          "overdue": int(c.overdue), "days_left": (c.due_by - AS_OF).days,
                          "cases": 1} for i, c in enumerate(found)])
    one_by_one = time.perf_counter() - began
    record = outcome.record
    latest = {}
    for r in record.results:
        latest[r.standard] = max(latest.get(r.standard, r.period_start), r.period_start)
    cases = sum(len(a.evidence.get("cases", [])) for a in record.alerts)
    return {
        "whole": whole, **spent, "one_by_one": one_by_one, "results": len(record.results),
        "latest_results": sum(1 for r in record.results if r.period_start == latest[r.standard]),
        "events": counts["events"], "case_events": counts["case_events"],
        "cases_in_alerts": cases, "alerts": len(record.alerts),
        "standards": len(record.standards), "rows": record.datasets[0].rows_read,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench decide", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=10_000_000,
                   help="data rows (default 10,000,000)")
    p.add_argument("--repeat", type=int, default=3, help="runs; the median counts (3)")
    p.add_argument("--child", nargs=2, metavar=("CSV", "OUT"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))))
        return
    path = CACHE / f"claims-{args.rows}.csv"
    if not path.exists():
        print(f"generating {path.name} (once; cached)", flush=True)
        subprocess.run([sys.executable, "-c", f"from bench.generate import ensure; "
                        f"ensure({args.rows}, 'csv')"], cwd=ROOT, check=True)
    runs = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            done = subprocess.run([sys.executable, "-m", "bench", "decide", "--child",
                                   str(path), out], cwd=ROOT, check=True,
                                  capture_output=True, text=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = runs[-1]
        print(f"  run {i + 1}: whole {r['whole']:.2f} s, decision layer {r['decide']:.3f} s "
              f"({r['decide'] / r['whole']:.1%})", flush=True)
    print(report(runs, args.rows))


def report(runs: list[dict[str, float | int]], rows: int) -> str:
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    first = runs[0]
    whole, decide = med("whole"), med("decide")
    share = decide / whole
    posted = int(first["events"])
    lines = [
        f"decide — {rows:,} rows, {first['standards']} standards, median of {len(runs)} "
        "run(s), one fresh process per run",
        f"  results {first['results']:,} (latest period {first['latest_results']:,}); "
        f"open cases selected {first['cases_in_alerts']:,}, posted as "
        f"{first['case_events']:,} events (alike cases once, with their number); "
        f"events posted {posted:,}; alerts {first['alerts']:,}",
        f"  {'whole run':<40} {whole:8.2f} s",
        f"  {'  read':<40} {med('read'):8.2f} s",
        f"  {'  measure':<40} {med('measure'):8.2f} s",
        f"  {'  select open cases (measure layer)':<40} {med('cases'):8.2f} s",
        f"  {'  decision layer (decide_results)':<40} {decide:8.2f} s  {share:6.1%}",
        f"  {'    of which durable-rules posting':<40} {med('post'):8.2f} s  "
        f"({posted:,} events)",
        f"  {'  (posting each open case instead)':<40} {med('one_by_one'):8.2f} s  "
        f"{med('one_by_one') / whole:6.1%} more",
        "",
        f"Goal: the decision layer under {GOAL:.0%} of the whole run: "
        f"{'PASS' if share < GOAL else 'MISS'} ({share:.1%})",
    ]
    return "\n".join(line for line in lines if line is not None)


if __name__ == "__main__":
    main()
