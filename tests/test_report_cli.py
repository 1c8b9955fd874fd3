"""`compliance check --report` and `compliance report`: the workbook and the statement,
written at the end of a run or rebuilt later from the store without recomputing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import engine.measure
from engine.cli import app
from engine.store import Store

ROOT = Path(__file__).resolve().parents[1]
STANDARDS = str(ROOT / "standards")
runner = CliRunner()


def store_of(folder: Path) -> str:
    return f"sqlite:///{folder}/store.sqlite"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the shipped example with both reports and a store."""
    folder = tmp_path_factory.mktemp("checked")
    done = runner.invoke(app, ["check", "--standards", STANDARDS, "--out", str(folder),
                               "--store", store_of(folder), "--report", "xlsx,html"])
    assert done.exit_code == 1, done.output
    return folder


def test_check_writes_both_reports_and_lists_them(checked: Path) -> None:
    record = json.loads((checked / "results.json").read_text())
    book = openpyxl.load_workbook(checked / "report.xlsx")
    assert "Summary" in book.sheetnames
    assert {s["id"] for s in record["standards"]} <= set(book.sheetnames)
    html = (checked / "report.html").read_text()
    assert "Our service performance" in html  # catalogue.yaml's publication title
    assert all(s["title"] in html for s in record["standards"])


def test_report_rebuilds_both_from_the_store_without_measuring(
        checked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_measuring(*_: object, **__: object) -> None:
        raise AssertionError("compliance report must not measure")

    monkeypatch.setattr(engine.measure, "measure_standard", no_measuring)
    done = runner.invoke(app, ["report", "--store", store_of(checked), "--out",
                               str(tmp_path)])
    assert done.exit_code == 0, done.output
    record = json.loads((checked / "results.json").read_text())
    assert f"Run {record['run']['id'][:8]}, as of 2025-06-30" in done.output
    assert (tmp_path / "report.html").read_text() == (checked / "report.html").read_text()
    assert sheets(tmp_path / "report.xlsx") == sheets(checked / "report.xlsx")


def test_report_picks_a_run_by_the_start_of_its_id_and_lists_the_runs(
        checked: Path, tmp_path: Path) -> None:
    run_id = json.loads((checked / "results.json").read_text())["run"]["id"]
    listed = runner.invoke(app, ["report", "--store", store_of(checked), "--list"])
    assert listed.exit_code == 0 and run_id in listed.output and "1 run(s) kept" in \
        listed.output
    done = runner.invoke(app, ["report", "--store", store_of(checked), "--run", run_id[:6],
                               "--out", str(tmp_path), "--format", "html"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "report.html").exists() and not (tmp_path / "report.xlsx").exists()
    missing = runner.invoke(app, ["report", "--store", store_of(checked), "--run", "zzz",
                                  "--out", str(tmp_path)])
    assert missing.exit_code == 2
    assert "no run whose id starts with 'zzz'" in missing.output


def test_report_from_results_json_reads_the_rejects_beside_it(checked: Path,
                                                             tmp_path: Path) -> None:
    done = runner.invoke(app, ["report", "--results", str(checked / "results.json"),
                               "--out", str(tmp_path), "--format", "xlsx"])
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    values = {c.value for row in book["Rejects"].iter_rows() for c in row}
    assert {749, 2282, 3119, 3661, 4474, 5282} <= values


def test_a_larger_suppression_threshold_hides_the_figures(checked: Path,
                                                          tmp_path: Path) -> None:
    done = runner.invoke(app, ["report", "--store", store_of(checked), "--out",
                               str(tmp_path), "--format", "html", "--suppress-below",
                               "100000"])
    assert done.exit_code == 0, done.output
    html = (tmp_path / "report.html").read_text()
    assert "94.8%" in (checked / "report.html").read_text()
    assert "94.8%" not in html and "Suppressed" in html


@pytest.mark.parametrize(("args", "words", "hint"), [
    (["check", "--report", "pdf"], "unknown report format 'pdf'", "--report xlsx,html"),
    (["report", "--format", "xlsx,docx"], "unknown report format 'docx'",
     "--format xlsx,html"),
])
def test_an_unknown_format_is_a_usage_error(args: list[str], words: str, hint: str,
                                            tmp_path: Path) -> None:
    done = runner.invoke(app, [*args, "--standards", STANDARDS, "--out", str(tmp_path),
                               "--store", store_of(tmp_path)])
    assert done.exit_code == 2, done.output
    assert words in done.output and hint in done.output
    assert not (tmp_path / "results.json").exists()  # refused before reading anything


def test_an_empty_store_says_to_run_check_first(tmp_path: Path) -> None:
    Store(store_of(tmp_path))
    done = runner.invoke(app, ["report", "--store", store_of(tmp_path), "--out",
                               str(tmp_path)])
    assert done.exit_code == 2
    assert "no run is kept in this store" in done.output
    assert "run compliance check first" in done.output


def test_a_damaged_results_json_is_named_with_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "results.json"
    bad.write_text('{"schema_version": "1.5", "run": {}}')
    done = runner.invoke(app, ["report", "--results", str(bad), "--out", str(tmp_path)])
    assert done.exit_code == 3
    assert str(bad) in done.output and "is not a results.json" in done.output
    assert "Traceback" not in done.output


def sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in book.worksheets}


def test_a_missing_results_json_or_a_foreign_rejects_csv_is_named(checked: Path,
                                                                   tmp_path: Path) -> None:
    missing = runner.invoke(app, ["report", "--results", str(tmp_path / "results.json"),
                                  "--out", str(tmp_path)])
    assert missing.exit_code == 3
    assert "results.json: cannot be read" in missing.output
    (tmp_path / "results.json").write_bytes((checked / "results.json").read_bytes())
    (tmp_path / "rejects.csv").write_text("id,reason\n1,bad\n", encoding="utf-8")
    foreign = runner.invoke(app, ["report", "--results", str(tmp_path / "results.json"),
                                  "--out", str(tmp_path / "out")])
    assert foreign.exit_code == 3
    assert "rejects.csv: has the columns id, reason, not dataset, file, row" in \
        " ".join(foreign.output.split())
    assert "Traceback" not in foreign.output
