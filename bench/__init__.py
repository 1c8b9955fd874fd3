"""A reading benchmark: the engine's reader against raw CSV and XLSX readers.

``python -m bench`` generates (once, cached) a seeded claims extract in the shape of
``standards/extracts/claims.csv``, times every reader in fresh subprocesses and prints a
table per format with the goals. See ``bench/README.md``.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the project folder, holding standards/
# Generated extracts and figures; BENCH_CACHE puts them elsewhere (the tests that run the
# benchmarks on a few thousand rows do, to leave this folder alone).
CACHE = Path(os.environ.get("BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
AS_OF = dt.date(2025, 6, 30)
# The shape of standards/extracts/claims.csv (kept here so that timed children import no
# more than their reader needs).
TITLE = ["Benefit claims extract - Case Management System", "Extracted 30/06/2025 23:59"]
HEADER = ["Claim ID", "Benefit Type", "Region", "Channel", "Lodged Date", "Decided Date",
          "Outcome", "Entitlement Date", "First Payment Date"]
SHEET = "Claims"  # like the example workbooks: one named data sheet, the title block on top


def compliance_check(args: list[str], out: Path) -> dict[str, Any]:
    """``compliance check ARGS --format json --out OUT`` in this process (the command
    line's own entry point, inside the caller's timer); its printed JSON goes to
    ``OUT/stdout.json``. Returns ``results.json``; raises unless it exits 0 or 1."""
    import contextlib
    import json
    import sys

    from engine import cli

    out.mkdir(parents=True, exist_ok=True)
    sys.argv = ["compliance", "check", *args, "--format", "json", "--out", str(out)]
    code: object = 0
    with (out / "stdout.json").open("w") as printed, contextlib.redirect_stdout(printed):
        try:
            cli.main()
        except SystemExit as done:
            code = done.code
    if code not in (0, 1, None):  # 1: breaches found, as expected
        raise RuntimeError(f"compliance check exited with {code}; see {out}")
    record: dict[str, Any] = json.loads((out / "results.json").read_text())
    return record
