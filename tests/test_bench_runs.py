"""The benchmarks still run: each command of bench/README.md on a few thousand rows, in
a cache folder of its own (BENCH_CACHE). Figures at that size mean nothing; what is
checked is that each command runs to its end, and, for the check suite, that the engine
and the hand-written references still agree cell for cell. The benchmarks reach into the
engine (bench/decide.py times the functions engine.run calls), so a change to the
engine can break them without breaking anything else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def bench(tmp_path: Path, *args: str) -> str:
    before = _repo_cache()
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600,
                          env={**os.environ, "BENCH_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "cache").is_dir()
    assert _repo_cache() == before, "BENCH_CACHE was not used: bench/.cache changed"
    return done.stdout


def _repo_cache() -> dict[str, float]:
    return {p.name: p.stat().st_mtime for p in (ROOT / "bench" / ".cache").glob("*")}


@pytest.mark.parametrize("args", [
    ["bench", "decide", "--rows", "3000", "--repeat", "1"],
    ["bench.stages", "--rows", "3000"],
    ["bench.stages", "--shipped", "--rows", "3000"],
])
def test_a_profile_runs_to_its_end(tmp_path: Path, args: list[str]) -> None:
    printed = bench(tmp_path, *args)
    assert "total, in process" in printed or "decision layer" in printed, printed


def test_the_check_suite_agrees_with_both_references(tmp_path: Path) -> None:
    printed = bench(tmp_path, "bench", "check", "--catalogue", "shipped", "--rows", "3000",
                    "--repeat", "1", "--formats", "csv")
    assert printed.count(": AGREE (1,045 cells") == 2, printed
    assert "DISAGREE" not in printed
