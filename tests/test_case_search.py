"""The search for the day each open case fell or falls due (engine/measure/cases.py),
against a stand-in for the query whose answer is known: each case is late from a day of
its own on. Whatever the number of days a run may try, the search finds that day; a case
late on every day it looks at is given the first day after its look-back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from engine.measure import cases

AS_OF = dt.date(2025, 6, 30)
OPENED = dt.date(2024, 1, 1)  # every case's own date: the look-back reaches two years before
BACK = (AS_OF - OPENED).days + 731


class LateFrom:
    """A query that finds a case late from its day ``first[i]`` on (days from the as-of date)."""

    def __init__(self, first: np.ndarray) -> None:
        self.first, self.runs = first, 0

    def late_then(self, rows: pa.Table, which: np.ndarray, days: np.ndarray) -> np.ndarray:
        self.runs += 1
        return days >= self.first[which]


def search(first: np.ndarray, within: int) -> tuple[np.ndarray, int]:
    candidates = pa.table({"opened": pa.array([OPENED] * len(first), pa.date32())})
    late_on = np.where(first <= 0, 0, within)  # as the candidates query says
    probe = LateFrom(first)
    found = cases._first_late(probe, candidates, late_on, ["opened"], AS_OF)
    return found, probe.runs


@pytest.mark.parametrize("probes", [1, 2, 3, 50, 200_000])
@pytest.mark.parametrize("within", [0, 1, 2, 5, 366])
def test_the_search_finds_the_day_each_case_is_first_late(
        probes: int, within: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cases, "_PROBES", probes)
    rng = np.random.default_rng(probes * 1000 + within)
    for _ in range(20):
        first = rng.integers(-BACK + 1, within + 1, size=int(rng.integers(1, 40)))
        found, _ = search(first, within)
        assert found.tolist() == first.tolist()


def test_a_case_late_on_every_day_looked_at_is_due_the_day_after_the_look_back() -> None:
    found, _ = search(np.array([-BACK - 500, -BACK, -3]), 5)
    assert found.tolist() == [-BACK + 1, -BACK + 1, -3]


def test_many_cases_take_a_few_runs_not_one_per_halving() -> None:
    first = np.random.default_rng(7).integers(-BACK + 1, 6, size=5_000)
    found, runs = search(first, 5)
    assert found.tolist() == first.tolist()
    assert runs <= 6  # a bisection over ~1,300 days would take 11
