"""Run each reader in a fresh child process, N times, round-robin; keep every run."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import ROOT
from bench.readers import Reader


@dataclass
class Measured:
    reader: Reader
    path: Path
    rows: int  # data rows the generator wrote (the same for every reader)
    runs: list[dict[str, float]] = field(default_factory=list)
    error: str | None = None

    @property
    def seconds(self) -> float | None:
        return statistics.median(r["seconds"] for r in self.runs) if self.runs else None

    @property
    def process_seconds(self) -> float | None:
        """The median seconds of the whole child process: start-up, imports and the work."""
        return statistics.median(r["process_seconds"] for r in self.runs) if self.runs else None

    @property
    def cpu_seconds(self) -> float | None:
        """The median CPU seconds (user + system, every thread) of the child, if it says."""
        found = [r["cpu_seconds"] for r in self.runs if "cpu_seconds" in r]
        return statistics.median(found) if found else None

    @property
    def rows_per_second(self) -> float | None:
        return self.rows / self.seconds if self.seconds else None

    @property
    def peak_mib(self) -> float | None:
        return max(r["peak_mib"] for r in self.runs) if self.runs else None

    @property
    def read_mib(self) -> float | None:
        """Peak memory above the process's after imports: what the read itself took."""
        return max(r["peak_mib"] - r["base_mib"] for r in self.runs) if self.runs else None

    @property
    def counts(self) -> dict[str, int]:
        keep = ("seconds", "base_mib", "peak_mib", "process_seconds", "cpu_seconds")
        return {k: int(v) for k, v in self.runs[-1].items() if k not in keep} if self.runs else {}

    def to_json(self) -> dict[str, object]:
        return {"reader": self.reader.name, "engine": self.reader.engine,
                "how": self.reader.how, "median_seconds": self.seconds,
                "median_process_seconds": self.process_seconds,
                "median_cpu_seconds": self.cpu_seconds,
                "rows_per_second": self.rows_per_second, "peak_mib": self.peak_mib,
                "read_mib": self.read_mib, "counts": self.counts, "runs": self.runs,
                "error": self.error}


def measure(readers: list[Reader], path: Path, rows: int, repeat: int,
            timeout: float) -> list[Measured]:
    """Time every reader ``repeat`` times. Round-robin, so drift hits every reader alike;
    a reader that fails or times out is not run again, and the others go on."""
    results = [Measured(r, path, rows) for r in readers]
    for i in range(repeat):
        for m in results:
            if m.error is not None:
                continue
            label = f"  {m.reader.fmt} {m.reader.name:<11} run {i + 1}/{repeat}"
            print(label, end=" … ", flush=True)
            run, error = _child(m.reader, path, timeout)
            if run is not None:
                m.runs.append(run)
                print(f"{run['seconds']:.2f} s, peak {run['peak_mib']:,.0f} MiB", flush=True)
            else:
                m.error = error
                print(f"failed: {error}", flush=True)
    return results


def _child(reader: Reader, path: Path, timeout: float) -> tuple[dict[str, float] | None, str]:
    command = [sys.executable, "-m", reader.module, reader.name, reader.fmt, str(path)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:.0f} s"
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        return None, tail[0][:300]
    run: dict[str, float] = json.loads(lines[-1])
    run["process_seconds"] = time.perf_counter() - started  # with start-up and imports
    return run, ""
