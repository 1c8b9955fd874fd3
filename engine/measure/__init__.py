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
    rate,
    reported_ratio,
    share_meeting,
    share_within,
    summary,
    survey_share,
)
from engine.measure.base import Cell, Context, Measured, measure, query
from engine.model.dataset import Dataset
from engine.model.standard import Standard

_MODULES = (share_within, advance_notice, share_meeting, reported_ratio, rate, summary,
            survey_share, backlog, availability)


def kinds() -> dict[str, ModuleType]:
    """Every measure kind, by the key a standard uses for it."""
    return {m.NAME: m for m in _MODULES}


def measure_standard(std: Standard, ds: Dataset, data: pa.Table, ctx: Context) -> Measured:
    return measure(kinds()[std.measure.kind], std, ds, data, ctx)


def describe_measure(std: Standard) -> str:
    """The measure in plain words, from its kind module."""
    words: str = kinds()[std.measure.kind].describe(std.measure.spec)
    return words


def query_of(std: Standard, ds: Dataset, ctx: Context) -> str:
    """The SQL the engine runs for the whole population."""
    return query(kinds()[std.measure.kind], std, ds, ctx)


__all__ = ["Cell", "Context", "Measured", "describe_measure", "kinds", "measure_standard",
           "query_of"]
