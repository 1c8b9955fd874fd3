"""Improvement goals, initiatives.yaml and demand blocks as loaded: a mistake is a problem
at its ``file:line:col`` that says what to do; a well-formed initiatives.yaml loads.

Lines and columns are counted by hand from the YAML written here (both 1-based).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from engine.load import load_catalogue
from engine.model.catalogue import Catalogue
from engine.problems import InputError

STANDARD_YAML = """\
id: T-01
title: Claims decided within 28 days
statement: We decide 80% of claims within 28 days.
attribute: timeliness
owner: Benefits
dataset: claims
measure:
  share_within: {from: lodged, to: decided, limit: 28 days}
period: {kind: month, by: decided}
segments: [region]
target: {at_least: 80%}
"""  # 11 lines: an improvement block starts on line 12
DATASET_YAML = """\
name: claims
title: Claims
files: claims.csv
columns:
  id: {header: id}
  region: {header: region}
  cases: {header: cases, type: integer}
  lodged: {header: lodged, type: date}
  decided: {header: decided, type: date}
"""  # 9 lines: a demand block is line 10
CATALOGUE_YAML = "fiscal_year_start: 4\n"
GOAL = "  goal: {value: 90%, by: 2025-12-31}\n"


def load(root: Path, monkeypatch: pytest.MonkeyPatch, *, improvement: str = "",
         demand: str = "", initiatives: str | None = None) -> Catalogue:
    """A standards folder with one standard and one dataset, loaded from inside it (so
    problems name files relative to it)."""
    (root / "datasets").mkdir()
    (root / "datasets/claims.yaml").write_text(DATASET_YAML + demand, encoding="utf-8")
    (root / "catalogue.yaml").write_text(CATALOGUE_YAML, encoding="utf-8")
    (root / "T-01.yaml").write_text(STANDARD_YAML + improvement, encoding="utf-8")
    if initiatives is not None:
        (root / "initiatives.yaml").write_text(initiatives, encoding="utf-8")
    monkeypatch.chdir(root)
    return load_catalogue(".")


def problems(root: Path, monkeypatch: pytest.MonkeyPatch, **files: str) -> list[str]:
    with pytest.raises(InputError) as raised:
        load(root, monkeypatch, **files)
    assert raised.value.exit_code == 2
    return [str(p) for p in raised.value.problems]


# --- improvement blocks ---------------------------------------------------------------------


@pytest.mark.parametrize(("improvement", "expected"), [
    # Line 13 is "  baseline: {period: FY2024}": 'FY2024' starts at column 14.
    pytest.param("improvement:\n  baseline: {period: FY2024}\n" + GOAL,
                 "T-01.yaml:13:14: 'FY2024' is not a fiscal year; write it like FY2024-25",
                 id="a calendar-year label with an April fiscal year"),
    pytest.param("improvement:\n  baseline: {period: FY2024-26}\n" + GOAL,
                 "T-01.yaml:13:14: 'FY2024-26' is not a fiscal year; write it like FY2024-25",
                 id="a fiscal year spanning two years"),
    # Line 14 is "  goal: {value: 90%, by: 2024-12-31}": 'by' is at column 22.
    pytest.param("improvement:\n  baseline: {period: 2024-12}\n"
                 "  goal: {value: 90%, by: 2024-12-31}\n",
                 "T-01.yaml:14:22: the goal's date 2024-12-31 is not after the baseline period "
                 "2024-12 (the path runs from the end of the baseline period to the goal)",
                 id="goal date at the baseline's end"),
    pytest.param("improvement:\n  baseline: {period: 2025-Q1}\n"
                 "  goal: {value: 90%, by: 2025-02-28}\n",
                 "T-01.yaml:14:22: the goal's date 2025-02-28 is not after the baseline period "
                 "2025-Q1 (the path runs from the end of the baseline period to the goal)",
                 id="goal date inside the baseline period"),
    # Lines 15–17: milestones; the second is "    - {by: 2025-06-30, …" (line 17), its
    # 'by' at column 8.
    pytest.param("improvement:\n  baseline: {period: 2024-12}\n" + GOAL + "  milestones:\n"
                 "    - {by: 2025-09-30, value: 85%}\n    - {by: 2025-06-30, value: 80%}\n",
                 "T-01.yaml:17:8: improvement.milestones.1.by: 2025-06-30 is not after the "
                 "milestone before it (by 2025-09-30); list milestones in date order, each by "
                 "a later date", id="milestones out of order"),
    pytest.param("improvement:\n  baseline: {period: 2024-12}\n" + GOAL + "  milestones:\n"
                 "    - {by: 2026-01-31, value: 85%}\n",
                 "T-01.yaml:16:8: improvement.milestones.0.by: 2026-01-31 is not before the "
                 "goal's date (2025-12-31); a milestone is a point on the way: give it an "
                 "earlier date, or move the goal's 'by' later", id="a milestone after the goal"),
    # Line 16 is "    - {by: 2024-11-30, value: 85%}": 'by' is at column 8.
    pytest.param("improvement:\n  baseline: {period: 2024-12}\n" + GOAL + "  milestones:\n"
                 "    - {by: 2024-11-30, value: 85%}\n",
                 "T-01.yaml:16:8: milestone 2024-11-30 is not after the baseline period 2024-12",
                 id="a milestone before the baseline's end"),
])
def test_a_malformed_improvement_is_a_problem_where_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, improvement: str,
        expected: str) -> None:
    assert problems(tmp_path, monkeypatch, improvement=improvement) == [expected]


def test_a_bare_number_goal_on_a_percentage_measure_says_write_a_percentage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (found,) = problems(tmp_path, monkeypatch, improvement="improvement:\n  baseline: "
                        "{period: 2024-12}\n  goal: {value: 90, by: 2025-12-31}\n")
    assert found.startswith("T-01.yaml:")
    assert found.endswith("improvement.goal.value: 90 is a bare number; write a percentage "
                          "with its sign, like 90%")


def test_a_bare_number_goal_is_placed_at_the_goals_value(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (found,) = problems(tmp_path, monkeypatch, improvement="improvement:\n  baseline: "
                        "{period: 2024-12}\n  goal: {value: 90, by: 2025-12-31}\n")
    # Line 14 is "  goal: {value: 90, by: 2025-12-31}": 'value' is at column 10.
    assert found.startswith("T-01.yaml:14:10: ")


def test_an_unknown_baseline_label_says_how_to_write_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (found,) = problems(tmp_path, monkeypatch,
                        improvement="improvement:\n  baseline: {period: 2024-13}\n" + GOAL)
    assert found.startswith("T-01.yaml:13:14: improvement.baseline.period: ")
    assert "write it like" in found
    assert "(\\d{4}" not in found


def test_a_week_the_year_does_not_have_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (found,) = problems(tmp_path, monkeypatch,
                        improvement="improvement:\n  baseline: {period: 2024-W53}\n" + GOAL)
    assert found.startswith("T-01.yaml:13:14: ")
    assert "2024-W53" in found


# --- initiatives.yaml ----------------------------------------------------------------------


def test_an_initiative_naming_an_unknown_standard_suggests_the_near_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = "initiatives:\n  - name: Triage desk\n    start: 2025-01-01\n    standards: [T-1]\n"
    # Line 4 is "    standards: [T-1]": 'T-1' is at column 17.
    assert problems(tmp_path, monkeypatch, initiatives=written) == [
        "initiatives.yaml:4:17: unknown standard 'T-1' (did you mean 'T-01'? standards: T-01)"]


def test_an_initiative_segment_the_standard_is_not_reported_by_lists_its_segments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = ("initiatives:\n  - name: Triage desk\n    start: 2025-01-01\n    standards:\n"
               "      - {standard: T-01, segment: {office: West}}\n")
    # Line 5: 'segment' is at column 26.
    assert problems(tmp_path, monkeypatch, initiatives=written) == [
        "initiatives.yaml:5:26: T-01 is not reported by office (its segments are: region)"]


def test_an_initiatives_window_under_three_periods_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = ("initiatives:\n  - name: Triage desk\n    start: 2025-01-01\n"
               "    standards: [T-01]\n    window: 0 periods\n")
    (found,) = problems(tmp_path, monkeypatch, initiatives=written)
    assert found.startswith("initiatives.yaml:5:5: initiatives.0.window: input should be "
                            "greater than or equal to 3")


def test_a_well_formed_initiatives_file_loads(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    written = """\
initiatives:
  - name: Triage desk
    description: A duty officer sorts new claims on the day they arrive.
    start: 2025-01-15
    cost: 25000
    currency: CAD
    window: 6 periods
    standards:
      - T-01
      - {standard: T-01, segment: {region: West}}
"""
    catalogue = load(tmp_path, monkeypatch, initiatives=written)
    (initiative,) = catalogue.initiatives
    assert (initiative.name, initiative.start, initiative.cost, initiative.currency,
            initiative.window) == ("Triage desk", dt.date(2025, 1, 15), Decimal(25000), "CAD", 6)
    assert [(a.standard, a.segment) for a in initiative.standards] == [
        ("T-01", {}), ("T-01", {"region": "West"})]
    assert "initiatives" in catalogue.sources


# --- a dataset's demand block --------------------------------------------------------------


@pytest.mark.parametrize(("demand", "expected"), [
    # Line 10 is "demand: {by: …}": the column name after 'by:' is at column 10.
    pytest.param("demand: {by: region}\n",
                 "datasets/claims.yaml:10:10: 'region' is a string column, but demand.by needs "
                 "a date or datetime column", id="by a text column"),
    pytest.param("demand: {by: lodgd}\n",
                 "datasets/claims.yaml:10:10: unknown column 'lodgd' (did you mean 'lodged'?",
                 id="by an unknown column"),
    # Line 10 is "demand: {by: lodged, count: …}": 'count' is at column 22.
    pytest.param("demand: {by: lodged, count: casez}\n",
                 "datasets/claims.yaml:10:22: count: unknown column 'casez' (did you mean "
                 "'cases'?", id="count of an unknown column"),
    pytest.param("demand: {by: lodged, count: region}\n",
                 "datasets/claims.yaml:10:22: count: 'region' gives a string, but a number is "
                 "needed here", id="count of a text column"),
])
def test_a_malformed_demand_block_is_a_problem_where_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demand: str, expected: str) -> None:
    (found,) = problems(tmp_path, monkeypatch, demand=demand)
    assert found.startswith(expected), f"\n{found}\ndoes not start with\n{expected}"


def test_every_mistake_is_reported_in_one_pass(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    found = problems(tmp_path, monkeypatch, demand="demand: {by: region}\n",
                     improvement="improvement:\n  baseline: {period: 2024-12}\n"
                     "  goal: {value: 90%, by: 2024-12-31}\n",
                     initiatives="initiatives:\n  - name: Triage desk\n    start: 2025-01-01\n"
                     "    standards: [T-1]\n")
    assert [p.split(": ")[0] for p in found] == [
        "T-01.yaml:14:22", "datasets/claims.yaml:10:10", "initiatives.yaml:4:17"]
