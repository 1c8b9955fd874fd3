"""Periods and business days: pure date arithmetic, no data library.

Period labels follow the results contract: ``2025-01`` (month), ``2025-Q1``,
``2025-W03`` (ISO week), ``2025`` (calendar year), ``FY2024-25`` (fiscal year, named
by the years it spans), ``R28D:2025-01-31`` (rolling window ending that day).

A business day is Monday to Friday, not a public holiday of the catalogue's
jurisdiction (the ``holidays`` package) and not a listed closure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from engine.model.catalogue import Calendar
from engine.model.standard import Period, PeriodKind


def fiscal_start_month(period: Period, default: int) -> int:
    return period.start_month or default


def period_end(kind: PeriodKind, start: dt.date, *, days: int | None = None) -> dt.date:
    """The last day of the period that starts on ``start``."""
    if kind is PeriodKind.week:
        return start + dt.timedelta(days=6)
    if kind is PeriodKind.rolling:
        assert days is not None
        return start + dt.timedelta(days=days - 1)
    months = {PeriodKind.month: 1, PeriodKind.quarter: 3, PeriodKind.year: 12,
              PeriodKind.fiscal_year: 12}[kind]
    return add_months(start, months) - dt.timedelta(days=1)


def period_start(kind: PeriodKind, day: dt.date, fiscal_start: int = 1) -> dt.date:
    """The first day of the (non-rolling) period that contains ``day``."""
    if kind is PeriodKind.week:
        return day - dt.timedelta(days=day.weekday())
    if kind is PeriodKind.month:
        return day.replace(day=1)
    if kind is PeriodKind.quarter:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if kind is PeriodKind.year:
        return dt.date(day.year, 1, 1)
    if kind is PeriodKind.fiscal_year:
        year = day.year if day.month >= fiscal_start else day.year - 1
        return dt.date(year, fiscal_start, 1)
    raise ValueError(f"a {kind.value} period has no fixed start")


def start_of(period: Period, day: dt.date, as_of: dt.date, fiscal_default: int
             ) -> dt.date | None:
    """The start of the standard's period that holds ``day``: for a rolling period, the
    window ending on the as-of date (None for a day before it)."""
    if period.kind is PeriodKind.rolling:
        assert period.days is not None
        first = rolling_start(as_of, period.days)
        return first if first <= day <= as_of else None
    return period_start(period.kind, day, fiscal_start_month(period, fiscal_default))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def label(kind: PeriodKind, start: dt.date, *, days: int | None = None) -> str:
    if kind is PeriodKind.month:
        return f"{start:%Y-%m}"
    if kind is PeriodKind.quarter:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind is PeriodKind.week:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if kind is PeriodKind.year:
        return str(start.year)
    if kind is PeriodKind.fiscal_year:
        if start.month == 1:
            return f"FY{start.year}"
        return f"FY{start.year}-{(start.year + 1) % 100:02d}"
    return f"R{days}D:{period_end(kind, start, days=days).isoformat()}"


def rolling_start(as_of: dt.date, days: int) -> dt.date:
    return as_of - dt.timedelta(days=days - 1)


def business_days(calendar: Calendar, first: dt.date, last: dt.date
                  ) -> Iterator[tuple[dt.date, int]]:
    """Each day from ``first`` to ``last`` with the count of business days up to and
    including it. The business days between two dates is the difference of their counts,
    so a case received on a Saturday and answered on Tuesday took 2 business days."""
    closed = set(calendar.closures) | _holidays(calendar, first.year, last.year)
    count = 0
    day = first
    while day <= last:
        if day.weekday() < 5 and day not in closed:
            count += 1
        yield day, count
        day += dt.timedelta(days=1)


def _holidays(calendar: Calendar, first_year: int, last_year: int) -> set[dt.date]:
    if calendar.country is None:
        return set()
    import holidays

    found = holidays.country_holidays(calendar.country, subdiv=calendar.subdivision,
                                      years=range(first_year, last_year + 1))
    return set(found)


def label_range(label: str, fiscal_start: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a period named by its label (``2024-06``, ``2024-Q2``,
    ``2024-W05``, ``2024``, ``FY2023-24``, ``FY2024``). Raises ValueError for another."""
    if label.startswith("FY"):
        first_year = int(label[2:6])
        if fiscal_start == 1:
            if len(label) != 6:
                raise ValueError(f"'{label}': with a fiscal year starting in January, write "
                                 f"FY{first_year}")
        elif label[6:] != f"-{(first_year + 1) % 100:02d}":
            raise ValueError(f"'{label}' is not a fiscal year; write it like "
                             f"FY{first_year}-{(first_year + 1) % 100:02d}")
        start = dt.date(first_year, fiscal_start, 1)
        return start, period_end(PeriodKind.fiscal_year, start)
    year = int(label[:4])
    rest = label[5:]
    if not rest:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if rest.startswith("Q"):
        start = dt.date(year, (int(rest[1]) - 1) * 3 + 1, 1)
        return start, period_end(PeriodKind.quarter, start)
    if rest.startswith("W"):
        try:
            start = dt.date.fromisocalendar(year, int(rest[1:]), 1)
        except ValueError:
            raise ValueError(f"'{label}': {year} has no ISO week {int(rest[1:])}") from None
        return start, start + dt.timedelta(days=6)
    start = dt.date(year, int(rest), 1)
    return start, period_end(PeriodKind.month, start)


def ordinal(kind: PeriodKind, start: dt.date, *, days: int | None = None) -> int:
    """A period's place in the sequence of its kind: consecutive periods differ by 1."""
    if kind is PeriodKind.month:
        return start.year * 12 + start.month - 1
    if kind is PeriodKind.quarter:
        return (start.year * 12 + start.month - 1) // 3
    if kind in (PeriodKind.year, PeriodKind.fiscal_year):
        return start.year
    if kind is PeriodKind.week:
        return start.toordinal() // 7
    assert days is not None
    return start.toordinal() // days


def shift(kind: PeriodKind, start: dt.date, periods: int, *, days: int | None = None
          ) -> dt.date:
    """The start of the period ``periods`` after (or before) the one starting on ``start``."""
    if kind is PeriodKind.week:
        return start + dt.timedelta(weeks=periods)
    if kind is PeriodKind.rolling:
        assert days is not None
        return start + dt.timedelta(days=days * periods)
    months = {PeriodKind.month: 1, PeriodKind.quarter: 3, PeriodKind.year: 12,
              PeriodKind.fiscal_year: 12}[kind]
    return add_months(start, months * periods)


def season(kind: PeriodKind, start: dt.date) -> tuple[int, int] | None:
    """The period's season and how many seasons a year has: months and quarters repeat
    each year; other kinds have no seasons."""
    if kind is PeriodKind.month:
        return start.month, 12
    if kind is PeriodKind.quarter:
        return (start.month - 1) // 3 + 1, 4
    return None
