"""Open cases in shapes the other case tests leave out: hundreds late at once (finding the
day each fell due then takes several runs of the query, each trying every case on many
days), and a kind with a deadline of its own (``advance_notice``: the last day notice can
be given in time). The extract's rows come in no particular order.

Each is run through the public API (``engine.run.check``, via ``measure_cases.run``); the
day each case is due is worked out by hand from its dates.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from measure_cases import run

from engine.model.policy import KINDS

CLAIMS = {"id": "string", "lodged": "date", "decided": "date", "region": "category"}
WITHIN_28 = {"measure": {"share_within": {"from": "lodged", "to": "decided", "limit": "28 days",
                                          "open_cases": "count_when_overdue"}},
             "period": {"kind": "month", "by": "lodged"}, "segments": ["region"],
             "target": {"at_least": "80%"}}
CASE_ALERTS = {"default": {k: "off" for k in KINDS}
               | {"case_overdue": "on", "case_at_risk": {"within": "5 days"}}}


def case_alerts(outcome: Any) -> dict[str, list[tuple[str, str]]]:
    """(case, complete_by) of each case alert's evidence, in its order."""
    return {a.kind: [(c["case"], c["complete_by"]) for c in a.evidence["cases"]]
            for a in outcome.record.alerts}


def test_hundreds_of_late_cases_each_fall_due_on_their_own_day(tmp_path: Path) -> None:
    # 400 open claims lodged a day apart, the youngest on 7 June: each must be decided 28
    # days after it was lodged. The five youngest are due 1 to 5 July (at risk); the other
    # 395 fell due from 30 June back to 1 June 2024, each on its own day.
    lodged = {f"C{k:03d}": dt.date(2025, 6, 7) - dt.timedelta(days=k) for k in range(400)}
    rows = [[cid, day.isoformat(), None, "West" if k % 3 else "East"]
            for k, (cid, day) in enumerate(lodged.items())]
    rows += [["done", "2025-06-01", "2025-06-20", "West"],   # decided: not a case
             ["later", "2025-06-08", None, "West"]]          # due 6 July: not within 5 days
    random.Random(7).shuffle(rows)
    outcome = run(tmp_path, CLAIMS, WITHIN_28, rows, key=["id"], policy=CASE_ALERTS)
    due = {cid: (day + dt.timedelta(days=28)).isoformat() for cid, day in lodged.items()}
    oldest_first = sorted(lodged, key=lodged.__getitem__)
    assert case_alerts(outcome) == {
        "case_overdue": [(cid, due[cid]) for cid in oldest_first[:395]],
        "case_at_risk": [(cid, due[cid]) for cid in oldest_first[395:]],
    }
    assert due[oldest_first[0]] == "2024-06-01" and due[oldest_first[394]] == "2025-06-30"


NOTICES = {"id": "string", "effective": "date", "notified": "date", "region": "category"}
NOTICE_30 = {"measure": {"advance_notice": {"event": "notified", "before": "effective",
                                            "notice": "30 days",
                                            "open_cases": "count_when_overdue"}},
             "period": {"kind": "month", "by": "effective"}, "target": {"at_least": "80%"}}


def test_a_notice_not_yet_given_is_due_the_last_day_it_can_be_given_in_time(
        tmp_path: Path) -> None:
    # 30 days' notice: a change taking effect on 30 July must be notified by 30 June.
    rows: list[list[Any]] = [
        ["N-late", "2025-07-20", None, "West"],           # due 20 June: 10 days ago
        ["N-asof", "2025-07-30", None, "East"],           # due the as-of date: late now
        ["N-given", "2025-07-25", "2025-06-20", "West"],  # notified: not a case
        ["N-risk5", "2025-08-04", None, "West"],          # due 5 July: at risk
        ["N-risk1", "2025-07-31", None, "East"],          # due 1 July: at risk, first
        ["N-later", "2025-08-05", None, "West"],          # due 6 July: not within 5 days
        ["N-blank", None, None, "West"]]                  # no date to give notice before
    outcome = run(tmp_path, NOTICES, NOTICE_30, rows, key=["id"], policy=CASE_ALERTS)
    assert case_alerts(outcome) == {
        "case_overdue": [("N-late", "2025-06-20"), ("N-asof", "2025-06-30")],
        "case_at_risk": [("N-risk1", "2025-07-01"), ("N-risk5", "2025-07-05")],
    }
    (overdue,) = [a for a in outcome.record.alerts if a.kind == "case_overdue"]
    assert overdue.message.endswith(
        "Cases: N-late (due 2025-06-20, 10 days ago; effective 2025-07-20); N-asof (due "
        "2025-06-30; effective 2025-07-30). Owner: Tests. Next step: complete the listed "
        "cases, oldest first (cases.csv lists them too); they already count as not met.")


def test_a_notice_due_more_than_two_years_back_is_found_on_its_day(tmp_path: Path) -> None:
    # 1,000 days' notice of a change taking effect on 8 October 2025: due 12 January 2023,
    # further back than the two years the search used to look (it said 1 July 2023).
    notice = {**NOTICE_30, "measure": {"advance_notice": {
        **NOTICE_30["measure"]["advance_notice"], "notice": "1000 days"}}}
    rows: list[list[Any]] = [["N-long", "2025-10-08", None, "West"]]
    outcome = run(tmp_path, NOTICES, notice, rows, key=["id"], policy=CASE_ALERTS)
    assert case_alerts(outcome) == {"case_overdue": [("N-long", "2023-01-12")]}
