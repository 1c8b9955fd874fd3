"""Personal data never leaves the extract: every file a run writes, its reports, the
console and the store are scanned for the claimants' names, addresses, dates of birth,
phone numbers, emails and national insurance numbers — declared in the dataset (three of
them ``personal: true``) and undeclared (extra columns in the file). Only the columns a
standard names are shown: the case id (its evidence), the segment and the dates its open
cases show. With ``--pseudonymise``, no case id is shown either, only its keyed hash.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.privacy import KEY_ENV, MISALIGNED, PSEUDONYM, WITHHELD

runner = CliRunner()
KEY = "8f1c2a9d4e7b6a5c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c"
OTHER_KEY = "00112233445566778899aabbccddeeff"

CATALOGUE = "institution: Test agency\nas_of: 2025-06-30\n"
DATASET = """\
name: claims
title: Claims, with the claimant's details
files: extracts/claims.csv
key: [claim_id]
columns:
  claim_id:      {header: Claim ID, required: true}
  region:        {header: Region, type: category, required: true, values: [North, South]}
  lodged_date:   {header: Lodged Date, type: date, format: "%d/%m/%Y", required: true}
  decided_date:  {header: Decided Date, type: date, format: "%d/%m/%Y"}
  claimant_name: {header: Claimant Name, personal: true}
  date_of_birth: {header: Date of Birth, type: date, format: "%d/%m/%Y", personal: true}
  ni_number:     {header: NI Number, required: true, personal: true}
checks:
  - {rule: decided_date >= lodged_date, reason: decided_before_lodged}
  - {rule: date_of_birth < lodged_date, reason: born_after_lodging}
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
# Cases named by a personal column: withheld, or pseudonymised with a key.
BY_NI_NUMBER = STANDARD.replace("BEN-01", "BEN-02") + "evidence: [ni_number]\n"
HEADER = ["Claim ID", "Claimant Name", "Address", "Region", "Date of Birth", "Phone",
          "Email", "NI Number", "Lodged Date", "Decided Date"]


def person(i: int) -> dict[str, str]:
    return {"Claimant Name": f"Zebedee Quixote{i:03}", "Address": f"{i} Marigold Crescent",
            "Date of Birth": f"{1 + i % 27:02}/{1 + i % 12:02}/19{40 + i % 50}",
            "Phone": f"07700 9{i:05}", "Email": f"zq{i:03}@example.org",
            "NI Number": f"QQ{i:06}C"}


# (claim id, region, lodged, decided): decided in June, open and overdue, open at risk.
CASES = [
    *[(f"CLM-1{i:03}", "North", "20/05/2025", "10/06/2025") for i in range(3)],  # met
    *[(f"CLM-2{i:03}", "North", "01/05/2025", "10/06/2025") for i in range(2)],  # late
    *[(f"CLM-3{i:03}", "South", "20/05/2025", "12/06/2025") for i in range(4)],  # met
    *[(f"CLM-4{i:03}", "North", "15/04/2025", "") for i in range(3)],  # open, overdue
    *[(f"CLM-5{i:03}", "South", "05/06/2025", "") for i in range(2)],  # open, at risk
    ("CLM-6000", "South", "20/06/2025", ""),  # open, in time
]
OVERDUE = [c[0] for c in CASES if c[0].startswith("CLM-4")]
AT_RISK = [c[0] for c in CASES if c[0].startswith("CLM-5")]


def extract_text() -> tuple[str, list[str], list[str]]:
    """The extract, every personal value written in it (dates of birth also as ISO dates,
    as an output would show them), and every case id."""
    rows, values = [HEADER], []
    for i, (cid, region, lodged, decided) in enumerate(CASES):
        rows.append([cid if h == "Claim ID" else region if h == "Region" else lodged
                     if h == "Lodged Date" else decided if h == "Decided Date"
                     else person(i)[h] for h in HEADER])
    bad = {  # rejected rows: the failing cell is personal, or the key, or neither
        "CLM-7001": {"Date of Birth": "31/02/1962"},  # not a date: bad_date, personal
        "CLM-7002": {"Date of Birth": "01/01/2026"},  # born after lodging: a row check
        "CLM-7003": {"NI Number": ""},  # missing, personal
        "CLM-7004": {"Region": "Atlantis"},  # not allowed, not personal: shown
    }
    for j, (cid, change) in enumerate(bad.items(), start=100):
        row = {**person(j), "Claim ID": cid, "Region": "North", "Lodged Date": "01/06/2025",
               "Decided Date": "", **change}
        rows.append([row[h] for h in HEADER])
    # CLM-1000 again, decided otherwise: duplicate_key on both, the key shown.
    rows.append([*rows[1][:-1], "30/06/2025"])
    lines = [",".join(r) for r in rows]
    # An unquoted comma in the address: every cell after it moves right.
    moved = person(200)
    lines.append(",".join(["CLM-7005", moved["Claimant Name"], "Flat 2, Mill House",
                           "North", moved["Date of Birth"], moved["Phone"], moved["Email"],
                           moved["NI Number"], "01/06/2025", ""]))
    for i in [*range(len(CASES)), 100, 101, 102, 103, 200]:
        p = person(i)
        d, m, y = p["Date of Birth"].split("/")
        values += [*p.values(), f"{y}-{m}-{d}"]
    values += ["31/02/1962", "1962-02-31", "01/01/2026", "2026-01-01", "Flat 2",
               "Mill House"]
    ids = [c[0] for c in CASES] + list(bad) + ["CLM-7005"]
    return "\n".join(lines) + "\n", values, ids


def folder(root: Path, *standards: str) -> Path:
    (root / "datasets").mkdir(parents=True)
    (root / "extracts").mkdir()
    (root / "catalogue.yaml").write_text(CATALOGUE)
    (root / "datasets" / "claims.yaml").write_text(DATASET)
    for text in standards or (STANDARD, BY_NI_NUMBER):
        (root / f"{text.split()[1]}.yaml").write_text(text)
    (root / "extracts" / "claims.csv").write_text(extract_text()[0])
    return root


def run(tmp: Path, *extra: str, key: str | None = None, standards: Path | None = None
        ) -> tuple[object, Path, Path]:
    out, store = tmp / "out", tmp / "store.sqlite"
    standards = standards or folder(tmp / "standards")
    done = runner.invoke(app, ["check", "--standards", str(standards), "--out", str(out),
                               "--store", f"sqlite:///{store}", "--report", "xlsx,html",
                               "--no-notify", *extra],
                         env={KEY_ENV: key} if key is not None else None)
    assert done.exit_code == 1, done.output  # BEN-01 breached in North
    return done, out, store


def everything(out: Path, store: Path, console: str) -> dict[str, str]:
    """The text of every output: each file, each part of the workbook and each of its
    cells as openpyxl reads them, the store's file and every row of its tables, and the
    console."""
    found = {"console": console}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        found[path.name] = path.read_bytes().decode("utf-8", "replace")
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zipped:
                for part in zipped.namelist():
                    found[f"{path.name}:{part}"] = zipped.read(part).decode("utf-8", "replace")
            book = openpyxl.load_workbook(path)
            found[f"{path.name} cells"] = "\n".join(
                str(cell.value) for ws in book for row in ws.iter_rows() for cell in row
                if cell.value is not None)
    found["store file"] = store.read_bytes().decode("utf-8", "replace")
    with sqlite3.connect(store) as db:
        tables = [t for (t,) in db.execute("select name from sqlite_master where type='table'")]
        found["store tables"] = "\n".join(repr(row) for t in tables
                                          for row in db.execute(f"select * from {t}"))
    assert {"results.json", "alerts.csv", "cases.csv", "rejects.csv", "report.xlsx",
            "report.html"} <= set(found)
    return found


def leaks(found: dict[str, str], values: list[str]) -> list[tuple[str, str]]:
    return [(where, v) for where, text in found.items() for v in values if v in text]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def expected(key: str, case_id: str) -> str:
    """The documented pseudonym, computed here from its definition."""
    digest = hmac.new(bytes.fromhex(key), case_id.encode("utf-8"), hashlib.sha256)
    return "P-" + digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path, Path]:
    return run(tmp_path_factory.mktemp("plain"))


@pytest.fixture(scope="module")
def pseudonymised(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path, Path]:
    return run(tmp_path_factory.mktemp("pseudonymised"), "--pseudonymise", key=KEY)


def test_no_personal_value_reaches_any_output(plain: tuple[object, Path, Path]) -> None:
    done, out, store = plain
    _, personal, _ = extract_text()
    found = everything(out, store, done.output)  # type: ignore[attr-defined]
    assert leaks(found, personal) == []
    # The scan sees each place a case id goes (so it would see a personal value there).
    assert {w for w, _ in leaks(found, OVERDUE[:1])} >= {
        "console", "results.json", "alerts.csv", "cases.csv", "report.xlsx cells",
        "store tables"}
    # The undeclared columns are named (results.json lists them), their values are not.
    record = json.loads((out / "results.json").read_text())
    assert record["datasets"][0]["files"][0]["unexpected_columns"] == [
        "Address", "Phone", "Email"]


def test_cases_are_named_by_their_evidence_columns_only(plain: tuple[object, Path, Path]
                                                        ) -> None:
    _, out, _ = plain
    cases = read_csv(out / "cases.csv")
    ben01 = [c for c in cases if c["standard"] == "BEN-01"]
    assert [c["case"] for c in ben01 if c["kind"] == "case_overdue"] == OVERDUE
    assert sorted(c["case"] for c in ben01 if c["kind"] == "case_at_risk") == AT_RISK
    # The segment and the date the standard names, nothing else, by their headers.
    assert {c["details"].split(" ")[0] for c in ben01} == {"Region"}
    assert all(c["details"].split("; ")[1].startswith("Lodged Date ") for c in ben01)
    record = json.loads((out / "results.json").read_text())
    shown = {k for a in record["alerts"] for c in a["evidence"].get("cases", []) for k in c}
    assert shown == {"case", "complete_by", "results_period", "region", "lodged_date",
                     "claim_id", "ni_number", "extract_file", "extract_row"}
    # BEN-02 names its cases by the NI number, a personal column: withheld.
    ben02 = [c for c in cases if c["standard"] == "BEN-02"]
    assert ben02 and {c["case"] for c in ben02} == {WITHHELD}
    assert {(c["file"], c["row"]) for c in ben02} == {(c["file"], c["row"]) for c in ben01}
    message = next(a["message"] for a in record["alerts"] if a["key"] ==
                   "BEN-02:case_overdue:all")
    assert f"Cases: {WITHHELD} (due 2025-05-13" in message


def test_rejects_withhold_personal_cells_and_misaligned_rows(
        plain: tuple[object, Path, Path]) -> None:
    _, out, _ = plain
    shown = {(int(r["row"]), r["column"], r["reason"]): r["value"]
             for r in read_csv(out / "rejects.csv")}
    first = len(CASES) + 2  # the spreadsheet row of CLM-7001
    assert shown == {
        (first, "Date of Birth", "bad_date"): WITHHELD,
        (first + 1, "Date of Birth / Lodged Date", "born_after_lodging"):  # part by part
            f"{WITHHELD} / 2025-06-01",
        (first + 2, "NI Number", "missing_value"): "",
        (first + 3, "Region", "not_allowed_value"): "Atlantis",  # not personal: shown
        (2, "Claim ID", "duplicate_key"): "CLM-1000",  # the key: the officer needs it
        (first + 4, "Claim ID", "duplicate_key"): "CLM-1000",
        # The comma in the address moved every cell after it: an NI number lands in
        # Lodged Date, part of the address in Region. The row shows none of its values.
        (first + 5, "Date of Birth", "bad_date"): MISALIGNED,
        (first + 5, "Lodged Date", "bad_date"): MISALIGNED,
        (first + 5, "Region", "not_allowed_value"): MISALIGNED,
    }


def test_a_personal_column_cannot_be_a_segment(tmp_path: Path) -> None:
    standards = folder(tmp_path / "standards",
                       STANDARD.replace("segments: [region]", "segments: [claimant_name]"))
    done = runner.invoke(app, ["check", "--standards", str(standards), "--no-store",
                               "--out", str(tmp_path / "out")])
    assert done.exit_code == 2, done.output
    assert "'claimant_name' is a personal column of dataset 'claims', so it cannot be a " \
        "segment" in " ".join(done.output.split())
    assert not (tmp_path / "out" / "results.json").exists()


def test_validate_refuses_a_personal_date_that_open_cases_would_show(tmp_path: Path) -> None:
    standards = folder(tmp_path / "standards",
                       STANDARD.replace("from: lodged_date", "from: date_of_birth"))
    done = runner.invoke(app, ["validate", "--standards", str(standards)])
    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert "'date_of_birth' is a personal column of dataset 'claims', so it cannot be a " \
        "date its open cases show" in said
    assert "BEN-01.yaml:" in said  # with the place to change


def test_pseudonymised_outputs_name_no_case_and_no_personal_value(
        pseudonymised: tuple[object, Path, Path]) -> None:
    done, out, store = pseudonymised
    _, personal, ids = extract_text()
    found = everything(out, store, done.output)  # type: ignore[attr-defined]
    assert leaks(found, ids) == []
    assert leaks(found, personal) == []
    assert leaks(found, [KEY, KEY.upper()]) == []


def test_pseudonyms_are_the_documented_keyed_hash(pseudonymised: tuple[object, Path, Path]
                                                  ) -> None:
    _, out, _ = pseudonymised
    cases = read_csv(out / "cases.csv")
    ben01 = [c for c in cases if c["standard"] == "BEN-01"]
    assert [c["case"] for c in ben01 if c["kind"] == "case_overdue"] == [
        expected(KEY, i) for i in OVERDUE]
    assert sorted(c["case"] for c in ben01 if c["kind"] == "case_at_risk") == sorted(
        expected(KEY, i) for i in AT_RISK)
    # BEN-02's cases are named by the NI number's pseudonym.
    by_row = {c["row"]: c["case"] for c in cases if c["standard"] == "BEN-02"}
    rows = {int(c["row"]): c for c in ben01}
    ni = {r: person(r - 2)["NI Number"] for r in rows}  # the header is row 1
    assert by_row == {str(r): expected(KEY, ni[r]) for r in rows}
    record = json.loads((out / "results.json").read_text())
    alert = next(a for a in record["alerts"] if a["key"] == "BEN-01:case_overdue:all")
    assert alert["message"].endswith("Cases: " + "; ".join(
        f"{expected(KEY, i)} (due 2025-05-13, 48 days ago; Lodged Date 2025-04-15)"
        for i in OVERDUE) + ". Owner: Benefits. Next step: complete the listed cases, oldest "
        "first (cases.csv lists them too); they already count as not met.")
    assert [c["claim_id"] for c in alert["evidence"]["cases"]] == [
        expected(KEY, i) for i in OVERDUE]
    rejects = {(r["row"], r["column"]): r["value"] for r in read_csv(out / "rejects.csv")}
    assert rejects[("2", "Claim ID")] == expected(KEY, "CLM-1000")
    assert rejects[(str(len(CASES) + 5), "Region")] == "Atlantis"
    book = openpyxl.load_workbook(out / "report.xlsx")
    column = [row[5] for row in book["Cases"].iter_rows(min_row=2, values_only=True)]
    assert expected(KEY, OVERDUE[0]) in column


def test_the_same_key_gives_the_same_pseudonyms_and_another_key_others(
        pseudonymised: tuple[object, Path, Path], tmp_path: Path) -> None:
    _, first, _ = pseudonymised
    _, again, _ = run(tmp_path / "again", "--pseudonymise", key=KEY)
    _, other, _ = run(tmp_path / "other", "--pseudonymise", key=OTHER_KEY)

    def names(out: Path) -> list[str]:
        return [c["case"] for c in read_csv(out / "cases.csv")]

    assert names(again) == names(first)
    assert not set(names(other)) & set(names(first))
    assert names(other)[0] == expected(OTHER_KEY, OVERDUE[0])


def test_an_officer_with_the_key_derives_a_pseudonym(tmp_path: Path) -> None:
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text(KEY + "\n")
    done = runner.invoke(app, ["pseudonym", OVERDUE[0], "--pseudonym-key-file",
                               str(key_file)])
    assert done.exit_code == 0, done.output
    assert done.output.split() == [OVERDUE[0], expected(KEY, OVERDUE[0])]


@pytest.mark.parametrize(("key", "words"), [
    (None, f"--pseudonymise needs a key: {KEY_ENV} is not set"),
    ("abc123", f"the pseudonym key in the environment variable {KEY_ENV} is too short: 6 hex "
     "digits, at least 32 needed"),
    ("correct horse battery staple!", "is not hexadecimal digits"),
])
def test_a_missing_or_weak_key_stops_the_run_before_it_starts(
        key: str | None, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    standards = folder(tmp_path / "standards")
    done = runner.invoke(app, ["check", "--standards", str(standards), "--no-store",
                               "--out", str(tmp_path / "out"), "--pseudonymise"],
                         env={KEY_ENV: key} if key is not None else None)
    assert done.exit_code == 2, done.output
    assert words in " ".join(done.output.split())
    assert "secrets.token_hex(32)" in done.output and "Traceback" not in done.output
    assert not (tmp_path / "out").exists()


def test_a_key_file_in_the_standards_folder_is_refused(tmp_path: Path) -> None:
    standards = folder(tmp_path / "standards")
    (standards / "pseudonym.key").write_text(KEY)
    done = runner.invoke(app, ["check", "--standards", str(standards), "--no-store",
                               "--out", str(tmp_path / "out"), "--pseudonym-key-file",
                               str(standards / "pseudonym.key")])
    assert done.exit_code == 2, done.output
    assert "is inside" in done.output and "shared with the standards" in done.output


def test_report_pseudonymises_a_run_kept_with_real_ids(plain: tuple[object, Path, Path],
                                                       tmp_path: Path) -> None:
    _, out, store = plain
    standards = out.parent / "standards"
    rebuilt = tmp_path / "rebuilt"
    done = runner.invoke(app, ["report", "--standards", str(standards), "--store",
                               f"sqlite:///{store}", "--out", str(rebuilt),
                               "--pseudonymise"], env={KEY_ENV: KEY})
    assert done.exit_code == 0, done.output
    _, personal, ids = extract_text()
    text = "\n".join(str(c.value) for ws in openpyxl.load_workbook(rebuilt / "report.xlsx")
                     for row in ws.iter_rows() for c in row)
    assert [i for i in ids if i in text] == []
    assert [v for v in personal if v in text] == []
    assert expected(KEY, OVERDUE[0]) in text


def test_alerts_a_pseudonymised_run_resolves_name_no_case(tmp_path: Path) -> None:
    """The store hands back the alerts a run resolves with the words and cases of the run
    that raised them: here a run without a key. They too are pseudonymised before they
    are kept or published."""
    run(tmp_path)  # real ids, kept in the store
    store, again = tmp_path / "store.sqlite", tmp_path / "again"
    done = runner.invoke(app, ["check", "--standards", str(tmp_path / "standards"),
                               "--out", str(again), "--store", f"sqlite:///{store}",
                               "--report", "xlsx,html", "--no-notify", "--as-of", "2025-05-31",
                               "--pseudonymise"], env={KEY_ENV: KEY})
    assert done.exit_code in (0, 1), done.output
    resolved = [a for a in read_csv(again / "alerts.csv") if a["state"] == "resolved"]
    assert any(a["kind"].startswith("case_") and PSEUDONYM.search(a["message"])
               for a in resolved), resolved
    _, _, ids = extract_text()
    found = {p.name: p.read_bytes().decode("utf-8", "replace")
             for p in again.rglob("*") if p.is_file()}
    found["console"] = done.output
    with zipfile.ZipFile(again / "report.xlsx") as zipped:
        found.update({part: zipped.read(part).decode("utf-8", "replace")
                      for part in zipped.namelist()})
    assert leaks(found, ids) == []
    with sqlite3.connect(store) as db:  # the second run's kept record too
        (kept,) = db.execute("select record from records order by rowid desc limit 1")
    assert leaks({"kept record": kept[0]}, ids) == []
