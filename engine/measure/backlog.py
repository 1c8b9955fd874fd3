"""Backlog: the share of cases open on the as-of date that are older than a limit.

``backlog`` is a snapshot, not a flow: it looks at every case open at the end of the
as-of date — opened on or before it (``from``) and not closed by then (``to`` blank or
later) — and counts those open longer than ``limit``: in days, the days from opening to
the as-of date (opened 2 June, 28 days old on 30 June: not older than 28 days); in hours
or minutes, up to the end of the as-of day. Its one result is in the period that
contains the as-of date, with the number of open cases as its denominator, so the
target is ``at_most``: "no more than 10% of open claims are older than 28 days".

Cases closed by the as-of date are left out and counted as ``closed``; cases opened after
it as ``opened_after_as_of``.

Example (met): on 30 June 400 claims are open, 36 of them lodged more than 28 days
before → 9.0%, met against at most 10%. Example (breach): 400 open, 52 older → 13.0%.
"""

from __future__ import annotations

from typing import Any

import ibis

from engine.measure.base import Context
from engine.measure.elapsed import Base, Clock, amount_in_base, base_of
from engine.model.dataset import Dataset
from engine.model.standard import Backlog, Standard

NAME = "backlog"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.backlog
    assert isinstance(spec, Backlog)
    clock = Clock(table, ds.column_types(), ctx.as_of, ctx.calendar, ctx.backend)
    base, amount = base_of(spec.limit.unit), amount_in_base(spec.limit)
    if base == Base.business_days:
        clock.join_business_days([spec.start])
    age = clock.age(base, spec.start)
    t = clock.table
    as_of = ibis.literal(ctx.as_of)
    opened, closed = clock.day(spec.start), clock.day(spec.end)
    reason = ibis.cases(
        (opened.isnull(), "missing_start"),
        (opened > as_of, "opened_after_as_of"),
        (closed.notnull() & (closed <= as_of), "closed"),
        else_=ibis.null().cast("string"),
    )
    return t.mutate(
        _num=ibis.ifelse((age > amount).fill_null(False), 1, 0),
        _den=ibis.literal(1),
        _pdate=as_of,
        _reason=reason,
    )


def describe(spec: Backlog) -> str:
    return (f"Of the cases open at the end of the as-of date ({spec.start} on or before it, "
            f"{spec.end} blank or later), the share open longer than {spec.limit}.")
