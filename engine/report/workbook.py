"""The internal Excel workbook: every figure of a run, where it came from, and what to do
about it, for the people who run the service and for auditors.

Built from a run record alone, so ``compliance report`` rebuilds it from a stored run.
Sheets: Summary, Scorecard, one per standard (its header, every period and segment, and
a chart of the whole population against the target), Alerts, Cases, Tracking,
Initiatives and demand (when the run has them), Rejects, Run (files, digests, standard
versions). It is internal: nothing is suppressed. Numbers are written unrounded
(percentages as fractions, 79.96% as 0.7996) and only formatted, with the decimals
:mod:`engine.wording` shows; :mod:`engine.report.xlsx` writes the cells safely.
"""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from itertools import chain, zip_longest
from typing import Any

from openpyxl.chart import LineChart, Reference  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from engine.model.results import Result, RunRecord, StandardRecord, Verdict
from engine.report.console import MARK
from engine.report.outputs import (
    ALERT_COLUMNS,
    CASE_COLUMNS,
    REJECT_COLUMNS,
    alert_row,
    case_rows,
)
from engine.report.scorecard import scorecard
from engine.report.summary import Headline, headlines, target_level, target_words, value_of
from engine.report.tracking import (
    STATUS_MARK,
    TRACKING_HEADER,
    demand_words,
    impact_words,
    tracking_rows,
)
from engine.report.xlsx import Book, bold, number_format, sheet_title, table
from engine.wording import decimals_shown, show_segment

GREEN, AMBER, RED, GREY = "C6EFCE", "FFEB9C", "FFC7CE", "D9D9D9"
VERDICT_FILL = {Verdict.met: GREEN, Verdict.warning: AMBER, Verdict.breach: RED,
                Verdict.insufficient_data: GREY}
SEVERITY_FILL = {"critical": RED, "high": RED, "medium": AMBER, "low": GREY}
STATUS_FILL = {"achieved": GREEN, "on_track": GREEN, "at_risk": AMBER, "off_track": RED}
FIXED_SHEETS = ("Summary", "Scorecard", "Alerts", "Cases", "Tracking",
                "Initiatives and demand", "Rejects", "Run", "History")  # History: reserved
RESULT_HEADER = ["Period", "Start", "End", "Segment", "Numerator", "Denominator", "Cases",
                 "Value", "Exact value", "Target", "Verdict", "Decided by", "Standard version"]
CHART_HEADER = ["Period", "Value", "Target"]


def workbook_bytes(record: RunRecord, rejects: list[dict[str, object]]) -> bytes:
    """The .xlsx file. ``rejects`` are rows of :data:`REJECT_COLUMNS`, all of them or the
    first ones a store kept: the Rejects sheet says so when they cover fewer rows than the
    record's datasets rejected."""
    book = Book()
    heads = headlines(record)
    taken = {name.lower() for name in FIXED_SHEETS}
    titles = {s.id: sheet_title(s.id, taken) for s in record.standards}
    _summary(book, record, heads)
    _scorecard(book, heads)
    by_standard: dict[str, list[Result]] = {}
    for r in record.results:
        by_standard.setdefault(r.standard, []).append(r)
    series = {h.standard.id: h.series for h in heads}
    for std in record.standards:
        _standard(book, titles[std.id], std, by_standard.get(std.id, []),
                  series.get(std.id, []))
    _alerts(book, record)
    ws = book.sheet("Cases")
    table(book, ws, CASE_COLUMNS, (_case(row) for row in case_rows(record.alerts)),
           empty="No open case is named by an alert.")
    _tracking(book, record)
    if record.initiatives or record.demand:
        ws = book.sheet("Initiatives and demand")
        table(book, ws, ["About", "Standard or dataset", "In words"], chain(
            (["initiative", i.standard, impact_words(i)] for i in record.initiatives),
            (["demand", d.dataset, demand_words(d)] for d in record.demand)))
    _rejects(book, record, rejects)
    _run(book, record)
    buffer = io.BytesIO()
    book.wb.save(buffer)
    return buffer.getvalue()


# -- the summary and the scorecard ------------------------------------------------------

def _summary(book: Book, record: RunRecord, heads: list[Headline]) -> None:
    ws = book.sheet("Summary")
    above: list[list[object]] = [[bold(book, ws, record.run.institution)]] \
        if record.run.institution else []
    above += [[bold(book, ws, f"Service standards — as of {record.run.as_of}")],
              [f"Run {record.run.id}"], []]
    header = ["Standard", "Title", "Attribute", "Owner", "Period", "Value", "Target",
              "Verdict", "Trend", "Cases", "Missed", "Improvement goal"]
    rows = []
    for h in heads:
        r = h.latest
        trend = f"{h.trend.arrow} {h.trend.words}" if h.trend else ""
        rows.append([h.standard.id, h.standard.title, h.standard.attribute, h.standard.owner,
                     r.period, _value(book, ws, r), target_words(r), _verdict(book, ws, r),
                     trend, book.count(ws, r.cases),
                     f"{h.missed} of {h.assessed} periods" if h.assessed else "—",
                     STATUS_MARK[h.tracking.status] if h.tracking else ""])
    table(book, ws, header, rows, above=above, empty="No standard has a result.")


def _scorecard(book: Book, heads: list[Headline]) -> None:
    ws = book.sheet("Scorecard")
    header = ["Attribute", "Standards", "Met", "Of which close to target", "Missed",
              "Not assessed", "Share met", "Improvement goals behind", "Weakest"]
    rows = [[s.attribute, ", ".join(s.standards), book.count(ws, s.met),
             book.count(ws, s.warning), book.count(ws, s.missed),
             book.count(ws, s.not_assessed),
             book.cell(ws, float(s.share_met), "0.0%") if s.share_met is not None else None,
             book.count(ws, s.goals_behind),
             book.cell(ws, "weakest", fill=RED) if s.weakest else ""]
            for s in scorecard(heads)]
    above = [["Standards by the service attribute they serve: each counts by its latest "
              "whole-population verdict (a warning met its target, close to it)."], []]
    table(book, ws, header, rows, above=above, empty="No standard has a result.")


def _value(book: Book, ws: Any, r: Result) -> Any:
    """The unrounded value (a percentage as a fraction), shown with the decimals
    :func:`engine.report.summary.shown` uses, so 79.96% never looks like its 80% target."""
    value = value_of(r)
    if r.value is None or value is None:
        return None
    return book.cell(ws, _scaled(r.value, r.unit),
                     number_format(decimals_shown(value, r.unit, target_level(r)), r.unit))


def _verdict(book: Book, ws: Any, r: Result) -> Any:
    return book.cell(ws, MARK[r.verdict], fill=VERDICT_FILL[r.verdict])


def _scaled(value: float, unit: str) -> float:
    return value / 100 if unit == "%" else value


# -- one sheet per standard ---------------------------------------------------------------

def _standard(book: Book, title: str, std: StandardRecord, results: list[Result],
              series: list[Result]) -> None:
    ws = book.sheet(title)
    excluded = "; ".join(f"{k} {v:,}" for k, v in std.excluded.items())
    above = [[bold(book, ws, f"{std.id} — {std.title}")],
             *([label, value] for label, value in (
                 ("Statement", std.statement), ("Attribute", std.attribute),
                 ("Owner", std.owner), ("Measure", std.measure), ("Version", std.version),
                 ("Standard file", std.path), ("SHA-256", std.sha256),
                 ("Dataset", std.dataset), ("Population", std.population or "all rows"),
                 ("Rows in population", book.count(ws, std.rows_in_population)),
                 ("Rows outside population", book.count(ws, std.rows_outside_population)),
                 ("Excluded from the ratio", excluded or "none"))),
             []]
    ordered = sorted(results, key=lambda r: (r.period_start, bool(r.segment)))
    detail = [[r.period, r.period_start, r.period_end, show_segment(r.segment),
              book.count(ws, r.numerator), book.count(ws, r.denominator),
              book.count(ws, r.cases), _value(book, ws, r), r.value_exact,
              target_words(r), _verdict(book, ws, r), r.decided_by, r.standard_version]
             for r in ordered]
    chart = [[r.period, _value(book, ws, r), _target(book, ws, r)] for r in series]
    rows = [[*main, None, *side] for main, side in
            zip_longest(detail, chart, fillvalue=[None] * len(RESULT_HEADER))]
    top = table(book, ws, [*RESULT_HEADER, None, *CHART_HEADER], rows, above=above,
                filter_width=len(RESULT_HEADER), empty="No result for this standard.")
    if chart:
        ws.add_chart(_chart(ws, std, series, top, len(RESULT_HEADER) + 2),
                     f"{get_column_letter(len(RESULT_HEADER) + 6)}{top}")


def _target(book: Book, ws: Any, r: Result) -> Any:
    level = target_level(r)
    if level is None:
        return None
    return book.cell(ws, _scaled(float(level), r.unit),
                     number_format(_places(level), r.unit))


def _places(level: Fraction) -> int:
    """The decimals a target level is written with: 80 → 0, 4.5 → 1."""
    return 0 if level.denominator == 1 else len(f"{float(level):g}".partition(".")[2])


def _chart(ws: Any, std: StandardRecord, series: list[Result], top: int, period: int) -> Any:
    """The whole population's value against its target, period by period."""
    unit = series[-1].unit
    chart = LineChart()
    chart.title = f"{std.id}: value against target"
    chart.x_axis.title = "Period"
    chart.y_axis.title = f"Value ({unit})" if unit else "Value"
    chart.y_axis.number_format = "0%" if unit == "%" else "#,##0.0"
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides axes otherwise
    chart.height, chart.width = 9, 18
    last = top + len(series)
    chart.add_data(Reference(ws, min_col=period + 1, max_col=period + 2, min_row=top,
                             max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=period, min_row=top + 1, max_row=last))
    for line in chart.series:
        line.smooth = False
    chart.series[1].graphicalProperties.line.dashStyle = "dash"
    return chart


# -- alerts, cases, tracking, rejects -----------------------------------------------------

def _alerts(book: Book, record: RunRecord) -> None:
    ws = book.sheet("Alerts")
    severity = ALERT_COLUMNS.index("severity")
    rows = []
    for a in record.alerts:
        row = alert_row(a)
        row[severity] = book.cell(ws, a.severity, fill=SEVERITY_FILL.get(a.severity))
        rows.append(row)
    table(book, ws, ALERT_COLUMNS, rows, empty="No alerts.")


def _case(row: list[object]) -> list[object]:
    at = CASE_COLUMNS.index("complete_by")
    return [*row[:at], _date(row[at]), *row[at + 1:]]


def _date(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _tracking(book: Book, record: RunRecord) -> None:
    ws = book.sheet("Tracking")
    col = {name: i for i, name in enumerate(TRACKING_HEADER)}
    units = [t.unit for t in record.tracking for _ in t.history]
    rows = []
    for unit, row in zip(units, tracking_rows(record), strict=True):
        for name in ("value", "expected", "forecast_at_goal_date", "goal"):
            if isinstance(v := row[col[name]], float | int):
                shown = decimals_shown(Fraction(repr(v)), unit)
                row[col[name]] = book.cell(ws, _scaled(v, unit), number_format(shown, unit))
        for name in ("numerator", "denominator"):
            row[col[name]] = book.count(ws, row[col[name]])
        if isinstance(gap := row[col["gap"]], float | int):
            points = "pts" if unit == "%" else unit
            row[col["gap"]] = book.cell(ws, gap, '+0.00" {0}";-0.00" {0}";0.00" {0}"'.format(
                points.replace('"', "")) if points else "+0.00;-0.00;0.00")
        status = row[col["status"]]
        row[col["status"]] = book.cell(ws, status, fill=STATUS_FILL.get(str(status)))
        row[col["goal_by"]] = _date(row[col["goal_by"]])
        rows.append(row)
    table(book, ws, TRACKING_HEADER, rows,
           empty="No standard has an improvement goal.")


def _rejects(book: Book, record: RunRecord, rejects: list[dict[str, object]]) -> None:
    ws = book.sheet("Rejects")
    rejected = sum(d.rows_rejected for d in record.datasets)
    present = len({(r["dataset"], r["file"], r["row"]) for r in rejects})
    above = [[bold(book, ws, f"First {present:,} of {rejected:,} rejected rows; "
                              "rejects.csv has all.")], []] if present < rejected else []
    table(book, ws, REJECT_COLUMNS, ([r[c] for c in REJECT_COLUMNS] for r in rejects),
           above=above, empty="No row was rejected.")


# -- provenance ---------------------------------------------------------------------------

def _run(book: Book, record: RunRecord) -> None:
    """What an auditor needs to trace any figure: the run, every file read with its
    digest and reconciliation, every standard's file digest and population."""
    ws = book.sheet("Run")
    run = record.run
    started = run.started_at
    if started.tzinfo is not None:  # Excel holds no time zone
        started = started.astimezone(dt.UTC).replace(tzinfo=None)
    above: list[list[object]] = [
        ["Run", run.id], ["As of", run.as_of], ["Started at (UTC)", started],
        ["Engine version", run.engine_version], ["Standards folder", run.standards_path],
        ["Standards digest", run.standards_digest],
        ["Alert policy SHA-256", run.alert_policy_sha256 or "the built-in policy"],
        ["Institution", run.institution or ""],
        ["Results schema version", record.schema_version], []]
    header = ["Dataset", "File", "SHA-256", "Sheet", "Header row", "Rows read", "Used",
              "Filtered", "Rejected", "Filtered by", "Rejected by", "Unexpected columns"]
    rows: list[list[object]] = []
    for d in record.datasets:
        rows.append([d.name, f"all {len(d.files)} file(s)", None, None, None,
                     book.count(ws, d.rows_read), book.count(ws, d.rows_used),
                     book.count(ws, d.rows_filtered), book.count(ws, d.rows_rejected),
                     "; ".join(f"{f.rule}: {f.rows:,}" for f in d.filtered_by),
                     "; ".join(f"{k}: {v:,}" for k, v in d.rejected_by.items()), None])
        rows += [[d.name, f.path, f.sha256, f.sheet, f.header_row,
                  book.count(ws, f.rows_read), None, None, None, None, None,
                  ", ".join(f.unexpected_columns)] for f in d.files]
    after = [[bold(book, ws, h) for h in (
        "Standard", "File", "SHA-256", "Version", "Dataset", "Rows in population",
        "Rows outside population", "Excluded", "Population", "Title")]]
    after += [[s.id, s.path, s.sha256, s.version, s.dataset,
               book.count(ws, s.rows_in_population),
               book.count(ws, s.rows_outside_population),
               "; ".join(f"{k}: {v:,}" for k, v in s.excluded.items()),
               s.population or "all rows", s.title] for s in record.standards]
    table(book, ws, header, rows, above=above, after=after, empty="No dataset was read.")
