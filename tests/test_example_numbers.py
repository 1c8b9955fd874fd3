"""The shipped example's published numbers, recomputed independently from the extracts.

These tests read the extract files with the standard library (csv) and openpyxl, apply
each standard's rules by hand, and compare with what ``compliance check`` produced.
They share no code with the engine's reader or measures.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import holidays
import openpyxl
import pytest

from engine.model.results import Result, Verdict
from engine.run import Outcome, check

ROOT = Path(__file__).resolve().parents[1]
EXTRACTS = ROOT / "standards" / "extracts"
AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    return check(ROOT / "standards", out=tmp_path_factory.mktemp("out"))


def results_of(outcome: Outcome, standard: str) -> dict[tuple[str, str], Result]:
    return {
        (r.period, ";".join(f"{k}={v}" for k, v in r.segment.items())): r
        for r in outcome.record.results if r.standard == standard
    }


def day(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def expected_verdict(num: int, den: int, at_least: int, warning: int | None, minimum: int
                     ) -> Verdict:
    if den < minimum:
        return Verdict.insufficient_data
    value = Fraction(num * 100, den)
    if value < at_least:
        return Verdict.breach
    return Verdict.warning if warning is not None and value < warning else Verdict.met


def test_ben01_recomputed_from_the_csv(outcome: Outcome) -> None:
    with (EXTRACTS / "claims.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[3]
    records = [dict(zip(header, r, strict=True)) for r in rows[4:] if any(r)]
    # The rows the extract's declaration rejects: blank id, bad date, the duplicated id
    # (both copies), decision before lodgement, decision after the as-of date.
    ids = [r["Claim ID"] for r in records]
    dupes = {i for i in ids if ids.count(i) > 1}
    num: dict[tuple[str, str], int] = defaultdict(int)
    den: dict[tuple[str, str], int] = defaultdict(int)
    for r in records:
        if not r["Claim ID"] or r["Claim ID"] in dupes or r["Lodged Date"] == "31/02/2025":
            continue
        lodged, decided = day(r["Lodged Date"]), day(r["Decided Date"])
        assert lodged is not None
        if decided and (decided < lodged or decided > AS_OF):
            continue
        if r["Benefit Type"] == "Death grant" or r["Outcome"] == "Withdrawn":
            continue
        if decided is None:
            if (AS_OF - lodged).days < 28:
                continue  # open, and a decision tomorrow would still be in time
            # Open 28 days or more at the end of the as-of day: it can no longer be met.
            month, met = AS_OF.strftime("%Y-%m"), False  # open and overdue: a miss now
        else:
            month, met = decided.strftime("%Y-%m"), (decided - lodged).days <= 28
        for segment in ("", f"region={r['Region']}"):
            den[month, segment] += 1
            num[month, segment] += met
    got = results_of(outcome, "BEN-01")
    assert set(got) == set(den)
    for key, total in den.items():
        result = got[key]
        assert (result.numerator, result.denominator) == (num[key], total), key
        at_least, warning = (85, 87) if key[0] >= "2025-04" else (80, 82)
        assert result.verdict is expected_verdict(num[key], total, at_least, warning, 30), key


def test_call01_recomputed_from_the_workbook(outcome: Outcome) -> None:
    sheet = openpyxl.load_workbook(EXTRACTS / "telephony.xlsx", read_only=True)[
        "Daily queue stats"]
    num: dict[tuple[str, str], int] = defaultdict(int)
    den: dict[tuple[str, str], int] = defaultdict(int)
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if not isinstance(row[0], dt.datetime | dt.date):
            continue  # blank rows and the footnote
        month = row[0].strftime("%Y-%m")
        for segment in ("", f"queue={row[1]}"):
            num[month, segment] += int(row[4])
            den[month, segment] += int(row[2])
    got = results_of(outcome, "CALL-01")
    assert set(got) == set(den)
    for key, total in den.items():
        assert (got[key].numerator, got[key].denominator) == (num[key], total), key
        assert got[key].verdict is expected_verdict(num[key], total, 80, 82, 100), key


def test_cmp01_business_days_recomputed(outcome: Outcome) -> None:
    closed = set(holidays.country_holidays("CA", subdiv="ON", years=[2025]))

    def business_days_after(start: dt.date, end: dt.date) -> int:
        days = (start + dt.timedelta(n) for n in range(1, (end - start).days + 1))
        return sum(1 for d in days if d.weekday() < 5 and d not in closed)

    with (EXTRACTS / "complaints.csv").open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle, delimiter=";"))
    num: dict[tuple[str, str], int] = defaultdict(int)
    den: dict[tuple[str, str], int] = defaultdict(int)
    for r in records:
        received, acked = day(r["Received"]), day(r["Acknowledged"])
        assert received is not None
        if acked is None:
            if business_days_after(received, AS_OF) <= 2:
                continue
            met = False
        else:
            met = business_days_after(received, acked) <= 2
        month = received.strftime("%Y-%m")
        for segment in ("", f"channel={r['Channel']}"):
            den[month, segment] += 1
            num[month, segment] += met
    got = results_of(outcome, "CMP-01")
    assert set(got) == set(den)
    for key, total in den.items():
        assert (got[key].numerator, got[key].denominator) == (num[key], total), key


def test_reconciliation_holds_for_every_dataset(outcome: Outcome) -> None:
    for ds in outcome.record.datasets:
        assert ds.rows_read == ds.rows_used + ds.rows_filtered + ds.rows_rejected, ds.name
        assert sum(f.rows for f in ds.filtered_by) == ds.rows_filtered
        assert sum(ds.rejected_by.values()) == ds.rows_rejected


def test_the_injected_bad_claims_are_rejected_at_their_spreadsheet_rows(outcome: Outcome
                                                                        ) -> None:
    rejects = {(r.row, r.reason) for r in outcome.extracts["claims"].rejects}
    assert rejects == {
        (749, "duplicate_key"), (4474, "duplicate_key"), (2282, "bad_date"),
        (3119, "missing_value"), (3661, "decided_before_lodged"),
        (5282, "decided_in_future"),
    }
