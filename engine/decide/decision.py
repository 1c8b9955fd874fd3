"""Measured cells → results with verdicts; the latest period's misses → alerts."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.decide import alerts
from engine.decide.verdict import Decision, decide, shortfall
from engine.measure.base import Cell, Measured
from engine.model.catalogue import Catalogue
from engine.model.results import Alert, AlertState, Result, TargetRecord, Verdict
from engine.model.standard import Standard, TargetStep
from engine.wording import segment_key, show_number, show_percent, show_segment


def decide_results(measured: list[Measured], catalogue: Catalogue,
                   ) -> tuple[list[Result], list[Alert]]:
    results: list[Result] = []
    events: list[dict[str, Any]] = []
    context: list[tuple[Standard, Cell, Decision]] = []
    for m in measured:
        std = m.standard
        version = catalogue.source_of(std).sha256
        latest = max((c.period_start for c in m.cells), default=None)
        for cell in m.cells:
            d = decide(std, cell)
            results.append(_result(std, version, cell, d))
            events.append({
                "event": "result", "verdict": d.verdict.value,
                "latest": int(cell.period_start == latest),
                "standard_key": std.id, "period_start": int(cell.period_start.strftime("%Y%m%d")),
                "index": len(context),
            })
            context.append((std, cell, d))
    raised = []
    for rule, policy, event in alerts.matches(events):
        std, cell, d = context[event["index"]]
        raised.append(_alert(rule, policy, std, cell, d, catalogue))
    return results, raised


def target_record(step: TargetStep) -> TargetRecord:
    at_least = step.at_least is not None
    warning = step.warning_below if at_least else step.warning_above
    return TargetRecord(
        direction="at_least" if at_least else "at_most",
        value=f"{step.threshold}%",
        warning=f"{warning}%" if warning is not None else None,
        minimum_sample=step.minimum_sample,
        effective=step.effective,
    )


def _result(std: Standard, version: str, cell: Cell, d: Decision) -> Result:
    value = d.value
    return Result(
        standard=std.id, standard_version=version, period=cell.period,
        period_start=cell.period_start, period_end=cell.period_end, segment=cell.segment,
        numerator=cell.numerator, denominator=cell.denominator,
        value=float(value) if value is not None else None,
        value_exact=f"{value.numerator}/{value.denominator}" if value is not None else None,
        target=target_record(d.target) if d.target else None,
        verdict=d.verdict, decided_by=d.decided_by, counts=cell.counts,
    )


def _alert(rule: str, policy: dict[str, Any], std: Standard, cell: Cell, d: Decision,
           catalogue: Catalogue) -> Alert:
    assert d.value is not None and d.target is not None
    step = d.target
    target = Fraction(step.threshold)
    gap = abs(d.value - target)
    direction = "at least" if step.higher_is_better else "at most"
    where = show_segment(cell.segment)
    text = (
        f"{std.id} {std.title}: {d.verdict.value} in {cell.period}"
        f"{'' if not cell.segment else ', ' + where}. "
        f"{show_percent(d.value, target)} ({show_number(cell.numerator)} of "
        f"{show_number(cell.denominator)}) against a target of {direction} {step.threshold}%"
    )
    short = shortfall(d.value, cell, step)
    if d.verdict is Verdict.breach:
        side = "below" if step.higher_is_better else "above"
        text += f": {float(gap):.1f} points {side} the target"
        if short:
            need = "more cases meeting the standard" if step.higher_is_better \
                else "fewer cases counted"
            text += f"; it needed {short:,} {need}"
        text += "."
    else:
        band = step.warning_below if step.higher_is_better else step.warning_above
        side = "below" if step.higher_is_better else "above"
        text += f": met, but inside the warning band ({side} {band}%)."
    overdue = cell.counts.get("open_overdue_counted")
    if overdue:
        text += (f" Includes {overdue:,} open case(s) already past the limit on the as-of "
                 "date.")
    return Alert(
        key=f"{std.id}:{rule}:{cell.period}:{segment_key(cell.segment)}",
        standard=std.id, kind=rule, state=AlertState.new, severity=policy["severity"],
        period=cell.period, segment=cell.segment, message=text,
        evidence={
            "numerator": cell.numerator, "denominator": cell.denominator,
            "value": float(d.value), "target": f"{direction} {step.threshold}%",
            "shortfall": short, "standard_file": str(catalogue.source_of(std).path),
            **({"open_overdue_counted": overdue} if overdue else {}),
        },
    )
