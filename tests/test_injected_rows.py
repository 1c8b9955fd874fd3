"""Bad rows injected into copies of the shipped extracts land in rejects.csv at the row
number a person sees in Excel, with the right reason, and the reconciliation still holds.

The shipped claims extract already carries bad rows (see tools/generate_example.py);
these tests add their own, in the CSV and in a workbook, so the promise is tested on
rows the test controls rather than on whatever the generator happened to write.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from engine.cli import app

STANDARDS = Path(__file__).parent.parent / "standards"
runner = CliRunner()


def run_check(folder: Path, out: Path) -> tuple[int, list[dict[str, str]], dict]:
    done = runner.invoke(app, ["check", "--standards", str(folder), "--out", str(out)])
    assert done.exit_code in (0, 1), done.output
    with (out / "rejects.csv").open(encoding="utf-8-sig", newline="") as f:
        rejects = list(csv.DictReader(f))
    return done.exit_code, rejects, json.loads((out / "results.json").read_text())


def reasons_at(rejects: list[dict[str, str]], dataset: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for r in rejects:
        if r["dataset"] == dataset:
            found.setdefault(int(r["row"]), set()).add(r["reason"])
    return found


def reconciled(record: dict) -> None:
    for ds in record["datasets"]:
        assert ds["rows_read"] == ds["rows_used"] + ds["rows_filtered"] + ds["rows_rejected"]
        assert ds["rows_read"] == sum(f["rows_read"] for f in ds["files"])


def test_rows_injected_into_the_claims_csv(tmp_path: Path) -> None:
    folder = tmp_path / "standards"
    shutil.copytree(STANDARDS, folder)
    path = folder / "extracts" / "claims.csv"
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    first_id = records[4][0]  # the header is record 4; this is the first claim
    injected = [
        ["X-1", "Death grant", "North", "Online", "31/02/2025", "", "", "", ""],
        ["", "Death grant", "North", "Online", "01/03/2025", "", "", "", ""],
        [first_id, "Death grant", "North", "Online", "01/03/2025", "", "", "", ""],
        ["X-4", "Death grant", "North", "Online", "10/03/2025", "01/03/2025", "Granted", "", ""],
        ["X-5", "Death grant", "North", "Online", "10/03/2025", "10/09/2025", "Granted", "", ""],
    ]
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(injected)
    first = len(records) + 1  # spreadsheet row of the first injected record
    _, rejects, record = run_check(folder, tmp_path / "out")
    found = reasons_at(rejects, "claims")
    assert found[first] == {"bad_date"}
    assert found[first + 1] == {"missing_value"}
    assert found[first + 2] == {"duplicate_key"} and found[5] == {"duplicate_key"}
    assert found[first + 3] == {"decided_before_lodged"}
    assert found[first + 4] == {"decided_in_future"}
    reconciled(record)


def test_rows_injected_into_the_telephony_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "standards"
    shutil.copytree(STANDARDS, folder)
    declared = folder / "datasets" / "telephony.yaml"  # 5 bad rows in 390 is over 1%
    declared.write_text(declared.read_text().replace("max_rejected: 1%", "max_rejected: 2%"))
    path = folder / "extracts" / "telephony.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Daily queue stats"]
    last = sheet.max_row  # the footnote row
    day = dt.datetime(2025, 6, 30)
    rows = [
        ("not a date", "Pensions", 10, 9, 8, 1),
        (None, "Pensions", 10, 9, 8, 1),  # blank key cell
        (day, "Pensions", 10, 9, 8, 1),  # the same date and queue as an existing row
        (day + dt.timedelta(days=1), "Benefits", 10, 12, 8, 1),  # more answered than offered
    ]
    for offset, values in enumerate(rows, start=1):
        for col, value in enumerate(values, start=1):
            sheet.cell(row=last + offset, column=col, value=value)
    book.save(path)
    _, rejects, record = run_check(folder, tmp_path / "out")
    found = reasons_at(rejects, "telephony")
    assert found[last + 1] == {"bad_date"}
    assert found[last + 2] == {"missing_value"}
    assert found[last + 3] == {"duplicate_key"}
    assert found[last + 4] == {"counts_inconsistent"}
    original = [n for n, r in found.items() if r == {"duplicate_key"} and n != last + 3]
    assert len(original) == 1 and original[0] < last  # the copy already in the sheet
    reconciled(record)
