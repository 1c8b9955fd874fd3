"""The same inputs give the same results.json, alerts.csv and cases.csv, byte for byte
apart from what is the run's own, whatever the order of the rows or of the files
(issue 10).

Each ``compliance check`` runs on the shipped example in its own process, with its own
``PYTHONHASHSEED`` (an order that follows a set's iteration would show), and compares:

* the same extracts twice: identical but for the run's id and start;
* every extract's data rows shuffled (the title and header rows kept in place; the
  workbooks rewritten with openpyxl): identical but for the run's id and start, each
  file's digest, and the extract row each case or reject cites — those are where a row
  now is, which is the point of citing them;
* the claims split in two files, given in either order (``--data claims=GLOB``; the halves
  swap names, each keeps its rows): identical once each file is named by its digest —
  row numbers included.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPARED = ("results.json", "alerts.csv", "cases.csv", "tracking.csv", "rejects.csv")
# Rows above the data: title block and header (the CSV ones by CSV record).
CSV_ABOVE = {"claims.csv": (4, ","), "client_survey.csv": (1, ","), "complaints.csv": (1, ";")}
XLSX_ABOVE = {"payment_qa.xlsx": 1, "telephony.xlsx": 4}


def _check(tmp: Path, name: str, seed: int, *data: str) -> dict[str, bytes]:
    standards = tmp / "standards"
    out = tmp / name
    args = [sys.executable, "-c", "from engine.cli import main; main()", "check",
            "--standards", str(standards), "--no-store", "--out", str(out)]
    for d in data:
        args += ["--data", d]
    done = subprocess.run(args, env={**os.environ, "PYTHONHASHSEED": str(seed)}, cwd=tmp,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stderr
    return {n: (out / n).read_bytes() for n in COMPARED}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("determinism")
    shutil.copytree(ROOT / "standards", tmp / "standards",
                    ignore=shutil.ignore_patterns(".compliance"))
    return tmp


@pytest.fixture(scope="module")
def first(work: Path) -> dict[str, bytes]:
    return _check(work, "first", 1)


def _blank_run(doc: dict[str, Any]) -> dict[str, Any]:
    doc["run"]["id"] = doc["run"]["started_at"] = "…"
    return doc


def _results(found: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(found["results.json"])


def test_the_same_extracts_twice_give_the_same_files(work: Path,
                                                     first: dict[str, bytes]) -> None:
    again = _check(work, "again", 2)
    assert _blank_run(_results(again)) == _blank_run(_results(first))
    for name in ("alerts.csv", "cases.csv", "tracking.csv", "rejects.csv"):
        assert again[name] == first[name], name
    # Byte for byte, not only equal as JSON: the same keys in the same order.
    run_lines = (b'"id": ', b'"started_at": ')
    assert [line for line in again["results.json"].splitlines()
            if not line.strip().startswith(run_lines)] == \
        [line for line in first["results.json"].splitlines()
         if not line.strip().startswith(run_lines)]


def _shuffled_copy(src: Path, dst: Path, seed: int) -> None:
    """The standards folder with every extract's data rows in another order."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".compliance"))
    rng = random.Random(seed)
    for name, (above, delimiter) in CSV_ABOVE.items():
        raw = (src / "extracts" / name).read_bytes()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""),
                               delimiter=delimiter))
        body = rows[above:]
        rng.shuffle(body)
        text = io.StringIO(newline="")
        csv.writer(text, delimiter=delimiter,
                   lineterminator="\r\n" if b"\r\n" in raw else "\n").writerows(
            rows[:above] + body)
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        (dst / "extracts" / name).write_text(bom + text.getvalue(), encoding="utf-8",
                                             newline="")
    for name, above in XLSX_ABOVE.items():
        book = openpyxl.load_workbook(src / "extracts" / name)
        sheet = book.worksheets[0]
        body = [[c.value for c in row] for row in sheet.iter_rows(min_row=above + 1)]
        rng.shuffle(body)
        for row, values in zip(sheet.iter_rows(min_row=above + 1), body, strict=True):
            for cell, value in zip(row, values, strict=True):
                cell.value = value
        book.save(dst / "extracts" / name)


def _blank_rows(doc: dict[str, Any]) -> dict[str, Any]:
    """Without what a row's place in its file decides: digests and cited rows."""
    for ds in doc["datasets"]:
        for f in ds["files"]:
            f["sha256"] = "…"
    for alert in doc["alerts"]:
        for case in alert["evidence"].get("cases", []):
            case["extract_row"] = "…"
    return doc


def _csv_without(found: dict[str, bytes], name: str, column: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(found[name].decode("utf-8-sig"), newline="")))
    at = rows[0].index(column)
    return [[v if i != at else "…" for i, v in enumerate(r)] for r in rows]


def test_rows_in_another_order_give_the_same_files_but_the_rows_cited(
        work: Path, first: dict[str, bytes]) -> None:
    shuffled_root = work / "shuffled"
    _shuffled_copy(work / "standards", shuffled_root / "standards", seed=7)
    shuffled = _check(shuffled_root, "out", 3)
    mine, theirs = _results(first), _results(shuffled)
    for doc in (mine, theirs):  # the copy is another folder: its paths differ by that
        text = json.dumps(doc).replace(str(work / "standards"), "STANDARDS") \
            .replace(str(shuffled_root / "standards"), "STANDARDS")
        doc.clear()
        doc.update(json.loads(text))
    assert _blank_rows(_blank_run(theirs)) == _blank_rows(_blank_run(mine))
    assert shuffled["alerts.csv"].replace(
        str(shuffled_root / "standards").encode(), str(work / "standards").encode()) \
        == first["alerts.csv"]
    assert [r[:-2] for r in _csv_without(shuffled, "cases.csv", "row")] == \
        [r[:-2] for r in _csv_without(first, "cases.csv", "row")]
    # Rejects are listed by file and row, so by where they now are: the same set (a
    # repeated key's reject names the other rows: by their numbers too).
    assert sorted(map(_rows_unsaid, _csv_without(shuffled, "rejects.csv", "row"))) == \
        sorted(map(_rows_unsaid, _csv_without(first, "rejects.csv", "row")))


def _rows_unsaid(reject: list[str]) -> tuple[str, ...]:
    return tuple(re.sub(r"\brow \d+", "row …", cell) for cell in reject)


def test_a_dataset_split_in_files_given_in_either_order_gives_the_same_files(
        work: Path) -> None:
    lines = (work / "standards" / "extracts" / "claims.csv").read_text(
        encoding="utf-8").splitlines(keepends=True)
    title, body = lines[:4], lines[4:]
    halves = [body[:len(body) // 2], body[len(body) // 2:]]
    found = []
    for order, seed in (((0, 1), 4), ((1, 0), 5)):
        folder = work / f"split{order[0]}"
        folder.mkdir()
        for part, half in enumerate(order, start=1):  # the halves swap names
            (folder / f"claims_part{part}.csv").write_text("".join(title + halves[half]),
                                                           encoding="utf-8")
        found.append(_named_by_digest(_check(work, f"split{order[0]}-out", seed,
                                             f"claims={folder}/claims_part*.csv")))
    assert _blank_run(found[0]["results.json"]) == _blank_run(found[1]["results.json"])
    for name in ("alerts.csv", "cases.csv", "rejects.csv", "tracking.csv"):
        assert found[0][name] == found[1][name], name


def _named_by_digest(found: dict[str, bytes]) -> dict[str, Any]:
    """Each claims file named by its digest, its files listed in digest order."""
    doc = _results(found)
    names = {f["path"]: f["sha256"] for ds in doc["datasets"] for f in ds["files"]}
    for ds in doc["datasets"]:
        ds["files"].sort(key=lambda f: f["sha256"])
    text = json.dumps(doc)
    out: dict[str, Any] = {}
    for name in ("alerts.csv", "cases.csv", "rejects.csv", "tracking.csv"):
        out[name] = found[name].decode("utf-8-sig")
    for path, digest in names.items():
        text = text.replace(json.dumps(path)[1:-1], digest)
        for name in out:
            out[name] = out[name].replace(path, digest)
    out["results.json"] = json.loads(text)
    rows = out["rejects.csv"].splitlines()  # listed by file: now by digest
    out["rejects.csv"] = "\n".join(rows[:1] + sorted(rows[1:]))
    return out
