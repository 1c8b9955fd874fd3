"""Exact verdicts, as data: (numerator, denominator, target) in → verdict out."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from engine.decide.verdict import decide, shortfall
from engine.measure.base import Cell
from engine.model.results import Verdict
from engine.model.standard import Standard

BASE: dict[str, Any] = {
    "id": "T-01", "title": "t", "statement": "s", "attribute": "timeliness", "owner": "o",
    "dataset": "d", "measure": {"share_meeting": {"condition": "x"}},
    "period": {"kind": "month", "by": "day"},
}


def cell(num: int | float, den: int | float, start: dt.date = dt.date(2025, 5, 1)) -> Cell:
    return Cell(start, start, f"{start:%Y-%m}", {}, num, den)


CASES = [
    # name, target, rounding, numerator, denominator, verdict
    ("exactly on target meets it", {"at_least": "80%"}, None, 80, 100, Verdict.met),
    ("79.99999% misses 80%", {"at_least": "80%"}, None, 7_999_999, 10_000_000, Verdict.breach),
    ("one case short", {"at_least": "80%"}, None, 79, 100, Verdict.breach),
    ("inside the warning band", {"at_least": "80%", "warning_below": "82%"}, None, 81, 100,
     Verdict.warning),
    ("at the warning line is met", {"at_least": "80%", "warning_below": "82%"}, None, 82, 100,
     Verdict.met),
    ("below the minimum sample", {"at_least": "80%", "minimum_sample": 30}, None, 0, 29,
     Verdict.insufficient_data),
    ("at the minimum sample", {"at_least": "80%", "minimum_sample": 30}, None, 24, 30,
     Verdict.met),
    ("no cases at all", {"at_least": "80%"}, None, 0, 0, Verdict.insufficient_data),
    ("at most: on the line", {"at_most": "10%"}, None, 10, 100, Verdict.met),
    ("at most: just over", {"at_most": "10%"}, None, 100_001, 1_000_000, Verdict.breach),
    ("at most: warning above 8%", {"at_most": "10%", "warning_above": "8%"}, None, 9, 100,
     Verdict.warning),
    ("publisher rounds half up: 79.95% → 80.0%", {"at_least": "80%"},
     {"decimals": 1, "method": "half_up"}, 7995, 10000, Verdict.met),
    ("publisher rounds: 79.94% → 79.9%", {"at_least": "80%"},
     {"decimals": 1, "method": "half_up"}, 7994, 10000, Verdict.breach),
    ("half even keeps 79.85% at 79.8%", {"at_least": "79.9%"},
     {"decimals": 1, "method": "half_even"}, 7985, 10000, Verdict.breach),
    ("decimal counts are exact", {"at_least": "30%"}, None, 0.3, 1.0, Verdict.met),
]


@pytest.mark.parametrize(("target", "rounding", "num", "den", "verdict"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_verdict(target: dict[str, Any], rounding: dict[str, Any] | None, num: int, den: int,
                 verdict: Verdict) -> None:
    std = Standard.model_validate(BASE | {"target": target, "rounding": rounding})
    assert decide(std, cell(num, den)).verdict is verdict


def test_the_target_in_force_on_the_period_start_applies() -> None:
    std = Standard.model_validate(BASE | {"target": [
        {"at_least": "80%"}, {"from": dt.date(2025, 4, 1), "at_least": "85%"}]})
    assert decide(std, cell(82, 100, dt.date(2025, 3, 1))).verdict is Verdict.met
    assert decide(std, cell(82, 100, dt.date(2025, 4, 1))).verdict is Verdict.breach


def test_before_the_first_dated_target_there_is_nothing_to_judge() -> None:
    std = Standard.model_validate(BASE | {"target": [
        {"from": dt.date(2025, 4, 1), "at_least": "85%"}]})
    d = decide(std, cell(99, 100, dt.date(2025, 3, 1)))
    assert d.verdict is Verdict.insufficient_data
    assert "no target" in d.decided_by


@pytest.mark.parametrize(("num", "den", "target", "direction", "rounding", "short"), [
    (79, 100, "80%", "at_least", None, 1),
    (205, 264, "80%", "at_least", None, 7),    # 80% of 264 = 211.2 → 212 needed
    (80, 100, "80%", "at_least", None, 0),
    (12, 100, "10%", "at_most", None, 2),
    (799, 1000, "80%", "at_least", None, 1),
    (7, 9, "80%", "at_least", None, 1),        # 7.2 needed: 8 of 9 meet 80%
    (6, 100, "5%", "at_most", None, 1),
    (11, 101, "5%", "at_most", None, 6),       # at most 5.05, so 5 may fail: 6 too many
    (0, 10, "80%", "at_least", None, 8),
    # With the publisher's rule of 2 decimals half up, 79.995% meets 80%: 159,990 of
    # 200,000 does, so 159,989 is 1 short (the exact comparison needs 11).
    (159_989, 200_000, "80%", "at_least", (2, "half_up"), 1),
    (159_989, 200_000, "80%", "at_least", None, 11),
    # Half to even: 79.995 rounds to 80.00 (even), 79.985 to 79.98.
    (159_989, 200_000, "80%", "at_least", (2, "half_even"), 1),
    (206, 1000, "20%", "at_most", (0, "half_up"), 2),   # 20.5 rounds up to 21; 20.4 to 20
    (206, 1000, "20%", "at_most", None, 6),
])
def test_shortfall_is_the_fewest_cases_that_meet_as_the_verdict_compares(
        num: int, den: int, target: str, direction: str,
        rounding: tuple[int, str] | None, short: int) -> None:
    std = Standard.model_validate(BASE | {"target": {direction: target}, "rounding": (
        {"decimals": rounding[0], "method": rounding[1]} if rounding else None)})
    step = std.target[0]
    assert shortfall(Fraction(target.rstrip("%")), cell(num, den), step, std.rounding) == short
