"""A reading benchmark: the engine's reader against raw CSV and XLSX readers.

``python -m bench`` generates (once, cached) a seeded claims extract in the shape of
``standards/extracts/claims.csv``, times every reader in fresh subprocesses and prints a
table per format with the goals. See ``bench/README.md``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project folder, holding standards/
CACHE = Path(__file__).resolve().parent / ".cache"
AS_OF = dt.date(2025, 6, 30)
# The shape of standards/extracts/claims.csv (kept here so that timed children import no
# more than their reader needs).
TITLE = ["Benefit claims extract - Case Management System", "Extracted 30/06/2025 23:59"]
HEADER = ["Claim ID", "Benefit Type", "Region", "Channel", "Lodged Date", "Decided Date",
          "Outcome", "Entitlement Date", "First Payment Date"]
SHEET = "Claims"  # like the example workbooks: one named data sheet, the title block on top
