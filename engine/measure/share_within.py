"""Share of cases completed within a limit.

``share_within`` counts, among the cases in the population, the share whose
completion (``to``) came no later than the limit after the start (``from``).
The limit is inclusive: "within 28 days" is met by a claim decided on day 28.

* **calendar days / weeks** — whole days between the two dates (times of day ignored);
  lodged 1 March and decided 29 March is 28 days: met; decided 30 March: not met.
* **business days** — business days after the start, by the catalogue's calendar
  (Monday to Friday, less public holidays and closures). A complaint received on
  Thursday 17 April 2025 and acknowledged on Tuesday 22 April took 2 business days in
  Ontario (Good Friday is a holiday): met within 2 business days.
* **hours / minutes / seconds** — exact elapsed time between two date-times.
* **limits by category** — a different limit per category (``limits: {by: type, values:
  {Passport: 20 business days, Visa: 30 days}, otherwise: 40 days}``); a case whose
  category has no limit and no ``otherwise`` is left out, counted as
  ``no_limit_for_category``.
* **due** — each case's own (negotiated) due-date column: met when completed on or
  before it — by the day, or, when both the due and completion columns hold times of
  day, by the moment (closed at 14:05 against a deadline of 14:00 is late). Given with a
  limit, the due date overrides the limit where it is present.
* **pause** (stop-the-clock) — time waiting for the client is taken off the elapsed time:
  a column of paused days, or the dates the clock stopped and restarted. Received 1 March,
  decided 3 April (33 days) with 6 days paused: 27 days, met within 28 days.

Open cases (no ``to`` date on the as-of date): with ``open_cases: count_when_overdue``
a case that can no longer meet its limit — the extract is as of the end of the as-of
day, so one open for 28 days then misses "within 28 days" — counts as not met, in the
period of the as-of date when periods are placed by the completion date (it is a
breach now); an open case still within its limit is left out and counted as
``open_within_limit``. With ``open_cases: exclude`` every open case is left out and
counted.

Example (met): target at least 80%, 40 claims decided in May, 33 within 28 days →
82.5%, met. Example (breach): 40 claims, 31 within 28 days, plus 2 open claims already
past 28 days on the as-of date 31 May → 31 / 42 = 73.8%, breach.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis

from engine.measure.base import Context, case_rows
from engine.measure.elapsed import Base, Clock, amount_in_base, base_of
from engine.model.common import Limit
from engine.model.dataset import ColumnType, Dataset
from engine.model.standard import OpenCases, ShareWithin, Standard

NAME = "share_within"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.share_within
    assert isinstance(spec, ShareWithin)
    clock = Clock(table, ds.column_types(), ctx.as_of, ctx.calendar, ctx.backend, ctx.ahead)
    met, overdue, no_limit = _against_limits(spec, clock)
    t = clock.table
    start, end = t[spec.start], t[spec.end]
    if spec.due is not None:
        types = ds.column_types()
        # Open at the end of the as-of day: done tomorrow at the earliest.
        now = clock.next_day()
        if types[spec.due] is types[spec.end] is ColumnType.datetime:
            due, done, now = t[spec.due], t[spec.end], now.cast("timestamp")
        else:
            due, done = clock.day(spec.due), clock.day(spec.end)
        has_due = due.notnull()
        met = ibis.ifelse(has_due, done <= due, met)
        overdue = ibis.ifelse(has_due, now > due, overdue)
        no_limit = no_limit & ~has_due
    return case_rows(
        std, ds, t, ctx, is_open=is_open(spec, t), met=met, late=overdue,
        open_cases=spec.open_cases,
        first=[(start.isnull(), "missing_start"),
               (no_limit, "missing_due_date" if spec.limit is None and spec.limits is None
                else "no_limit_for_category")],
        last=((end.notnull() & _ends_before_start(clock, spec), "ends_before_start"),))


def open_column(spec: ShareWithin) -> str:
    """The column that is blank while a case is open."""
    return spec.end


def is_open(spec: ShareWithin, table: Any) -> Any:
    """A case not completed on the as-of date."""
    return table[open_column(spec)].isnull()


def case_dates(spec: ShareWithin) -> list[str]:
    """The dates an open case's alert shows."""
    return [spec.start] + ([spec.due] if spec.due is not None else [])


def deadline(spec: ShareWithin, name: Callable[[str], str] = str) -> str:
    """The limit an open case is held to, in words, each column as ``name`` calls it
    (an alert gives the extract's headers)."""
    end, start = name(spec.end), name(spec.start)
    if spec.limit is not None:
        words = f"{end} within {spec.limit} of {start}"
    elif spec.limits is not None:
        words = f"{end} within the limit for its {name(spec.limits.by)} from {start}"
    else:
        assert spec.due is not None  # the model asks for a limit, limits or a due column
        return f"{end} by its {name(spec.due)}"
    return words + (f", or by its {name(spec.due)} where given" if spec.due is not None
                    else "")


def limits_of(spec: ShareWithin) -> list[Limit]:
    if spec.limit is not None:
        return [spec.limit]
    if spec.limits is not None:
        extra = [spec.limits.otherwise] if spec.limits.otherwise is not None else []
        return list(spec.limits.values.values()) + extra
    return []


def _against_limits(spec: ShareWithin, clock: Clock) -> tuple[Any, Any, Any]:
    """(met, overdue if still open, no limit applies), per row."""
    limits = limits_of(spec)
    if not limits:  # a due-date column alone
        null = ibis.null().cast("boolean")
        return null, null, ibis.literal(True)
    bases = {base_of(limit.unit) for limit in limits}
    if Base.business_days in bases:
        dates = [spec.start, spec.end]
        if spec.pause is not None and spec.pause.start is not None:
            dates += [spec.pause.start, spec.pause.end]  # type: ignore[list-item]
        clock.join_business_days(dates)
    done, so_far = {}, {}
    for base in bases:
        paused = (clock.paused(base, spec.pause.days, spec.pause.start, spec.pause.end)
                  if spec.pause is not None else 0)
        done[base] = clock.elapsed(base, spec.start, spec.end) - paused
        so_far[base] = clock.elapsed(base, spec.start, None) - paused

    def test(limit: Limit) -> tuple[Any, Any]:
        base, amount = base_of(limit.unit), amount_in_base(limit)
        return done[base] <= amount, so_far[base] > amount

    if spec.limit is not None:
        met, overdue = test(spec.limit)
        return met, overdue, ibis.literal(False)
    assert spec.limits is not None
    category = clock.table[spec.limits.by].cast("string")
    pairs = [(category == value, test(limit)) for value, limit in spec.limits.values.items()]
    otherwise = (test(spec.limits.otherwise) if spec.limits.otherwise is not None
                 else (ibis.null().cast("boolean"), ibis.null().cast("boolean")))
    met = ibis.cases(*[(when, m) for when, (m, _) in pairs], else_=otherwise[0])
    overdue = ibis.cases(*[(when, o) for when, (_, o) in pairs], else_=otherwise[1])
    known = ibis.literal(spec.limits.otherwise is not None)
    for when, _ in pairs:
        known = known | when.fill_null(False)
    return met, overdue, ~known


def describe(spec: ShareWithin) -> str:
    if spec.limit is not None:
        limit = f"within {spec.limit}"
    elif spec.limits is not None:
        table = "; ".join(f"{k}: {v}" for k, v in spec.limits.values.items())
        other = (f"; any other: {spec.limits.otherwise}" if spec.limits.otherwise
                 else "; any other category is left out")
        limit = f"within the limit for its {spec.limits.by} ({table}{other})"
    else:
        limit = f"by its own due date ({spec.due})"
    words = [f"The share of cases whose {spec.end} came {limit} of {spec.start}, "
             "the limit included."]
    if spec.due is not None and (spec.limit is not None or spec.limits is not None):
        words.append(f"Where {spec.due} is given, the case is due then instead.")
    if spec.pause is not None:
        paused = (f"the days in {spec.pause.days}" if spec.pause.days is not None
                  else f"the time from {spec.pause.start} to {spec.pause.end}")
        words.append(f"The clock stops for {paused}.")
    words.append(_OPEN[spec.open_cases])
    return " ".join(words)


_OPEN = {
    OpenCases.exclude: "Cases still open on the as-of date are left out.",
    OpenCases.count_when_overdue: "A case still open at the end of the as-of date that can "
    "no longer meet its limit counts as not met (a breach in flight); one that still can is "
    "left out.",
}


def _ends_before_start(clock: Clock, spec: ShareWithin) -> Any:
    """Completed before it started: by the moment when both hold a time of day."""
    if clock.types[spec.start] is clock.types[spec.end] is ColumnType.datetime:
        return clock.table[spec.end] < clock.table[spec.start]
    return clock.day(spec.end) < clock.day(spec.start)
