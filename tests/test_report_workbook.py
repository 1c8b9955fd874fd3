"""The internal Excel workbook: opened with openpyxl, each sheet checked against the run
record it was built from."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from typing import Any

import openpyxl
import pytest
from openpyxl.chart import LineChart

from engine.model.results import Result, RunRecord, TargetRecord, Verdict
from engine.report.outputs import CASE_COLUMNS, REJECT_COLUMNS, case_rows, reject_rows
from engine.report.summary import headlines
from engine.report.workbook import workbook_bytes
from engine.report.xlsx import number_format, sheet_title
from engine.run import Outcome
from engine.wording import decimals_shown

RED, AMBER, GREEN, GREY = "FFC7CE", "FFEB9C", "C6EFCE", "D9D9D9"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def opened(record: RunRecord, rejects: list[dict[str, object]] | None = None) -> Any:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(record, rejects or [])))


def table(ws: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The header and the rows of a sheet's table (the header is the row above the frozen
    pane); rows end at the filter's last row."""
    top = ws[ws.freeze_panes].row - 1
    last = int("".join(ch for ch in ws.auto_filter.ref.split(":")[1] if ch.isdigit()))
    header = [c.value for c in ws[top]]
    return header, [tuple(row) for row in ws.iter_rows(min_row=top + 1, max_row=last)]


def by_name(header: list[str], row: tuple[Any, ...], name: str) -> Any:
    return row[header.index(name)]


def stored(value: float) -> float:
    """A float as openpyxl writes it: 16 significant digits ('%.16g'), one fewer than a
    double can need, so the last bit may differ (Excel shows 15; the exact fraction is in
    its own column)."""
    return float(f"{value:.16g}")


def fill(cell: Any) -> str:
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill.fill_type == "solid" else ""


def test_the_sheets_come_in_order(shipped_run: Outcome) -> None:
    record = shipped_run.record
    extra = ["Initiatives and demand"] if record.initiatives or record.demand else []
    assert opened(record).sheetnames == [
        "Summary", "Scorecard", *(s.id for s in record.standards), "Alerts", "Cases",
        "Tracking", *extra, "Rejects", "Run"]


@pytest.mark.parametrize(("standard", "verdict", "colour"), [
    ("CMP-01", Verdict.breach, RED), ("BEN-01", Verdict.warning, AMBER)])
def test_summary_shows_each_verdict_in_words_and_colour(
        shipped_run: Outcome, standard: str, verdict: Verdict, colour: str) -> None:
    latest = next(h.latest for h in headlines(shipped_run.record)
                  if h.standard.id == standard)
    assert latest.verdict is verdict and latest.value is not None
    header, rows = table(opened(shipped_run.record)["Summary"])
    row = next(r for r in rows if by_name(header, r, "Standard").value == standard)
    cell = by_name(header, row, "Verdict")
    assert verdict.value in cell.value and fill(cell) == colour
    value = by_name(header, row, "Value")
    assert value.value == stored(latest.value / 100) and value.number_format.endswith("%")
    assert by_name(header, row, "Cases").value == latest.cases
    assert by_name(header, row, "Period").value == latest.period


def test_every_summary_verdict_has_its_fill(shipped_run: Outcome) -> None:
    colours = {Verdict.met: GREEN, Verdict.warning: AMBER, Verdict.breach: RED,
               Verdict.insufficient_data: GREY}
    header, rows = table(opened(shipped_run.record)["Summary"])
    heads = {h.standard.id: h for h in headlines(shipped_run.record)}
    assert [by_name(header, r, "Standard").value for r in rows] == list(heads)
    for row in rows:
        head = heads[by_name(header, row, "Standard").value]
        assert fill(by_name(header, row, "Verdict")) == colours[head.latest.verdict]
        assert by_name(header, row, "Missed").value == (
            f"{head.missed} of {head.assessed} periods")


def test_every_data_sheet_has_a_bold_frozen_header_and_a_filter(
        shipped_run: Outcome) -> None:
    book = opened(shipped_run.record, reject_rows(shipped_run.extracts))
    for ws in book.worksheets:
        assert ws.freeze_panes and ws.auto_filter.ref, ws.title
        top = ws[ws.freeze_panes].row - 1
        assert ws.auto_filter.ref.startswith(f"A{top}:"), ws.title
        assert ws.cell(top, 1).font.b, ws.title
        widths = [d.width for d in ws.column_dimensions.values() if d.width]
        assert widths and all(6 <= w <= 60 for w in widths), ws.title


def test_each_standard_sheet_charts_its_series_against_the_target(
        shipped_run: Outcome) -> None:
    record = shipped_run.record
    book = opened(record)
    for head in headlines(record):
        ws = book[head.standard.id]
        assert len(ws._charts) == 1 and isinstance(ws._charts[0], LineChart)
        values, targets = ws._charts[0].series
        expected = [(r.period, stored(r.value / 100) if r.value is not None else None,
                     Fraction(r.target.value.rstrip("%")) / 100 if r.target else None)
                    for r in head.series]
        shown = []
        for period, value, target in zip(cells(ws, values.cat.strRef.f
                                               if values.cat.strRef else
                                               values.cat.numRef.f),
                                         cells(ws, values.val.numRef.f),
                                         cells(ws, targets.val.numRef.f), strict=True):
            shown.append((period.value, value.value,
                          Fraction(str(target.value)) if target.value is not None else None))
        assert shown == expected
        assert cells(ws, values.tx.strRef.f)[0].value == "Value"
        assert cells(ws, targets.tx.strRef.f)[0].value == "Target"


def cells(ws: Any, ref: str) -> list[Any]:
    sheet, _, area = ref.rpartition("!")
    assert sheet.strip("'") == ws.title
    found = ws[area.replace("$", "")]
    if not isinstance(found, tuple):
        return [found]
    return [c for row in found for c in (row if isinstance(row, tuple) else (row,))]


def test_each_standard_sheet_lists_every_result_with_its_version(
        shipped_run: Outcome) -> None:
    record = shipped_run.record
    book = opened(record)
    for std in record.standards:
        ws = book[std.id]
        labels = {ws.cell(i, 1).value: ws.cell(i, 2).value for i in range(2, 15)}
        assert labels["SHA-256"] == std.sha256 and labels["Version"] == std.version
        assert labels["Rows in population"] == std.rows_in_population
        header, rows = table(ws)
        mine = [r for r in record.results if r.standard == std.id]
        assert len(rows) == len(mine)
        got = [(by_name(header, r, "Period").value, by_name(header, r, "Exact value").value,
                by_name(header, r, "Standard version").value,
                by_name(header, r, "Start").value.date()) for r in rows]
        ordered = sorted(mine, key=lambda r: (r.period_start, bool(r.segment)))
        assert got == [(r.period, r.value_exact, r.standard_version, r.period_start)
                       for r in ordered]
        starts = [g[3] for g in got]
        assert starts == sorted(starts)
        for row, result in zip(rows, ordered, strict=True):
            if result.value is not None:
                assert by_name(header, row, "Value").value == stored(result.value / 100)
            assert result.verdict.value.replace("_", " ") in by_name(
                header, row, "Verdict").value


def test_the_run_sheet_traces_every_figure_to_its_files(shipped_run: Outcome) -> None:
    record = shipped_run.record
    ws = opened(record)["Run"]
    values = {c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert {f.sha256 for d in record.datasets for f in d.files} <= values
    assert {f.path for d in record.datasets for f in d.files} <= values
    assert {s.sha256 for s in record.standards} <= values
    assert {record.run.id, record.run.standards_digest, record.run.alert_policy_sha256,
            record.run.engine_version} <= values
    header, rows = table(ws)
    totals = {by_name(header, r, "Dataset").value: by_name(header, r, "Rejected").value
              for r in rows if by_name(header, r, "Rejected").value is not None}
    assert totals == {d.name: d.rows_rejected for d in record.datasets}


def test_alerts_and_cases_sheets_hold_every_row(shipped_run: Outcome) -> None:
    record = shipped_run.record
    book = opened(record)
    header, rows = table(book["Alerts"])
    assert [by_name(header, r, "key").value for r in rows] == [a.key for a in record.alerts]
    colours = {"critical": RED, "high": RED, "medium": AMBER, "low": GREY}
    for row, alert in zip(rows, record.alerts, strict=True):
        assert fill(by_name(header, row, "severity")) == colours[alert.severity]
        # Who owns it and what to do, beside the message that ends with both.
        assert (by_name(header, row, "owner").value,
                by_name(header, row, "next_step").value) == (alert.owner, alert.next_step)
        assert alert.owner and alert.next_step
        assert by_name(header, row, "message").value.endswith(
            f"Owner: {alert.owner}. Next step: {alert.next_step}.")
    header, rows = table(book["Cases"])
    expected = list(case_rows(record.alerts))
    assert expected and len(rows) == len(expected)
    at = {name: CASE_COLUMNS.index(name) for name in ("case", "period", "complete_by")}
    assert [(by_name(header, r, "case").value, by_name(header, r, "period").value,
             by_name(header, r, "complete_by").value.date()) for r in rows] == [
        (e[at["case"]], e[at["period"]], dt.date.fromisoformat(str(e[at["complete_by"]])))
        for e in expected]
    # Each case beside the period whose results hold it: CMP-02's span two quarters.
    assert {by_name(header, r, "period").value for r in rows
            if by_name(header, r, "standard").value == "CMP-02"} == {"2025-Q1", "2025-Q2"}


def test_the_tracking_sheet_has_the_improvement_goals(improvement_run: Outcome) -> None:
    record = improvement_run.record
    book = opened(record)
    header, rows = table(book["Tracking"])
    points = [(t, p) for t in record.tracking for p in t.history]
    assert points and len(rows) == len(points)
    colours = {"achieved": GREEN, "on_track": GREEN, "at_risk": AMBER, "off_track": RED}
    for row, (t, p) in zip(rows, points, strict=True):
        assert by_name(header, row, "period").value == p.period
        value = by_name(header, row, "value")
        if p.value is not None:
            assert t.unit == "%" and value.value == stored(p.value / 100)
            assert value.number_format.endswith("%")
        status = by_name(header, row, "status")
        assert status.value == p.status.value
        assert fill(status) == colours.get(p.status.value, "")
    words = [c.value for row in book["Initiatives and demand"].iter_rows(min_col=3)
             for c in row]
    assert any(i.initiative in str(w) for i in record.initiatives for w in words)
    assert any(str(w).startswith(d.dataset) for d in record.demand for w in words)


def test_the_rejects_sheet_lists_the_rows_and_says_when_it_is_not_all(
        shipped_run: Outcome) -> None:
    record, rejects = shipped_run.record, reject_rows(shipped_run.extracts)
    ws = opened(record, rejects)["Rejects"]
    header, rows = table(ws)
    assert header == REJECT_COLUMNS
    assert [[c.value if c.value is not None else "" for c in r] for r in rows] == [
        [r[c] for c in REJECT_COLUMNS] for r in rejects]
    assert ws.cell(1, 1).value == "dataset"  # everything is there: no note
    kept = rejects[:3]
    ws = opened(record, kept)["Rejects"]
    present = len({(r["dataset"], r["file"], r["row"]) for r in kept})
    total = sum(d.rows_rejected for d in record.datasets)
    assert present < total
    assert ws.cell(1, 1).value == (f"First {present:,} of {total:,} rejected rows; "
                                   "rejects.csv has all.")
    assert len(table(ws)[1]) == len(kept)


def test_no_cell_can_be_read_as_a_formula(shipped_run: Outcome) -> None:
    record = shipped_run.record
    std = record.standards[0]
    first = next(i for i, r in enumerate(record.results) if r.standard == std.id)
    results = list(record.results)
    results[first] = results[first].model_copy(update={"segment": {"@region": "x"}})
    alerts = [record.alerts[0].model_copy(update={"message": "-2+3 looks like a sum"}),
              *record.alerts[1:]]
    tainted = record.model_copy(update={
        "standards": [std.model_copy(update={"title": "=HYPERLINK(\"http://x\")"}),
                      *record.standards[1:]],
        "results": results, "alerts": alerts})
    rejects = [{**reject_rows(shipped_run.extracts)[0], "value": "+cmd|' /C calc'!A0"},
               {**reject_rows(shipped_run.extracts)[1], "value": "\t=1", "message": "\x01 x"}]
    book = opened(tainted, rejects)
    header, rows = table(book["Summary"])
    assert by_name(header, rows[0], "Title").value == "'=HYPERLINK(\"http://x\")"
    assert book[std.id].cell(1, 1).value == f"{std.id} — =HYPERLINK(\"http://x\")"
    header, rows = table(book[std.id])
    assert "'@region x" in {by_name(header, r, "Segment").value for r in rows}
    header, rows = table(book["Alerts"])
    assert by_name(header, rows[0], "message").value == "'-2+3 looks like a sum"
    header, rows = table(book["Rejects"])
    assert [by_name(header, r, "value").value for r in rows] == ["'+cmd|' /C calc'!A0",
                                                                 "'\t=1"]
    assert by_name(header, rows[1], "message").value == "\ufffd x"
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                assert not (isinstance(cell.value, str)
                            and cell.value.startswith(FORMULA_START)), (
                    ws.title, cell.coordinate, cell.value)


def test_a_value_just_short_of_its_target_gets_enough_decimals(shipped_run: Outcome
                                                                ) -> None:
    record = shipped_run.record
    head = next(h for h in headlines(record) if h.latest.unit == "%")
    latest = head.latest
    close = latest.model_copy(update={
        "numerator": 1999, "denominator": 2500, "cases": 2500, "value": 79.96,
        "value_exact": "1999/25", "verdict": Verdict.breach,
        "target": TargetRecord(direction="at_least", value="80%", minimum_sample=30)})
    assert round(79.96, 1) == 80.0  # one decimal would show the target itself
    results = [close if r is latest else r for r in record.results]
    header, rows = table(opened(record.model_copy(update={"results": results}))["Summary"])
    row = next(r for r in rows if by_name(header, r, "Standard").value == head.standard.id)
    value = by_name(header, row, "Value")
    assert value.value == stored(close.value / 100) and value.number_format == "0.00%"


@pytest.mark.parametrize(("value", "unit", "target", "expected"), [
    (Fraction(7996, 100), "%", Fraction(80), "0.00%"),
    (Fraction(8556, 100), "%", Fraction(85), "0.0%"),
    (Fraction(7999, 100), "%", Fraction(80), "0.00%"),
    (Fraction(1940, 100), "days", None, '#,##0.00" days"'),
    (Fraction(20999, 1000), "days", Fraction(21), '#,##0.000" days"'),
    (Fraction(433, 100), "per 1,000", None, '#,##0.00" per 1,000"'),
    (Fraction(421, 100), "", None, "#,##0.00"),
])
def test_number_formats_show_the_decimals_the_wording_shows(
        value: Fraction, unit: str, target: Fraction | None, expected: str) -> None:
    assert number_format(decimals_shown(value, unit, target), unit) == expected


def test_sheet_titles_are_safe_and_unique() -> None:
    taken = {"summary", "history"}
    titles = [sheet_title(t, taken) for t in
              ("Summary", "A/B:C*D?[E]\\F", "x" * 40, "x" * 40, "history", "'Quoted'")]
    assert titles[0] == "Summary (2)"
    assert titles[1] == "A_B_C_D__E__F"
    assert titles[2] == "x" * 31 and titles[3] == "x" * 27 + " (2)"
    assert titles[4] == "history (2)" and titles[5] == "Quoted"
    assert all(len(t) <= 31 for t in titles)


def test_a_result_without_a_value_leaves_the_cell_blank(shipped_run: Outcome) -> None:
    record = shipped_run.record
    head = headlines(record)[0]
    empty: Result = head.latest.model_copy(update={
        "numerator": 0, "denominator": 0, "cases": 0, "value": None, "value_exact": None,
        "verdict": Verdict.insufficient_data})
    results = [empty if r is head.latest else r for r in record.results]
    header, rows = table(opened(record.model_copy(update={"results": results}))["Summary"])
    row = next(r for r in rows if by_name(header, r, "Standard").value == head.standard.id)
    assert by_name(header, row, "Value").value is None
    assert fill(by_name(header, row, "Verdict")) == GREY
    assert "insufficient data" in by_name(header, row, "Verdict").value
