"""``compliance explain``: every shipped standard in plain words, its targets and its query."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.cli import app
from engine.load import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
STANDARDS = ROOT / "standards"


@pytest.mark.parametrize("sid", sorted(load_catalogue(STANDARDS).standards))
def test_every_shipped_standard_explains(sid: str) -> None:
    done = CliRunner().invoke(app, ["explain", sid, "--standards", str(STANDARDS)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"{sid} — ")
    for heading in ("Statement:", "Measure:", "Periods:", "Segments:", "Target history:",
                    "Query (DuckDB SQL"):
        assert heading in done.output
    assert "SELECT" in done.output


def test_ben01_states_its_target_history_and_rule() -> None:
    done = CliRunner().invoke(app, ["explain", "BEN-01", "--standards", str(STANDARDS),
                                    "--no-sql"])
    assert done.exit_code == 0, done.output
    assert ("from the start: at least 80%, a warning below 82%; minimum sample 30 "
            "(until 2025-04-01)") in done.output
    assert "from 2025-04-01: at least 85%, a warning below 87%; minimum sample 30" \
        in done.output
    assert "within 28 days of lodged_date, the limit included" in done.output
    assert "SELECT" not in done.output


def test_an_unknown_standard_is_a_usage_error_with_a_suggestion() -> None:
    done = CliRunner().invoke(app, ["explain", "BEN-1", "--standards", str(STANDARDS)])
    assert done.exit_code == 2
    assert "unknown standard 'BEN-1'" in done.output
    assert "BEN-01" in done.output
    assert "Traceback" not in done.output


EXAMPLES = sorted(p.parent for p in (ROOT / "examples").glob("*/catalogue.yaml"))


@pytest.mark.parametrize("folder", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_catalogue_is_valid_and_explains(folder: Path) -> None:
    """The real-data examples need their data to run, but not to load and explain."""
    for sid in load_catalogue(folder).standards:
        done = CliRunner().invoke(app, ["explain", sid, "--standards", str(folder)])
        assert done.exit_code == 0, done.output
        assert "Target history:" in done.output
