"""Real public extracts (../shared/realdata, see each folder's SOURCES.md) read in place.

They are never copied into the repository; where the folder is absent these tests skip.
Counts are checked against Python's csv module reading the same file independently.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import pytest

from engine.model.dataset import Dataset
from engine.read import read_dataset

# Beside the checkout by default; REALDATA=/path points elsewhere.
REALDATA = Path(os.environ.get("REALDATA", Path(__file__).resolve().parents[2] / "shared"
                               / "realdata"))
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(),
                       reason=f"real public data not found at {REALDATA} (shared/realdata)"),
]


def records(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1  # less the header


def test_boston_311_cases_with_timestamps() -> None:
    path = REALDATA / "boston-311-sla" / "boston311_2019_7types.csv"
    ds = Dataset.model_validate({
        "name": "boston_311", "title": "Boston 311 service requests", "files": "x",
        "key": ["case_enquiry_id"],
        "columns": {
            "case_enquiry_id": {"required": True},
            "open_dt": {"type": "datetime", "required": True},
            "sla_target_dt": {"type": "datetime"},
            "closed_dt": {"type": "datetime"},
            "on_time": {"type": "category", "values": ["ONTIME", "OVERDUE"]},
            "case_status": {"type": "category", "values": ["Open", "Closed"]},
            "type": {},
        },
    })
    ex = read_dataset(ds, [path], dt.date(2020, 1, 1))
    assert ex.rows_read == records(path) == ex.rows_used  # every case, none rejected
    assert "closure_reason" in ex.files[0].unexpected_columns
    first = ex.table.slice(0, 1).to_pylist()[0]
    assert (first["_row"], first["case_enquiry_id"]) == (2, "101002767909")
    assert first["open_dt"] == dt.datetime(2019, 1, 1, 4, 11)
    assert first["closed_dt"] == dt.datetime(2019, 10, 1, 11, 5, 6)


@pytest.mark.parametrize(("target_met", "rejected"), [
    ({"type": "boolean"}, True),  # the file writes NA where no target applies
    ({"type": "category", "values": ["Y", "N", "NA"]}, False),
], ids=["as-boolean", "as-category"])
def test_government_of_canada_service_standards(target_met: dict[str, object],
                                                rejected: bool) -> None:
    path = REALDATA / "gc-service-standards" / "gc_ss_2023-24.csv"
    ds = Dataset.model_validate({
        "name": "gc_standards", "title": "GC service standards 2023-24", "files": "x",
        "columns": {
            "fiscal_yr": {"required": True}, "service_id": {"required": True},
            "service_standard_id": {"required": True}, "service_name_fr": {},
            "target": {"type": "decimal"}, "volume_meeting_target": {"type": "integer"},
            "total_volume": {"type": "integer"}, "performance": {"type": "decimal"},
            "target_met": target_met,
        },
    })
    ex = read_dataset(ds, [path], dt.date(2025, 1, 1))
    assert ex.rows_read == records(path)  # a byte-order mark, quoted commas, French text
    assert ex.rows_read == ex.rows_used + ex.rows_filtered + ex.rows_rejected
    reasons = {(r.column, r.reason, r.value) for r in ex.rejects}
    assert reasons == ({("target_met", "not_a_boolean", "NA")} if rejected else set())
    rows = {(r["service_standard_id"]): r for r in ex.table.to_pylist()}
    contact = rows["3261"]  # AAFC contact centre: answer calls within 60 seconds
    assert (contact["target"], contact["volume_meeting_target"], contact["total_volume"],
            contact["performance"]) == (0.9, 31283, 31689, 0.9872)
