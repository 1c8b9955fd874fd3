"""Elapsed time between two dates, in a limit's unit: shared by every timed measure kind.

* **days, weeks** — whole calendar days between the two dates (times of day ignored);
* **business days** — the difference of the business-day counts of the two dates, from a
  calendar table (Monday to Friday, less the catalogue's public holidays and closures)
  joined in the query, so it runs on every engine: Thursday 17 April 2025 to Tuesday
  22 April 2025 is 2 business days in Ontario (Good Friday and the weekend do not count);
* **hours, minutes, seconds** — exact elapsed seconds between two date-times.

The extract is taken as of the end of the as-of day: a case still open then can at the
earliest be completed the next day, so it is already late when even that would miss
its limit (open 28 days on the as-of date misses "within 28 days"). In business days the
next day counts as a completion on it would: a complaint due within 2 business days,
received on Thursday 26 June 2025 and still open on Monday 30 June, could still be
acknowledged on Canada Day and be counted as 2 business days, so it is not yet late
then; on Wednesday 2 July it is. A backlog's age is
counted up to the as-of date. A stop-the-clock pause is taken off the elapsed time in
the same unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from engine.calendar import business_days
from engine.model.common import Limit, LimitUnit
from engine.model.dataset import ColumnType

SECONDS = {LimitUnit.seconds: 1, LimitUnit.minutes: 60, LimitUnit.hours: 3600}


class Base:
    """What an elapsed time is counted in: each limit unit maps to one of three."""

    days, business_days, seconds = "days", "business_days", "seconds"


def base_of(unit: LimitUnit) -> str:
    if unit in SECONDS:
        return Base.seconds
    return Base.business_days if unit is LimitUnit.business_days else Base.days


def amount_in_base(limit: Limit) -> int:
    """The limit counted in its base: weeks in days, hours and minutes in seconds."""
    if limit.unit in SECONDS:
        return limit.amount * SECONDS[limit.unit]
    return limit.amount * (7 if limit.unit is LimitUnit.weeks else 1)


def days_at_most(limit: Limit) -> int:
    """The most calendar days a limit can span: business days twice over and a year
    more, for weekends, public holidays and closures."""
    if limit.unit in SECONDS:
        return -(-amount_in_base(limit) // 86_400) + 1
    if limit.unit is LimitUnit.business_days:
        return 2 * limit.amount + 366
    return amount_in_base(limit)


def as_date(column: Any, kind: ColumnType) -> Any:
    return column.date() if kind is ColumnType.datetime else column


@dataclass
class Clock:
    """Elapsed-time expressions over one table; business-day counts joined on demand."""

    table: Any
    types: dict[str, ColumnType]
    as_of: dt.date
    calendar: Any
    backend: Any
    # The name of an integer column of days to move the as-of date on by, row by row (to
    # find when an open case will be late: engine/measure/cases.py), or None.
    ahead: str | None = None
    as_of_count: int = 0  # business days up to the as-of date, once joined
    next_count: int = 0  # business days up to the day after it, once joined

    def __post_init__(self) -> None:
        if self.ahead is not None:
            self.table = self.table.mutate(
                _as_of=ibis.literal(self.as_of) + self.table[self.ahead].as_interval("D"))
            self.types = {**self.types, "_as_of": ColumnType.date}

    def day(self, name: str) -> Any:
        return as_date(self.table[name], self.types[name])

    def next_day(self) -> Any:
        """The day after the as-of date (the earliest an open case can now be done)."""
        if self.ahead is None:
            return ibis.literal(self.as_of + dt.timedelta(days=1))
        return self.table._as_of + ibis.interval(days=1)

    def _next_moment(self) -> Any:
        """Midnight at the end of the as-of day, in seconds since 1970."""
        stop = ibis.literal(_epoch(self.as_of + dt.timedelta(days=1)))
        return stop if self.ahead is None else stop + self.table[self.ahead] * 86400

    def join_business_days(self, names: list[str]) -> None:
        """Add ``_bd_<name>`` (business days up to that date) for each date column, and
        remember the as-of date's count. Call before :meth:`elapsed` in business days."""
        if self.ahead is not None:
            self.table = self.table.mutate(_next=self.next_day())
            self.types = {**self.types, "_next": ColumnType.date}
            names = [*names, "_as_of", "_next"]
        days = [self.day(n).cast("date") for n in names]
        lo = ibis.least(*days) if len(days) > 1 else days[0]
        hi = ibis.greatest(*days) if len(days) > 1 else days[0]
        bounds = self.backend.to_pyarrow(
            self.table.aggregate(lo=lo.min(), hi=hi.max())).to_pylist()[0]
        following = self.as_of + dt.timedelta(days=1)
        first = min(filter(None, [bounds["lo"], self.as_of]))
        last = max(filter(None, [bounds["hi"], following]))
        pairs = list(business_days(self.calendar, first, last))
        self.as_of_count, self.next_count = dict(pairs)[self.as_of], dict(pairs)[following]
        cal = ibis.memtable(pa.table({"_d": pa.array([d for d, _ in pairs], pa.date32()),
                                      "_n": pa.array([n for _, n in pairs], pa.int32())}))
        table = self.table
        for name, day in zip(names, days, strict=True):
            if f"_bd_{name}" in table.columns:
                continue
            table = table.mutate(**{f"_d_{name}": day})
            joined = cal.rename(**{f"_d_{name}": "_d", f"_bd_{name}": "_n"})
            table = table.left_join(joined, f"_d_{name}")
            table = table.drop(*[c for c in (f"_d_{name}", f"_d_{name}_right")
                                 if c in table.columns])
        self.table = table

    def elapsed(self, base: str, start: str, end: str | None) -> Any:
        """From ``start`` to ``end`` (a column); with ``end`` None, to the earliest moment a
        case still open on the as-of date could still be completed: the end of the as-of
        day for a time of day, the next day for days. In business days that next day is
        counted as a completion on it would be: a Saturday or a holiday adds none."""
        t = self.table
        if base == Base.seconds:
            stop = t[end].epoch_seconds() if end is not None else self._next_moment()
            return stop - t[start].epoch_seconds()
        if base == Base.business_days:
            stop = t[f"_bd_{end}"] if end is not None else (
                ibis.literal(self.next_count) if self.ahead is None else t._bd__next)
            return stop - t[f"_bd_{start}"]
        stop_day = self.day(end) if end is not None else self.next_day()
        return stop_day.delta(self.day(start), unit="day")

    def _as_of_count(self) -> Any:
        return ibis.literal(self.as_of_count) if self.ahead is None else self.table._bd__as_of

    def age(self, base: str, start: str) -> Any:
        """How long a case has been open on the as-of date: days (or business days) up to
        the as-of date, as an age is counted; a time of day, to the end of the as-of day."""
        t = self.table
        if base == Base.seconds:
            return self._next_moment() - t[start].epoch_seconds()
        if base == Base.business_days:
            return self._as_of_count() - t[f"_bd_{start}"]
        as_of = ibis.literal(self.as_of) if self.ahead is None else t._as_of
        return as_of.delta(self.day(start), unit="day")

    def paused(self, base: str, days: str | None, start: str | None, end: str | None) -> Any:
        """Time the clock was stopped, in ``base``: a column of paused days (taken as being
        in the limit's unit of days), or the span between two date columns."""
        t = self.table
        if days is not None:
            value = t[days].fill_null(0)
            return value * 86400 if base == Base.seconds else value
        assert start is not None and end is not None
        span = self.elapsed(base, start, end)
        # A pause not yet ended, or never started, stops nothing.
        return ibis.ifelse(t[start].isnull() | t[end].isnull(), 0, span)


def _epoch(day: dt.date) -> int:
    """Seconds since 1970 of midnight starting ``day`` (naive date-times are taken as UTC,
    as the query engine takes them)."""
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
