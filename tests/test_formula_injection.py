"""No value from an extract can run as a formula or as HTML: case ids, segment values,
free text and rejected cells that begin with = + - @ tab or carriage return are written
to alerts.csv, cases.csv, rejects.csv and every workbook cell with a ' in front, and the
HTML statement escapes them."""

from __future__ import annotations

import csv
import html
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.cli import app
from engine.report.files import csv_bytes, csv_frame

runner = CliRunner()
# What a spreadsheet may read as the start of a formula; "\n" too, since a carriage
# return in a CSV value is written as a quoted line break.
STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
NASTY = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
SCRIPT = "<script>alert(1)</script>"
REGIONS = [*NASTY, SCRIPT]

DATASET = """\
name: claims
title: Claims
files: extracts/claims.csv
key: [claim_id]
columns:
  claim_id:     {header: Claim ID, required: true}
  region:       {header: Region, required: true}
  note:         {header: Note}
  lodged_date:  {header: Lodged Date, type: date, format: "%d/%m/%Y", required: true}
  decided_date: {header: Decided Date, type: date, format: "%d/%m/%Y"}
"""
STANDARD = """\
id: BEN-01
title: Claims decided within 28 days
statement: We decide 80% of claims within 28 days.
attribute: timeliness
owner: Benefits
dataset: claims
measure:
  share_within: {from: lodged_date, to: decided_date, limit: 28 days,
                 open_cases: count_when_overdue}
period: {kind: month, by: decided_date}
segments: [region]
target: {at_least: 80%, minimum_sample: 1}
"""


def quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def standards(root: Path) -> Path:
    (root / "datasets").mkdir(parents=True)
    (root / "extracts").mkdir()
    (root / "catalogue.yaml").write_text("as_of: 2025-06-30\n")
    (root / "datasets" / "claims.yaml").write_text(DATASET)
    (root / "BEN-01.yaml").write_text(STANDARD)
    rows = [("Claim ID", "Region", "Note", "Lodged Date", "Decided Date")]
    for i, region in enumerate(REGIONS):
        case = NASTY[i % len(NASTY)] + f"#{i}"  # a case id that starts like a formula
        rows += [  # one met and one late in June, one open and overdue
            (f"M{i}", region, "=1+1", "20/05/2025", "10/06/2025"),
            (f"L{i}", region, "-x", "01/05/2025", "10/06/2025"),
            (case, region, "@note", "15/04/2025", ""),
        ]
    for i, value in enumerate(NASTY):  # rejected: the failing cell starts like a formula
        rows.append((f"R{i}", "North", "", value, ""))
        rows.append((f"S{i}", "North", "", "01/06/2025", value))
    rows += [("=DUP", "North", "", "01/06/2025", "")] * 2  # a duplicate key
    text = "\n".join(",".join(quoted(v) for v in row) for row in rows) + "\n"
    (root / "extracts" / "claims.csv").write_text(text, newline="")
    return root


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("injection")
    folder = standards(tmp / "standards")
    done = runner.invoke(app, ["check", "--standards", str(folder), "--out", str(tmp / "out"),
                               "--no-store", "--report", "xlsx,html"])
    assert done.exit_code == 1, done.output
    return tmp / "out"


def unsafe(value: object) -> bool:
    return isinstance(value, str) and value.startswith(STARTS)


# A carriage return inside a value (region '\r=1' in an alert's key) would be written
# unquoted by csv.writer with lineterminator '\n'; every spreadsheet reads it as a line
# break, so the row would split there and '=1' start a cell (engine/report/files.py
# writes it as \n, which the writer quotes).


@pytest.mark.parametrize("name", ["alerts.csv", "cases.csv", "rejects.csv"])
def test_no_csv_cell_starts_like_a_formula_nor_splits_a_row(out: Path, name: str) -> None:
    with (out / name).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) > 1
    assert [cell for row in rows for cell in row if unsafe(cell)] == []
    assert {len(row) for row in rows} == {len(rows[0])}


def test_the_values_are_there_neutralised(out: Path) -> None:
    with (out / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        cases = list(csv.DictReader(handle))
    # Spaces, tabs and carriage returns around a cell are removed as the extract is read.
    ids = {(NASTY[i % len(NASTY)] + f"#{i}").strip() for i in range(len(REGIONS))}
    assert {c["case"] for c in cases if c["case"] != ""} >= {"'" + i for i in ids}
    with (out / "rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = {cell for row in csv.reader(handle) for cell in row}
    for value in NASTY:  # each rejected date, as written or with its blanks removed
        written = value.replace("\r", "\n")  # a CSV value's \r is written as a quoted \n
        assert {"'" + written, "'" + written.strip()} & cells, value
    assert "'=DUP" in cells
    with (out / "alerts.csv").open(encoding="utf-8-sig", newline="") as handle:
        alerts = list(csv.DictReader(handle))
    segments = {a["segment"] for a in alerts if a["kind"] == "breach"}
    assert "'region=" + NASTY[0] not in segments  # 'region=…' starts with a letter
    assert {f"region={r}" for r in REGIONS if not r.startswith(("\t", "\r"))} <= segments


def test_no_workbook_cell_is_a_formula_or_starts_like_one(out: Path) -> None:
    book = openpyxl.load_workbook(out / "report.xlsx")
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [(c.parent.title, c.coordinate, c.value) for c in cells if unsafe(c.value)] == []
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'" + NASTY[0] + "#0" in texts  # the case id, on the Cases sheet
    assert "'=1+1" not in texts  # the note is not an evidence column: not there at all


def test_the_statement_escapes_html(out: Path) -> None:
    text = (out / "report.html").read_text(encoding="utf-8")
    assert SCRIPT not in text and "<script" not in text.lower()
    assert html.escape(SCRIPT, quote=False) in text or html.escape(SCRIPT) in text
    assert "=HYPERLINK(" not in text or "=HYPERLINK(&#34;" in text or \
        "=HYPERLINK(&quot;" in text


# cases.csv and rejects.csv are written by Polars (csv_frame), the other files by
# csv.writer (csv_bytes): the two must give the same bytes for any value.
TEXT = st.one_of(st.none(), st.text(alphabet=st.sampled_from(
    ["=", "+", "-", "@", "\t", "\r", "\n", '"', ",", ";", " ", "'", "a", "é", "\u2028"])),
    st.text())


@given(st.lists(st.tuples(TEXT, TEXT, st.one_of(st.none(), st.integers(-2**63, 2**63 - 1))),
                max_size=8))
def test_frames_are_written_as_rows_are(rows: list[tuple[str | None, str | None, int | None]]
                                        ) -> None:
    header = ["text", "more", "row"]
    frame = pl.DataFrame([pl.Series(h, [r[i] for r in rows], dtype=t) for i, (h, t) in
                          enumerate(zip(header, [pl.String, pl.String, pl.Int64], strict=True))])
    assert csv_frame(frame) == csv_bytes(header, rows)
