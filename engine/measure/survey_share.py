"""Share of survey respondents at or above a score.

``survey_share`` counts, among respondents who answered, the share scoring at least
``at_or_above`` on the question's ``scale``: "85% of clients are satisfied" is the share
scoring 4 or 5 on a five-point scale. A blank answer (no answer, "don't know") is left
out and counted as ``no_answer``; a score outside the scale (a 7 on a 1–5 question, a
data-entry slip) is left out and counted as ``outside_scale`` — neither is ever counted
as dissatisfied.

Example (met): target at least 85%, 220 respondents in the quarter, 190 scoring 4 or 5 →
86.4%, met. Example (breach): 180 respondents, 148 scoring 4 or 5 → 82.2%, breach.
"""

from __future__ import annotations

from typing import Any

import ibis

from engine.measure.base import Context, period_date
from engine.model.dataset import Dataset
from engine.model.standard import Standard, SurveyShare

NAME = "survey_share"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.survey_share
    assert isinstance(spec, SurveyShare)
    score = table[spec.score]
    low, high = (float(x) for x in spec.scale)
    inside = (score >= low) & (score <= high)
    return table.mutate(
        _num=ibis.ifelse(score >= float(spec.at_or_above), 1, 0),
        _den=ibis.literal(1),
        _pdate=period_date(std, ds, table),
        _reason=ibis.cases((score.isnull(), "no_answer"), (~inside, "outside_scale"),
                           else_=ibis.null().cast("string")),
    )


def describe(spec: SurveyShare) -> str:
    low, high = spec.scale
    return (f"The share of respondents scoring {spec.at_or_above} or more on {spec.score} "
            f"(scale {low} to {high}); blank answers and scores outside the scale are left "
            "out and counted.")
