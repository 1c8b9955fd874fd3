"""Share of notices given at least a stated time in advance.

``advance_notice`` is met when the ``event`` (a notice sent, an appointment offered) came
at least ``notice`` before the reference date ``before`` (the change of payment, the
appointment itself): "clients are told of a change to their payment at least 30 days
before it takes effect". The boundary is inclusive: a notice sent exactly 30 days before
meets a 30-day notice. Units are days, weeks or business days (see ``elapsed``).

A case with no event yet is open. Once the as-of date is past the last day a notice
could still be given in time, it can no longer be met: with ``open_cases:
count_when_overdue`` it counts as not met (in the period of its reference date, or of the
as-of date when that is blank); an open case that can still be met is left out and
counted as ``open_within_limit``.

Example (met): target at least 95%, 200 payment changes in March, 192 notified 30 or more
days before → 96.0%, met. Example (breach): 200 changes, 185 in time → 92.5%, breach.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.measure.base import Context, case_rows
from engine.measure.elapsed import Base, Clock, amount_in_base, base_of, days_at_most
from engine.model.dataset import Dataset
from engine.model.standard import AdvanceNotice, OpenCases, Standard

NAME = "advance_notice"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.advance_notice
    assert isinstance(spec, AdvanceNotice)
    clock = Clock(table, ds.column_types(), ctx.as_of, ctx.calendar, ctx.backend, ctx.ahead)
    base, amount = base_of(spec.notice.unit), amount_in_base(spec.notice)
    if base == Base.business_days:
        clock.join_business_days([spec.event, spec.before])
    given = clock.elapsed(base, spec.event, spec.before)   # notice given, event → reference
    left = clock.elapsed(base, spec.before, None)          # reference → next possible day
    t = clock.table
    # ``left`` runs to the earliest moment a notice could still be given (the next day,
    # or the end of the as-of day for a notice in hours); if even that is too late, it is.
    late_already = -left < amount
    return case_rows(std, ds, t, ctx, is_open=is_open(spec, t), met=given >= amount,
                     late=late_already, open_cases=spec.open_cases,
                     first=[(t[spec.before].isnull(), "missing_reference_date")])


def open_column(spec: AdvanceNotice) -> str:
    """The column that is blank while a case is open."""
    return spec.event


def is_open(spec: AdvanceNotice, table: Any) -> Any:
    """A case whose notice has not been given by the as-of date."""
    return table[open_column(spec)].isnull()


def reach_back(spec: AdvanceNotice) -> int:
    """How long before its reference date a case can fall due, at most, in calendar
    days: where the search for the day an open case fell due must look back to."""
    return days_at_most(spec.notice)


def case_dates(spec: AdvanceNotice) -> list[str]:
    """The dates an open case's alert shows."""
    return [spec.before]


def deadline(spec: AdvanceNotice, name: Callable[[str], str] = str) -> str:
    """The limit an open case is held to, in words, each column as ``name`` calls it
    (an alert gives the extract's headers)."""
    return f"{name(spec.event)} at least {spec.notice} before {name(spec.before)}"


def describe(spec: AdvanceNotice) -> str:
    open_words = ("A case with no notice yet that can no longer be given in time counts as "
                  "not met." if spec.open_cases is OpenCases.count_when_overdue
                  else "Cases with no notice yet are left out.")
    return (f"The share of cases whose {spec.event} came at least {spec.notice} before "
            f"{spec.before}, exactly {spec.notice} included. {open_words}")
