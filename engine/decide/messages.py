"""Results and alerts in words a manager can forward: what was measured, against which
target, over which period and segment, how far off, for how many periods, which cases —
then who owns it and the next step, so that the message can be forwarded alone.

Each alert's next step is worded for it here (its period, segment, cases, dates); the
alert policy's ``action:`` for the kind, when set, replaces it. Columns are named by the
extract's headers, as the people who read the alerts know them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction
from typing import Any

from engine.decide.verdict import Decision, shortfall
from engine.measure import kinds
from engine.measure.base import Cell, Measured
from engine.measure.cases import Case
from engine.model.catalogue import Catalogue
from engine.model.dataset import Dataset
from engine.model.policy import CaseAtRisk, EquityGap, Rule, StaleData
from engine.model.results import Alert, AlertState, Result, TargetRecord, Verdict
from engine.model.standard import ColumnTarget, OpenCases, Standard, TargetStep
from engine.model.tracking import Tracking
from engine.wording import (
    Marks,
    owner_and_next_step,
    segment_key,
    show_float_level,
    show_gap,
    show_level,
    show_number,
    show_percent,
    show_segment,
    show_value,
)

CASES_NAMED = 5  # cases named in a message; the evidence lists every one


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


def result(std: Standard, catalogue: Catalogue, cell: Cell, d: Decision) -> Result:
    value = d.value
    return Result(
        standard=std.id, standard_version=catalogue.source_of(std).sha256, period=cell.period,
        period_start=cell.period_start, period_end=cell.period_end, segment=cell.segment,
        numerator=cell.numerator, denominator=cell.denominator, cases=cell.cases,
        value=float(value) if value is not None else None,
        value_exact=f"{value.numerator}/{value.denominator}" if value is not None else None,
        unit=std.measure.unit,
        target=target_record(d.target, d.threshold, std.measure.unit) if d.target else None,
        verdict=d.verdict, decided_by=d.decided_by, counts=cell.counts,
        short_by=shortfall(d.threshold, cell, d.target, std.rounding)
        if d.verdict is Verdict.breach and d.target and d.threshold is not None else None,
    )


def _alert(kind: str, rule: Rule, std: Standard, catalogue: Catalogue, period: str,
           segment: dict[str, str], text: str, evidence: dict[str, Any], step: str
           ) -> Alert:
    """The alert, its message ending with the owner and the next step: the policy's
    ``action`` for the kind, else ``step``, the one worded for this alert."""
    next_step = rule.action or step
    return Alert(
        # Not the period: a breach that persists is one alert that stays open.
        key=f"{std.id}:{kind}:{segment_key(segment)}", standard=std.id, kind=kind,
        state=AlertState.new, severity=rule.severity.value, period=period, segment=segment,
        owner=std.owner, next_step=next_step,
        message=f"{text} {owner_and_next_step(std.owner, next_step)}",
        evidence={**evidence, "standard_file": str(catalogue.source_of(std).path)},
    )


def _dataset(std: Standard, catalogue: Catalogue) -> Dataset:
    return catalogue.datasets[std.dataset]


def _in(period: str, segment: dict[str, str]) -> str:
    """'region West in 2025-06', or '2025-06': where a result's next step looks."""
    return f"{show_segment(segment)} in {period}" if segment else period


def _head(std: Standard, what: str, period: str, segment: dict[str, str]) -> str:
    """'BEN-01 Benefit claims decided within 28 days: breach in 2025-06, region West.'"""
    where = f", {show_segment(segment)}" if segment else ""
    return f"{std.id} {std.title}: {what} in {period}{where}."


def _measured(std: Standard, cell: Cell, value: Fraction, target: Marks) -> str:
    """The value and what it is made of: '77.4% (205 of 265)'."""
    unit = std.measure.unit
    if "scheduled_seconds" in cell.counts:  # availability: time, not cases
        of = (f" ({float(cell.numerator or 0) / 3600:,.1f} of "
              f"{float(cell.denominator) / 3600:,.1f} scheduled hours available)")
    elif unit == "%" and cell.numerator is not None and cell.exact is None:
        of = f" ({show_number(cell.numerator)} of {show_number(cell.denominator)})"
    else:
        of = f" (over {show_number(cell.cases)} cases)"
    return show_value(value, unit, target) + of


def result_alert(kind: str, rule: Rule, std: Standard, catalogue: Catalogue, cell: Cell,
                 d: Decision, streak: int, since: str) -> Alert:
    """A breach, a warning, or an escalation (a breach that has lasted)."""
    assert d.value is not None and d.target is not None and d.threshold is not None
    step, target, unit = d.target, d.threshold, std.measure.unit
    direction = "at least" if step.higher_is_better else "at most"
    shown = show_level(target, unit)
    side = "below" if step.higher_is_better else "above"
    band = Fraction(step.band.value) if step.band is not None else None
    text = (f"{_head(std, d.verdict.value, cell.period, cell.segment)} "
            f"{_measured(std, cell, d.value, (target, band))} against a target of "
            f"{direction} {shown}")
    short = shortfall(target, cell, step, std.rounding)
    if d.verdict is Verdict.breach:
        text += f": {show_gap(d.value - target, unit)} {side} the target"
        if short:
            need = ("more cases meeting the standard" if step.higher_is_better
                    else "fewer cases counted")
            text += f"; it needed {short:,} {need.replace('cases', 'case') if short == 1 else need}"
        text += "."
        if streak > 1 and kind != "escalation":  # an escalation says so first
            text += (f" It has missed the target for {streak} consecutive periods ({since} "
                     f"to {cell.period}).")
    else:
        text += f": met, but inside the warning band ({side} {step.band})."
    overdue = cell.counts.get("open_overdue_counted")
    if overdue:
        text += (f" Includes {overdue:,} open case{'s' if overdue != 1 else ''} already too "
                 "late to meet the limit on the as-of date.")
    evidence: dict[str, Any] = {
        "numerator": cell.numerator, "denominator": cell.denominator,
        "value": float(d.value), "target": f"{direction} {shown}", "shortfall": short,
        "consecutive_breaches": streak,
        **({"since": since} if streak else {}),
        **({"open_overdue_counted": overdue} if overdue else {}),
    }
    if kind == "escalation":
        text = (f"Escalation: breached for {streak} consecutive periods ({since} to "
                f"{cell.period}). {text}")
    return _alert(kind, rule, std, catalogue, cell.period, cell.segment, text, evidence,
                  _result_step(kind, cell, f"{direction} {shown}", streak, since))


def _result_step(kind: str, cell: Cell, target: str, streak: int, since: str) -> str:
    where = _in(cell.period, cell.segment)
    if kind == "escalation":
        who = f"{show_segment(cell.segment)}'s" if cell.segment else "the"
        return (f"take {who} recovery to the owner's management: the target has been missed "
                f"for {streak} consecutive periods ({since} to {cell.period}); agree a recovery "
                f"plan, with dates, that brings the result back to {target}")
    if kind == "breach":
        return (f"review the cases of {where} that missed the standard, find the causes, and "
                f"agree how to bring the result back to {target}")
    return (f"find what brought the result for {where} close to the target and act on it, "
            f"so that it stays {target}; no recovery plan is needed yet")


def trajectory(rule: Rule, std: Standard, catalogue: Catalogue, t: Tracking) -> Alert:
    """An improvement goal off track (or at risk): where it is, the path, the forecast."""
    unit = t.unit
    where = f" ({show_segment(t.segment)})" if t.segment else ""
    goal = show_float_level(t.goal, unit)
    status = t.status.value.replace("_", " ")
    text = (f"{std.id} {std.title}{where} is {status} for its improvement goal of {goal} by "
            f"{t.by}, from {show_value(t.baseline.value, unit)} in {t.baseline.period}: "
            f"{t.status_reason}.")
    points = " points" if unit == "%" else (f" {unit}" if unit else "")
    if t.needed_per_period is not None and t.periods_left:
        text += (f" Reaching the goal needs {t.needed_per_period:.2f}{points} a period over "
                 f"the {t.periods_left} periods left.")
    evidence: dict[str, Any] = {
        "status": t.status.value, "latest": t.latest, "expected_now": t.expected_now,
        "gap": t.gap, "goal": t.goal, "by": t.by.isoformat(),
        "baseline": t.baseline.value, "baseline_period": t.baseline.period,
        "forecast_at_goal_date": t.forecast_at_goal_date,
        "forecast_interval": [t.forecast.lower, t.forecast.upper],
        "forecast_method": t.forecast.method, "needed_per_period": t.needed_per_period,
    }
    gain = (f"gain the {t.needed_per_period:.2f}{points} a period the goal needs"
            if t.needed_per_period is not None and t.periods_left else
            "bring the result back onto its path")
    step = (f"review the improvement plan for {goal} by {t.by}{where}: agree how to {gain}, "
            "or raise the goal with whoever set it")
    return _alert("off_trajectory", rule, std, catalogue, t.latest_period or "", t.segment,
                  text, evidence, step)


def equity_gap(rule: Rule, std: Standard, catalogue: Catalogue, cell: Cell, d: Decision,
               whole: tuple[Cell, Decision], gap: Fraction) -> Alert:
    assert isinstance(rule, EquityGap) and d.value is not None and whole[1].value is not None
    unit = std.measure.unit
    points = "points" if unit == "%" else (unit or "points")
    allowed = Fraction(rule.more_than)
    # One decimal for points, more only where rounding would land on the allowance.
    shown = show_percent(gap, allowed)[:-1] if unit == "%" else show_value(gap, "", allowed)
    text = (f"{_head(std, 'equity gap', cell.period, cell.segment)} This segment trails "
            f"the whole population by {shown} {points}: "
            f"{_measured(std, cell, d.value, d.threshold)} against "
            f"{_measured(std, whole[0], whole[1].value, d.threshold)} for everyone, more than the "
            f"{rule.more_than} {points} the alert policy allows.")
    evidence = {"value": float(d.value), "whole_population": float(whole[1].value),
                "gap": float(gap), "gap_exact": f"{gap.numerator}/{gap.denominator}",
                "allowed": str(rule.more_than), "verdict": d.verdict.value}
    step = (f"compare the cases of {show_segment(cell.segment)} in {cell.period} with "
            f"everyone's, find why they trail by {shown} {points}, and agree steps to close "
            "the gap")
    return _alert("equity_gap", rule, std, catalogue, cell.period, cell.segment, text, evidence,
                  step)


def freshness(kind: str, rule: Rule, std: Standard, catalogue: Catalogue, m: Measured,
              period: str, as_of: dt.date) -> Alert:
    """no_data: nothing in the period of the as-of date; stale_data: old newest date."""
    ds, column = std.dataset, std.period.by
    by = _dataset(std, catalogue).header_of(column)
    newest = (f"The newest {by} on or before it is {m.newest}." if m.newest is not None
              else f"No row has a {by} on or before it.")
    if kind == "no_data":
        text = (f"{_head(std, 'no data', period, {})} The {ds} extract has no rows in "
                f"{period}, the period of the as-of date {as_of}, placed by {by}. {newest} "
                "This period's results cannot be published until it has.")
        step = (f"check that the {ds} extract is complete and current, with rows for "
                f"{period} up to {as_of}, then run again")
    else:
        assert isinstance(rule, StaleData) and m.newest is not None
        days = (as_of - m.newest).days
        text = (f"{_head(std, 'stale data', period, {})} The newest {by} in the {ds} extract "
                f"is {m.newest}, {_days(days)} before the as-of date {as_of}; the alert "
                f"policy allows {_days(rule.older_than)}. Results for {period} may be "
                "incomplete.")
        step = (f"check that the {ds} extract is complete and current (it should run to "
                f"{as_of}, not stop at {m.newest}), then run again")
    evidence: dict[str, Any] = {"dataset": ds, "period_column": column,
                                "newest": m.newest.isoformat() if m.newest else None,
                                "as_of": as_of.isoformat()}
    return _alert(kind, rule, std, catalogue, period, {}, text, evidence, step)


def cases(kind: str, rule: Rule, std: Standard, catalogue: Catalogue, selected: list[Case],
          period: str, as_of: dt.date) -> Alert:
    """Open cases late now, or to be done within the policy's days: one alert a standard,
    every case in the evidence, the most urgent named.

    Either kind takes every selected open case, whichever period holds it (one received
    last quarter and still open, too): so the head names no period, and the body says how
    many each period's results hold, as cases.csv gives each case's period."""
    ds, kind_of = _dataset(std, catalogue), kinds()[std.measure.kind]
    deadline = kind_of.deadline(std.measure.spec, ds.header_of)
    n = len(selected)
    split = _by_segment(std, selected)
    counted = getattr(std.measure.spec, "open_cases", None) is OpenCases.count_when_overdue
    cases_ = f"case{'s' if n != 1 else ''}"
    if kind == "case_overdue":
        how, still = ("counted as not met in", "") if counted else ("left out of", " while open")
        opening = f"{std.id} {std.title}: overdue cases."
        head = (f"{n:,} open {cases_} can no longer meet the standard ({deadline}) at the end "
                f"of {as_of}{split}{_placed(selected, how, still)}")
    else:
        assert isinstance(rule, CaseAtRisk)
        # Not late yet: left out of the results while open, whatever open_cases says.
        opening = f"{std.id} {std.title}: cases at risk."
        first = min(c.due_by for c in selected)
        head = (f"{n:,} open {cases_} will miss the standard ({deadline}) unless each is "
                f"done by its date, all within the next {_days(rule.within)}; the first by "
                f"{first}{split}{_placed(selected, 'left out of', ' while open')}")
    named = "; ".join(_case_words(c, as_of, ds) for c in selected[:CASES_NAMED])
    more = f"; and {n - CASES_NAMED:,} more" if n > CASES_NAMED else ""
    text = (f"{opening} {head}. "
            f"{'Most urgent' if n > CASES_NAMED else 'Cases'}: {named}{more}.")
    evidence = {"count": n, "deadline": deadline, "headers": _headers(std, ds, kind_of),
                "cases": [c.evidence() for c in selected]}
    return _alert(kind, rule, std, catalogue, period, {}, text, evidence,
                  _cases_step(kind, selected, counted))


def _cases_step(kind: str, selected: list[Case], counted: bool) -> str:
    """Complete the cases, in the order listed."""
    n = len(selected)
    one = n == 1
    full = (f"cases.csv lists all {n:,}" if n > CASES_NAMED
            else f"cases.csv lists {'it' if one else 'them'} too")
    if kind == "case_overdue":
        if counted:
            count = f"{'it already counts' if one else 'they already count'} as not met"
        else:
            count = f"{'it' if one else 'each'} will count as not met once completed"
        listed = "the listed case" if one else "the listed cases, oldest first"
        return f"complete {listed} ({full}); {count}"
    if one:
        return (f"complete the listed case by its date, {selected[0].due_by} ({full}); if it "
                "is not done in time it will count as not met")
    return (f"complete the listed cases by their dates, the first by "
            f"{min(c.due_by for c in selected)} ({full}); any not done in time will count "
            "as not met")


def _headers(std: Standard, ds: Dataset, kind_of: Any) -> dict[str, str]:
    """The header of each column a case's evidence names (its segments, dates and ids),
    for cases.csv's details: the names an officer knows from the extract."""
    columns = [*(c for cols in std.segment_sets() for c in cols),
               *kind_of.case_dates(std.measure.spec), *(std.evidence or ds.key)]
    return {c: ds.header_of(c) for c in dict.fromkeys(columns) if c in ds.columns}


def _by_segment(std: Standard, selected: list[Case]) -> str:
    sets = std.segment_sets()
    if len(sets) < 2:
        return ""
    counts = Counter(", ".join(c.segment[col] for col in sets[1]) for c in selected)
    return " (" + ", ".join(f"{k} {v:,}" for k, v in counts.most_common()) + ")"


def _placed(selected: list[Case], how: str, still: str) -> str:
    """Where open cases stand in the results, latest period first: overdue ones ', each
    counted as not met in the results of its period: 7 in 2025-Q2 and 3 in 2025-Q1', so
    that each figure agrees with the 'Includes 7' of that period's breach (or warning);
    with ``open_cases: exclude``, and cases at risk, ', each left out of the results of
    its period while open: …' (``how`` and ``still`` say which)."""
    counts = Counter(c.period for c in selected)
    # Before a rolling window (its one period): in no result.
    outside = counts.pop(None, 0)
    # One period kind a standard: its labels (2025-06, 2025-Q2, 2025-W05, FY2024-25) sort
    # as their periods do.
    placed = sorted((p for p in counts if p is not None), reverse=True)
    if len(placed) > 1:
        parts = [f"{counts[p]:,} in {p}" for p in placed]
        return (f", each {how} the results of its period{still}: "
                f"{', '.join(parts[:-1])} and {parts[-1]}")
    if not outside:
        every = "" if len(selected) == 1 else "all "
        return f", {every}{how} the results of {placed[0]}{still}"
    return ", " + " and ".join([*(f"{counts[p]:,} {how} the results of {p}{still}"
                                  for p in placed),
                                f"{outside:,} from before the period's window, in no result"])


def _case_words(case: Case, as_of: dt.date, ds: Dataset) -> str:
    dates = ", ".join(f"{ds.header_of(k)} {v}" for k, v in case.dates.items())
    late = (as_of - case.due_by).days
    due = (f"due {case.due_by}, {_days(late)} ago" if late > 0
           else f"due {case.due_by}" if case.overdue else f"done by {case.due_by}")
    return f"{case.label} ({due}; {dates})" if dates else f"{case.label} ({due})"


def _days(n: int) -> str:
    return f"{n:,} day{'s' if n != 1 else ''}"
