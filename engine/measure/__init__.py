"""Measure: a standard × an extract → numbers per period and segment.

One module per measure kind; each module's docstring is its catalogue entry.
:func:`kinds` is the registry, built fresh on each call.
"""

from __future__ import annotations

from types import ModuleType

import pyarrow as pa

from engine.measure import (
    advance_notice,
    availability,
    backlog,
    cases,
    rate,
    reported_ratio,
    share_meeting,
    share_within,
    summary,
    survey_share,
)
from engine.measure.base import Cell, Context, Measured, measure, query
from engine.measure.cases import Case
from engine.model.dataset import Dataset
from engine.model.policy import CaseAtRisk, Resolved
from engine.model.standard import Standard

_MODULES = (share_within, advance_notice, share_meeting, reported_ratio, rate, summary,
            survey_share, backlog, availability)


def kinds() -> dict[str, ModuleType]:
    """Every measure kind, by the key a standard uses for it."""
    return {m.NAME: m for m in _MODULES}


def measure_standard(std: Standard, ds: Dataset, data: pa.Table, ctx: Context) -> Measured:
    return measure(kinds()[std.measure.kind], std, ds, data, ctx)


def open_cases(std: Standard, ds: Dataset, data: pa.Table, ctx: Context, policy: Resolved
               ) -> list[Case]:
    """The open cases the policy's case alerts look at: late on the as-of date, or due
    within its ``case_at_risk`` days (none where the kind has no deadline, or both case
    alerts are off)."""
    kind = kinds()[std.measure.kind]
    if not cases.supports(kind) or not {"case_overdue", "case_at_risk"} & policy.keys():
        return []
    at_risk = policy.get("case_at_risk")
    within = at_risk.within if isinstance(at_risk, CaseAtRisk) else 0
    return cases.select(kind, std, ds, data, ctx, within)


def describe_measure(std: Standard) -> str:
    """The measure in plain words, from its kind module."""
    words: str = kinds()[std.measure.kind].describe(std.measure.spec)
    return words


def query_of(std: Standard, ds: Dataset, ctx: Context) -> str:
    """The SQL the engine runs for the whole population."""
    return query(kinds()[std.measure.kind], std, ds, ctx)


__all__ = ["Case", "Cell", "Context", "Measured", "describe_measure", "kinds",
           "measure_standard", "open_cases", "query_of"]
