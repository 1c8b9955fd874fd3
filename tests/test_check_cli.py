"""`compliance check` as a quality officer runs it: output, files and exit codes."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app

ROOT = Path(__file__).resolve().parents[1]
STANDARDS = str(ROOT / "standards")
runner = CliRunner()


def test_check_on_the_example_writes_the_contract_and_exits_1_on_breaches(tmp_path: Path
                                                                        ) -> None:
    done = runner.invoke(app, ["check", "--standards", STANDARDS, *out_and_store(tmp_path)])
    assert done.exit_code == 1, done.output
    assert "BEN-01" in done.output and "breach" in done.output
    # ACC-01's 95.98% is never rounded onto its 96% warning line ("96.0%" beside ▲ warning)
    assert re.search(r"ACC-01 +│ 2025-Q2 │ all +│ 95\.98% │", done.output), done.output
    assert "claims: 6,004 rows read = 5,995 used + 3 filtered + 6 rejected" in done.output
    record = json.loads((tmp_path / "results.json").read_text())
    assert record["schema_version"] == "1.7"
    assert {"id", "as_of", "started_at", "engine_version", "standards_digest"} <= set(
        record["run"])
    assert len(record["datasets"]) == 5 and len(record["standards"]) == 9
    assert all(len(f["sha256"]) == 64 for d in record["datasets"] for f in d["files"])
    files = {d["name"]: d["files"][0] for d in record["datasets"]}
    assert (files["claims"]["header_row"], files["claims"]["sheet"]) == (4, None)
    assert (files["telephony"]["header_row"], files["telephony"]["sheet"]) == (
        4, "Daily queue stats")
    verdicts = {r["verdict"] for r in record["results"]}
    assert verdicts <= {"met", "warning", "breach", "insufficient_data"}
    with (tmp_path / "alerts.csv").open(encoding="utf-8-sig") as handle:
        alerts = list(csv.DictReader(handle))
    assert alerts and all(a["state"] == "new" for a in alerts)
    assert len({a["key"] for a in alerts}) == len(alerts)
    # The console counts the alerts by state and prints each new one in full.
    assert f"Alerts: {len(alerts)} new" in done.output
    west = next(a for a in alerts if a["key"] == "BEN-01:breach:region=West")
    assert " ".join(west["message"].split()) in " ".join(done.output.split())
    # Who owns it and the next step: in their own columns, and ending the message, so that
    # it can be forwarded alone; the console gives them a line of their own.
    tail = (f"Owner: Benefits Processing. Next step: {west['next_step']}.")
    assert west["owner"] == "Benefits Processing"
    assert west["next_step"].startswith("review the cases of region West in 2025-06 that "
                                        "missed the standard")
    assert west["message"].endswith(f"on the as-of date. {tail}")
    lines = done.output.splitlines()
    at = next(i for i, line in enumerate(lines)
              if "BEN-01 Benefit claims decided within 28 days: breach in 2025-06, region "
                 "West." in line)
    assert "Owner:" not in lines[at] and lines[at + 1].strip() == tail
    with (tmp_path / "cases.csv").open(encoding="utf-8-sig") as handle:
        cases = list(csv.DictReader(handle))
    overdue = [c for c in cases if c["alert"] == "BEN-01:case_overdue:all"]
    assert len(overdue) == 27 and overdue[0]["case"] == "C-102716"
    assert overdue[0]["complete_by"] == "2025-04-02"
    # The period each case is counted in, next to it; its details under the extract's
    # headers, as an officer knows them.
    assert (overdue[0]["period"], overdue[0]["details"]) == (
        "2025-06", "Region East; Lodged Date 2025-03-05; Claim ID C-102716")
    with (tmp_path / "rejects.csv").open(encoding="utf-8-sig") as handle:
        rejects = list(csv.DictReader(handle))
    assert {r["row"] for r in rejects if r["dataset"] == "claims"} == {
        "749", "2282", "3119", "3661", "4474", "5282"}


def test_fail_on_never_exits_0_and_json_goes_to_stdout(tmp_path: Path) -> None:
    done = runner.invoke(app, ["check", "--standards", STANDARDS, *out_and_store(tmp_path),
                               "--fail-on", "never", "--format", "json",
                               "--standard", "CALL-02"])
    assert done.exit_code == 0, done.output
    record = json.loads(done.output)
    assert {r["standard"] for r in record["results"]} == {"CALL-02"}


def test_unreadable_data_exits_3_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "claims.csv"
    bad.write_bytes(b"PK\x03\x04 not really a csv")
    done = runner.invoke(app, ["check", "--standards", STANDARDS, *out_and_store(tmp_path),
                               "--data", f"claims={bad}"])
    assert done.exit_code == 3
    assert "claims.csv: this file is an Excel workbook, not CSV text" in done.output
    assert "Traceback" not in done.output


def test_a_missing_column_is_named_with_a_did_you_mean(tmp_path: Path) -> None:
    source = (ROOT / "standards" / "extracts" / "complaints.csv").read_text(encoding="utf-8")
    bad = tmp_path / "complaints.csv"
    bad.write_text(source.replace("Acknowledged;", "Acknowledgd;", 1), encoding="utf-8")
    done = runner.invoke(app, ["check", "--standards", STANDARDS, *out_and_store(tmp_path),
                               "--data", f"complaints={bad}", "--standard", "CMP-01"])
    assert done.exit_code == 3
    assert "row 1: missing column(s) 'Acknowledged' (did you mean 'Acknowledgd'?" in \
        done.output


def test_data_given_with_data_that_is_not_there_exits_3_naming_each_file(tmp_path: Path
                                                                         ) -> None:
    """Data not found is unreadable data (3), whether a dataset's declared files or a
    path given with --data; every missing one is named before the run stops."""
    done = runner.invoke(app, ["check", "--standards", STANDARDS, "--no-store",
                               "--out", str(tmp_path), "--data",
                               f"claims={tmp_path}/claim.csv", "--data",
                               f"complaints={tmp_path}/complaint*.csv"])
    assert done.exit_code == 3, done.output
    for name, given in (("claims", "claim.csv"), ("complaints", "complaint*.csv")):
        assert f"{tmp_path}/{given}: no such file" in done.output
        assert f"check the path given with --data {name}=" in done.output


def test_a_dataset_given_twice_with_data_is_refused_not_half_read() -> None:
    """Two --data for one dataset would leave the first file out; a pattern reads both."""
    done = runner.invoke(app, ["check", "--standards", STANDARDS, "--no-store", "--data",
                               "claims=june.csv", "--data", "claims=july.csv"])
    assert done.exit_code == 2, done.output
    words = " ".join(done.output.replace("│", " ").split())
    assert "claims is given twice (june.csv, july.csv); give it once, with a pattern" in words


def test_bad_usage_exits_2() -> None:
    assert runner.invoke(app, ["check", "--as-of", "30/06/2025"]).exit_code == 2
    done = runner.invoke(app, ["check", "--standards", STANDARDS, "--standard", "BEN-99",
                                "--no-store"])
    assert done.exit_code == 2
    assert "unknown standard 'BEN-99'" in done.output


def test_columns_the_dataset_does_not_declare_are_named_on_the_console(tmp_path: Path
                                                                      ) -> None:
    lines = (Path(STANDARDS) / "extracts" / "claims.csv").read_text(encoding="utf-8")
    lines = lines.splitlines()
    extended = lines[:3] + [line + ",Notes" for line in lines[3:]]
    path = tmp_path / "claims.csv"
    path.write_text("\n".join(extended) + "\n", encoding="utf-8")
    done = runner.invoke(app, ["check", "--standards", STANDARDS, *out_and_store(tmp_path),
                               "--standard", "BEN-01", "--data", f"claims={path}"])
    assert done.exit_code == 1, done.output
    assert "columns not declared in the dataset (ignored): Notes" in done.output
    record = json.loads((tmp_path / "results.json").read_text())
    assert record["datasets"][0]["files"][0]["unexpected_columns"] == ["Notes"]


def out_and_store(tmp_path: Path) -> list[str]:
    """Outputs and the alert store in the test's own folder, not beside the standards."""
    return ["--out", str(tmp_path), "--store", f"sqlite:///{tmp_path}/store.sqlite"]


def test_an_extract_of_only_its_header_fails_a_scheduled_run(tmp_path: Path) -> None:
    """No row in the period of the as-of date: BEN-01 has no figure to publish, a high
    no_data alert says so, and the run exits 1 unless --fail-on never (it was 0: a
    scheduled job showed green)."""
    lines = (ROOT / "standards" / "extracts" / "claims.csv").read_text(
        encoding="utf-8-sig").splitlines()
    empty = tmp_path / "claims.csv"
    empty.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    args = ["check", "--standards", STANDARDS, "--data", f"claims={empty}",
            "--standard", "BEN-01"]
    done = runner.invoke(app, [*args, *out_and_store(tmp_path / "a")])
    assert done.exit_code == 1, done.output
    assert "claims: 0 rows read" in done.output and "no_data" in (
        tmp_path / "a" / "alerts.csv").read_text(encoding="utf-8-sig")
    quiet = runner.invoke(app, [*args, *out_and_store(tmp_path / "b"), "--fail-on", "never"])
    assert quiet.exit_code == 0, quiet.output
