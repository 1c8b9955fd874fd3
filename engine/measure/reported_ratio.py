"""Ratio of reported counts.

``reported_ratio`` adds up counts that a source system has already made — calls
answered within 10 minutes and calls offered per queue and day; volume meeting the
standard and total volume per service and year; A&E attendances and those seen within
four hours per provider and month — over each period and segment, and divides the sums.
It never averages percentages: a busy day weighs more than a quiet one.

Numerator and denominator are columns or arithmetic on columns: the NHS publishes
attendances and breaches, so the share seen within four hours is
``numerator: attendances - breaches``, ``denominator: attendances``.

A row with a blank numerator or denominator is left out and counted as
``missing_counts``.

Example (met): target at least 80%; in May the Benefits queue was offered 20,000 calls
and answered 16,400 of them within 10 minutes → 82.0%, met. Example (breach): offered
18,000, answered in time 13,900 → 77.2%, breach.
"""

from __future__ import annotations

from typing import Any

import ibis

from engine import expr
from engine.measure.base import Context, period_date
from engine.model.dataset import Dataset
from engine.model.standard import ReportedRatio, Standard

NAME = "reported_ratio"


def rows(std: Standard, ds: Dataset, table: Any, ctx: Context) -> Any:
    spec = std.measure.reported_ratio
    assert isinstance(spec, ReportedRatio)
    types = ds.column_types()
    num = expr.parse(spec.numerator, types, want=expr.NUMBER).to_ibis(table, ctx.as_of)
    den = expr.parse(spec.denominator, types, want=expr.NUMBER).to_ibis(table, ctx.as_of)
    return table.mutate(
        _num=num.fill_null(0),
        _den=den.fill_null(0),
        _pdate=period_date(std, ds, table),
        _reason=ibis.ifelse(num.isnull() | den.isnull(), "missing_counts",
                            ibis.null().cast("string")),
    )


def describe(spec: ReportedRatio) -> str:
    return (f"The sum of {spec.numerator} divided by the sum of {spec.denominator}, over each "
            "period and segment (counts already made by the source system).")
