"""Tracking in the terminal: improvement goals, a small chart each, initiatives, demand."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.model.results import RunRecord
from engine.model.tracking import Demand, Impact, Tracking, TrackStatus
from engine.wording import show_float, show_number, show_segment

STATUS_STYLE = {TrackStatus.achieved: "bold green", TrackStatus.on_track: "green",
                TrackStatus.at_risk: "yellow", TrackStatus.off_track: "bold red",
                TrackStatus.not_assessed: "dim"}
STATUS_MARK = {TrackStatus.achieved: "★ achieved", TrackStatus.on_track: "✔ on track",
               TrackStatus.at_risk: "▲ at risk", TrackStatus.off_track: "✘ off track",
               TrackStatus.not_assessed: "… not assessed"}
BAR = 30  # characters of the chart's widest bar


def summary_line(record: RunRecord) -> str | None:
    """'Improvement goals: 2 on track, 1 off track (compliance track shows them).'"""
    if not record.tracking:
        return None
    counts: dict[TrackStatus, int] = {}
    for t in record.tracking:
        counts[t.status] = counts.get(t.status, 0) + 1
    words = ", ".join(f"{n} {s.value.replace('_', ' ')}" for s, n in counts.items())
    return f"Improvement goals: {words} (compliance track shows the paths and forecasts)."


def render_tracking(record: RunRecord, console: Console, *, periods: int = 12,
                    segments: bool = True) -> None:
    entries = [t for t in record.tracking if segments or not t.segment]
    if not entries:
        console.print("No standard has an improvement goal (add an 'improvement' block).")
    else:
        console.print(_goals_table(entries, record))
        for t in entries:
            console.print()
            for line in chart(t, periods):
                console.print(line, highlight=False)
            console.print(f"  {t.status_reason}.{_needed(t)}", highlight=False, soft_wrap=True)
    if record.initiatives:
        console.print("\nQuality initiatives: the change from before the start to after",
                      style="bold")
        for i in record.initiatives:
            console.print(f"  {impact_words(i)}", highlight=False, soft_wrap=True)
    if record.demand:
        console.print("\nDemand: cases per period, and the periods ahead", style="bold")
        for d in record.demand:
            console.print(f"  {demand_words(d)}", highlight=False, soft_wrap=True)


def _goals_table(entries: list[Tracking], record: RunRecord) -> Table:
    table = Table(title=f"Improvement goals — as of {record.run.as_of}", title_justify="left",
                  header_style="bold")
    for name, justify in (("Standard", "left"), ("Baseline", "right"), ("Latest", "right"),
                          ("Path", "right"), ("Gap", "right"), ("Goal", "left"),
                          ("Forecast (95%)", "left"), ("Status", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for t in entries:
        f = t.forecast
        forecast = (f"{show_float(f.value, t.unit)} ({show_float(f.lower, t.unit)}–"
                    f"{show_float(f.upper, t.unit)})" if f.value is not None else "none")
        where = f" {show_segment(t.segment)}" if t.segment else ""
        table.add_row(
            f"{t.standard}{where}", f"{show_float(t.baseline.value, t.unit)} {t.baseline.period}",
            f"{show_float(t.latest, t.unit)} {t.latest_period or ''}".strip(),
            show_float(t.expected_now, t.unit), _gap(t.gap, t.unit),
            f"{show_float(t.goal, t.unit)} {t.by}",
            forecast, Text(STATUS_MARK[t.status], style=STATUS_STYLE[t.status]))
    return table


def chart(t: Tracking, periods: int) -> Iterator[str]:
    """The last ``periods`` periods as bars, the path marked ``│``, then the forecast."""
    shown = t.history[-periods:]
    values = [x for p in shown for x in (p.value, p.expected) if x is not None]
    values += [x for x in (t.goal, t.forecast.value) if x is not None]
    low = min(values, default=0.0)
    high = max(values, default=1.0)
    low = max(0.0, low - (high - low) * 0.25)
    span = (high - low) or 1.0

    def at(x: float) -> int:
        return round((x - low) / span * BAR)

    where = f", {show_segment(t.segment)}" if t.segment else ""
    yield (f"{t.standard}{where}: value █ against the path │ "
           f"(bars start at {show_float(low, t.unit)})")
    for p in shown:
        cells = [" "] * (BAR + 1)
        if p.value is not None:
            cells[:at(p.value)] = "█" * at(p.value)
        if p.expected is not None:
            cells[min(at(p.expected), BAR)] = "│"
        mark = STATUS_MARK[p.status].split(" ", 1)[0]
        yield (f"  {p.period:<9} {''.join(cells)} {show_float(p.value, t.unit):>7}  "
               f"path {show_float(p.expected, t.unit):>7}  {mark}")
    f = t.forecast
    if f.value is not None and f.period is not None:
        cells = [" "] * (BAR + 1)
        cells[:at(f.value)] = "░" * at(f.value)
        cells[min(at(t.goal), BAR)] = "◆"
        yield (f"  {f.period:<9} {''.join(cells)} {show_float(f.value, t.unit):>7}  "
               f"goal {show_float(t.goal, t.unit):>7}  ░ forecast ({show_float(f.lower, t.unit)}–"
               f"{show_float(f.upper, t.unit)})")


def impact_words(i: Impact) -> str:
    """One initiative's impact on one standard, in a sentence a manager can forward."""
    where = f" ({show_segment(i.segment)})" if i.segment else ""
    head = f"{i.initiative} (from {i.start}), {i.standard}{where}: "
    if i.change is None or i.before is None or i.after is None:
        return head + f"not assessed: {i.reason}."
    change = (f"{_gap(i.change, i.unit)} (95% CI {_gap(i.lower, i.unit)} to "
              f"{_gap(i.upper, i.unit)})")
    words = {"improved": "improved", "worsened": "worsened",
             "no distinguishable change": "no change distinguishable from noise"}[i.finding]
    text = (f"{head}{words}, {change}"
            f"{', seasonally adjusted' if i.seasonal_adjustment else ''}: "
            f"{show_float(i.before.mean, i.unit)} over {i.before.first} to {i.before.last}, "
            f"{show_float(i.after.mean, i.unit)} over {i.after.first} to {i.after.last}")
    if i.cost_per_additional_case is not None:
        currency = f" {i.currency}" if i.currency else ""
        text += (f"; {show_number(round(i.additional_cases or 0))} more cases met the "
                 f"standard, at {i.cost_per_additional_case:,.2f}{currency} each")
        if i.cost_per_additional_case_range is not None:
            low, high = i.cost_per_additional_case_range
            text += f" ({low:,.2f} to {high:,.2f})"
    return text + "."


def demand_words(d: Demand) -> str:
    counted = "rows" if d.count == "rows" else d.count
    head = f"{d.dataset} ({counted} by {d.by}, per {d.period_kind.replace('_', ' ')}): "
    latest = (f"{d.history[-1].period} had {show_number(d.history[-1].cases)}"
              if d.history else "no complete period")
    if not d.forecast:
        return f"{head}{latest}; no forecast: {d.reason}."
    ahead = ", ".join(f"{f.period} {show_number(round(f.value or 0))} "
                      f"({show_number(round(f.lower or 0))}–{show_number(round(f.upper or 0))})"
                      for f in d.forecast)
    return f"{head}{latest}; expected {ahead} ({d.method}, 95% intervals)."


def _needed(t: Tracking) -> str:
    if t.needed_per_period is None or not t.periods_left:
        return ""
    return (f" To reach {show_float(t.goal, t.unit)} by {t.by}: "
            f"{_gap(t.needed_per_period, t.unit)} a period over the {t.periods_left} periods "
            "left.")


def _gap(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    points = " pts" if unit == "%" else (f" {unit}" if unit else "")
    return f"{value:+.2f}{points}"


def tracking_rows(record: RunRecord) -> Iterator[list[object]]:
    """tracking.csv: one row per tracked standard, segment and period."""
    for t in record.tracking:
        for p in t.history:
            yield [t.standard, show_segment(t.segment), p.period, p.value, p.numerator,
                   p.denominator, p.expected, p.gap, p.status.value, p.note or "",
                   p.forecast_at_goal_date, t.goal, t.by.isoformat(), p.source]


TRACKING_HEADER = ["standard", "segment", "period", "value", "numerator", "denominator",
                   "expected", "gap", "status", "note", "forecast_at_goal_date", "goal",
                   "goal_by", "source"]
