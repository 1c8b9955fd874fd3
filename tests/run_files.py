"""What a run leaves in its output folder, checked whole: the tests of crash safety and
of concurrent runs ask the same question of a folder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]

from engine.report.files import OUTPUT_NAMES
from engine.report.outputs import ALERT_COLUMNS, CASE_COLUMNS, REJECT_COLUMNS


def whole(out: Path) -> tuple[str, dict[str, bytes]]:
    """Every output file parsed: the run id they all carry, and their bytes."""
    found = {name: (out / name).read_bytes() for name in OUTPUT_NAMES}
    run_id = json.loads(found["results.json"])["run"]["id"]
    for name, header in (("alerts.csv", ALERT_COLUMNS), ("cases.csv", CASE_COLUMNS),
                         ("rejects.csv", REJECT_COLUMNS)):
        rows = list(csv.reader(io.StringIO(found[name].decode("utf-8-sig"), newline="")))
        assert rows[0] == header, name
    list(csv.reader(io.StringIO(found["tracking.csv"].decode("utf-8-sig"), newline="")))
    book = openpyxl.load_workbook(io.BytesIO(found["report.xlsx"]), read_only=True)
    book_id = next(r[1] for r in book["Run"].iter_rows(values_only=True) if r[0] == "Run")
    book.close()
    html = found["report.html"].decode()
    assert html.rstrip().endswith("</html>")
    assert (run_id, f"<dt>Run</dt><dd><code>{run_id}</code>" in html) == (book_id, True), \
        "the files are of different runs"
    return run_id, found
