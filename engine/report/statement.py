"""The public performance statement: one self-contained HTML page, built from a run record
alone, that says how each service standard did in its latest period — including when it
was missed — with a chart and its numbers, the segments, the improvement goals and how
the figures were made.

The page is what an institution publishes, so small numbers are suppressed
(:mod:`engine.report.suppress`): a withheld cell shows "Suppressed" and why, in every
place it would appear (tables, charts, their text alternatives, sentences), and nothing
derived from it (a trend, a forecast, an initiative's before and after) gives it away.
Alerts stay internal: they name cases, and the page never reads them.

The wording is :mod:`engine.report.summary`'s and :mod:`engine.wording`'s; what may be
shown of each result is :mod:`engine.report.published`'s; the goals and initiatives are
:mod:`engine.report.statement_goals`'; the layout is ``templates/statement.html.j2``
(Jinja2, autoescaped); the chart geometry is :mod:`engine.report.chart`.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePosixPath

from jinja2 import Environment, PackageLoader, StrictUndefined

from engine.model.results import Result, RunRecord, Verdict
from engine.report import chart
from engine.report.published import (
    FOOTNOTE,
    SUPPRESSED,
    VERDICT,
    WITHHELD,
    Badge,
    Cells,
    Figure,
    anchor,
    badge,
)
from engine.report.scorecard import AttributeScore, scorecard
from engine.report.statement_goals import (
    baseline_withheld,
    chart_goal,
    goal_note,
    goal_row,
    initiative_words,
)
from engine.report.summary import (
    Headline,
    headlines,
    missed_paragraph,
    shown,
    target_level,
    target_words,
    value_of,
)
from engine.report.suppress import Suppressed, suppressed_words
from engine.wording import show_float, show_float_level, show_number, show_percent, show_segment

LONG_TABLE = 20  # a breakdown with more rows is folded away (opened when printed)


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


def statement_html(record: RunRecord, *, suppress_below: int) -> str:
    """The statement as one HTML document; cells with fewer than ``suppress_below``
    cases are withheld (0: none)."""
    cells = Cells(record, suppress_below)
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
        goals=[goal_row(t, cells) for t in record.tracking],
        initiatives=[initiative_words(i, cells) for i in record.initiatives],
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


def _article(h: Headline, record: RunRecord, cells: Cells) -> Article:
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
    path_shown = goal is not None and not baseline_withheld(goal, cells)
    rows = [Row(x.period, cells.figure(x), target_words(x), badge(x.verdict),
                "" if goal is None else
                show_float(goal_now.get(x.period), x.unit) if path_shown else SUPPRESSED)
            for x in h.series]
    return Article(
        anchor=anchor("std", std.id), id=std.id, title=std.title, statement=std.statement,
        owner=std.owner, measure=std.measure, period=r.period, figure=cells.figure(r),
        target=target_words(r), verdict=badge(r.verdict),
        trend=f"{trend.arrow} {trend.words[:1].upper()}{trend.words[1:]}" if trend else "",
        record=_record_words(h),
        paragraph=paragraph, chart=_chart(h, cells), rows=rows, tracked=goal is not None,
        goal_note=goal_note(goal, cells) if goal else "",
        breakdowns=[_breakdown(std.id, r.period, group, cells)
                    for group in _breakdowns(record, std.id, r.period)])


def _record_words(h: Headline) -> str:
    if h.assessed < 2:
        return ""
    if not h.missed:
        return f"Not missed in the last {h.assessed} periods assessed"
    return f"Missed in {h.missed} of the last {h.assessed} periods assessed"


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


def _breakdown(standard: str, period: str, group: list[Result], cells: Cells) -> Breakdown:
    dim = _dimension(group)
    return Breakdown(f"{standard} by {dim}, {period}", dim[:1].upper() + dim[1:],
                     [Row(_segment_label(x), cells.figure(x), target_words(x),
                          WITHHELD if cells.of(x) else badge(x.verdict)) for x in group])


def segment_note(r: Result, record: RunRecord, cells: Cells) -> str | None:
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


def _chart(h: Headline, cells: Cells) -> Chart:
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
    goal = chart_goal(h.tracking, series, cells) if h.tracking else None
    drawing = chart.draw(periods, unit, goal, width=chart.WIDE if goal else chart.WIDTH)
    return Chart(anchor("chart", std.id), f"{std.id} {std.title}: results against the target",
                 _chart_desc(h, cells, goal), drawing)


def _chart_desc(h: Headline, cells: Cells, goal: chart.Goal | None) -> str:
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
        text += f" Improvement goal: {show_float_level(t.goal, t.unit)} by {t.by.isoformat()}"
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
