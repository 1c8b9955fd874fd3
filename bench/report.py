"""Plain tables, the goals with PASS or MISS, and the figures as JSON."""

from __future__ import annotations

from dataclasses import dataclass

from bench.harness import Measured

RATIO_GOAL = 1.3  # the engine within 1.3× the fastest raw reader of the same format
MEMORY_ROWS = 10_000_000
MEMORY_GOAL_MIB = 2e9 / 2**20  # 2 GB (10^9 bytes) peak for the engine on a 10M-row CSV


@dataclass(frozen=True)
class Goal:
    name: str
    target: str
    value: str | None  # None: not measured in this run
    met: bool | None

    @property
    def status(self) -> str:
        return "not measured" if self.met is None else "PASS" if self.met else "MISS"

    def line(self) -> str:
        got = f" — {self.value}" if self.value is not None else ""
        return f"{self.status:<4} {self.name}: {self.target}{got}"


def fastest_raw(results: list[Measured], typed: bool = False) -> Measured | None:
    raw = [m for m in results if not m.reader.engine and m.seconds is not None
           and (m.reader.typed or not typed)]
    if typed:
        raw = [m for m in raw if m.reader.typed]
    return min(raw, key=lambda m: m.seconds or 0.0) if raw else None


def engine_of(results: list[Measured]) -> Measured | None:
    return next((m for m in results if m.reader.engine), None)


def ratio(results: list[Measured]) -> float | None:
    fastest, engine = fastest_raw(results), engine_of(results)
    if fastest is None or engine is None or engine.seconds is None or not fastest.seconds:
        return None
    return engine.seconds / fastest.seconds


def table(title: str, results: list[Measured]) -> list[str]:
    fastest = fastest_raw(results)
    head = f"{'reader':<12} {'median s':>9} {'rows/s':>11} {'peak MiB':>9} {'read MiB':>9} " \
        f"{'× fastest':>9}"
    lines = [title, head, "-" * len(head)]
    for m in results:
        if m.seconds is None:
            lines.append(f"{m.reader.name:<12} {m.error}")
            continue
        times = f"{m.seconds / fastest.seconds:.2f}×" if fastest and fastest.seconds else "-"
        lines.append(f"{m.reader.name:<12} {m.seconds:>9.3f} {m.rows_per_second or 0:>11,.0f} "
                     f"{m.peak_mib or 0:>9,.0f} {m.read_mib or 0:>9,.0f} {times:>9}")
    for m in results:
        if m.runs and m.error is not None:
            lines.append(f"! {m.reader.name}: run {len(m.runs) + 1} failed ({m.error}); "
                         f"the figures above are from {len(m.runs)} run(s)")
    expected = {m.rows, m.rows + 3}  # the CSV ends with three blank rows, which some skip
    for m in results:
        if m.runs and m.counts.get("rows") not in expected:
            lines.append(f"! {m.reader.name} read {m.counts.get('rows'):,} rows, "
                         f"not {m.rows:,}: check its configuration")
    engine, r = engine_of(results), ratio(results)
    if engine is not None and engine.runs and "used" in engine.counts:
        c = engine.counts
        lines.append(f"engine: {c['rows']:,} rows read = {c['used']:,} used + "
                     f"{c['filtered']:,} filtered + {c['rejected']:,} rejected")
    if r is not None and fastest is not None:
        fmt = fastest.reader.fmt.upper()
        lines.append(f"engine {fmt} read: {r:.2f}× the fastest raw reader ({fastest.reader.name})")
    typed = fastest_raw(results, typed=True)
    if typed is not None and engine is not None and engine.seconds and typed.seconds:
        lines.append(f"engine {typed.reader.fmt.upper()} read: {engine.seconds / typed.seconds:.2f}"
                     f"× the fastest typed raw read ({typed.reader.name}), the like-for-like job")
    return lines


def goals(by_format: dict[str, list[Measured]], memory: Measured | None) -> list[Goal]:
    found = []
    for fmt in ("csv", "xlsx"):
        results = by_format.get(fmt, [])
        r, fastest = ratio(results), fastest_raw(results)
        value = f"{r:.2f}× ({fastest.reader.name})" if r is not None and fastest else \
            _failure(engine_of(results))
        found.append(Goal(f"{fmt.upper()} speed", f"engine ≤ {RATIO_GOAL}× the fastest raw reader",
                          value, None if r is None else r <= RATIO_GOAL))
    peak = memory.peak_mib if memory is not None else None
    found.append(Goal("memory", f"engine peak < 2 GB ({MEMORY_GOAL_MIB:,.0f} MiB) on a "
                      f"{MEMORY_ROWS:,}-row CSV",
                      f"{peak:,.0f} MiB" if peak is not None else _failure(memory),
                      None if peak is None else peak < MEMORY_GOAL_MIB))
    return found


def _failure(engine: Measured | None) -> str | None:
    return f"the engine failed: {engine.error}" if engine and engine.error else None
