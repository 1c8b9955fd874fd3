"""The public performance statement: one self-contained HTML page, built from a run record
alone, that says how each service standard did in its latest period — including when it
was missed — with a chart and its numbers, the segments, the improvement goals and how
the figures were made.

The page is what an institution publishes, so small numbers are suppressed
(:mod:`engine.report.suppress`): a withheld cell shows "Suppressed" and why, in every
place it would appear (tables, charts, their text alternatives, sentences), and nothing
derived from it (a trend, a forecast, an initiative's before and after) gives it away.
Alerts stay internal: they name cases, and the page never reads them.

The wording is :mod:`engine.report.summary`'s and :mod:`engine.wording`'s; the layout is
``templates/statement.html.j2`` (Jinja2, autoescaped); the chart geometry is
:mod:`engine.report.chart`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePosixPath

from jinja2 import Environment, PackageLoader, StrictUndefined

from engine.model.results import Result, RunRecord, Verdict
from engine.model.tracking import Impact, Tracking, TrackStatus
from engine.report import chart
from engine.report.scorecard import AttributeScore, scorecard
from engine.report.summary import (
    Headline,
    headlines,
    missed_paragraph,
    shown,
    target_level,
    target_words,
    value_of,
)
from engine.report.suppress import Suppressed, suppressed_words, suppression
from engine.report.tracking import STATUS_MARK, impact_words
from engine.wording import show_level, show_number, show_percent, show_segment, show_value

VERDICT = {Verdict.met: ("✔", "Met"), Verdict.warning: ("▲", "Met, close to target"),
           Verdict.breach: ("✘", "Not met"), Verdict.insufficient_data: ("…", "Not assessed")}
STATUS_CSS = {TrackStatus.achieved: "met", TrackStatus.on_track: "met",
              TrackStatus.at_risk: "warning", TrackStatus.off_track: "breach",
              TrackStatus.not_assessed: "none"}
FOOTNOTE = {Suppressed.primary: "*", Suppressed.secondary: "†"}
SUPPRESSED = "Suppressed"
LONG_TABLE = 20  # a breakdown with more rows is folded away (opened when printed)

Cell = tuple[str, str, tuple[tuple[str, str], ...]]  # standard, period, sorted segment


@dataclass(frozen=True)
class Badge:
    """A verdict or status: an icon and words, coloured by ``css`` — never colour alone."""

    icon: str
    words: str
    css: str


@dataclass(frozen=True)
class Figure:
    """A value and its count as published, or withheld (``why`` says which footnote)."""

    value: str
    cases: str
    why: str = ""
    mark: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    figure: Figure
    target: str
    verdict: Badge
    path: str = ""


@dataclass(frozen=True)
class Breakdown:
    caption: str
    heading: str
    rows: list[Row]


@dataclass(frozen=True)
class Chart:
    anchor: str
    title: str
    desc: str
    drawing: chart.Drawing


@dataclass(frozen=True)
class Article:
    anchor: str
    id: str
    title: str
    statement: str
    owner: str
    measure: str
    period: str
    figure: Figure
    target: str
    verdict: Badge
    trend: str
    record: str
    paragraph: str
    chart: Chart
    rows: list[Row]
    tracked: bool
    goal_note: str
    breakdowns: list[Breakdown]


@dataclass(frozen=True)
class GoalRow:
    anchor: str
    standard: str
    segment: str
    baseline: Figure
    baseline_period: str
    latest: Figure
    latest_period: str
    path_now: str
    goal: str
    forecast: str
    status: Badge


def statement_html(record: RunRecord, *, suppress_below: int) -> str:
    """The statement as one HTML document; cells with fewer than ``suppress_below``
    cases are withheld (0: none)."""
    cells = _Cells(record, suppress_below)
    heads = headlines(record)
    scores = scorecard(heads)
    articles = {h.standard.id: _article(h, record, cells) for h in heads}
    sections = [(s, [articles[i] for i in s.standards]) for s in scores]
    measured = set(articles)
    met = sum(h.met for h in heads)
    return _environment().get_template("statement.html.j2").render(
        record=record, run=record.run, title=record.publication.title, long_table=LONG_TABLE,
        headline=f"{met} of {len(heads)} standards met in their latest period", met=met,
        missed=sum(h.latest.verdict is Verdict.breach for h in heads),
        not_assessed=sum(h.latest.verdict is Verdict.insufficient_data for h in heads),
        scores=[(s, _share(s.share_met), f"{float(s.share_met or 0) * 100:.1f}")
                for s in scores], weakest=_weakest(scores),
        sections=sections, glance=[articles[h.standard.id] for h in heads],
        unmeasured=[s for s in record.standards if s.id not in measured],
        goals=[_goal_row(t, cells) for t in record.tracking],
        initiatives=[_initiative(i, cells) for i in record.initiatives],
        threshold=suppress_below, withheld=len(cells.hidden),
        footnotes=[(w.value, FOOTNOTE[w], suppressed_words(w, suppress_below))
                   for w in Suppressed],
        datasets=[(d.name, PurePosixPath(f.path.replace("\\", "/")).name, f.sha256[:12],
                   show_number(d.rows_used)) for d in record.datasets for f in d.files],
        anchor=anchor, title_case=lambda s: s[:1].upper() + s[1:])


@functools.cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("engine.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["n"] = chart.coord
    return env


class _Cells:
    """Which cells are withheld, and each result as published."""

    def __init__(self, record: RunRecord, threshold: int) -> None:
        self.threshold = threshold
        self.hidden: dict[Cell, Suppressed] = suppression(record.results, threshold)

    def why(self, standard: str, period: str | None, segment: dict[str, str]
            ) -> Suppressed | None:
        return self.hidden.get((standard, period or "", tuple(sorted(segment.items()))))

    def of(self, r: Result) -> Suppressed | None:
        return self.why(r.standard, r.period, r.segment)

    def withheld(self, why: Suppressed) -> Figure:
        return Figure(SUPPRESSED, SUPPRESSED, why.value, FOOTNOTE[why],
                      suppressed_words(why, self.threshold))

    def figure(self, r: Result) -> Figure:
        why = self.of(r)
        return self.withheld(why) if why else Figure(shown(r), show_number(r.cases))

    def any_between(self, standard: str, segment: dict[str, str], first: str, last: str
                    ) -> bool:
        """Whether a withheld cell of this series lies in ``first``..``last``."""
        seg = tuple(sorted(segment.items()))
        return any(s == standard and g == seg and first <= p <= last
                   for s, p, g in self.hidden)


def _article(h: Headline, record: RunRecord, cells: _Cells) -> Article:
    r, std = h.latest, h.standard
    trend = h.trend
    if trend is not None and (cells.of(trend.previous) or cells.of(r)):
        trend = None  # a direction between two figures would hint at a withheld one
    why = cells.of(r)
    paragraph = ""
    if r.verdict is Verdict.breach:
        paragraph = missed_paragraph(
            dataclasses.replace(h, trend=trend),
            suppressed=suppressed_words(why, cells.threshold) if why else None,
            segment_note=segment_note(r, record, cells))
    goal = h.tracking
    goal_now = {p.period: p.expected for p in goal.history} if goal else {}
    path_shown = goal is not None and not _baseline_withheld(goal, cells)
    rows = [Row(x.period, cells.figure(x), target_words(x), badge(x.verdict),
                "" if goal is None else
                _val(goal_now.get(x.period), x.unit) if path_shown else SUPPRESSED)
            for x in h.series]
    return Article(
        anchor=anchor("std", std.id), id=std.id, title=std.title, statement=std.statement,
        owner=std.owner, measure=std.measure, period=r.period, figure=cells.figure(r),
        target=target_words(r), verdict=badge(r.verdict),
        trend=f"{trend.arrow} {trend.words[:1].upper()}{trend.words[1:]}" if trend else "",
        record=_record_words(h),
        paragraph=paragraph, chart=_chart(h, cells), rows=rows, tracked=goal is not None,
        goal_note=_goal_note(goal, cells) if goal else "",
        breakdowns=[_breakdown(std.id, r.period, group, cells)
                    for group in _breakdowns(record, std.id, r.period)])


def _record_words(h: Headline) -> str:
    if h.assessed < 2:
        return ""
    if not h.missed:
        return f"Not missed in the last {h.assessed} periods assessed"
    return f"Missed in {h.missed} of the last {h.assessed} periods assessed"


def badge(v: Verdict) -> Badge:
    icon, words = VERDICT[v]
    return Badge(icon, words, v.value)


# A withheld segment's verdict would say which side of the target its value lies.
WITHHELD = Badge("–", SUPPRESSED, "none")


def anchor(kind: str, name: str) -> str:
    return f"{kind}-{re.sub(r'[^A-Za-z0-9_-]+', '-', name).strip('-').lower()}"


def _breakdowns(record: RunRecord, standard: str, period: str) -> list[list[Result]]:
    """The latest period's results by segment, one list per breakdown (e.g. by region)."""
    groups: dict[tuple[str, ...], list[Result]] = {}
    for x in record.results:
        if x.standard == standard and x.period == period and x.segment:
            groups.setdefault(tuple(x.segment), []).append(x)
    return [sorted(g, key=lambda x: tuple(x.segment.values())) for g in groups.values()]


def _segment_label(x: Result) -> str:
    return ", ".join(x.segment.values()) if len(x.segment) == 1 else show_segment(x.segment)


def _dimension(group: list[Result]) -> str:
    return " and ".join(k.replace("_", " ") for k in group[0].segment)


def _breakdown(standard: str, period: str, group: list[Result], cells: _Cells) -> Breakdown:
    dim = _dimension(group)
    return Breakdown(f"{standard} by {dim}, {period}", dim[:1].upper() + dim[1:],
                     [Row(_segment_label(x), cells.figure(x), target_words(x),
                          WITHHELD if cells.of(x) else badge(x.verdict)) for x in group])


def segment_note(r: Result, record: RunRecord, cells: _Cells) -> str | None:
    """Which published segment did worst in the latest period, per breakdown."""
    at_most = r.target is not None and r.target.direction == "at_most"
    notes = []
    for group in _breakdowns(record, r.standard, r.period):
        published = [x for x in group if not cells.of(x) and value_of(x) is not None]
        if len(published) < 2:
            continue
        worst = (max if at_most else min)(published, key=lambda x: value_of(x) or 0)
        among = " of those published" if len(published) < len(group) else ""
        label = _segment_label(worst)
        if label.isdigit():  # 'By type, 1 had…' reads better as 'type 1'
            label = f"{_dimension(group)} {label}"
        notes.append(f"By {_dimension(group)}, {label} had the "
                     f"{'highest' if at_most else 'lowest'} result{among}: {shown(worst)} "
                     f"over {show_number(worst.cases)} cases "
                     f"({VERDICT[worst.verdict][1].lower()}).")
    return " ".join(notes) or None


def _chart(h: Headline, cells: _Cells) -> Chart:
    std, series = h.standard, h.series
    unit = series[-1].unit
    periods = []
    for x in series:
        published = not cells.of(x) and value_of(x) is not None
        level = target_level(x)
        periods.append(chart.Period(
            x.period, x.period_start, x.period_end,
            float(value_of(x) or 0) if published else None,
            float(level) if level is not None else None,
            f"{x.period}: {shown(x)}, target {target_words(x)}, "
            f"{VERDICT[x.verdict][1].lower()}" if published else ""))
    goal = _chart_goal(h.tracking, series, cells) if h.tracking else None
    drawing = chart.draw(periods, unit, goal, width=chart.WIDE if goal else chart.WIDTH)
    return Chart(anchor("chart", std.id), f"{std.id} {std.title}: results against the target",
                 _chart_desc(h, cells, goal), drawing)


def _chart_goal(t: Tracking, series: list[Result], cells: _Cells) -> chart.Goal:
    start = series[0].period_start
    # The path starts at the baseline, on the baseline period's last day when the chart
    # shows that period.
    base = [(x.period_end, t.baseline.value) for x in series
            if x.period == t.baseline.period and t.baseline.value is not None]
    path = [] if _baseline_withheld(t, cells) else base[:1] + [
        (p.period_end, p.expected) for p in t.history
        if p.expected is not None and p.period_end >= start]
    last = path[-1][0] if path else start
    if path:
        for m in t.milestones:
            day, level = _milestone(m)
            if day is not None and level is not None and last < day < t.by:
                path.append((day, level))
        if t.by > last:
            path.append((t.by, t.goal))
    f = t.forecast
    shown_forecast = f.value is not None and not _forecast_withheld(t, cells)
    return chart.Goal(
        path=path, stepped=t.path == "stepped", goal=t.goal, by=t.by,
        note=f"Goal: {_level(t.goal, t.unit)} by {t.by.isoformat()}",
        forecast=f.value if shown_forecast else None,
        lower=f.lower if shown_forecast else None, upper=f.upper if shown_forecast else None,
        forecast_note=_forecast_words(t) if shown_forecast else "")


def _chart_desc(h: Headline, cells: _Cells, goal: chart.Goal | None) -> str:
    series = h.series
    published = [x for x in series if not cells.of(x) and value_of(x) is not None]
    span = (f"{series[0].period} to {series[-1].period}" if len(series) > 1
            else series[0].period)
    text = f"Line chart of {h.standard.id} from {span}"
    if published:
        a, b = published[0], published[-1]
        va, vb = value_of(a), value_of(b)
        if a is b:
            text += f": {shown(b)} in {b.period}"
        else:
            move = ("rising to" if vb is not None and va is not None and vb > va
                    else "falling to" if vb != va else "unchanged at")
            text += f": {shown(a)} in {a.period}, {move} {shown(b)} in {b.period}"
    else:
        text += ": no figure published"
    text += f"; {_targets_words(series)}."
    withheld = len(series) - len(published)
    if withheld:
        text += (f" {withheld} period{'s' if withheld > 1 else ''} not shown "
                 "(suppressed or without a value).")
    if goal is not None and h.tracking is not None:
        t = h.tracking
        text += f" Improvement goal: {_level(t.goal, t.unit)} by {t.by.isoformat()}"
        text += ", with the path to it dashed" if goal.path else ""
        note = goal.forecast_note
        text += f"; {note[:1].lower()}{note[1:]}." if goal.forecast is not None else "."
    return text


def _targets_words(series: list[Result]) -> str:
    """'target at least 80% to 2025-03, at least 85% from 2025-04'."""
    runs: list[tuple[str, str, str]] = []  # words, first period, last period
    for x in series:
        words = target_words(x)
        if runs and runs[-1][0] == words:
            runs[-1] = (words, runs[-1][1], x.period)
        else:
            runs.append((words, x.period, x.period))
    if len(runs) == 1:
        return "no target" if runs[0][0] == "—" else f"target {runs[0][0]}"
    parts = [f"{w} to {last}" if i == 0 else f"{w} from {first}"
             for i, (w, first, last) in enumerate(runs)]
    return "target " + ", then ".join(parts)


def _goal_row(t: Tracking, cells: _Cells) -> GoalRow:
    base_hidden = _baseline_withheld(t, cells)
    latest_why = cells.why(t.standard, t.latest_period, t.segment)
    icon, words = STATUS_MARK[t.status].split(" ", 1)
    f = t.forecast
    if f.value is None:
        forecast = f"none: {f.reason}" if f.reason else "none"
    elif _forecast_withheld(t, cells):
        forecast = SUPPRESSED
    else:
        forecast = f"{_val(f.value, t.unit)} ({_val(f.lower, t.unit)} to " \
                   f"{_val(f.upper, t.unit)}) for {f.period}"
    why = cells.why(t.standard, t.baseline.period, t.segment)
    return GoalRow(
        anchor=anchor("std", t.standard), standard=t.standard,
        segment=show_segment(t.segment).capitalize() if not t.segment
        else show_segment(t.segment),
        baseline=cells.withheld(why) if why else Figure(_val(t.baseline.value, t.unit), ""),
        baseline_period=t.baseline.period,
        latest=cells.withheld(latest_why) if latest_why
        else Figure(_val(t.latest, t.unit), ""),
        latest_period=t.latest_period or "",
        path_now=SUPPRESSED if base_hidden else _val(t.expected_now, t.unit),
        goal=f"{_level(t.goal, t.unit)} by {t.by.isoformat()}", forecast=forecast,
        status=Badge(icon, words[:1].upper() + words[1:], STATUS_CSS[t.status]))


def _goal_note(t: Tracking, cells: _Cells) -> str:
    words = STATUS_MARK[t.status].split(" ", 1)[1]
    text = f"Improvement goal: {_level(t.goal, t.unit)} by {t.by.isoformat()}; {words}"
    if t.forecast.value is not None and not _forecast_withheld(t, cells):
        text += f". {_forecast_words(t)}"
    return text + "."


def _forecast_words(t: Tracking) -> str:
    f = t.forecast
    return (f"Forecast for {f.period}: {_val(f.value, t.unit)} (95% interval "
            f"{_val(f.lower, t.unit)} to {_val(f.upper, t.unit)})")


def _baseline_withheld(t: Tracking, cells: _Cells) -> bool:
    """The path starts at the baseline: a withheld baseline withholds the path."""
    return cells.why(t.standard, t.baseline.period, t.segment) is not None


def _forecast_withheld(t: Tracking, cells: _Cells) -> bool:
    """A least-squares forecast is a known sum of the values it was fitted to, so with
    one of them withheld it would give that one away."""
    f = t.forecast
    first = f.first or (t.history[0].period if t.history else "")
    last = f.last or (t.history[-1].period if t.history else "")
    return _baseline_withheld(t, cells) or cells.any_between(t.standard, t.segment, first,
                                                             last)


def _initiative(i: Impact, cells: _Cells) -> str:
    windows = [w for w in (i.before, i.after) if w is not None]
    if any(cells.any_between(i.standard, i.segment, w.first, w.last) for w in windows):
        where = f" ({show_segment(i.segment)})" if i.segment else ""
        return (f"{i.initiative} (from {i.start}), {i.standard}{where}: not published, "
                "because it rests on figures suppressed for small numbers.")
    return impact_words(i)


def _weakest(scores: list[AttributeScore]) -> str:
    weakest = [s for s in scores if s.weakest]
    if not any(s.assessed for s in scores):
        return "No standard could be assessed in its latest period."
    if not weakest:
        return "Every service attribute met all the standards assessed."
    names = " and ".join(s.attribute for s in weakest)
    s = weakest[0]
    return (f"Weakest: {names}, with {s.met} of {s.assessed} standard"
            f"{'s' if s.assessed > 1 else ''} assessed met.")


def _share(share: Fraction | None) -> str:
    if share is None:
        return "—"
    percent = share * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return show_percent(percent, Fraction(100))


def _milestone(m: dict[str, str]) -> tuple[dt.date | None, float | None]:
    try:
        return (dt.date.fromisoformat(m.get("by", "")),
                float(Fraction(m.get("value", "").split()[0].rstrip("%"))))
    except (ValueError, IndexError, ZeroDivisionError):
        return None, None


def _level(value: float, unit: str) -> str:
    """A goal as written: 90%, not 90.0%."""
    return show_level(Fraction(repr(value)), unit)


def _val(value: float | None, unit: str) -> str:
    return show_value(Fraction(repr(value)) if value is not None else None, unit)
