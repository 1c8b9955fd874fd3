"""``compliance explain``: a standard in plain words, its target history, and its query.

Everything here is read from the standard and its dataset as loaded; the query is the
one the engine builds for the whole population, compiled to DuckDB SQL — the same
expressions that run in ``compliance check``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engine.load import load_catalogue
from engine.measure import Context, describe_measure, query_of
from engine.model.catalogue import Catalogue
from engine.model.common import Level
from engine.model.standard import PeriodKind, Standard, TargetStep
from engine.problems import InputError, Problem, unknown_name_hint


def explain(standards: Path | str, standard_id: str, *, sql: bool = True) -> str:
    """The explanation as text; raises :class:`InputError` for an unknown standard."""
    catalogue = load_catalogue(standards)
    if standard_id not in catalogue.standards:
        raise InputError([Problem(None, f"unknown standard '{standard_id}'",
                                  hint=unknown_name_hint(standard_id, catalogue.standards,
                                                         "standards"))])
    return "\n".join(lines(catalogue, catalogue.standards[standard_id], sql=sql)) + "\n"


def lines(catalogue: Catalogue, std: Standard, *, sql: bool = True) -> list[str]:
    ds = catalogue.datasets[std.dataset]
    source = catalogue.source_of(std)
    version = f"version {std.version}, " if std.version else ""
    out = [
        f"{std.id} — {std.title}",
        f"  {source.path} ({version}sha256 {source.sha256[:12]}…)",
        "",
        f"Statement:  {std.statement}",
        f"Owner:      {std.owner}",
        f"Attribute:  {std.attribute.value}",
        f"Dataset:    {ds.name} — {ds.title}",
        f"Population: {std.population or 'every row of the dataset'}",
        f"Measure:    {std.measure.kind}: {describe_measure(std)}",
        f"Periods:    {period_words(std, catalogue)}",
        f"Segments:   {segment_words(std)}",
        f"Verdicts:   {verdict_words(std)}",
        "",
        "Target history:",
        *(f"  {target_words(i, step, std)}" for i, step in enumerate(std.target)),
    ]
    if sql:
        import ibis

        as_of = catalogue.settings.as_of or dt.date.today()
        ctx = Context(as_of, catalogue.settings.calendar, catalogue.settings.fiscal_year_start,
                      ibis.duckdb.connect())
        out += ["", f"Query (DuckDB SQL, as of {as_of}):", "",
                *("  " + line for line in query_of(std, ds, ctx).splitlines())]
    return out


def period_words(std: Standard, catalogue: Catalogue) -> str:
    p = std.period
    if p.kind is PeriodKind.rolling:
        return f"the {p.days} days ending on the as-of date, placed by {p.by}"
    if p.kind is PeriodKind.fiscal_year:
        month = dt.date(2000, p.start_month or catalogue.settings.fiscal_year_start, 1)
        return f"fiscal years starting in {month:%B}, placed by {p.by}"
    return f"each {p.kind.value.replace('_', ' ')}, placed by {p.by}"


def segment_words(std: Standard) -> str:
    sets = [" × ".join(cols) for cols in std.segment_sets()[1:]]
    return "; ".join(["the whole population", *sets])


def verdict_words(std: Standard) -> str:
    if std.rounding is None:
        return "the exact value is compared with the target (79.99999% does not meet 80%)"
    return (f"the value is rounded to {std.rounding.decimals} decimal(s), "
            f"{std.rounding.method.value.replace('_', ' ')}, before comparing, as declared")


def target_words(i: int, step: TargetStep, std: Standard) -> str:
    when = f"from {step.effective}" if step.effective else "from the start"
    unit = "" if std.measure.in_percent or not std.measure.unit else f" {std.measure.unit}"
    level = step.threshold
    shown = f"{level}{unit}" if isinstance(level, Level) else f"the target in {level}"
    text = f"{when}: {'at least' if step.higher_is_better else 'at most'} {shown}"
    if step.band is not None:
        side = "below" if step.higher_is_better else "above"
        text += f", a warning {side} {step.band}{unit}"
    text += f"; minimum sample {step.minimum_sample}"
    if i + 1 < len(std.target):
        text += f" (until {std.target[i + 1].effective})"
    return text
