"""Measured cells → results with verdicts; the latest period's misses → alerts."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from engine.decide import alerts
from engine.decide.verdict import Decision, decide, shortfall
from engine.measure.base import Cell, Measured
from engine.model.catalogue import Catalogue
from engine.model.results import Alert, AlertState, Result, TargetRecord, Verdict
from engine.model.standard import ColumnTarget, Standard, TargetStep
from engine.wording import segment_key, show_level, show_number, show_segment, show_value


def decide_results(measured: list[Measured], catalogue: Catalogue,
                   ) -> tuple[list[Result], list[Alert]]:
    results: list[Result] = []
    events: list[dict[str, Any]] = []
    context: list[tuple[Standard, Cell, Decision]] = []
    since: dict[int, str] = {}  # event index → first period of its run of breaches
    for m in measured:
        std = m.standard
        version = catalogue.source_of(std).sha256
        latest = max((c.period_start for c in m.cells), default=None)
        # The consecutive breached periods so far, per segment (a quiet period, reported
        # with no cases, breaks the run).
        breached: dict[str, list[str]] = {}
        for cell in sorted(m.cells, key=lambda c: c.period_start):
            d = decide(std, cell)
            where = segment_key(cell.segment)
            run = breached.setdefault(where, [])
            if d.verdict is not Verdict.breach:
                run.clear()
            else:
                run.append(cell.period)
            results.append(_result(std, version, cell, d))
            if cell.period_start != latest:
                continue  # history: it shapes the streak, alerts are for the latest period
            since[len(context)] = run[0] if run else cell.period
            events.append({
                "event": "result", "verdict": d.verdict.value,
                "latest": int(cell.period_start == latest), "streak": len(run),
                "standard_key": std.id, "period_start": int(cell.period_start.strftime("%Y%m%d")),
                "index": len(context),
            })
            context.append((std, cell, d))
    results.sort(key=lambda r: (r.standard, len(r.segment), r.period_start,
                                sorted(r.segment.items())))
    raised = []
    for rule, policy, event in alerts.matches(events):
        std, cell, d = context[event["index"]]
        alert = _alert(rule, policy, std, cell, d, catalogue)
        if "min_streak" in policy:
            alert = _escalated(alert, event["streak"], since[event["index"]], cell)
        raised.append(alert)
    return results, raised


def _escalated(alert: Alert, streak: int, first: str, cell: Cell) -> Alert:
    """An escalation says for how long: the run of periods, then the breach explained."""
    text = (f"Escalation: breached for {streak} consecutive periods ({first} to "
            f"{cell.period}). {alert.message}")
    return alert.model_copy(update={"message": text, "evidence": {
        **alert.evidence, "consecutive_breaches": streak, "since": first}})


def target_record(step: TargetStep, threshold: Fraction | None, unit: str) -> TargetRecord:
    """The target as applied to one cell (a column target shows the level it read)."""
    level = step.threshold
    if isinstance(level, ColumnTarget):
        value = show_level(threshold, unit) if threshold is not None else "—"
    else:
        value = str(level)
    return TargetRecord(
        direction="at_least" if step.higher_is_better else "at_most",
        value=value,
        source=str(level) if isinstance(level, ColumnTarget) else None,
        warning=str(step.band) if step.band is not None else None,
        minimum_sample=step.minimum_sample,
        effective=step.effective,
    )


def _result(std: Standard, version: str, cell: Cell, d: Decision) -> Result:
    value = d.value
    return Result(
        standard=std.id, standard_version=version, period=cell.period,
        period_start=cell.period_start, period_end=cell.period_end, segment=cell.segment,
        numerator=cell.numerator, denominator=cell.denominator, cases=cell.cases,
        value=float(value) if value is not None else None,
        value_exact=f"{value.numerator}/{value.denominator}" if value is not None else None,
        unit=std.measure.unit,
        target=target_record(d.target, d.threshold, std.measure.unit) if d.target else None,
        verdict=d.verdict, decided_by=d.decided_by, counts=cell.counts,
    )


def _alert(rule: str, policy: dict[str, Any], std: Standard, cell: Cell, d: Decision,
           catalogue: Catalogue) -> Alert:
    assert d.value is not None and d.target is not None and d.threshold is not None
    step, target, unit = d.target, d.threshold, std.measure.unit
    gap = abs(d.value - target)
    direction = "at least" if step.higher_is_better else "at most"
    where = show_segment(cell.segment)
    shown = show_level(target, unit)
    if "scheduled_seconds" in cell.counts:  # availability: time, not cases
        of = (f" ({float(cell.numerator or 0) / 3600:,.1f} of "
              f"{float(cell.denominator) / 3600:,.1f} scheduled hours available)")
    elif unit == "%" and cell.numerator is not None and cell.exact is None:
        of = f" ({show_number(cell.numerator)} of {show_number(cell.denominator)})"
    else:
        of = f" (over {show_number(cell.cases)} cases)"
    text = (
        f"{std.id} {std.title}: {d.verdict.value} in {cell.period}"
        f"{'' if not cell.segment else ', ' + where}. "
        f"{show_value(d.value, unit, target)}{of} against a target of {direction} {shown}"
    )
    short = shortfall(target, cell, step)
    if d.verdict is Verdict.breach:
        side = "below" if step.higher_is_better else "above"
        points = "points" if unit == "%" else (unit or "points")
        text += f": {float(gap):.1f} {points} {side} the target"
        if short:
            need = "more cases meeting the standard" if step.higher_is_better \
                else "fewer cases counted"
            text += f"; it needed {short:,} {need}"
        text += "."
    else:
        side = "below" if step.higher_is_better else "above"
        text += f": met, but inside the warning band ({side} {step.band})."
    overdue = cell.counts.get("open_overdue_counted")
    if overdue:
        text += (f" Includes {overdue:,} open case(s) already too late to meet the limit on "
                 "the as-of date.")
    return Alert(
        # Not the period: a breach that persists is one alert that stays open.
        key=f"{std.id}:{rule}:{segment_key(cell.segment)}",
        standard=std.id, kind=rule, state=AlertState.new, severity=policy["severity"],
        period=cell.period, segment=cell.segment, message=text,
        evidence={
            "numerator": cell.numerator, "denominator": cell.denominator,
            "value": float(d.value), "target": f"{direction} {shown}",
            "shortfall": short, "standard_file": str(catalogue.source_of(std).path),
            **({"open_overdue_counted": overdue} if overdue else {}),
        },
    )
