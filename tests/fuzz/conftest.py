"""Show how many inputs each fuzz target tried, and how they ended, after the test run."""

from __future__ import annotations

import pytest

from .harness import LONG, summary_lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = summary_lines()
    if not lines:
        return
    terminalreporter.section("fuzz" + (" (long mode)" if LONG else ""))
    for line in lines:
        terminalreporter.write_line(line)
