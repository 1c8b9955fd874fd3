"""Read extracts: files → one typed table per dataset, plus every rejected row with its reason.

``read_dataset`` is the entry point. Whatever the file format, the result is an
:class:`Extract` whose table has the dataset's declared columns (typed) and two
provenance columns, ``_file`` and ``_row`` (the row number as a spreadsheet shows it).
Reconciliation always holds: rows read = rows used + rows filtered + rows rejected.
"""

from __future__ import annotations

from engine.read.extract import Extract, Reject, read_dataset

__all__ = ["Extract", "Reject", "read_dataset"]
