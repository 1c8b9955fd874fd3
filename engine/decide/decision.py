"""Measured cells → results with verdicts; the policy's rules over them → alerts.

For each standard: every cell gets its exact verdict (:mod:`engine.decide.verdict`);
then the facts the alert rules reason over are posted to its policy's ruleset
(:mod:`engine.decide.alerts`) — the results of its latest period, the standard's
freshness, and the open cases selected as late or at risk (alike ones posted once, with
their number) — and each match becomes an
alert worded by :mod:`engine.decide.messages`. History periods are not posted: they
shape a segment's run of consecutive breaches.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Any

from engine import calendar
from engine.decide import alerts, messages
from engine.decide.verdict import Decision, decide
from engine.measure.base import Cell, Measured
from engine.measure.cases import Case
from engine.model.catalogue import Catalogue
from engine.model.results import Alert, Result, Verdict
from engine.model.standard import Standard
from engine.model.tracking import Tracking
from engine.wording import segment_key


def decide_results(measured: list[Measured], catalogue: Catalogue, as_of: dt.date,
                   cases: dict[str, list[Case]] | None = None,
                   ) -> tuple[list[Result], list[Alert]]:
    results: list[Result] = []
    raised: list[Alert] = []
    for m in measured:
        decided = [(cell, decide(m.standard, cell)) for cell in m.cells]
        results.extend(messages.result(m.standard, catalogue, c, d) for c, d in decided)
        raised.extend(_alerts(m, decided, catalogue, as_of, (cases or {}).get(m.standard.id)))
    results.sort(key=lambda r: (r.standard, len(r.segment), r.period_start,
                                sorted(r.segment.items())))
    return results, raised


def _alerts(m: Measured, decided: list[tuple[Cell, Decision]], catalogue: Catalogue,
            as_of: dt.date, cases: list[Case] | None) -> list[Alert]:
    std = m.standard
    policy = catalogue.policy_for(std)
    events: list[dict[str, Any]] = []
    about: list[Any] = []  # what each event is about, by its index

    def post(kind: str, subject: Any, **fields: Any) -> None:
        events.append({"event": kind, "standard_key": std.id, "index": len(about), **fields})
        about.append(subject)

    for cell, d, streak, since, whole in _latest(std, decided):
        gap = _gap(cell, d, whole)
        post("result", (cell, d, streak, since, whole, gap), verdict=d.verdict.value,
             streak=streak, **({"gap_ppm": math.ceil(gap * alerts.PPM)} if gap else {}))
    current = _current_period(std, catalogue, as_of)
    if m.period_rows is not None:
        days_old = (as_of - m.newest).days if m.newest is not None else None
        post("standard", None, rows_in_period=m.period_rows.get(current[0], 0),
             **({"days_old": days_old} if days_old is not None else {}))
    # Open cases with the same facts are posted once, with how many they are: the rules
    # can tell them apart by nothing else, and a large extract has hundreds of thousands.
    alike: dict[tuple[int, int], list[Case]] = {}
    for case in cases or []:
        alike.setdefault((int(case.overdue), (case.due_by - as_of).days), []).append(case)
    for (overdue, days_left), group in sorted(alike.items()):
        post("case", group, overdue=overdue, days_left=days_left, cases=len(group))

    out: list[Alert] = []
    chosen: dict[str, set[int]] = {}  # kind of case alert → the cases it takes (by id())
    for kind, event in alerts.matches(policy, events):
        rule, subject = policy[kind], about[event["index"]]
        if alerts.EVENT[kind] == "case":
            chosen.setdefault(kind, set()).update(map(id, subject))
        elif alerts.EVENT[kind] == "standard":
            out.append(messages.freshness(kind, rule, std, catalogue, m, current[1], as_of))
        else:
            cell, d, streak, since, whole, gap = subject
            if kind == "equity_gap":
                out.append(messages.equity_gap(rule, std, catalogue, cell, d, whole, gap))
            else:
                out.append(messages.result_alert(kind, rule, std, catalogue, cell, d, streak,
                                                 since))
    for kind in (k for k in policy if k in chosen):
        selected = [c for c in cases or [] if id(c) in chosen[kind]]  # most urgent first
        out.append(messages.cases(kind, policy[kind], std, catalogue, selected, current[1],
                                  as_of))
    return out


def trajectory_alerts(tracking: list[Tracking], catalogue: Catalogue) -> list[Alert]:
    """``off_trajectory`` alerts: each tracked series' latest status, posted to its
    standard's policy (one event per series)."""
    out: list[Alert] = []
    by_standard: dict[str, list[Tracking]] = {}
    for t in tracking:
        by_standard.setdefault(t.standard, []).append(t)
    for sid, entries in by_standard.items():
        std = catalogue.standards[sid]
        policy = catalogue.policy_for(std)
        events = [{"event": "tracking", "standard_key": sid, "index": i,
                   "behind": alerts.BEHIND[t.status.value]} for i, t in enumerate(entries)]
        for kind, event in alerts.matches(policy, events):
            out.append(messages.trajectory(policy[kind], std, catalogue,
                                           entries[event["index"]]))
    return out


def _latest(std: Standard, decided: list[tuple[Cell, Decision]]
            ) -> list[tuple[Cell, Decision, int, str, tuple[Cell, Decision] | None]]:
    """Each cell of the latest period, with its segment's run of consecutive breaches
    (how many, since which period: a quiet period, with no cases, breaks it) and the
    whole population's cell of that period."""
    latest = max((c.period_start for c, _ in decided), default=None)
    runs: dict[str, list[str]] = {}
    out = []
    whole = next(((c, d) for c, d in decided if c.period_start == latest and not c.segment),
                 None)
    for cell, d in sorted(decided, key=lambda cd: cd[0].period_start):
        run = runs.setdefault(segment_key(cell.segment), [])
        if d.verdict is Verdict.breach:
            run.append(cell.period)
        else:
            run.clear()
        if cell.period_start == latest:
            out.append((cell, d, len(run), run[0] if run else cell.period,
                        whole if cell.segment else None))
    return out


def _gap(cell: Cell, d: Decision, whole: tuple[Cell, Decision] | None
         ) -> Fraction | None:
    """How far a segment trails the whole population (positive: worse), when both have
    a value decided on enough cases."""
    if whole is None or d.value is None or whole[1].value is None:
        return None
    if Verdict.insufficient_data in (d.verdict, whole[1].verdict):
        return None
    higher = d.target.higher_is_better if d.target is not None else True
    gap = whole[1].value - d.value if higher else d.value - whole[1].value
    return gap if gap > 0 else None


def _current_period(std: Standard, catalogue: Catalogue, as_of: dt.date) -> tuple[dt.date, str]:
    """The start and label of the period that holds the as-of date."""
    period = std.period
    start = calendar.start_of(period, as_of, as_of, catalogue.settings.fiscal_year_start)
    assert start is not None  # the as-of date is in its own window
    return start, calendar.label(period.kind, start, days=period.days)
