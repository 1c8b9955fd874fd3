"""Share of records meeting a condition.

``share_meeting`` counts, among the records in the population, the share for which
the condition holds: a payment found correct in a quality-assurance review
(``payment_correct``), a call answered within 600 seconds (``wait_seconds <= 600``),
a survey respondent scoring 4 or 5 (``satisfaction >= 4``). A lower-is-better rate
(abandoned calls, errors) is the same measure with an ``at_most`` target.

A record whose condition cannot be decided because a cell it needs is blank is left
out and counted as ``condition_unknown`` (``when_unknown: exclude``, the default), or
counted as not meeting it (``when_unknown: not_met``).

Example (met): target at least 95%, 120 payments reviewed in the quarter, 116 correct
→ 96.7%, met. Example (breach): 60 reviews, 55 correct → 91.7%, breach; 2 reviews not
yet assessed are left out and reported.
"""

from __future__ import annotations

from typing import Any

import ibis

from engine import expr
from engine.measure.base import Context, period_date
from engine.model.dataset import Dataset
from engine.model.standard import ShareMeeting, Standard, WhenUnknown

NAME = "share_meeting"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.share_meeting
    assert isinstance(spec, ShareMeeting)
    types = ds.column_types()
    condition = expr.parse(spec.condition, types).to_ibis(table, ctx.as_of)
    unknown = condition.isnull()
    exclude = spec.when_unknown is WhenUnknown.exclude
    return table.mutate(
        _num=ibis.ifelse(condition.fill_null(False), 1, 0),
        _den=ibis.literal(1),
        _pdate=period_date(std, ds, table),
        _reason=ibis.ifelse(unknown & ibis.literal(exclude), "condition_unknown",
                            ibis.null().cast("string")),
    )


def describe(spec: ShareMeeting) -> str:
    unknown = ("left out and counted" if spec.when_unknown is WhenUnknown.exclude
               else "counted as not met")
    return (f"The share of records for which {spec.condition} holds. Records where that "
            f"cannot be decided (a blank cell) are {unknown}.")
