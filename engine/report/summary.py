"""What each standard's reports lead with: its latest period, the trend, how often it
was missed, and for a missed standard the sentences a manager or the public reads.

Everything is read from the run record; nothing is recomputed. Values are the exact
fractions the verdicts were decided on (``value_exact``), shown by :mod:`engine.wording`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from engine.model.results import Result, RunRecord, StandardRecord, Verdict
from engine.model.tracking import Tracking
from engine.wording import show_float_level, show_gap, show_level, show_number, show_value

MET = (Verdict.met, Verdict.warning)  # a warning met the target, close to it
HISTORY = 12  # periods looked back over for "missed in n of the last m"


@dataclass(frozen=True)
class Trend:
    arrow: str  # ↑ ↓ →
    better: bool | None  # None: no change, or not comparable
    previous: Result

    @property
    def words(self) -> str:
        if self.better is None:
            return f"unchanged from {self.previous.period}"
        return f"{'better' if self.better else 'worse'} than {self.previous.period}"


@dataclass(frozen=True)
class Headline:
    """A standard's latest whole-population result, with its story."""

    standard: StandardRecord
    latest: Result
    series: list[Result]  # whole population, oldest first
    trend: Trend | None
    missed: int  # breaches among the last HISTORY periods with a verdict
    assessed: int  # periods among the last HISTORY with a met, warning or breach verdict
    tracking: Tracking | None  # the whole population's improvement goal, if any

    @property
    def met(self) -> bool:
        return self.latest.verdict in MET


def headlines(record: RunRecord) -> list[Headline]:
    """One per standard measured, in the record's order."""
    whole: dict[str, list[Result]] = {}
    for r in record.results:
        if not r.segment:
            whole.setdefault(r.standard, []).append(r)
    goals = {t.standard: t for t in record.tracking if not t.segment}
    out = []
    for std in record.standards:
        series = sorted(whole.get(std.id, []), key=lambda r: r.period_start)
        if not series:
            continue
        recent = [r for r in series[-HISTORY:] if r.verdict is not Verdict.insufficient_data]
        out.append(Headline(
            standard=std, latest=series[-1], series=series,
            trend=trend(series[-2], series[-1]) if len(series) > 1 else None,
            missed=sum(1 for r in recent if r.verdict is Verdict.breach),
            assessed=len(recent), tracking=goals.get(std.id)))
    return out


def trend(previous: Result, latest: Result) -> Trend | None:
    before, now = value_of(previous), value_of(latest)
    if before is None or now is None:
        return None
    if now == before:
        return Trend("→", None, previous)
    up = now > before
    at_least = latest.target is None or latest.target.direction == "at_least"
    return Trend("↑" if up else "↓", up == at_least, previous)


def value_of(r: Result) -> Fraction | None:
    return Fraction(r.value_exact) if r.value_exact else None


def target_level(r: Result) -> Fraction | None:
    """The number in the target applied ('80%' → 80, '21' → 21), or None."""
    return level_number(r.target.value) if r.target is not None else None


def warning_level(r: Result) -> Fraction | None:
    """The number in the target's warning band ('82%' → 82), or None."""
    return level_number(r.target.warning) if r.target is not None and r.target.warning else None


def level_number(text: str) -> Fraction | None:
    """The number in a level as written: '80%' → 80, '21 days' → 21; None if there is
    none."""
    try:
        return Fraction(text.split()[0].rstrip("%"))
    except (ValueError, IndexError, ZeroDivisionError):
        return None


def target_words(r: Result) -> str:
    """'at least 80%', 'at most 21 days', or '—'."""
    level = target_level(r)
    if r.target is None or level is None:
        return "—"
    side = "at least" if r.target.direction == "at_least" else "at most"
    return f"{side} {show_level(level, r.unit)}"


def shown(r: Result) -> str:
    """The value as people see it: never rounded onto its target or its warning band."""
    return show_value(value_of(r), r.unit, (target_level(r), warning_level(r)))


def gap_words(r: Result) -> str:
    """'13.70 points short of the target' / '2.40 days over the target'."""
    level, value = target_level(r), value_of(r)
    if level is None or value is None:
        return ""
    side = "short of" if r.target is not None and r.target.direction == "at_least" \
        else "over"
    return f"{show_gap(value - level, r.unit, 2)} {side} the target"


def missed_paragraph(h: Headline, *, suppressed: str | None = None,
                     segment_note: str | None = None) -> str:
    """Plain words on why a standard was missed (the statement itself is shown beside
    it), for a manager or the public. ``suppressed`` replaces the figures when the
    period's count is too small to publish."""
    r = h.latest
    text = []
    if suppressed:
        text.append(f"In {r.period} the standard was not met; {suppressed}.")
    else:
        text.append(f"In {r.period}, the result was {shown(r)} over "
                    f"{show_number(r.cases)} cases, against a target of {target_words(r)}: "
                    f"{gap_words(r)}, so the standard was not met.")
        short = r.short_by
        if short:
            verb = ("more of them would have had to meet it"
                    if r.target is not None and r.target.direction == "at_least"
                    else "fewer of them would have had to count against it")
            text.append(f"To meet the target, {show_number(short)} {verb}.")
    if h.assessed > 1:
        text.append(f"It was missed in {h.missed} of the last {h.assessed} periods assessed.")
    if h.trend is not None and not suppressed:
        text.append(f"The result is {h.trend.words}.")
    if segment_note:
        text.append(segment_note)
    if h.tracking is not None:
        status = h.tracking.status.value.replace("_", " ")
        text.append(f"The improvement goal of "
                    f"{show_float_level(h.tracking.goal, r.unit)} by "
                    f"{h.tracking.by} is {status}.")
    return " ".join(text)
