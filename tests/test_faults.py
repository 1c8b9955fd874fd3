"""Faults that are not the user's typing: a standard that cannot be computed on the rows
given (exit 3, the standard named), and a fault in the engine itself (exit 4, never 1,
which means breaches; the traceback kept in a file, not printed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compliance(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from engine.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def test_a_calculation_that_overflows_on_the_rows_stops_with_exit_3_naming_the_standard(
        tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(ROOT / "standards", standards)
    call = standards / "contact_centre" / "CALL-01.yaml"
    # Valid against the dataset's types, but with hundreds of calls a day the product of
    # seven counts passes 2^63, the largest whole number a query holds.
    product = " * ".join(["calls_offered"] * 7)
    call.write_text(call.read_text().replace(
        "dataset: telephony\n", f"dataset: telephony\npopulation: {product} > 0\n"))
    done = compliance("check", "--standards", str(standards), "--no-store",
                      "--out", str(tmp_path / "out"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    message = " ".join(done.stderr.split())
    assert "CALL-01: cannot be computed on this extract" in message
    assert (tmp_path / "out" / "rejects.csv").exists()  # what was read is still listed
    assert "overflow" in message.lower()


def test_a_fault_in_the_engine_exits_4_and_keeps_the_traceback_in_a_file(
        tmp_path: Path) -> None:
    code = ("import sys, engine.run\n"
            "def broken(*args, **kwargs):\n"
            "    raise RuntimeError('something the engine did not expect')\n"
            "engine.run.check = broken\n"
            "from engine.cli import main\n"
            "sys.argv = ['compliance', 'check', '--no-store', '--out', sys.argv[1]]\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 4
    said = " ".join(done.stderr.split())
    assert "Traceback" not in said
    assert ("Internal error: RuntimeError: something the engine did not expect. This is a "
            "fault in the engine, not in your standards or data.") in said
    kept = re.search(r"The details are in (\S+\.txt):", said)
    assert kept is not None, said
    details = Path(kept.group(1))
    try:
        text = details.read_text()
    finally:
        details.unlink()
    assert "Traceback" in text and "something the engine did not expect" in text


def test_a_dataset_file_linking_out_of_the_folder_is_a_standards_problem_exit_2(
        tmp_path: Path) -> None:
    standards = tmp_path / "standards"
    shutil.copytree(ROOT / "standards", standards)
    elsewhere = tmp_path / "elsewhere.csv"
    shutil.move(standards / "extracts" / "claims.csv", elsewhere)
    (standards / "extracts" / "claims.csv").symlink_to(elsewhere)
    done = compliance("check", "--standards", str(standards), "--no-store",
                      "--out", str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr  # the folder is wrong, not the data
    message = " ".join(done.stderr.split())
    assert "outside the standards folder" in message and "Traceback" not in message
