"""Events per N: a rate where lower is usually better.

``rate`` counts events against an exposure and scales the ratio to a round number:
abandoned calls per 100 calls offered, payment errors per 1,000 payments, complaints per
1,000 clients. ``events`` is a condition (each row that meets it is one event) or a count
column; ``exposure`` is a count column, or by default each row counts once. The targets
are numbers per ``per``, usually ``at_most``: "at most 5 complaints per 1,000 clients".
Unlike a share, an event count may exceed the exposure.

A row whose events or exposure cannot be decided (a blank cell) is left out and counted
as ``missing_counts``.

Example (met): target at most 5 per 1,000; in May 12 complaints against 3,000 active
clients → 4.0 per 1,000, met. Example (breach): 19 complaints against 3,000 → 6.33 per
1,000, breach.
"""

from __future__ import annotations

from typing import Any

import ibis

from engine import expr
from engine.measure.base import Context, period_date
from engine.model.dataset import Dataset
from engine.model.standard import Rate, Standard

NAME = "rate"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.rate
    assert isinstance(spec, Rate)
    types = ds.column_types()
    events = expr.parse(spec.events, types, want=None)
    value = events.to_ibis(table, ctx.as_of)
    # A blank cell keeps the count unknown (left out), never "no event".
    counted = ibis.ifelse(value, 1, 0) if events.type == expr.BOOLEAN else value
    unknown = value.isnull()
    exposure = (expr.parse(spec.exposure, types, want=expr.NUMBER).to_ibis(table, ctx.as_of)
                if spec.exposure is not None else ibis.literal(1))
    return table.mutate(
        _num=counted.fill_null(0),
        _den=exposure.fill_null(0),
        _pdate=period_date(std, ds, table),
        _reason=ibis.ifelse(unknown | exposure.isnull(), "missing_counts",
                            ibis.null().cast("string")),
    )


def scale(spec: Rate) -> int:
    """The value is events × ``per`` / exposure."""
    return spec.per


def describe(spec: Rate) -> str:
    against = f"the sum of {spec.exposure}" if spec.exposure else "the number of records"
    return f"Events ({spec.events}) per {spec.per:,}, counted against {against}."
