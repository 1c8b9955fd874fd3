"""The geometry of the statement's charts: a value over its periods against the target in
force, and, for a standard with an improvement goal, the path, the goal and the forecast.

Everything here is numbers the template draws (scales, ticks, SVG path data); the words
(titles, text alternatives, notes) are the statement's. Time runs along x by calendar
day, so a goal two years ahead sits two years ahead. A value is placed on its period's
last day, where the path is also held; a target covers its whole period, so a target that
changes on a date steps there.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 480, 240
WIDE = 720  # a chart running to an improvement goal's date, across the page
LEFT, RIGHT, TOP, BOTTOM = 52, 26, 12, 30  # margins around the plot, for the tick labels
MARGIN = 0.05  # of the values' range, added above and below it
PAD = 10  # between the plot's edge and the first and last values
MIN_LABEL_GAP = 70  # between two labels of the time axis, wide enough for "2025-06"


@dataclass(frozen=True)
class Linear:
    """Maps ``lo``..``hi`` onto ``start``..``end`` (``end`` below ``start`` for a y axis,
    whose numbers grow upwards while SVG's grow downwards)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.hi == self.lo:
            return (self.start + self.end) / 2
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def nice_step(span: float, count: int) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that splits ``span`` into at most ``count``."""
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5):
        if raw <= m * magnitude * (1 + 1e-9):
            return m * magnitude
    return 10 * magnitude


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering ``lo``..``hi``: (77.4, 99.1) → 75, 80, … 100."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    step = nice_step(hi - lo, count)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    return [round(first + i * step, 9) for i in range(round((last - first) / step) + 1)]


def percent_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """As :func:`nice_ticks`, kept within 0–100 as a percentage is."""
    return [t for t in nice_ticks(max(lo, 0.0), min(hi, 100.0), count) if 0 <= t <= 100]


def line_path(points: Sequence[tuple[float, float] | None]) -> str:
    """SVG path data through the points; ``None`` breaks the line (a gap)."""
    parts: list[str] = []
    pen_down = False
    for p in points:
        if p is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{coord(p[0])},{coord(p[1])}")
        pen_down = True
    return " ".join(parts)


def step_path(steps: Sequence[tuple[float, float, float] | None]) -> str:
    """SVG path data for levels held over spans ``(x0, x1, y)``: horizontal runs joined by
    vertical steps where one span ends where the next starts; ``None`` breaks the line."""
    runs: list[list[float]] = []  # x0, x1, y; each run starts a subpath or steps from the last
    joined: list[bool] = []
    for s in steps:
        if s is None:
            runs.append([])
            joined.append(False)
            continue
        x0, x1, y = s
        last = runs[-1] if runs else []
        if last and math.isclose(last[1], x0) and math.isclose(last[2], y):
            last[1] = x1  # the same level goes on
            continue
        joined.append(bool(last) and math.isclose(last[1], x0))
        runs.append([x0, x1, y])
    parts = []
    for (x0, x1, y), step in ((r, j) for r, j in zip(runs, joined, strict=True) if r):
        parts.append(f"V{coord(y)} H{coord(x1)}" if step
                     else f"M{coord(x0)},{coord(y)} H{coord(x1)}")
    return " ".join(parts)


def stepped_line(points: Sequence[tuple[float, float]]) -> str:
    """A path held at each point's level until the next point, then stepped to it."""
    parts = [f"M{coord(points[0][0])},{coord(points[0][1])}"] if points else []
    for x, y in points[1:]:
        parts.append(f"H{coord(x)} V{coord(y)}")
    return " ".join(parts)


@dataclass(frozen=True)
class Period:
    """One period of the series, as the chart needs it."""

    label: str
    start: dt.date
    end: dt.date  # the period's last day
    value: float | None  # None: no value, or not published
    target: float | None
    note: str  # what a pointer over the point says


@dataclass(frozen=True)
class Goal:
    """An improvement goal: the path (dated values), the goal, the forecast for its date."""

    path: list[tuple[dt.date, float]]
    stepped: bool
    goal: float
    by: dt.date
    note: str
    forecast: float | None = None
    lower: float | None = None
    upper: float | None = None
    forecast_note: str = ""


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    note: str


@dataclass(frozen=True)
class Band:
    """A forecast's interval: a vertical bar at ``x`` from ``top`` to ``bottom``; an end
    cut off at the plot's edge is open (drawn without its cap)."""

    x: float
    top: float
    bottom: float
    open_top: bool
    open_bottom: bool

    @property
    def clipped(self) -> bool:
        return self.open_top or self.open_bottom


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    value_line: str
    points: list[Mark]
    target_line: str
    path_line: str
    goal: Mark | None
    forecast: Mark | None
    band: Band | None


def draw(periods: Sequence[Period], unit: str, goal: Goal | None = None, *,
         width: int = WIDTH) -> Drawing:
    """The chart of ``periods`` (oldest first, at least one) and of ``goal`` if given.
    A wider chart is drawn for a wider box, with its labels as far apart on the page."""
    left, right, top, bottom = LEFT, width - RIGHT, TOP, HEIGHT - BOTTOM
    gap = MIN_LABEL_GAP * width / WIDTH
    # The interval is left out of the scale: a wide one would flatten the history it
    # comes from; where it runs past the plot it is cut off and flagged.
    levels = [v for p in periods for v in (p.value, p.target) if v is not None]
    # From the first value to the last (or to the goal's date); a lone period spans itself.
    first, last = _day(periods[0].end), _day(periods[-1].end)
    if first == last:
        first = _day(periods[0].start)
    if goal is not None:
        levels += [v for _, v in goal.path] + [goal.goal]
        levels += [goal.forecast] if goal.forecast is not None else []
        last = max(last, _day(goal.by))
    lo, hi = (min(levels), max(levels)) if levels else (0.0, 100.0)
    # A little room, so that no line runs along the plot's edge.
    lo, hi = lo - (hi - lo) * MARGIN, hi + (hi - lo) * MARGIN
    ticks = percent_ticks(lo, hi) if unit == "%" else nice_ticks(lo, hi)
    y = Linear(ticks[0], ticks[-1], bottom, top)
    x = Linear(first, last, left + PAD, right - PAD)
    x_ticks = _spaced([Tick(x(_day(p.end)), p.label) for p in periods], gap)
    drawn_goal = forecast = band = None
    path_line = ""
    if goal is not None:
        at = x(_day(goal.by))
        x_ticks = [t for t in x_ticks if abs(t.at - at) >= gap] + [
            Tick(at, goal.by.strftime("%Y-%m"))]
        knots = [(x(_day(d)), y(v)) for d, v in goal.path]
        path_line = stepped_line(knots) if goal.stepped else line_path(knots)
        drawn_goal = Mark(at, y(goal.goal), goal.note)
        if goal.forecast is not None:
            forecast = Mark(at, y(goal.forecast), goal.forecast_note)
            if goal.lower is not None and goal.upper is not None:
                high, low = y(goal.upper), y(goal.lower)
                band = Band(at, max(high, top), min(low, bottom), high < top, low > bottom)

    def span(p: Period) -> tuple[float, float, float] | None:
        if p.target is None:
            return None
        return (x(max(_day(p.start), first)), x(min(_day(p.end) + 1, last)), y(p.target))

    return Drawing(
        width=width, height=HEIGHT, left=left, top=top, right=right, bottom=bottom,
        y_ticks=[Tick(y(t), _tick_label(t, unit)) for t in ticks], x_ticks=x_ticks,
        value_line=line_path([(x(_day(p.end)), y(p.value)) if p.value is not None else None
                              for p in periods]),
        points=[Mark(x(_day(p.end)), y(p.value), p.note) for p in periods
                if p.value is not None],
        target_line=step_path([span(p) for p in periods]),
        path_line=path_line, goal=drawn_goal, forecast=forecast, band=band)


def _spaced(ticks: list[Tick], gap: float) -> list[Tick]:
    """The latest tick, and each earlier one at least ``gap`` from the last kept."""
    kept: list[Tick] = []
    for t in reversed(ticks):
        if not kept or kept[-1].at - t.at >= gap:
            kept.append(t)
    return kept[::-1]


def _day(d: dt.date) -> float:
    return float(d.toordinal())


def _tick_label(value: float, unit: str) -> str:
    text = f"{value:g}"
    return f"{text}%" if unit == "%" else text


def coord(value: float) -> str:
    """A coordinate to 0.1 of a unit: enough for the eye, short in the file."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
