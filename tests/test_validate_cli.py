"""`compliance validate` and `compliance schema` as a user sees them.

Every authoring mistake must come back as one line of output starting with a 1-based
``file:line:col``, all of them in one run, sorted by file and line, with exit code 2
and never a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tiny_catalogue import DATASET, DS, STANDARD, STD
from typer.testing import CliRunner

from engine.cli import app
from engine.load import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced; fails loudly if the case no longer fits the text."""
    assert text.count(old) == 1, f"{old!r} should appear once"
    return text.replace(old, new)


def run_cli(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr), as in a terminal."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"^\S+\.yaml(:\d+:\d+)?: ", line)]


def reported_count(output: str) -> int:
    """The count in the closing summary line, e.g. '4 problems found'."""
    match = re.search(r"^(\d+) problems? found", output, re.MULTILINE)
    assert match, output
    return int(match.group(1))


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty standards folder, made the working directory so paths print short."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the shipped catalogue and the broken one --------------------------------


def test_the_shipped_catalogue_is_valid() -> None:
    code, output = run_cli("validate", "--standards", str(ROOT / "standards"))
    assert code == 0, output
    assert re.search(r": \d+ standards and \d+ datasets are valid\.", output)
    assert "BEN-01" in load_catalogue(ROOT / "standards").standards


def test_the_broken_catalogue_reports_all_four_mistakes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)
    code, output = run_cli("validate", "--standards", "broken_catalogue")
    assert code == 2, output
    assert "Traceback" not in output
    assert problem_lines(output) == [
        "broken_catalogue/benefits/BEN-01.yaml:3:1: unknown key 'statment' under the top "
        "level (did you mean 'statement'? allowed here: alerts, attribute, dataset, evidence, id, "
        "improvement, measure, owner, period, population, rounding, segments, statement, target, "
        "title, version)",
        "broken_catalogue/benefits/BEN-02.yaml:10:8: YAML syntax: mapping values are not "
        "allowed here (a value containing ': ' must be quoted, or the line is indented too far)",
        "broken_catalogue/benefits/BEN-03.yaml:7:1: population: unknown column 'benefit_typ' "
        "(did you mean 'benefit_type'? columns: as_of, benefit_type, claim_id, decided_date, "
        "lodged_date, region)",
        "broken_catalogue/benefits/BEN-04.yaml:12:3: target.at_least: 'eighty percent' is not "
        "a percentage or a number; write it like 80% (or, for a rate or a summary, a number "
        "like 4.2)",
    ]
    assert reported_count(output) == 4


def test_the_base_case_is_valid(catalogue: Path) -> None:
    write(catalogue, {DS: DATASET, STD: STANDARD})
    code, output = run_cli("validate", "--standards", ".")
    assert code == 0, output
    assert re.search(r"\b1 standards? and 1 datasets? (are|is) valid", output), output


# --- one mistake each: message, position and hint -------------------------------------

# (files changed from the base case, the start of each problem line expected)
LOADER_CASES = [
    pytest.param(
        {STD: edit(STANDARD, "dataset: claims", "dataset: claim")},
        [f"{STD}:6:1: unknown dataset 'claim' (did you mean 'claims'? datasets: claims)"],
        id="unknown dataset",
    ),
    pytest.param(
        {STD: edit(STANDARD, "statement:", "statment:")},
        [f"{STD}:3:1: unknown key 'statment' under the top level (did you mean 'statement'?"],
        id="misspelt required key, reported once",
    ),
    pytest.param(
        {STD: edit(STANDARD, "    limit:", "    limt:")},
        [f"{STD}:12:5: unknown key 'limt' under measure.share_within (did you mean 'limit'? "
         "allowed here: due, from, limit, limits, open_cases, pause, to)"],
        id="misspelt nested key",
    ),
    pytest.param(
        {STD: edit(STANDARD, "  at_least: 80%", "  at_leest: 80%")},
        [f"{STD}:16:3: unknown key 'at_leest' under target (did you mean 'at_least'? allowed "
         "here: at_least, at_most, from, minimum_sample, warning_above, warning_below)"],
        id="misspelt key in a target step written without its list",
    ),
    pytest.param(
        {STD: STANDARD + "owner: Someone else\n"},
        [f"{STD}:18:1: the key 'owner' appears twice (keep one of them)"],
        id="duplicate key",
    ),
    pytest.param(
        {STD: edit(STANDARD, "at_least: 80%", "at_least: 80")},
        [f"{STD}:16:3: target.at_least: 80 is a bare number; write a percentage with its "
         "sign, like 80%"],
        id="bare number target",
    ),
    pytest.param(
        {STD: edit(STANDARD, "at_least: 80%", "at_least: eighty percent")},
        [f"{STD}:16:3: target.at_least: 'eighty percent' is not a percentage"],
        id="target in words",
    ),
    pytest.param(
        {STD: edit(STANDARD, "warning_below: 82%", "warning_below: 75%")},
        [f"{STD}:15:1: target: 'warning_below' must be at or above 'at_least'"],
        id="warning band below the target",
    ),
    pytest.param(
        {STD: edit(STANDARD, "limit: 28 days", "limit: 28 dayz")},
        [f"{STD}:12:5: measure.share_within.limit: '28 dayz' is not a limit; write a whole "
         "number and a unit, like '28 days'"],
        id="limit with a misspelt unit",
    ),
    pytest.param(
        {STD: edit(STANDARD, "limit: 28 days", "limit: 48 hours")},
        [f"{STD}:10:5: a limit in hours needs times of day, but 'lodged_date' is a date column "
         "(declare the column as datetime, or give the limit in days)",
         f"{STD}:11:5: a limit in hours needs times of day, but 'decided_date' is a date column"],
        id="hours limit on date columns",
    ),
    pytest.param(
        {STD: edit(STANDARD, "segments: [region]", "segments: [regoin]")},
        [f"{STD}:14:12: unknown column 'regoin' in dataset 'claims' (did you mean 'region'?"],
        id="unknown segment column",
    ),
    pytest.param(
        {STD: edit(STANDARD, "from: lodged_date", "from: region")},
        [f"{STD}:10:5: 'region' is a category column, but 'from' needs a date or datetime "
         "column"],
        id="from column not a date",
    ),
    pytest.param(
        {STD: edit(STANDARD, "to: decided_date", "to: claim_id")},
        [f"{STD}:11:5: 'claim_id' is a string column, but 'to' needs a date or datetime column"],
        id="to column not a date",
    ),
    pytest.param(
        {STD: edit(STANDARD, "benefit_type = 'Pension'", "benefit_typ = 'Pension'")},
        [f"{STD}:7:1: population: unknown column 'benefit_typ' (did you mean 'benefit_type'?"],
        id="unknown column in population",
    ),
    pytest.param(
        {STD: edit(STANDARD, "benefit_type = 'Pension'", 'benefit_type = "Pension"')},
        [f'{STD}:7:1: population: "Pension" is read as a column name (put text in single '
         "quotes: 'like this')"],
        id="double-quoted text in population",
    ),
    pytest.param(
        {STD: edit(STANDARD, "attribute: timeliness", "attribute: timelyness")},
        [f"{STD}:4:1: attribute: input should be 'timeliness', 'access', 'accuracy', "
         "'responsiveness', 'satisfaction', 'respect', 'reliability', 'transparency' or "
         "'fairness' (found 'timelyness') (did you mean 'timeliness'?"],
        id="unknown attribute",
    ),
    pytest.param(
        {DS: edit(DATASET, "files: extracts/claims.csv", "files: ../private/claims.csv")},
        [f"{DS}:3:1: the file pattern '../private/claims.csv' leaves the standards folder"],
        id="file pattern escaping the folder",
    ),
    pytest.param(
        {DS: edit(DATASET, "key: [claim_id]", "key: [claim]")},
        [f"{DS}:4:7: key column 'claim' is not declared (did you mean 'claim_id'?"],
        id="undeclared key column",
    ),
    pytest.param(
        # The dataset fails to load; its standard must not add a misleading 'unknown dataset'.
        {DS: edit(DATASET, "type: category, values: [North", "type: categroy, values: [North")},
        [f"{DS}:8:34: columns.region.type: input should be 'string', 'integer', 'decimal', "
         "'date', 'datetime', 'boolean' or 'category' (found 'categroy') (did you mean "
         "'category'?"],
        id="unknown column type",
    ),
    pytest.param(
        {"catalogue.yaml": "calendar:\n  country: CA\n  subdivision: ONT\n"},
        ["catalogue.yaml:3:3: 'ONT' is not a subdivision of CA (did you mean 'ON'?"],
        id="unknown calendar subdivision",
    ),
    pytest.param(
        {"catalogue.yaml": "calendar:\n  country: Ca\n"},
        ["catalogue.yaml:2:3: no public-holiday calendar for 'Ca' (did you mean 'CA'?"],
        id="unknown calendar country",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), LOADER_CASES)
def test_each_mistake_is_reported_where_it_is(
    catalogue: Path, changes: dict[str, str], expected: list[str]
) -> None:
    write(catalogue, {DS: DATASET, STD: STANDARD} | changes)
    code, output = run_cli("validate", "--standards", ".")
    assert code == 2, output
    assert "Traceback" not in output
    lines = problem_lines(output)
    assert len(lines) == len(expected), output
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), f"\n{line}\ndoes not start with\n{start}"
    assert reported_count(output) == len(expected)


# A value of the wrong form: the whole line, saying what the key takes and how to write it.
TARGET = "target:\n  at_least: 80%\n  warning_below: 82%\n"  # lines 15–17
SURVEY = "  survey_share:\n    score: score\n    at_or_above: 4\n    scale: 1-5\n"
MILESTONES = ("improvement:\n  baseline: {period: 2025-01}\n"  # lines 18–22
              "  goal: {value: 90%, by: 2027-03-31}\n  milestones:\n"
              "    - {by: 2026-03-31, value: 85%}\n")
WRONG_FORM_CASES = [
    pytest.param(
        {STD: edit(STANDARD, "limit: 28 days", "limit: 15")},
        f"{STD}:12:5: measure.share_within.limit: 15 is not a limit; write a whole number and "
        "a unit (days, business days, weeks, hours, minutes or seconds), like limit: 28 days",
        id="limit without a unit",
    ),
    pytest.param(
        {STD: STANDARD + "improvement:\n  baseline: {period: 2025-01}\n"
                         "  goal: {value: 90%, by: 2027-03-31}\n  tolerance: 2%\n"},
        f"{STD}:21:3: improvement.tolerance: '2%' is not a number of points; write a plain "
        "number of points (in the measure's own unit for a rate or a summary), like "
        "tolerance: 2 points",
        id="tolerance as a percentage",
    ),
    pytest.param(
        {DS: DATASET + "  score:        {header: Score, type: integer}\n",
         STD: edit(STANDARD, "  share_within:\n    from: lodged_date\n    to: decided_date\n"
                             "    limit: 28 days\n", SURVEY)},
        f"{STD}:12:5: measure.survey_share.scale: '1-5' is not a scale; write its lowest and "
        "highest scores as a list, like scale: [1, 5]",
        id="scale written as a range",
    ),
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - {at_least: 80%}\n"
                                     "  - {from: 01/01/2026, at_least: 85%}\n")},
        f"{STD}:17:6: target.1.from: '01/01/2026' is not a date; dates are written as "
        "YYYY-MM-DD, like from: 2026-01-01",
        id="target date written day first",
    ),
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - {at_least: 80%}\n"
                                     "  - {from: 2026-01-01, at_least: 85%}\n"
                                     "  - {from: 2025-07-01, at_least: 82%}\n")},
        f"{STD}:18:6: target.2.from: 2025-07-01 is not after the step before it (from "
        "2026-01-01); list target steps in date order, each from a later date",
        id="target steps out of date order",
    ),
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - {from: 2026-01-01, at_least: 80%}\n"
                                     "  - {from: 2025-07-01, at_least: 85%}\n")},
        f"{STD}:17:6: target.1.from: 2025-07-01 is not after the step before it (from "
        "2026-01-01); list target steps in date order, each from a later date",
        id="a dated first step after the second",
    ),
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - {at_least: 80%}\n  - {at_least: 85%}\n")},
        f"{STD}:17:5: target.1: every step after the first needs 'from' (the date it takes "
        "effect), like from: 2026-01-01",
        id="a later target step without a date",
    ),
    # A limit written as keys and values: one problem at the key, and the limit as text.
    pytest.param(
        {STD: edit(STANDARD, "limit: 28 days", "limit: {days: 15}")},
        f"{STD}:12:5: measure.share_within.limit: {{days: 15}} is not a limit; write a whole "
        "number and a unit (days, business days, weeks, hours, minutes or seconds), like "
        "limit: 15 days",
        id="limit as a mapping of unit to number",
    ),
    pytest.param(
        {STD: edit(STANDARD, "limit: 28 days", "limit: {amount: 2, unit: business days}")},
        f"{STD}:12:5: measure.share_within.limit: {{amount: 2, unit: business days}} is not a "
        "limit; write a whole number and a unit (days, business days, weeks, hours, minutes "
        "or seconds), like limit: 2 business days",
        id="limit as amount and unit",
    ),
    pytest.param(
        {STD: edit(STANDARD, "limit: 28 days", "limit: {dayz: 15}")},
        f"{STD}:12:5: measure.share_within.limit: {{dayz: 15}} is not a limit; write a whole "
        "number and a unit (days, business days, weeks, hours, minutes or seconds), like "
        "limit: 28 days",
        id="limit as a mapping of an unknown unit",
    ),
    pytest.param(
        {STD: edit(STANDARD, "limit: 28 days", "limits:\n      by: benefit_type\n"
                                               "      values: {Pension: 20 days}\n"
                                               "      otherwise: {weeks: 2}")},
        f"{STD}:15:7: measure.share_within.limits.otherwise: {{weeks: 2}} is not a limit; "
        "write a whole number and a unit (days, business days, weeks, hours, minutes or "
        "seconds), like otherwise: 2 weeks",
        id="limit per category as a mapping",
    ),
    pytest.param(
        {STD: edit(STANDARD, "  share_within:\n    from: lodged_date\n    to: decided_date\n"
                             "    limit: 28 days\n",
                   "  advance_notice:\n    event: lodged_date\n    before: decided_date\n"
                   "    notice: {days: 30}\n")},
        f"{STD}:12:5: measure.advance_notice.notice: {{days: 30}} is not a limit; write a "
        "whole number and a unit (days, business days, weeks, hours, minutes or seconds), "
        "like notice: 30 days",
        id="notice as a mapping",
    ),
    # A bare word where keys are expected: an example built from the model, and the word
    # where it is a value one of the keys takes.
    pytest.param(
        {STD: edit(STANDARD, "period: {kind: month, by: decided_date}", "period: month")},
        f"{STD}:13:1: period: 'month' is not a period; write the kind of period and the date "
        "that places each row in it, like period: {kind: month, by: decided_date}",
        id="period as a bare kind",
    ),
    pytest.param(
        {STD: edit(STANDARD, "period: {kind: month, by: decided_date}", "period: rolling")},
        f"{STD}:13:1: period: 'rolling' is not a period; write the kind of period and the "
        "date that places each row in it, like period: {kind: rolling, by: decided_date, "
        "days: 28}",
        id="period as a bare rolling kind",
    ),
    pytest.param(
        {STD: edit(STANDARD, "period: {kind: month, by: decided_date}", "period: weekly")},
        f"{STD}:13:1: period: 'weekly' is not a period; write the kind of period and the "
        "date that places each row in it, like period: {kind: week, by: decided_date}",
        id="period as an adverb",
    ),
    pytest.param(
        {STD: STANDARD + "rounding: 1\n"},
        f"{STD}:18:1: rounding: 1 is not a block of keys; write its keys under it (decimals, "
        "method), like rounding: {decimals: 1}",
        id="rounding as a bare number",
    ),
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - 80%\n")},
        f"{STD}:16:5: target.0: '80%' is not a block of keys; write its keys under it (from, "
        "at_least, at_most, warning_below, warning_above, minimum_sample), like "
        "{at_least: 80%}",
        id="target step as a bare level",
    ),
    pytest.param(
        {DS: edit(DATASET, "{header: Region, type: category, values: [North, South]}",
                  "category")},
        f"{DS}:8:3: columns.region: 'category' is not a block of keys; write its keys under "
        "it (header, type, format, required, values, description, personal), like "
        "region: {type: category}",
        id="dataset column as a bare type",
    ),
    # A whole number: the key's own example, else its default.
    pytest.param(
        {STD: edit(STANDARD, "warning_below: 82%\n", "warning_below: 82%\n"
                                                     "  minimum_sample: thirty\n")},
        f"{STD}:18:3: target.minimum_sample: 'thirty' is not a whole number; write a whole "
        "number, like minimum_sample: 30",
        id="minimum sample in words",
    ),
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - {at_least: 80%, minimum_sample: 1.5}\n")},
        f"{STD}:16:21: target.0.minimum_sample: 1.5 is not a whole number; write a whole "
        "number, like minimum_sample: 30",
        id="minimum sample with a fraction",
    ),
    pytest.param(
        {STD: edit(STANDARD, "{kind: month, by: decided_date}",
                   "{kind: fiscal_year, by: decided_date, start_month: April}")},
        f"{STD}:13:47: period.start_month: 'April' is not a whole number; write a whole "
        "number, like start_month: 4",
        id="fiscal year start month as a name",
    ),
    pytest.param(
        {"catalogue.yaml": "fiscal_year_start: April\n"},
        "catalogue.yaml:1:1: fiscal_year_start: 'April' is not a whole number; write a whole "
        "number, like fiscal_year_start: 4",
        id="whole number with a default as its example",
    ),
    # Target steps and milestones: at the step or milestone that is wrong.
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - {at_least: 80%}\n"
                                     "  - {from: 2026-01-01, at_most: 10%, warning_above: 8%}\n")},
        f"{STD}:17:24: target.1.at_most: this step is at_most, but the first step is "
        "at_least; all of a target's steps go the same way: write this one as at_least (and "
        "its warning band as warning_below), or make every step at_most",
        id="target steps mixing at_least and at_most",
    ),
    pytest.param(
        {STD: edit(STANDARD, TARGET, "target:\n  - {at_most: 4}\n"
                                     "  - {from: 2026-01-01, at_most: {column: target, "
                                     "written_as: percent}}\n").replace(
            "  share_within:\n    from: lodged_date\n    to: decided_date\n"
            "    limit: 28 days\n", "  rate:\n    events: region = 'North'\n    per: 1000\n"),
         DS: DATASET + "  target:       {header: Target, type: decimal}\n"},
        f"{STD}:16:24: target.1.at_most: a target from a column needs a percentage measure; "
        "write the target as a number in the measure's unit, like at_most: 4.2",
        id="a target from a column on a rate",
    ),
    pytest.param(
        {STD: STANDARD + MILESTONES + "    - {by: 2026-01-31, value: 86%}\n"},
        f"{STD}:23:8: improvement.milestones.1.by: 2026-01-31 is not after the milestone "
        "before it (by 2026-03-31); list milestones in date order, each by a later date",
        id="milestones out of date order",
    ),
    pytest.param(
        {STD: STANDARD + MILESTONES + "    - {by: 2027-03-31, value: 86%}\n"},
        f"{STD}:23:8: improvement.milestones.1.by: 2027-03-31 is not before the goal's date "
        "(2027-03-31); a milestone is a point on the way: give it an earlier date, or move "
        "the goal's 'by' later",
        id="a milestone on the goal's date",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), WRONG_FORM_CASES)
def test_a_value_of_the_wrong_form_says_what_to_write(
    catalogue: Path, changes: dict[str, str], expected: str
) -> None:
    write(catalogue, {DS: DATASET, STD: STANDARD} | changes)
    code, output = run_cli("validate", "--standards", ".")
    assert code == 2, output
    assert problem_lines(output) == [expected]


def test_a_duplicate_standard_id_names_both_files(catalogue: Path) -> None:
    write(catalogue, {DS: DATASET, STD: STANDARD, "pensions/copy.yaml": STANDARD})
    code, output = run_cli("validate", "--standards", ".")
    assert code == 2
    assert problem_lines(output) == [
        f"pensions/copy.yaml:1:1: standard 'BEN-01' is already defined in {STD} "
        "(give each standard its own id)"
    ]


def test_a_python_tag_is_refused_and_never_run(catalogue: Path) -> None:
    marker = catalogue / "executed"
    tagged = edit(STANDARD, "owner: Benefits",
                  f"owner: !!python/object/apply:os.system ['touch {marker}']")
    write(catalogue, {DS: DATASET, STD: tagged})
    code, output = run_cli("validate", "--standards", ".")
    assert code == 2
    assert problem_lines(output) == [
        f"{STD}:5:8: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not "
        "allowed (standards are plain data: remove the tag)"
    ]
    assert not marker.exists()


def test_billion_laughs_is_refused(catalogue: Path) -> None:
    laughs = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        laughs += f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    write(catalogue, {DS: DATASET, STD: STANDARD, "laughs.yaml": laughs})
    code, output = run_cli("validate", "--standards", ".")
    assert code == 2
    [line] = problem_lines(output)
    assert re.match(r"laughs\.yaml:\d+:\d+: the document expands to more than 50,000 values "
                    r"\(remove repeated aliases \(\*name\)\)$", line)


def test_a_region_called_no_stays_text(catalogue: Path) -> None:
    # YAML 1.1 reads NO as false; Norway and Sweden must stay region codes.
    write(catalogue, {DS: edit(DATASET, "values: [North, South]", "values: [NO, SE, yes, off]"),
                      STD: STANDARD})
    code, output = run_cli("validate", "--standards", ".")
    assert code == 0, output
    region = load_catalogue(catalogue).datasets["claims"].columns["region"]
    assert region.values == ["NO", "SE", "yes", "off"]


def test_every_problem_in_every_file_comes_in_one_run_sorted(catalogue: Path) -> None:
    # Problems are found in this order: dataset, then each standard's model errors,
    # then its column checks. They must print sorted by file, then line.
    write(catalogue, {
        DS: edit(DATASET, "files: extracts/claims.csv", "files: /etc/claims.csv"),
        STD: edit(edit(STANDARD, "at_least: 80%", "at_least: 80"),
                  "benefit_type = 'Pension'", "benefit_typ = 'Pension'"),
        "benefits/BEN-02.yaml": edit(edit(STANDARD, "BEN-01", "BEN-02"),
                                     "segments: [region]", "segments: [regoin]"),
        "adults/A-01.yaml": edit(edit(STANDARD, "BEN-01", "A-01"), "statement:", "statment:"),
    })
    code, output = run_cli("validate", "--standards", ".")
    assert code == 2
    where = [line.split(": ", 1)[0] for line in problem_lines(output)]
    assert where == [
        "adults/A-01.yaml:3:1",
        f"{STD}:7:1",
        f"{STD}:16:3",
        "benefits/BEN-02.yaml:14:12",
        f"{DS}:3:1",
    ]
    assert reported_count(output) == 5


def test_a_missing_folder_is_a_usage_error(catalogue: Path) -> None:
    code, output = run_cli("validate", "--standards", "nowhere")
    assert code == 2
    assert output.startswith("nowhere: no such standards folder")


# --- compliance schema ----------------------------------------------------------------

SCHEMA_CASES = [
    pytest.param("standard", {"id", "statement", "dataset", "population", "measure", "period",
                              "segments", "target"}, id="standard"),
    pytest.param("dataset", {"name", "files", "csv", "excel", "key", "columns", "checks"},
                 id="dataset"),
    pytest.param("catalogue", {"institution", "as_of", "calendar", "fiscal_year_start"},
                 id="catalogue"),
    pytest.param("results", {"schema_version", "run", "datasets", "results", "alerts",
                             "tracking"}, id="results"),
]


@pytest.mark.parametrize(("name", "keys"), SCHEMA_CASES)
def test_schema_prints_json_schema(name: str, keys: set[str]) -> None:
    code, output = run_cli("schema", name)
    assert code == 0, output
    schema = json.loads(output)
    assert schema["type"] == "object"
    assert keys <= set(schema["properties"])


def test_the_standard_schema_uses_the_yaml_spelling() -> None:
    schema = json.loads(run_cli("schema", "standard")[1])
    share_within = schema["$defs"]["ShareWithin"]["properties"]
    assert {"from", "to", "limit", "limits", "due", "pause", "open_cases"} == set(share_within)
    assert {"id", "measure", "target"} <= set(schema["required"])
    # A single target step is accepted without a list (as PEN-01 is written).
    target = schema["properties"]["target"]["anyOf"]
    assert {"$ref": "#/$defs/TargetStep"} in target


def test_the_dataset_schema_accepts_one_file_pattern_as_text() -> None:
    schema = json.loads(run_cli("schema", "dataset")[1])
    assert {"type": "string"} in schema["properties"]["files"]["anyOf"]


def test_schema_out_writes_a_file(catalogue: Path) -> None:
    code, output = run_cli("schema", "standard", "--out", "schemas/standard.json")
    assert code == 0, output
    assert "Written: schemas/standard.json" in output
    written = (catalogue / "schemas" / "standard.json").read_text()
    assert json.loads(written) == json.loads(run_cli("schema", "standard")[1])


def test_an_unknown_schema_is_a_usage_error() -> None:
    code, output = run_cli("schema", "standards")
    assert code == 2
    assert ("unknown schema 'standards'; choose one of: standard, dataset, catalogue, policy, "
            "results") in output


def test_an_input_error_crosses_a_process_boundary_whole() -> None:
    """A worker's error must reach its parent: unpicklable, a process pool waits forever."""
    import pickle

    from engine.problems import InputError, Problem

    error = InputError([Problem(None, "no such file", hint="check the path")], exit_code=3)
    again = pickle.loads(pickle.dumps(error))
    assert (again.exit_code, again.problems, str(again)) == \
        (3, error.problems, "no such file (check the path)")
