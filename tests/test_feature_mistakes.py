"""A mistake in a feature file is reported with the file, the line and what to write
instead: never a traceback, and the other features still run."""

from __future__ import annotations

import re

import pytest
from feature_tree import copy_tree, run_features

GOOD = """@timeliness @owner_benefits_processing
Feature: BEN-01 Benefit claims decided within 28 days

  Background:
    Given the standard BEN-01
    And the extract is dated 2025-06-30

  Scenario: A claim decided in time
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | North  | 01/03/2025  | 29/03/2025   |
    When the compliance check runs
    Then BEN-01 counts 1 of 1 for 2025-03 in region North

  Scenario: An unknown step
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | North  | 01/03/2025  | 29/03/2025   |
    When the compliance check is run
    Then BEN-01 counts 1 of 1 for 2025-03 in region North

  Scenario: A column the extract does not have
    Given these claims:
      | Claim ID | Benefit Typ        | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | North  | 01/03/2025  | 29/03/2025   |
    When the compliance check runs

  Scenario: A result that is not there
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | North  | 01/04/2025  | 29/04/2025   |
    When the compliance check runs
    Then BEN-01 counts 1 of 1 for 2025-03 in region North

  Scenario: A date the extract's format does not allow
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | North  | 31/02/2025  | 29/03/2025   |
    When the compliance check runs

  Scenario: A standard that does not exist
    Given the standard BEN-10

  Scenario: A check that stops, and says why
    Given these claims:
      | Claim ID | Benefit Type       | Region | Lodged Date | Decided Date |
      | C-1      | Disability benefit | North  | 31/02/2025  | 29/03/2025   |
    When the compliance check runs
    Then the check stops because more than max_rejected 1%
"""

RAGGED = """@timeliness @owner_benefits_processing
Feature: BEN-01 Ragged

  Scenario: A row with a cell missing
    Given these claims:
      | Claim ID | Region |
      | C-1      |
"""

UNKNOWN_TAG = """@timelines @owner_benefits_processing
Feature: BEN-01 Tagged wrong

  Scenario: Anything
    Given the standard BEN-01
"""


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> str:
    tree = copy_tree(tmp_path_factory.mktemp("tree"))
    (tree / "features" / "mistakes.feature").write_text(GOOD, encoding="utf-8")
    (tree / "features" / "ragged.feature").write_text(RAGGED, encoding="utf-8")
    (tree / "features" / "tagged.feature").write_text(UNKNOWN_TAG, encoding="utf-8")
    done = run_features(tree, "-k", "test_mistakes or test_ragged or test_tagged")
    return done.stdout + done.stderr


def test_the_good_scenarios_still_pass(output: str) -> None:
    assert "2 passed" in output and "7 failed" in output, output


def test_an_unknown_step_names_the_line_and_the_closest_step(output: str) -> None:
    assert ('features/mistakes.feature:19: no step reads like "When the compliance check '
            'is run". The closest step is "the compliance check runs".') in output, output


def test_a_column_the_extract_lacks_is_named_with_a_suggestion(output: str) -> None:
    assert ("features/mistakes.feature:23: 'Benefit Typ' is not a column of the claims "
            "extract (did you mean 'Benefit Type'?)") in output, output


def test_a_missing_result_says_which_periods_there_are(output: str) -> None:
    assert ("features/mistakes.feature:33: BEN-01 has no result for 2025-03 in region North. "
            "It has results in region North for: 2025-04.") in output, output


def test_an_extract_the_check_refuses_says_why(output: str) -> None:
    assert ("features/mistakes.feature:39: the check stopped: dataset 'claims': 1 of 1 rows "
            "read were rejected") in output and "row 2 (Lodged Date)" in output, output
    assert "31/02/2025" not in output  # a value stays out of messages: rejects.csv has it


def test_an_unknown_standard_is_named(output: str) -> None:
    assert ("features/mistakes.feature:42: there is no standard BEN-10 in standards/ or "
            "examples/ (did you mean BEN-01?)") in output, output


def test_a_ragged_table_names_the_file_and_line(output: str) -> None:
    assert ("features/ragged.feature:7: this is not valid Gherkin (inconsistent cell count "
            "within the table)") in output, output


def test_an_unregistered_tag_names_the_file_and_line(output: str) -> None:
    assert "features/tagged.feature:1: the tag @timelines is not a registered marker" \
        in output, output


def test_no_traceback(output: str) -> None:
    # pytest shows a traceback as source lines marked ">" and "file.py:LINE: Error" lines
    assert "Traceback" not in output, output
    assert not re.search(r"^>|^\S+\.py:\d+: ", output, re.MULTILINE), output
