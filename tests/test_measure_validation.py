"""Mistakes in the new measure options are reported at their key, in words, in one pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from measure_cases import run

from engine.problems import InputError

COLUMNS = {"id": "string", "lodged": "date", "decided": "date", "kind": "category",
           "score": "integer"}
BASE = {"period": {"kind": "month", "by": "lodged"}, "target": {"at_least": "80%"}}

MISTAKES: list[tuple[str, dict[str, Any], str]] = [
    ("a bare number for a share",
     {"measure": {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days"}},
      "target": {"at_least": 80}},
     "target.at_least: 80 is a bare number; write a percentage with its sign, like 80%"),
    ("a share of one for a share",  # 0.75 is offered as 75% first: it is most likely meant
     {"measure": {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days"}},
      "target": {"at_least": 0.75}},
     "target.at_least: 0.75 is a bare number; write a percentage with its sign: 75% if 0.75 "
     "is a share of one, or 0.75% if it is already a percentage"),
    ("a percentage for a summary",
     {"measure": {"summary": {"statistic": "mean", "value": "score"}},
      "target": {"at_most": "21%"}},
     "target.at_most: 21% is a percentage, but this measure gives a number in its own unit"),
    ("an unknown column in a pause",
     {"measure": {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days",
                                   "pause": {"days": "paused_days"}}}},
     "unknown column 'paused_days' in dataset 'cases'"),
    ("a category table on an unknown column",
     {"measure": {"share_within": {"from": "lodged", "to": "decided",
                                   "limits": {"by": "knd", "values": {"A": "2 days"}}}}},
     "unknown column 'knd' in dataset 'cases' (did you mean 'kind'?"),
    ("a limit in hours on date columns",
     {"measure": {"backlog": {"from": "lodged", "to": "decided", "limit": "48 hours"}}},
     "a limit in hours needs times of day, but 'lodged' is a date column"),
    ("a limit that is not a limit inside a category table",
     {"measure": {"share_within": {"from": "lodged", "to": "decided",
                                   "limits": {"by": "kind", "values": {"A": "two days"}}}}},
     "'two days' is not a limit"),
    ("a rate whose events are text",
     {"measure": {"rate": {"events": "kind", "per": 100}}, "target": {"at_most": 5}},
     "'kind' gives a string, but a condition or a count is needed here"),
    ("a percentile without p",
     {"measure": {"summary": {"statistic": "percentile", "value": "score"}},
      "target": {"at_most": 5}},
     "'p' goes with statistic: percentile, and it needs one"),
    ("a unit on a value (a value is summarised in its own unit)",
     {"measure": {"summary": {"statistic": "mean", "value": "score", "unit": "minutes"}},
      "target": {"at_most": 12}},
     "'unit' goes with a duration ('from' and 'to')"),
    ("a scale upside down",
     {"measure": {"survey_share": {"score": "score", "at_or_above": 4, "scale": [5, 1]}}},
     "'scale' is [lowest, highest], lowest first"),
    ("opening hours that close before they open",
     {"measure": {"availability": {"from": "lodged", "to": "decided", "since": "2025-01-01",
                                   "schedule": {"hours": "20:00-08:00"}}}},
     "opening hours must open before they close"),
    ("a target column that is text",
     {"measure": {"share_meeting": {"condition": "score >= 4"}},
      "target": {"at_least": {"column": "kind", "written_as": "fraction"}}},
     "'kind' is a category column, but a target needs a decimal or integer column"),
]


@pytest.mark.parametrize(("standard", "message"), [(s, m) for _, s, m in MISTAKES],
                         ids=[name for name, _, _ in MISTAKES])
def test_mistake_is_reported(standard: dict[str, Any], message: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        run(tmp_path, COLUMNS, {**BASE, **standard}, [])
    text = "\n".join(str(p) for p in caught.value.problems)
    assert message in text, text
