"""Progress: the run tells its stages to a listener; the command line draws them as bars
on a terminal and draws nothing when its output goes to a file or a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from engine.cli import app
from engine.progress import Progress
from engine.run import check

ROOT = Path(__file__).resolve().parents[1]
STANDARDS = ROOT / "standards"


class Heard(Progress):
    def __init__(self) -> None:
        self.stages: list[tuple[str, int, list[str]]] = []
        self.open = False

    def start(self, stage: str, total: int) -> None:
        assert not self.open, "a stage began before the last one finished"
        self.stages.append((stage, total, []))
        self.open = True

    def step(self, label: str) -> None:
        assert self.open
        self.stages[-1][2].append(label)

    def finish(self) -> None:
        self.open = False


def test_the_run_tells_each_stage_and_each_step(tmp_path: Path) -> None:
    heard = Heard()
    check(STANDARDS, out=tmp_path, progress=heard)
    assert not heard.open
    # One stage per dataset (read, then measured while its rows are in memory), then
    # the decisions and the outputs.
    assert [(s, total) for s, total, _ in heard.stages] == [
        ("Checking claims", 6), ("Checking client_survey", 6), ("Checking complaints", 6),
        ("Checking payment_qa", 4), ("Checking telephony", 6), ("Deciding and tracking", 1),
        ("Writing", 1)]
    assert heard.stages[0][2] == [
        "reading", "measuring BEN-01 Benefit claims decided within 28 days",
        "measuring PEN-01 New retirement pensions paid within 30 days of entitlement",
        "open cases BEN-01 Benefit claims decided within 28 days",
        "open cases PEN-01 New retirement pensions paid within 30 days of entitlement",
        "demand"]
    assert "measuring CMP-01 Complaints acknowledged within 2 business days" in \
        heard.stages[2][2]
    assert all(len(labels) == total for _, total, labels in heard.stages)


def test_nothing_is_drawn_when_the_output_is_not_a_terminal(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["check", "--standards", str(STANDARDS), "--no-store",
                                    "--out", str(tmp_path)])
    assert done.exit_code == 1
    assert "Checking" not in done.output and "measuring" not in done.output


def test_a_terminal_sees_the_stages_as_bars(tmp_path: Path) -> None:
    main, side = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120")
    run = subprocess.Popen(
        [sys.executable, "-c", "from engine.cli import main; main()", "check",
         "--standards", str(STANDARDS),
         "--no-store", "--out", str(tmp_path)],
        stdin=side, stdout=side, stderr=side, env=env, cwd=ROOT, close_fds=True)
    os.close(side)
    seen = b""
    while select.select([main], [], [], 120)[0]:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the run is over
            break
        if not chunk:
            break
        seen += chunk
    assert run.wait(timeout=120) == 1
    text = seen.decode("utf-8", "replace")
    for stage in ("Checking claims", "measuring", "open cases", "Writing"):
        assert stage in text, text[-2000:]
    assert "BEN-01 Benefit claims decided within 28 days" in text
    assert "Service standards — as of 2025-06-30" in text  # the results follow the bars
