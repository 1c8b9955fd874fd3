"""The console table: each standard's latest period, whole population then segments."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.model.results import AlertState, Result, RunRecord, Verdict
from engine.report.summary import shown as shown_value
from engine.wording import show_number, show_segment, without_owner_and_next_step

STYLE = {Verdict.met: "green", Verdict.warning: "yellow", Verdict.breach: "bold red",
         Verdict.insufficient_data: "dim"}
SEVERITY = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "dim"}
MARK = {Verdict.met: "✔ met", Verdict.warning: "▲ warning", Verdict.breach: "✘ breach",
        Verdict.insufficient_data: "… insufficient data"}


def render_results(record: RunRecord, console: Console, *, all_periods: bool = False) -> None:
    titles = {s.id: s.title for s in record.standards}
    shown = record.results if all_periods else latest(record.results)
    table = Table(title=f"Service standards — as of {record.run.as_of}", title_justify="left",
                  header_style="bold")
    for name, justify in (("Standard", "left"), ("Period", "left"), ("Segment", "left"),
                          ("Value", "right"), ("Target", "left"), ("Cases", "right"),
                          ("Verdict", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    previous = None
    for r in shown:
        first = r.standard != previous
        if first and previous is not None:
            table.add_section()
        previous = r.standard
        table.add_row(
            r.standard if first else "",
            r.period, show_segment(r.segment),
            shown_value(r),
            f"{'≥' if r.target.direction == 'at_least' else '≤'} {r.target.value}"
            if r.target else "—",
            show_number(r.cases),
            Text(MARK[r.verdict], style=STYLE[r.verdict]),
        )
    console.print(table)
    for sid in dict.fromkeys(r.standard for r in shown):
        console.print(f"  {sid}: {titles.get(sid, '')}", highlight=False)
    counts = {v: sum(1 for r in shown if r.verdict is v) for v in Verdict}
    summary = ", ".join(f"{n} {v.value.replace('_', ' ')}" for v, n in counts.items() if n)
    console.print(f"{len(shown)} results shown ({summary}).", highlight=False)
    render_alerts(record, console)


def render_alerts(record: RunRecord, console: Console) -> None:
    """How many alerts in each state, then each new and resolved one in full (the ongoing
    ones were shown when new; ``compliance alerts`` lists them): what happened, and under
    it, on a line of its own, the owner and the next step its message ends with."""
    if not record.alerts:
        console.print("No alerts.")
        return
    by_state = {s: [a for a in record.alerts if a.state is s] for s in AlertState}
    console.print("Alerts: " + ", ".join(f"{len(v)} {s.value}" for s, v in by_state.items()
                                         if v), highlight=False)
    for state in (AlertState.new, AlertState.resolved):
        for a in by_state[state]:
            said = without_owner_and_next_step(a.message, a.owner, a.next_step)
            console.print(Text.assemble(
                (f"  {state.value.upper():<8} ", "bold" if state is AlertState.new else "dim"),
                (f"{a.severity:<8} ", SEVERITY.get(a.severity, "")), said),
                soft_wrap=True)
            if said != a.message:
                console.print(Text(f"{'':<20}{a.message[len(said):].lstrip()}",
                                   style="italic"), soft_wrap=True)
    for n in record.notifications:
        shown = f"{n.name} ({n.target})" if n.name else n.target
        words = (f"sent {n.alerts} alert(s)" if n.ok
                 else f"NOT sent after {n.attempts} attempt(s): {n.error}")
        console.print(f"  Notification to {n.channel} {shown}: {words}", highlight=False,
                      soft_wrap=True)


def latest(results: list[Result]) -> list[Result]:
    newest: dict[str, str] = {}
    for r in results:
        if r.standard not in newest or r.period_start.isoformat() > newest[r.standard]:
            newest[r.standard] = r.period_start.isoformat()
    return [r for r in results if r.period_start.isoformat() == newest[r.standard]]

